import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Site } from '../helpers/site';
import { addServer } from '../helpers/operations';

const ADD_SERVER = addServer('{ name unmatchedFailoverPeers }');
const REL = `query($name: String!) { failoverRelationship(name: $name) { name status percentage mclt port loadBalanceMaxSeconds maxResponseDelay maxUnackedUpdates primaryServer { name } secondaryServer { name } scopes { network failoverRole server { name } pools { ranges { start end } failoverRelationship { name } } } } }`;
const SEEDS = path.resolve(__dirname, '../../seeds/imported-pair');

describe('import of hand-made failover configs', () => {
  let site: Site;
  beforeEach(async () => {
    site = await Site.start();
    for (const f of ['dhcp-p.conf', 'dhcp-s.conf']) copyFileSync(path.join(SEEDS, f), path.join(site.configRoot, f));
  });
  afterEach(() => site.stop());

  const register = (name: string, address: string) => site.ok(ADD_SERVER, { input: { name, address, configPath: `${name}.conf` } });

  const expectCampus = async () => {
    const { failoverRelationship: rel } = await site.ok(REL, { name: 'campus' });
    expect(rel).toMatchObject({
      status: 'NORMAL', percentage: 75, mclt: 1800, port: 647, loadBalanceMaxSeconds: 5, maxResponseDelay: 30, maxUnackedUpdates: 10,
      primaryServer: { name: 'dhcp-p' }, secondaryServer: { name: 'dhcp-s' },
    });
    expect(rel.scopes.map((s: any) => `${s.server.name} ${s.network} ${s.failoverRole}`).sort()).toEqual([
      'dhcp-p 198.51.100.0/24 PRIMARY',
      'dhcp-s 198.51.100.0/24 SECONDARY',
    ]);
    expect(rel.scopes[0].pools).toHaveLength(2);
    expect(rel.scopes[0].pools[0].failoverRelationship).toEqual({ name: 'campus' });
  };

  test('a peer whose partner is not registered is listed as unmatched until the partner registers (primary first)', async () => {
    const before = site.snapshotFiles();
    expect((await register('dhcp-p', '192.0.2.20')).addServer.unmatchedFailoverPeers).toEqual(['campus']);
    expect((await site.ok(REL, { name: 'campus' })).failoverRelationship).toBeNull();
    expect((await register('dhcp-s', '192.0.2.21')).addServer.unmatchedFailoverPeers).toEqual([]);
    expect((await site.ok(`{ server(name: "dhcp-p") { unmatchedFailoverPeers } }`)).server.unmatchedFailoverPeers).toEqual([]);
    await expectCampus();
    expect(site.snapshotFiles()).toEqual(before);
  });

  test('registering in the other order gives the same relationship, read back from the declarations', async () => {
    await register('dhcp-s', '192.0.2.21');
    await register('dhcp-p', '192.0.2.20');
    await expectCampus();
  });

  test('where a scope\'s pools name different peers, the first pool\'s peer counts', async () => {
    const text = site.file('dhcp-p').replace('pool {\n\t\tfailover peer "campus";\n\t\trange 198.51.100.160', 'pool {\n\t\tfailover peer "other";\n\t\trange 198.51.100.160');
    writeFileSync(path.join(site.configRoot, 'dhcp-p.conf'), text);
    await register('dhcp-p', '192.0.2.20');
    await register('dhcp-s', '192.0.2.21');
    const { server } = await site.ok(`{ server(name: "dhcp-p") { scopes { network authority failoverRelationship { name } } } }`);
    expect(server.scopes.find((s: any) => s.network === '198.51.100.0/24')).toMatchObject({ authority: 'campus', failoverRelationship: { name: 'campus' } });
    expect(server.scopes.find((s: any) => s.network === '203.0.113.0/24')).toMatchObject({ authority: 'dhcp-p', failoverRelationship: null });
  });

  test('syncServer takes over what changed in the file outside the gateway', async () => {
    await register('dhcp-p', '192.0.2.20');
    await register('dhcp-s', '192.0.2.21');
    const file = path.join(site.configRoot, 'dhcp-p.conf');
    const edited = site
      .file('dhcp-p')
      .replace('split 192;', 'split 64;')
      .replace('subnet 203.0.113.0 netmask 255.255.255.0 {\n\tpool {\n\t\trange 203.0.113.10 203.0.113.20;\n\t}\n}\n', 'subnet 203.0.113.0 netmask 255.255.255.0 {\n\tpool {\n\t\trange 203.0.113.10 203.0.113.20;\n\t}\n\tpool {\n\t\trange 203.0.113.30 203.0.113.40;\n\t}\n}\nsubnet 198.18.0.0 netmask 255.255.255.0 {\n}\n');
    writeFileSync(file, edited);
    await site.ok(`mutation { syncServer(name: "dhcp-p") { name } }`);
    expect(site.file('dhcp-p')).toBe(edited);
    const { failoverRelationship } = await site.ok(REL, { name: 'campus' });
    expect(failoverRelationship.percentage).toBe(25);
    const { server } = await site.ok(`{ server(name: "dhcp-p") { scopes { network pools { ranges { start end } } } } }`);
    expect(server.scopes.map((s: any) => s.network)).toEqual(['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '198.18.0.0/24']);
    expect(server.scopes[2].pools).toHaveLength(2);
  });

  test('a file the parser cannot read is refused with every problem listed, and nothing is registered', async () => {
    writeFileSync(path.join(site.configRoot, 'broken.conf'), 'subnet 198.18.0.0 netmask 255.255.255.0 {\n  pool {\n    range 198.18.0.10 198.18.0.20;\n');
    const error = await site.refused(ADD_SERVER, { input: { name: 'broken', address: '192.0.2.40', configPath: 'broken.conf' } });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/line \d+/);
    expect((await site.ok(`{ servers { name } }`)).servers).toEqual([]);
  });
});

describe('relationships imported from declarations that disagree', () => {
  test('take the primary\'s values in either registration order', async () => {
    const results: unknown[] = [];
    for (const order of [['dhcp-p', 'dhcp-s'], ['dhcp-s', 'dhcp-p']]) {
      const site = await Site.start();
      try {
        copyFileSync(path.join(SEEDS, 'dhcp-p.conf'), path.join(site.configRoot, 'dhcp-p.conf'));
        writeFileSync(path.join(site.configRoot, 'dhcp-s.conf'), readFileSync(path.join(SEEDS, 'dhcp-s.conf'), 'utf8').replace('max-response-delay 30;', 'max-response-delay 45;'));
        const addresses: Record<string, string> = { 'dhcp-p': '192.0.2.20', 'dhcp-s': '192.0.2.21' };
        for (const name of order) await site.ok(ADD_SERVER, { input: { name, address: addresses[name], configPath: `${name}.conf` } });
        const rel = (await site.ok(REL, { name: 'campus' })).failoverRelationship;
        rel.scopes.sort((x: any, y: any) => x.failoverRole.localeCompare(y.failoverRole));
        results.push(rel);
      } finally {
        await site.stop();
      }
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toMatchObject({ maxResponseDelay: 30, primaryServer: { name: 'dhcp-p' } });
  });

  test('a peer declared for a partner that is not registered cannot be taken over by a new relationship', async () => {
    const site = await Site.start();
    try {
      copyFileSync(path.join(SEEDS, 'dhcp-p.conf'), path.join(site.configRoot, 'dhcp-p.conf'));
      writeFileSync(path.join(site.configRoot, 'other.conf'), 'ddns-update-style none;\n');
      await site.ok(ADD_SERVER, { input: { name: 'dhcp-p', address: '192.0.2.20', configPath: 'dhcp-p.conf' } });
      await site.ok(ADD_SERVER, { input: { name: 'other', address: '192.0.2.99', configPath: 'other.conf' } });
      const error = await site.refused(`mutation { createFailoverRelationship(input: { name: "campus", primaryServer: "dhcp-p", secondaryServer: "other" }) { id } }`);
      expect(error.code).toBe('CONFLICT');
    } finally {
      await site.stop();
    }
  });
});
