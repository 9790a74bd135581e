import { BadUserInputError } from '../errors';
import { Cidr, formatIPv4, parseIPv4 } from './ipv4';

export interface IpRange {
  start: string;
  end: string;
}

/** Two pools are the same pool when their ranges are (a file's pools have no other identity). */
export function sameRanges(a: readonly IpRange[], b: readonly IpRange[]): boolean {
  return a.length === b.length && a.every((r, i) => r.start === b[i].start && r.end === b[i].end);
}

interface NumericRange {
  start: number;
  end: number;
  label: string;
}

/**
 * Checks the ranges of new pools against their subnet and against each other and the ranges already
 * in the subnet: inside the subnet, not reversed, not overlapping. Every refusal is BAD_USER_INPUT naming
 * the offending range's field, `<prefix>ranges[i]`. Returns them in canonical text form.
 */
export function checkRanges(subnet: Cidr, ranges: IpRange[], existing: IpRange[] = [], prefix = ''): IpRange[] {
  if (ranges.length === 0) throw new BadUserInputError('a pool needs at least one range', `${prefix}ranges`);
  const checked = ranges.map((r, i) => {
    const field = `${prefix}ranges[${i}]`;
    const start = parseIPv4(r.start, `${field}.start`);
    const end = parseIPv4(r.end, `${field}.end`);
    if (end < start) throw new BadUserInputError(`${field}: ${r.start} - ${r.end} is reversed`, field);
    if (start < subnet.first || end > subnet.last) {
      throw new BadUserInputError(`${field}: ${r.start} - ${r.end} is not inside ${subnet.text}`, field);
    }
    if (subnet.prefix < 31 && (start === subnet.first || end === subnet.last)) {
      throw new BadUserInputError(`${field}: ${r.start} - ${r.end} includes the network or broadcast address of ${subnet.text}`, field);
    }
    return { start, end, label: `${formatIPv4(start)} - ${formatIPv4(end)}`, field };
  });
  const taken: NumericRange[] = existing.map((r) => ({ start: parseIPv4(r.start, 'range'), end: parseIPv4(r.end, 'range'), label: `${r.start} - ${r.end}` }));
  for (const r of checked) {
    const other = taken.find((o) => r.start <= o.end && o.start <= r.end);
    if (other) throw new BadUserInputError(`${r.field}: range ${r.label} overlaps ${other.label}`, r.field);
    taken.push(r);
  }
  return checked.map((r) => ({ start: formatIPv4(r.start), end: formatIPv4(r.end) }));
}
