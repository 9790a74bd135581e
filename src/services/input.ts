import type { IpRange } from '../domain';
import { BadUserInputError } from '../errors';
import { Cidr, formatIpv4, parseCidr, parseIpv4 } from '../net/ipv4';

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
 * subnet: inside the subnet (not its network or broadcast address), not reversed, not overlapping.
 * Returns them in canonical text form.
 */
export function checkRanges(subnet: Cidr, ranges: IpRange[], existing: IpRange[] = []): IpRange[] {
  if (!Array.isArray(ranges) || ranges.length === 0) throw new BadUserInputError('a pool needs at least one range', 'ranges');
  const checked = ranges.map((r, i) => {
    const field = `ranges[${i}]`;
    const start = ipv4Input(r.start, `${field}.start`);
    const end = ipv4Input(r.end, `${field}.end`);
    if (end < start) throw new BadUserInputError(`${field}: ${r.start} - ${r.end} is reversed`, field);
    if (start < subnet.first || end > subnet.last) {
      throw new BadUserInputError(`${field}: ${r.start} - ${r.end} is not inside ${subnet.text}`, field);
    }
    if (subnet.prefix < 31 && (start === subnet.first || end === subnet.last)) {
      throw new BadUserInputError(`${field}: ${r.start} - ${r.end} includes the network or broadcast address of ${subnet.text}`, field);
    }
    return { start, end, field, label: `${formatIpv4(start)} - ${formatIpv4(end)}` };
  });
  const all = [
    ...existing.map((r) => ({ start: parseIpv4(r.start) ?? 0, end: parseIpv4(r.end) ?? 0, field: null, label: `${r.start} - ${r.end}` })),
    ...checked,
  ].sort((a, b) => a.start - b.start);
  for (let i = 1; i < all.length; i++) {
    if (all[i].start <= all[i - 1].end) {
      const field = all[i].field ?? all[i - 1].field ?? 'ranges';
      throw new BadUserInputError(`${field}: range ${all[i].label} overlaps ${all[i - 1].label}`, field);
    }
  }
  return checked.map((r) => ({ start: formatIpv4(r.start), end: formatIpv4(r.end) }));
}

/** Echo a user's value back without letting control characters or huge strings into the message. */
function printable(value: unknown): string {
  const s = String(value);
  return (s.length > 64 ? s.slice(0, 64) + '…' : s).replace(/[\u0000-\u001f\u007f]/g, '?');
}
