import ipaddr from 'ipaddr.js';
import { cidrSpan, parseCidr, parseIpv4 } from '../../../src/net/ipv4';

describe('parseIpv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['198.51.100.7', 0xc6336407],
    ['255.255.255.255', 0xffffffff],
    ['10.0.255.1', 0x0a00ff01],
  ])('reads %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '1.2.3.', '.1.2.3', '1..2.3', '256.1.1.1', '1.2.3.1000', '01.2.3.4', '1.2.3.00', '0x1.2.3.4', '1.2.3.4 ', ' 1.2.3.4', '+1.2.3.4', '1.2.3.-4', '1.2.3.٤', '1e2.1.1.1', '4294967295'])(
    'refuses %j',
    (text) => {
      expect(parseIpv4(text)).toBeNull();
    },
  );

  // The parser is written by hand for speed; ipaddr.js's strict dotted quad is the reference.
  it('agrees with ipaddr.js on every octet and on random near-addresses', () => {
    const reference = (text: string) => (ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text).toByteArray().reduce((n, b) => n * 256 + b, 0) : null);
    for (let i = 0; i < 300; i++) expect(parseIpv4(`${i}.${i}.0.${i}`)).toBe(reference(`${i}.${i}.0.${i}`));
    let seed = 11;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const alphabet = '0123456789....x ';
    for (let round = 0; round < 5000; round++) {
      const text = Array.from({ length: 1 + rand(16) }, () => alphabet[rand(alphabet.length)]).join('');
      expect(parseIpv4(text)).toBe(reference(text));
    }
  });
});

describe('cidrSpan', () => {
  // The overlap check reads a server's networks with it; parseCidr is the rule it must keep.
  it.each(['10.1.2.0/24', '10.1.2.77/24', '0.0.0.0/0', '198.51.100.7/32', '255.255.255.255/31', '10.0.0.0/8', '1.2.3.4', '1.2.3.4/33', '1.2.3.4/', '1.2.3.4/-1', '01.2.3.4/8', '1.2.3.4/024', ''])(
    'spans what parseCidr does for %j',
    (text) => {
      const parsed = parseCidr(text);
      expect(cidrSpan(text)).toEqual(parsed === null ? null : { first: parsed.cidr.first, last: parsed.cidr.last });
    },
  );

  it('spans a /24 from its first to its last address', () => {
    expect(cidrSpan('10.1.2.77/24')).toEqual({ first: 0x0a010200, last: 0x0a0102ff });
  });
});
