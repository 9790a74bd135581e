import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { leaseRecord, type LeaseFields } from '../../bench/lease-file';
import { PAIR_ADDRESSES, PEER, pairConfig } from '../../bench/pair-config';
import { loadSettings, SettingsError } from '../../src/config';
import { ADMIN_TOKEN, Site } from '../helpers/site';

const T0 = 1_714_557_600;
const COUNTS = 'size active free backup expired abandoned percent level readAt';

const UTILIZATION = `{
  servers { name scopes { network utilization { ${COUNTS} } pools { ranges { start } utilization { ${COUNTS} } } } }
  failoverRelationships { name utilization { ${COUNTS} } }
}`;

type Records = [string, LeaseFields][];
const leases = (records: Records) => records.map(([address, f]) => leaseRecord(address, f)).join('');

interface LeasePair {
  site: Site;
  leaseFile: Record<'primary' | 'secondary', string>;
  stop(): Promise<void>;
}

/**
 * The generated pair of bench/pair-config.ts with `subnets` subnets (10.0.<i>.0/24, pools .10–.99 and .100–.199;
 * the even ones in relationship "bench"), registered; each server's lease file lies in a folder of its own outside
 * CONFIG_ROOT, where GATEWAY_SERVERS_FILE names it (`settings` may add to that file).
 */
async function pairSite(subnets: number, settings: (files: LeasePair['leaseFile']) => object = (files) => ({ servers: { primary: { leases: files.primary }, secondary: { leases: files.secondary } } })): Promise<LeasePair> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-leases-'));
  const leaseFile = { primary: path.join(dir, 'primary', 'dhcpd.leases'), secondary: path.join(dir, 'secondary', 'dhcpd.leases') };
  for (const file of Object.values(leaseFile)) mkdirSync(path.dirname(file));
  const serversFile = path.join(dir, 'servers.json');
  writeFileSync(serversFile, JSON.stringify(settings(leaseFile)));
  const site = await Site.start({ GATEWAY_SERVERS_FILE: serversFile });
  for (const role of ['primary', 'secondary'] as const) writeFileSync(path.join(site.configRoot, `${role}.conf`), pairConfig(role, subnets));
  await site.ok(
    `mutation { a: addServer(input: { name: "primary", address: "${PAIR_ADDRESSES.primary}", configPath: "primary.conf" }) { id } b: addServer(input: { name: "secondary", address: "${PAIR_ADDRESSES.secondary}", configPath: "secondary.conf" }) { id } }`,
  );
  return {
    site,
    leaseFile,
    async stop() {
      await site.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const PRIMARY_LEASES: Records = [
  // an earlier record of .11: the last record of an address wins
  ['10.0.0.11', { state: 'free', at: T0 - 3600 }],
  ['10.0.0.10', { state: 'active', at: T0 }],
  ['10.0.0.11', { state: 'active', at: T0 }],
  ['10.0.0.12', { state: 'backup', at: T0 }],
  ['10.0.0.100', { state: 'expired', at: T0 }],
  ['10.0.0.101', { state: 'abandoned', at: T0 }],
  // in no pool: not counted
  ['10.0.0.200', { state: 'active', at: T0 }],
];

const SECONDARY_LEASES: Records = [
  ['10.0.0.10', { state: 'active', at: T0 }],
  ['10.0.0.11', { state: 'active', at: T0 + 60 }],
  ['10.0.0.12', { state: 'backup', at: T0 }],
  ['10.0.0.13', { state: 'active', at: T0 }],
  ['10.0.1.10', { state: 'active', at: T0 }],
];

function byNetwork(data: any, server: string): Record<string, any> {
  return Object.fromEntries(data.servers.find((s: any) => s.name === server).scopes.map((s: any) => [s.network, s]));
}

async function metricsText(site: Site): Promise<string> {
  const res = await fetch(`${site.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return res.text();
}

describe('pool utilisation from the lease files', () => {
  let pair: LeasePair;
  let site: Site;
  let leaseFile: LeasePair['leaseFile'];
  beforeEach(async () => {
    pair = await pairSite(2);
    ({ site, leaseFile } = pair);
  });
  afterEach(() => pair.stop());

  test("shows each server's own counts on its scopes and pools, and the pair's on the relationship, each address once", async () => {
    writeFileSync(leaseFile.primary, leases(PRIMARY_LEASES));
    writeFileSync(leaseFile.secondary, leases(SECONDARY_LEASES));
    const data = await site.ok(UTILIZATION);

    const primary = byNetwork(data, 'primary')['10.0.0.0/24'];
    expect(primary.utilization).toMatchObject({ size: 190, active: 2, free: 185, backup: 1, expired: 1, abandoned: 1, level: 'OK' });
    expect(primary.utilization.percent).toBeCloseTo((2 / 190) * 100, 10);
    expect(primary.pools.map((p: any) => p.utilization)).toMatchObject([
      { size: 90, active: 2, free: 87, backup: 1, expired: 0, abandoned: 0 },
      { size: 100, active: 0, free: 98, backup: 0, expired: 1, abandoned: 1 },
    ]);
    expect(byNetwork(data, 'primary')['10.0.1.0/24'].utilization).toMatchObject({ size: 190, active: 0, free: 190 });

    const secondary = byNetwork(data, 'secondary');
    expect(secondary['10.0.0.0/24'].utilization).toMatchObject({ size: 190, active: 3, free: 186, backup: 1, expired: 0, abandoned: 0 });
    expect(secondary['10.0.1.0/24'].utilization).toMatchObject({ size: 190, active: 1 });

    // 190 addresses on both servers are 190; .10 and .11 are active on both and count once; .13 only the secondary
    // has, .100 and .101 only the primary; 10.0.1.0/24 is in no relationship.
    const [rel] = data.failoverRelationships;
    expect(rel.name).toBe(PEER);
    expect(rel.utilization).toMatchObject({ size: 190, active: 3, free: 184, backup: 1, expired: 1, abandoned: 1, level: 'OK' });
    expect(new Date(rel.utilization.readAt).toISOString()).toBe(rel.utilization.readAt);
  });

  test('is null while a lease file cannot be read, and follows the file as dhcpd appends to it', async () => {
    const data = await site.ok(UTILIZATION);
    expect(byNetwork(data, 'primary')['10.0.0.0/24'].utilization).toBeNull();
    expect(byNetwork(data, 'primary')['10.0.0.0/24'].pools[0].utilization).toBeNull();
    expect(data.failoverRelationships[0].utilization).toBeNull();

    // One server's file alone is enough for the pair: failover gives each side every binding.
    writeFileSync(leaseFile.primary, leases([['10.0.0.10', { state: 'active' }]]));
    const one = await site.ok(UTILIZATION);
    expect(byNetwork(one, 'secondary')['10.0.0.0/24'].utilization).toBeNull();
    expect(one.failoverRelationships[0].utilization).toMatchObject({ size: 190, active: 1 });
    const firstRead = byNetwork(one, 'primary')['10.0.0.0/24'].utilization.readAt;

    // Unchanged: served from the cache (same read); appended: read again.
    const again = await site.ok(UTILIZATION);
    expect(byNetwork(again, 'primary')['10.0.0.0/24'].utilization.readAt).toBe(firstRead);
    await new Promise((r) => setTimeout(r, 5));
    appendFileSync(leaseFile.primary, leases([['10.0.0.11', { state: 'active' }], ['10.0.0.10', { state: 'released' }]]));
    const after = await site.ok(UTILIZATION);
    expect(byNetwork(after, 'primary')['10.0.0.0/24'].utilization).toMatchObject({ active: 1, free: 189 });
    expect(byNetwork(after, 'primary')['10.0.0.0/24'].utilization.readAt > firstRead).toBe(true);
  });

  test('is null for a lease file that cannot be read for another reason (a directory), and the cause is logged once', async () => {
    const lines: string[] = [];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-leases-'));
    const serversFile = path.join(dir, 'servers.json');
    writeFileSync(serversFile, JSON.stringify({ defaults: { leases: dir } }));
    const other = await Site.start({ GATEWAY_SERVERS_FILE: serversFile }, (line) => lines.push(line));
    try {
      writeFileSync(path.join(other.configRoot, 'primary.conf'), pairConfig('primary', 1));
      await other.ok(`mutation { addServer(input: { name: "primary", address: "${PAIR_ADDRESSES.primary}", configPath: "primary.conf" }) { id } }`);
      for (let i = 0; i < 2; i++) expect((await other.ok(UTILIZATION)).servers[0].scopes[0].utilization).toBeNull();
      expect(lines.filter((l) => l.includes('lease file'))).toEqual([`lease file of server "primary": cannot read ${path.basename(dir)} (EISDIR)`]);
    } finally {
      await other.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('puts gateway_pool_addresses{server,scope,state} on /metrics, read when scraped', async () => {
    writeFileSync(leaseFile.primary, leases(PRIMARY_LEASES));
    let text = await metricsText(site);
    expect(text).toContain('gateway_pool_addresses{server="primary",scope="10.0.0.0/24",state="active"} 2');
    expect(text).toContain('gateway_pool_addresses{server="primary",scope="10.0.0.0/24",state="free"} 185');
    expect(text).toContain('gateway_pool_addresses{server="primary",scope="10.0.0.0/24",state="backup"} 1');
    expect(text).toContain('gateway_pool_addresses{server="primary",scope="10.0.0.0/24",state="expired"} 1');
    expect(text).toContain('gateway_pool_addresses{server="primary",scope="10.0.0.0/24",state="abandoned"} 1');
    expect(text).toContain('gateway_pool_addresses{server="primary",scope="10.0.1.0/24",state="free"} 190');
    // no series for a server whose file cannot be read
    expect(text).not.toContain('server="secondary"');
    writeFileSync(leaseFile.secondary, leases(SECONDARY_LEASES));
    text = await metricsText(site);
    expect(text).toContain('gateway_pool_addresses{server="secondary",scope="10.0.1.0/24",state="active"} 1');
  });
});

describe('utilisation settings and cost', () => {
  test("levels follow the thresholds of GATEWAY_SERVERS_FILE, a server's own over the defaults; the pair takes its primary's", async () => {
    const pair = await pairSite(2, (files) => ({
      defaults: { utilization: { warningPercent: 5, criticalPercent: 50 } },
      servers: { primary: { leases: files.primary }, secondary: { leases: files.secondary, utilization: { criticalPercent: 10 } } },
    }));
    try {
      // 19 of 190 active: 10 percent
      const active: Records = Array.from({ length: 19 }, (_, i) => [`10.0.0.${10 + i}`, { state: 'active' }]);
      writeFileSync(pair.leaseFile.primary, leases(active));
      writeFileSync(pair.leaseFile.secondary, leases(active));
      const data = await pair.site.ok(UTILIZATION);
      expect(byNetwork(data, 'primary')['10.0.0.0/24'].utilization).toMatchObject({ percent: 10, level: 'WARNING' });
      expect(byNetwork(data, 'secondary')['10.0.0.0/24'].utilization).toMatchObject({ percent: 10, level: 'CRITICAL' });
      expect(data.failoverRelationships[0].utilization).toMatchObject({ percent: 10, level: 'WARNING' });
    } finally {
      await pair.stop();
    }
  });

  test('refuses a relative lease path, a threshold outside 0..100 and a warning above the critical threshold at start-up', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-settings-'));
    const load = (content: unknown) => {
      const file = path.join(dir, 'servers.json');
      writeFileSync(file, JSON.stringify(content));
      return () => loadSettings({ GATEWAY_SERVERS_FILE: file });
    };
    expect(load({ servers: { a: { leases: 'dhcpd.leases' } } })).toThrow(new SettingsError('GATEWAY_SERVERS_FILE: "leases" must be an absolute path'));
    expect(load({ defaults: { utilization: { warningPercent: 101 } } })).toThrow(/thresholds must be numbers from 0 to 100/);
    expect(load({ defaults: { utilization: { criticalPercent: 70 } } })).toThrow(/defaults: "utilization.warningPercent" is above "criticalPercent"/);
    expect(load({ servers: { a: { utilization: { warningPercent: 96 } } } })).toThrow(/a: "utilization.warningPercent" is above/);
    expect(load({ servers: { a: { leases: '/srv/a.leases', utilization: { warningPercent: 50 } } } })().hooksFor('a')).toMatchObject({
      leases: '/srv/a.leases',
      utilization: { warningPercent: 50, criticalPercent: 95 },
    });
    expect(loadSettings({}).hooksFor('x')).toMatchObject({ leases: '/var/lib/dhcp/dhcpd.leases', utilization: { warningPercent: 80, criticalPercent: 95 } });
    rmSync(dir, { recursive: true, force: true });
  });

  test('costs the same SQL statements at 4 and at 40 subnets per server: scopes, pools and servers come through the loaders', async () => {
    const statements = async (subnets: number) => {
      const pair = await pairSite(subnets);
      try {
        writeFileSync(pair.leaseFile.primary, leases(PRIMARY_LEASES));
        writeFileSync(pair.leaseFile.secondary, leases(SECONDARY_LEASES));
        const count = async () => (await pair.site.gateway.metrics.sqlStatements.get()).values[0]?.value ?? 0;
        const before = await count();
        await pair.site.ok(UTILIZATION);
        return (await count()) - before;
      } finally {
        await pair.stop();
      }
    };
    const small = await statements(4);
    expect(await statements(40)).toBe(small);
    expect(small).toBeLessThanOrEqual(8);
  });
});
