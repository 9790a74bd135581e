import { Site } from '../helpers/site';
import { addPool, addScopes, createRelationship, createScope, modifyRelationship, removeScopes, REMOVE_RELS } from '../helpers/operations';
import { DHCPD, expectPassesDhcpd } from '../helpers/dhcpd';
import { DATABASES } from '../helpers/postgres';
import { AB_PRIMARY, AB_SECONDARY, seedFile } from '../helpers/failover-pair';

const SERVERS = `{ servers { name address unmatchedFailoverPeers scopes { id network enabled authority failoverRole pools { ranges { start end } } } } }`;
const CREATE_REL = createRelationship('{ id name status percentage mclt port loadBalanceMaxSeconds maxResponseDelay maxUnackedUpdates primaryServer { name } secondaryServer { name } }');
const ADD_SCOPES = addScopes('{ name status scopes { id network authority failoverRole server { name } failoverPartner { id server { name } } pools { ranges { start end } failoverRelationship { name } } } }');
const REMOVE_SCOPES = removeScopes('{ name status scopes { id } }');
const ADD_POOL = addPool('{ id ranges { start end } failoverRelationship { name } scope { network } }');
const CREATE_SCOPE = createScope('{ id network name authority failoverRole failoverPartner { server { name } network } pools { ranges { start end } } }');
const MODIFY = modifyRelationship('{ name percentage primaryServer { name } secondaryServer { name } scopes { server { name } failoverRole } }');

// The same workflow on the embedded default and on PostgreSQL; each needs the real dhcpd.

describe.each(DATABASES)('a failover pair managed end to end through the API on %s', (database, available) => {
  if (!DHCPD || !available) {
    test.skip(`needs dhcpd and ${database}`, () => {});
    return;
  }
  let site: Site;
  let officeId: string;

  const scopeId = async (server: string, network: string): Promise<string> => {
    const { servers } = await site.ok<{ servers: any[] }>(SERVERS);
    return servers.find((s) => s.name === server).scopes.find((s: any) => s.network === network).id;
  };
  const bothFilesPassDhcpd = () => expectPassesDhcpd(site, 'dhcp-a', 'dhcp-b');

  beforeAll(async () => {
    site = await Site.startOn(database);
    await site.seed('failover-pair');
  });
  afterAll(() => site.stop());

  test('registering the servers imports their subnets and pools and writes nothing', async () => {
    const { servers } = await site.ok<{ servers: any[] }>(SERVERS);
    expect(servers.map((s) => s.name)).toEqual(['dhcp-a', 'dhcp-b']);
    const a = servers[0];
    expect(a.scopes.map((s: any) => s.network)).toEqual(['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/25']);
    expect(a.scopes[2].pools).toEqual([{ ranges: [{ start: '203.0.113.20', end: '203.0.113.59' }] }, { ranges: [{ start: '203.0.113.60', end: '203.0.113.99' }] }]);
    expect(a.scopes[1].authority).toBe('dhcp-a');
    expect(a.scopes[1].failoverRole).toBeNull();
    expect(site.file('dhcp-a')).toBe(seedFile('dhcp-a'));
    officeId = a.scopes[1].id;
  });

  test('creating a relationship stores it EMPTY with the defaults and writes nothing', async () => {
    const before = site.snapshotFiles();
    const { createFailoverRelationship: rel } = await site.ok(CREATE_REL, { input: { name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } });
    expect(rel).toMatchObject({ name: 'ab', status: 'EMPTY', percentage: 50, mclt: 3600, port: 647, loadBalanceMaxSeconds: 3, maxResponseDelay: 60, maxUnackedUpdates: 10 });
    expect(rel.primaryServer.name).toBe('dhcp-a');
    expect(site.snapshotFiles()).toEqual(before);
  });

  test('adding a scope writes both declarations, the peer in every pool, mirrors the scope, and reads NORMAL', async () => {
    const { addScopesToFailoverRelationship: rel } = await site.ok(ADD_SCOPES, { name: 'ab', ids: [officeId] });
    expect(rel.status).toBe('NORMAL');
    expect(rel.scopes).toHaveLength(2);
    const [primaryHalf, secondaryHalf] = rel.scopes;
    expect(primaryHalf).toMatchObject({ network: '198.51.100.0/24', authority: 'ab', failoverRole: 'PRIMARY', server: { name: 'dhcp-a' } });
    expect(secondaryHalf).toMatchObject({ network: '198.51.100.0/24', authority: 'ab', failoverRole: 'SECONDARY', server: { name: 'dhcp-b' } });
    expect(primaryHalf.failoverPartner.id).toBe(secondaryHalf.id);
    expect(secondaryHalf.failoverPartner.id).toBe(primaryHalf.id);
    expect(secondaryHalf.pools).toEqual([{ ranges: [{ start: '198.51.100.100', end: '198.51.100.199' }], failoverRelationship: { name: 'ab' } }]);

    const a = site.file('dhcp-a');
    const b = site.file('dhcp-b');
    expect(a).toContain(AB_PRIMARY);
    expect(b).toContain(AB_SECONDARY);
    // declared before the first declaration that refers to it
    expect(a.indexOf(AB_PRIMARY)).toBeLessThan(a.indexOf('subnet 198.51.100.0'));
    expect(b.indexOf(AB_SECONDARY)).toBeLessThan(b.indexOf('subnet 198.51.100.0'));
    expect(a).toContain('  pool {\n    failover peer "ab";\n    range 198.51.100.100 198.51.100.199;\n  }');
    // the whole subnet: its option routers as well as its pool
    expect(b).toMatch(/subnet 198\.51\.100\.0 netmask 255\.255\.255\.0 \{\n  option routers 198\.51\.100\.1;\n  pool \{\n    failover peer "ab";\n    range 198\.51\.100\.100 198\.51\.100\.199;\n  \}\n\}/);
    // everything the change does not touch stays as it was
    expect(a).toContain('# voice VLAN: phones fetch their settings over TFTP\nsubnet 203.0.113.0 netmask 255.255.255.128 {');
    expect(b).toContain('# guest Wi-Fi, served by dhcp-b alone');
    bothFilesPassDhcpd();
  });

  test('a pool added to a failover scope carries the peer and is mirrored to the partner', async () => {
    const { addPool } = await site.ok(ADD_POOL, { input: { scopeId: officeId, ranges: [{ start: '198.51.100.200', end: '198.51.100.220' }] } });
    expect(addPool.failoverRelationship).toEqual({ name: 'ab' });
    for (const name of ['dhcp-a', 'dhcp-b']) {
      expect(site.file(name)).toContain('pool {\n    failover peer "ab";\n    range 198.51.100.200 198.51.100.220;\n  }');
    }
    bothFilesPassDhcpd();
  });

  test('createScope with a relationship declares the subnet on both servers at once', async () => {
    const { createScope } = await site.ok(CREATE_SCOPE, {
      input: { server: 'dhcp-b', network: '198.18.0.0/24', name: 'lab', pools: [{ ranges: [{ start: '198.18.0.10', end: '198.18.0.99' }] }], failoverRelationship: 'ab' },
    });
    expect(createScope).toMatchObject({ network: '198.18.0.0/24', name: 'lab', authority: 'ab', failoverRole: 'SECONDARY', failoverPartner: { server: { name: 'dhcp-a' }, network: '198.18.0.0/24' } });
    for (const name of ['dhcp-a', 'dhcp-b']) {
      expect(site.file(name)).toMatch(/subnet 198\.18\.0\.0 netmask 255\.255\.255\.0 \{\n  pool \{\n    failover peer "ab";\n    range 198\.18\.0\.10 198\.18\.0\.99;\n  \}\n\}\n$/);
    }
    bothFilesPassDhcpd();
  });

  test('an existing subnet on the partner is linked, not duplicated: it gets the pools and statements it lacks', async () => {
    const voiceId = await scopeId('dhcp-a', '203.0.113.0/25');
    // the partner already declares the voice subnet, without pools
    const created = await site.ok(CREATE_SCOPE, { input: { server: 'dhcp-b', network: '203.0.113.0/25' } });
    const partnerId = created.createScope.id;
    const { addScopesToFailoverRelationship: rel } = await site.ok(ADD_SCOPES, { name: 'ab', ids: [voiceId] });
    const halves = rel.scopes.filter((s: any) => s.network === '203.0.113.0/25');
    expect(halves.map((s: any) => s.id).sort()).toEqual([voiceId, partnerId].sort());
    const b = site.file('dhcp-b');
    expect(b.match(/subnet 203\.0\.113\.0 netmask/g)).toHaveLength(1);
    expect(b).toContain(
      'subnet 203.0.113.0 netmask 255.255.255.128 {\n  option routers 203.0.113.1;\n  option tftp-server-name "tftp.example.net";\n' +
        '  pool {\n    failover peer "ab";\n    range 203.0.113.20 203.0.113.59;\n  }\n  pool {\n    failover peer "ab";\n    range 203.0.113.60 203.0.113.99;\n  }\n}\n',
    );
    expect(halves.find((s: any) => s.id === partnerId).pools.map((p: any) => p.ranges)).toEqual([
      [{ start: '203.0.113.20', end: '203.0.113.59' }],
      [{ start: '203.0.113.60', end: '203.0.113.99' }],
    ]);
    bothFilesPassDhcpd();
  });

  test('modifying the relationship rewrites both declarations, and swapping roles is allowed', async () => {
    const { modifyFailoverRelationship: rel } = await site.ok(MODIFY, { input: { name: 'ab', percentage: 75, primaryServer: 'dhcp-b', secondaryServer: 'dhcp-a' } });
    expect(rel).toMatchObject({ percentage: 75, primaryServer: { name: 'dhcp-b' }, secondaryServer: { name: 'dhcp-a' } });
    expect(rel.scopes.every((s: any) => s.failoverRole === (s.server.name === 'dhcp-b' ? 'PRIMARY' : 'SECONDARY'))).toBe(true);
    const b = site.file('dhcp-b');
    expect(b).toContain('failover peer "ab" {\n  primary;\n  address 192.0.2.11;\n  port 647;\n  peer address 192.0.2.10;');
    expect(b).toContain('  mclt 3600;\n  split 192;\n');
    expect(site.file('dhcp-a')).toContain('failover peer "ab" {\n  secondary;\n  address 192.0.2.10;');
    expect(site.file('dhcp-a')).not.toContain('split');
    bothFilesPassDhcpd();
    await site.ok(MODIFY, { input: { name: 'ab', percentage: 50, primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } });
    expect(site.file('dhcp-a')).toContain(AB_PRIMARY);
    expect(site.file('dhcp-b')).toContain(AB_SECONDARY);
  });

  test('removing a scope with DISABLE_SECONDARY_SCOPE clears the peer and keeps a disabled copy on the secondary', async () => {
    const lab = await scopeId('dhcp-a', '198.18.0.0/24');
    const { removeScopesFromFailoverRelationship: rel } = await site.ok(REMOVE_SCOPES, { name: 'ab', ids: [lab], action: 'DISABLE_SECONDARY_SCOPE' });
    expect(rel.status).toBe('NORMAL');
    const { servers } = await site.ok<{ servers: any[] }>(SERVERS);
    const bLab = servers[1].scopes.find((s: any) => s.network === '198.18.0.0/24');
    const aLab = servers[0].scopes.find((s: any) => s.network === '198.18.0.0/24');
    expect(aLab).toMatchObject({ enabled: true, authority: 'dhcp-a', failoverRole: null });
    expect(bLab).toMatchObject({ enabled: false, authority: 'dhcp-b', failoverRole: null });
    expect(site.file('dhcp-a')).toMatch(/subnet 198\.18\.0\.0 netmask 255\.255\.255\.0 \{\n  pool \{\n    range 198\.18\.0\.10 198\.18\.0\.99;\n  \}\n\}/);
    expect(site.file('dhcp-b')).toContain('subnet 198.18.0.0 netmask 255.255.255.0 {');
    // the peer is still used by the other scopes, so its declarations stay
    expect(site.file('dhcp-a')).toContain(AB_PRIMARY);
    bothFilesPassDhcpd();
  });

  test('adding the scope again enables the disabled copy, restoring its text byte for byte', async () => {
    const disabledB = site.file('dhcp-b');
    const lab = await scopeId('dhcp-a', '198.18.0.0/24');
    await site.ok(ADD_SCOPES, { name: 'ab', ids: [lab] });
    const { servers } = await site.ok<{ servers: any[] }>(SERVERS);
    expect(servers[1].scopes.find((s: any) => s.network === '198.18.0.0/24')).toMatchObject({ enabled: true, authority: 'ab', failoverRole: 'SECONDARY' });
    expect(site.file('dhcp-b')).not.toBe(disabledB);
    expect(site.file('dhcp-b')).toMatch(/subnet 198\.18\.0\.0 netmask 255\.255\.255\.0 \{\n  pool \{\n    failover peer "ab";\n    range 198\.18\.0\.10 198\.18\.0\.99;\n  \}\n\}\n/);
    bothFilesPassDhcpd();
    // and out again, the same way, gives the same disabled text
    await site.ok(REMOVE_SCOPES, { name: 'ab', ids: [lab], action: 'DISABLE_SECONDARY_SCOPE' });
    expect(site.file('dhcp-b')).toBe(disabledB);
  });

  test('removing the last scopes with DELETE_SECONDARY_SCOPE deletes the copies, removes the declarations and reads EMPTY', async () => {
    const ids = [await scopeId('dhcp-a', '198.51.100.0/24'), await scopeId('dhcp-a', '203.0.113.0/25')];
    const { removeScopesFromFailoverRelationship: rel } = await site.ok(REMOVE_SCOPES, { name: 'ab', ids, action: 'DELETE_SECONDARY_SCOPE' });
    expect(rel).toMatchObject({ status: 'EMPTY', scopes: [] });
    const a = site.file('dhcp-a');
    const b = site.file('dhcp-b');
    expect(a).not.toContain('failover peer');
    expect(b).not.toContain('failover peer');
    expect(b).not.toContain('subnet 198.51.100.0');
    expect(b).not.toContain('subnet 203.0.113.0 ');
    expect(a).toContain('  pool {\n    range 198.51.100.100 198.51.100.199;\n  }');
    bothFilesPassDhcpd();
  });

  test('removing a relationship removes its scopes as above, then the relationship', async () => {
    await site.ok(ADD_SCOPES, { name: 'ab', ids: [officeId] });
    expect(site.file('dhcp-b')).toContain('subnet 198.51.100.0');
    const { removeFailoverRelationships } = await site.ok(REMOVE_RELS, { server: 'dhcp-a', names: ['ab'], action: 'DELETE_SECONDARY_SCOPE' });
    expect(removeFailoverRelationships).toEqual(['ab']);
    expect((await site.ok(`{ failoverRelationships { name } }`)).failoverRelationships).toEqual([]);
    expect(site.file('dhcp-a')).not.toContain('failover peer');
    expect(site.file('dhcp-b')).not.toContain('subnet 198.51.100.0');
    bothFilesPassDhcpd();
  });
});
