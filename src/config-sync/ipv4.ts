/**
 * The few IPv4 conversions the engine needs to read `subnet A netmask M` and
 * to check values before they are written. Strict dotted quads only: no
 * leading zeros, which some tools read as octal.
 */

/** The address as an unsigned 32-bit number, or null when it is not a dotted quad. */
export function parseIpv4(value: string): number | null {
  // A character scan: this runs for every address of a 2 MB file.
  let result = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return null;
      result = result * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      // No leading zeros: "010" is octal to some tools.
      if (digits > 0 && octet === 0) return null;
      octet = octet * 10 + (c - 48);
      if (octet > 255) return null;
      digits++;
    } else {
      return null;
    }
  }
  if (digits === 0 || dots !== 3) return null;
  return result * 256 + octet;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Prefix length of a contiguous netmask, or null for a mask with holes. */
export function prefixLength(mask: number): number | null {
  const inverted = ~mask >>> 0;
  // A contiguous mask inverted is 2^k - 1: adding one leaves a single bit set.
  if ((inverted & (inverted + 1)) !== 0) return null;
  return 32 - Math.log2(inverted + 1);
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export interface Cidr {
  address: number;
  prefix: number;
}

/** `A/len` with A a dotted quad and 0 ≤ len ≤ 32, or null. */
export function parseCidr(value: string): Cidr | null {
  const slash = value.indexOf('/');
  if (slash < 0) return null;
  const address = parseIpv4(value.slice(0, slash));
  const prefixText = value.slice(slash + 1);
  if (address === null || !/^\d{1,2}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= 32 ? { address, prefix } : null;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIpv4(cidr.address)}/${cidr.prefix}`;
}
