import { readFileSync } from 'node:fs';
import path from 'node:path';
import { leaseRecord, type LeaseFields } from '../../../bench/lease-file';
import { countAddresses, LeaseParser, mergeTables, readLeases, spansOf, TableBuilder, utilizationOf, UtilizationLevel, type LeaseTable } from '../../../src/leases';
import { loadSettings } from '../../../src/config';
import { LocalFiles } from '../../../src/transport/local';

const T0 = 1_714_557_600;

/** A lease table from records as dhcpd writes them. */
function table(records: [string, LeaseFields][], readAt = new Date('2024-05-01T12:00:00Z')): LeaseTable {
  const builder = new TableBuilder();
  const parser = new LeaseParser(builder.add);
  parser.push(records.map(([address, f]) => leaseRecord(address, f)).join(''));
  return builder.build(parser.end(), readAt);
}

const POOL = [{ start: '198.51.100.10', end: '198.51.100.19' }];
const thresholds = { warningPercent: 80, criticalPercent: 95 };

describe('counting addresses from a lease table', () => {
  test('counts the last record of each address in the ranges; addresses without a record, released and reset ones are free', () => {
    const t = table([
      ['198.51.100.10', { state: 'active' }],
      ['198.51.100.11', { state: 'active' }],
      ['198.51.100.12', { state: 'bootp' }],
      ['198.51.100.13', { state: 'backup' }],
      ['198.51.100.14', { state: 'expired' }],
      ['198.51.100.15', { state: 'abandoned' }],
      ['198.51.100.16', { state: 'released' }],
      ['198.51.100.17', { state: 'reset' }],
      ['198.51.100.10', { state: 'free' }],
      ['198.51.100.20', { state: 'active' }],
      ['198.51.100.9', { state: 'active' }],
    ]);
    expect(countAddresses(t, spansOf(POOL))).toEqual({ size: 10, active: 2, free: 5, backup: 1, expired: 1, abandoned: 1 });
  });

  test('counts overlapping or repeated ranges once', () => {
    const t = table([['198.51.100.12', { state: 'active' }]]);
    const ranges = [...POOL, { start: '198.51.100.15', end: '198.51.100.25' }, ...POOL];
    expect(countAddresses(t, spansOf(ranges))).toMatchObject({ size: 16, active: 1, free: 15 });
  });

  test('turns the percentage of active addresses into a level by the thresholds', () => {
    const at = new Date();
    const level = (active: number) => utilizationOf({ size: 20, active, free: 20 - active, backup: 0, expired: 0, abandoned: 0 }, at, thresholds).level;
    expect([level(15), level(16), level(18), level(19), level(20)]).toEqual([
      UtilizationLevel.OK,
      UtilizationLevel.WARNING,
      UtilizationLevel.WARNING,
      UtilizationLevel.CRITICAL,
      UtilizationLevel.CRITICAL,
    ]);
    expect(utilizationOf({ size: 20, active: 5, free: 15, backup: 0, expired: 0, abandoned: 0 }, at, thresholds)).toMatchObject({ percent: 25, readAt: at });
    expect(utilizationOf({ size: 0, active: 0, free: 0, backup: 0, expired: 0, abandoned: 0 }, at, thresholds)).toMatchObject({ percent: 0, level: UtilizationLevel.OK });
  });
});

describe("a pair's table, merged from both servers' lease files", () => {
  test('keeps each address once, with the newer record: a renewal on one side, an expiry on the other; a tie goes to the busier state', () => {
    const primary = table(
      [
        // the secondary renewed .10 alone while their link was down
        ['198.51.100.10', { state: 'active', at: T0 }],
        // the primary expired .11 after the lease both knew of ended
        ['198.51.100.11', { state: 'expired', at: T0, length: 600 }],
        ['198.51.100.12', { state: 'active', at: T0 }],
        ['198.51.100.13', { state: 'free', at: T0 }],
        ['198.51.100.14', { state: 'active', at: T0 }],
      ],
      new Date('2024-05-01T12:00:00Z'),
    );
    const secondary = table(
      [
        ['198.51.100.10', { state: 'active', at: T0 + 300 }],
        ['198.51.100.11', { state: 'active', at: T0, length: 600 }],
        ['198.51.100.12', { state: 'active', at: T0 }],
        ['198.51.100.13', { state: 'backup', at: T0 }],
        ['198.51.100.15', { state: 'backup', at: T0 }],
      ],
      new Date('2024-05-01T11:59:00Z'),
    );
    const pair = mergeTables(primary, secondary);
    // .10 .12 .14 active, .11 expired, .13 (free on the primary, backup on the secondary, same time) and .15 backup
    expect(countAddresses(pair, spansOf(POOL))).toEqual({ size: 10, active: 3, free: 4, backup: 2, expired: 1, abandoned: 0 });
    expect(pair.ips.length).toBe(6);
    expect(pair.times[0]).toBe((T0 + 300) * 1000);
    expect(pair.readAt).toEqual(new Date('2024-05-01T11:59:00Z'));
    // the same either way round
    expect(countAddresses(mergeTables(secondary, primary), spansOf(POOL))).toEqual(countAddresses(pair, spansOf(POOL)));
  });
});

describe('the lease files of a real dhcpd 4.4 pair (test/fixtures/leases, written in the namespace lab)', () => {
  // The lab pool 198.51.100.100–150: pool balancing gave the secondary its backup share, then a client took .124
  // from the secondary, which told the primary (both files have the binding, several times over).
  const FIXTURES = path.resolve(__dirname, '../../fixtures/leases');
  const LAB_POOL = [{ start: '198.51.100.100', end: '198.51.100.150' }];
  const files = new LocalFiles(loadSettings({}).hooksFor('lab'), null);

  async function read(name: string): Promise<LeaseTable> {
    const builder = new TableBuilder();
    const summary = await readLeases(files.stream(path.join(FIXTURES, name)), builder.add);
    return builder.build(summary, new Date());
  }

  /** The last binding state per address by a regular expression, as a second opinion. */
  function lastStates(name: string): Map<string, string> {
    const states = new Map<string, string>();
    for (const m of readFileSync(path.join(FIXTURES, name), 'utf8').matchAll(/^lease (\S+) \{[^}]*?^\s+binding state (\w+);/gms)) states.set(m[1], m[2]);
    return states;
  }

  test('reads every record, skips the failover state blocks and the server-duid, and counts as the file says', async () => {
    for (const name of ['lab-primary.leases', 'lab-secondary.leases']) {
      const text = readFileSync(path.join(FIXTURES, name), 'utf8');
      const t = await read(name);
      expect(t.summary).toEqual({ records: text.match(/^lease /gm)!.length, malformed: 0 });
      const states = [...lastStates(name).values()];
      const n = (s: string) => states.filter((x) => x === s).length;
      expect(countAddresses(t, spansOf(LAB_POOL))).toEqual({ size: 51, active: n('active'), free: 51 - n('active') - n('backup'), backup: n('backup'), expired: 0, abandoned: 0 });
      expect(n('active')).toBe(1);
    }
    const pair = mergeTables(await read('lab-primary.leases'), await read('lab-secondary.leases'));
    expect(countAddresses(pair, spansOf(LAB_POOL))).toMatchObject({ size: 51, active: 1 });
  });
});
