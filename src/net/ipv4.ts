import ipaddr from 'ipaddr.js';
import { BadUserInputError } from '../errors';

/** IPv4 helpers on top of ipaddr.js; addresses are handled as unsigned 32-bit numbers. */

export function parseIPv4(value: string, field: string): number {
  if (typeof value !== 'string' || !ipaddr.IPv4.isValidFourPartDecimal(value)) {
    throw new BadUserInputError(`${field}: "${printable(value)}" is not an IPv4 address in dotted-quad form`, field);
  }
  return toNumber(ipaddr.IPv4.parse(value));
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  network: number;
  prefix: number;
  /** canonical text, e.g. "192.0.2.0/24" */
  text: string;
  first: number;
  last: number;
}

/** A CIDR whose address lies on its network boundary ("192.0.2.0/24", not "192.0.2.7/24"). */
export function parseCidr(value: string, field: string): Cidr {
  const slash = typeof value === 'string' ? value.indexOf('/') : -1;
  if (slash < 0 || !ipaddr.IPv4.isValidFourPartDecimal(value.slice(0, slash)) || !/^\d{1,2}$/.test(value.slice(slash + 1))) {
    throw new BadUserInputError(`${field}: "${printable(value)}" is not an IPv4 CIDR like 192.0.2.0/24`, field);
  }
  let parsed: [ipaddr.IPv4, number];
  try {
    parsed = ipaddr.IPv4.parseCIDR(value);
  } catch {
    throw new BadUserInputError(`${field}: "${printable(value)}" is not an IPv4 CIDR like 192.0.2.0/24`, field);
  }
  const [addr, prefix] = parsed;
  const network = toNumber(ipaddr.IPv4.networkAddressFromCIDR(value));
  if (toNumber(addr) !== network) {
    throw new BadUserInputError(`${field}: "${value}" is not on its network boundary (did you mean ${formatIPv4(network)}/${prefix}?)`, field);
  }
  return cidrOf(network, prefix);
}

function cidrOf(network: number, prefix: number): Cidr {
  const size = 2 ** (32 - prefix);
  return { network, prefix, text: `${formatIPv4(network)}/${prefix}`, first: network, last: network + size - 1 };
}

function toNumber(addr: ipaddr.IPv4): number {
  const [a, b, c, d] = addr.octets;
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

/** Echo a user's value back without letting control characters or huge strings into the message. */
function printable(value: unknown): string {
  const s = String(value);
  return (s.length > 64 ? s.slice(0, 64) + '…' : s).replace(/[\u0000-\u001f\u007f]/g, '?');
}
