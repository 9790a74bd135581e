/** Generated dhcpd.leases files for npm run bench and the reader's tests, in the format dhcpd 4.4 writes. */
import type { BindingState } from '../src/leases';

export interface LeaseFields {
  state: BindingState;
  /** seconds since the epoch; the record's starts and cltt */
  at?: number;
  /** lease length in seconds; ends = at + length */
  length?: number;
  mac?: string;
  hostname?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const hex = (n: number) => (n & 255).toString(16).padStart(2, '0');

/** dhcpd's default date format: weekday year/month/day hour:minute:second, UTC. */
export function leaseDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getUTCDay()} ${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** One record as dhcpd writes it (failover fields included). */
export function leaseRecord(address: string, f: LeaseFields): string {
  const at = f.at ?? 1_714_557_600;
  const ends = at + (f.length ?? 600);
  const lines = [`lease ${address} {`, `  starts ${leaseDate(at)};`, `  ends ${leaseDate(ends)};`, `  tstp ${leaseDate(ends)};`, `  cltt ${leaseDate(at)};`, `  binding state ${f.state};`];
  if (f.state === 'active') lines.push('  next binding state free;', '  rewind binding state free;');
  if (f.mac) lines.push(`  hardware ethernet ${f.mac};`, `  uid "\\001${f.mac.split(':').map((b) => `\\${parseInt(b, 16).toString(8).padStart(3, '0')}`).join('')}";`);
  if (f.hostname) lines.push(`  client-hostname "${f.hostname}";`);
  return `${lines.join('\n')}\n}\n`;
}

const STATES: BindingState[] = ['active', 'active', 'active', 'active', 'active', 'free', 'backup', 'backup', 'expired', 'abandoned'];

/**
 * `count` records over the pools of bench/pair-config.ts (10.x.y.10–199 per /24), spread over `subnets` subnets
 * with a fixed mix of states; every 8th record is a later record of an address already written (dhcpd appends),
 * so last-record-wins is exercised at size. Returns the text and the final state of each address.
 */
export function generateLeaseFile(count: number, subnets: number): { text: string; finalStates: Map<string, BindingState> } {
  const finalStates = new Map<string, BindingState>();
  const parts = ['# The format of this file is documented in the dhcpd.leases(5) manual page.\n# This lease file was written by isc-dhcp-4.4.3-P1\n\nauthoring-byte-order little-endian;\n\n'];
  const perSubnet = Math.ceil(count / subnets);
  for (let i = 0; i < count; i++) {
    const repeat = i % 8 === 7;
    const n = repeat ? i - 5 : i;
    const subnet = n % subnets;
    const host = 10 + (Math.floor(n / subnets) % Math.min(190, perSubnet + 1));
    const address = `10.${subnet >> 8}.${subnet & 255}.${host}`;
    const state = STATES[(i * 7) % STATES.length];
    const mac = `52:54:00:${hex(n >> 16)}:${hex(n >> 8)}:${hex(n)}`;
    parts.push(leaseRecord(address, { state, at: 1_714_557_600 + i, mac, hostname: `host-${n}` }));
    finalStates.set(address, state);
  }
  return { text: parts.join(''), finalStates };
}
