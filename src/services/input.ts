import type { IpRange } from '../domain';
import { BadUserInputError } from '../errors';
import { Cidr, formatIpv4, overlaps, parseCidr, parseIpv4 } from '../net/ipv4';

/**
 * The API's checks of values a caller sends, before anything is read or written: the pure parsers of
 * src/net turned into BAD_USER_INPUT errors that name the field.
 */

/**
 * Names of servers, relationships, scopes and tokens end up inside quoted strings of dhcpd.conf and in log
 * lines, so only plain identifiers are accepted: ASCII letters, digits, and `.` `_` `-`, starting with a
 * letter or digit.
 */
const PLAIN_IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function checkName(value: string, field: string): string {
  if (typeof value !== 'string' || !PLAIN_IDENTIFIER.test(value)) {
    throw new BadUserInputError(
      `${field} must be a plain identifier: 1-63 ASCII letters, digits, ".", "_" or "-", starting with a letter or digit`,
      field,
    );
  }
  return value;
}

export function ipv4Input(value: string, field: string): number {
  const n = parseIpv4(value);
  if (n === null) throw new BadUserInputError(`${field}: "${printable(value)}" is not an IPv4 address in dotted-quad form`, field);
  return n;
}

/** A CIDR whose address lies on its network boundary ("192.0.2.0/24", not "192.0.2.7/24"). */
export function cidrInput(value: string, field: string): Cidr {
  const parsed = parseCidr(value);
  if (parsed === null) throw new BadUserInputError(`${field}: "${printable(value)}" is not an IPv4 CIDR like 192.0.2.0/24`, field);
  if (!parsed.onBoundary) {
    throw new BadUserInputError(`${field}: "${value}" is not on its network boundary (did you mean ${parsed.cidr.text}?)`, field);
  }
  return parsed.cidr;
}

/**
 * Ranges of a new pool, checked against their subnet and against each other and the ranges already in the
 * subnet: inside the subnet (not its network or broadcast address), not reversed, not overlapping. Every
 * refusal is BAD_USER_INPUT naming the offending range's field, `<prefix>ranges[i]`. Returns them in
 * canonical text form.
 */
export function checkRanges(subnet: Cidr, ranges: IpRange[], existing: IpRange[] = [], prefix = ''): IpRange[] {
  if (!Array.isArray(ranges) || ranges.length === 0) throw new BadUserInputError('a pool needs at least one range', `${prefix}ranges`);
  const checked = ranges.map((r, i) => {
    const field = `${prefix}ranges[${i}]`;
    const start = ipv4Input(r.start, `${field}.start`);
    const end = ipv4Input(r.end, `${field}.end`);
    if (end < start) throw new BadUserInputError(`${field}: ${r.start} - ${r.end} is reversed`, field);
    if (start < subnet.first || end > subnet.last) {
      throw new BadUserInputError(`${field}: ${r.start} - ${r.end} is not inside ${subnet.text}`, field);
    }
    if (subnet.prefix < 31 && (start === subnet.first || end === subnet.last)) {
      throw new BadUserInputError(`${field}: ${r.start} - ${r.end} includes the network or broadcast address of ${subnet.text}`, field);
    }
    return { first: start, last: end, field, label: `${formatIpv4(start)} - ${formatIpv4(end)}` };
  });
  const taken = existing.map((r) => ({ first: parseIpv4(r.start) ?? 0, last: parseIpv4(r.end) ?? 0, label: `${r.start} - ${r.end}` }));
  for (const r of checked) {
    const other = taken.find((o) => overlaps(o, r));
    if (other) throw new BadUserInputError(`${r.field}: range ${r.label} overlaps ${other.label}`, r.field);
    taken.push(r);
  }
  return checked.map((r) => ({ start: formatIpv4(r.first), end: formatIpv4(r.last) }));
}

/** Echo a user's value back without letting control characters or huge strings into the message. */
function printable(value: unknown): string {
  const s = String(value);
  return (s.length > 64 ? s.slice(0, 64) + '…' : s).replace(/[\u0000-\u001f\u007f]/g, '?');
}
