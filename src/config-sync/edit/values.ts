/**
 * Checks on every value the engine writes into a file. Whatever reaches the
 * text has passed one of these, so no value can end the statement it sits in
 * or open a new one.
 */
import { formatIpv4, maskOf, parseCidr, parseIpv4 } from '../../net/ipv4';

/** A value the engine refuses to write. */
export class ConfigValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigValueError';
  }
}

/**
 * The one place a string is quoted for the file. dhcpd strings take backslash
 * escapes, but rather than escaping, anything that could need one (quotes,
 * backslashes, control or non-ASCII characters) is refused: names are plain
 * identifiers by contract, so such a value is a bug upstream.
 */
export function quoteString(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      throw new ConfigValueError(`Refusing to write a string containing ${JSON.stringify(value[i])}: ${JSON.stringify(value)}`);
    }
  }
  return `"${value}"`;
}

export function checkIpv4(value: string, what: string): string {
  if (parseIpv4(value) === null) throw new ConfigValueError(`${what} must be an IPv4 address, got ${JSON.stringify(value)}`);
  return value;
}

export function checkInteger(value: number, min: number, max: number, what: string): string {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigValueError(`${what} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return String(value);
}

/** A key name written without quotes: letters, digits, `.`, `_` and `-`. */
export function checkIdentifier(value: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) {
    throw new ConfigValueError(`${what} must be a plain identifier, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function checkBase64(value: string, what: string): string {
  if (value.length === 0 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    throw new ConfigValueError(`${what} must be base64`);
  }
  return value;
}

/** `A/len` where A is the network address itself, as dhcpd requires of `subnet A netmask M`. */
export function checkNetwork(network: string): { address: string; netmask: string } {
  const parsed = parseCidr(network);
  if (parsed === null) throw new ConfigValueError(`Network must be written as A.B.C.D/len, got ${JSON.stringify(network)}`);
  const { cidr } = parsed;
  if (!parsed.onBoundary) throw new ConfigValueError(`${network} has host bits set; the network is ${cidr.text}`);
  return { address: formatIpv4(cidr.network), netmask: formatIpv4(maskOf(cidr.prefix)) };
}
