import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { rowIdOf } from '../../src/global-id';
import { Site } from '../helpers/site';
import { addScopes, ADD_POOL, ADD_SERVER, CREATE_REL, DELETE_SCOPE, REMOVE_POOL, REMOVE_SERVER } from '../helpers/operations';
import { DHCPD, expectPassesDhcpd } from '../helpers/dhcpd';
import { DATABASES } from '../helpers/postgres';
import { seedFile } from '../helpers/failover-pair';

const SERVERS = `{ servers { name scopes { id network failoverRole pools { id ranges { start end } } } } }`;
const ADD_SCOPES = addScopes('{ status }');

/** `text` without `block`, which it must hold exactly once: the expected bytes after a removal. */
function without(text: string, block: string): string {
  expect(text.split(block)).toHaveLength(2);
  return text.replace(block, '');
}

// Retiring pools, scopes and servers, on the embedded default and on PostgreSQL; each needs the real dhcpd.

describe.each(DATABASES)('retiring pools, scopes and servers on %s', (database, available) => {
  if (!DHCPD || !available) {
    test.skip(`needs dhcpd and ${database}`, () => {});
    return;
  }
  let site: Site;

  const scopeOf = async (server: string, network: string) => {
    const { servers } = await site.ok<{ servers: any[] }>(SERVERS);
    return servers.find((s) => s.name === server).scopes.find((s: any) => s.network === network);
  };
  const passesDhcpd = (name: string) => expectPassesDhcpd(site, name);

  beforeAll(async () => {
    site = await Site.startOn(database);
    await site.seed('failover-pair');
  });
  afterAll(() => site.stop());

  test('removePool on a standalone scope removes its block and nothing else; positions stay in file order', async () => {
    const voice = await scopeOf('dhcp-a', '203.0.113.0/25');
    const { removePool } = await site.ok(REMOVE_POOL, { id: voice.pools[0].id });
    expect(removePool).toBe(voice.pools[0].id);
    expect(site.file('dhcp-a')).toBe(without(seedFile('dhcp-a'), '  pool {\n    range 203.0.113.20 203.0.113.59;\n  }\n'));
    passesDhcpd('dhcp-a');
    expect((await scopeOf('dhcp-a', '203.0.113.0/25')).pools).toEqual([voice.pools[1]]);
    // a pool added afterwards comes after the one left, in the API as in the file
    await site.ok(ADD_POOL, { input: { scopeId: voice.id, ranges: [{ start: '203.0.113.20', end: '203.0.113.29' }] } });
    expect((await scopeOf('dhcp-a', '203.0.113.0/25')).pools.map((p: any) => p.ranges[0].start)).toEqual(['203.0.113.60', '203.0.113.20']);
    expect(site.file('dhcp-a')).toContain('    range 203.0.113.60 203.0.113.99;\n  }\n  pool {\n    range 203.0.113.20 203.0.113.29;\n  }\n}');
    expect(await site.gateway.db.query(`SELECT position FROM pool WHERE scope_id = ${rowIdOf('Scope', voice.id)} ORDER BY position`)).toEqual([{ position: 0 }, { position: 1 }]);
  });

  test('removePool in a failover scope removes the pool on both partners, whichever half it is named by', async () => {
    await site.ok(CREATE_REL, { input: { name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } });
    const voice = await scopeOf('dhcp-a', '203.0.113.0/25');
    expect((await site.ok(ADD_SCOPES, { name: 'ab', ids: [voice.id] })).addScopesToFailoverRelationship.status).toBe('NORMAL');
    const [a, b] = [site.file('dhcp-a'), site.file('dhcp-b')];
    const copy = await scopeOf('dhcp-b', '203.0.113.0/25');
    expect(copy.failoverRole).toBe('SECONDARY');
    const block = '  pool {\n    failover peer "ab";\n    range 203.0.113.60 203.0.113.99;\n  }\n';
    const { removePool } = await site.ok(REMOVE_POOL, { id: copy.pools[0].id });
    expect(removePool).toBe(copy.pools[0].id);
    expect(site.file('dhcp-a')).toBe(without(a, block));
    expect(site.file('dhcp-b')).toBe(without(b, block));
    passesDhcpd('dhcp-a');
    passesDhcpd('dhcp-b');
    const left = [{ ranges: [{ start: '203.0.113.20', end: '203.0.113.29' }] }];
    expect((await scopeOf('dhcp-a', '203.0.113.0/25')).pools.map((p: any) => ({ ranges: p.ranges }))).toEqual(left);
    expect((await scopeOf('dhcp-b', '203.0.113.0/25')).pools.map((p: any) => ({ ranges: p.ranges }))).toEqual(left);
  });

  test('deleteScope removes the subnet declaration from the file, and the scope with its pools from the database', async () => {
    const guest = await scopeOf('dhcp-b', '203.0.113.128/25');
    const before = site.file('dhcp-b');
    const { deleteScope } = await site.ok(DELETE_SCOPE, { id: guest.id });
    expect(deleteScope).toBe(guest.id);
    expect(site.file('dhcp-b')).toBe(
      without(before, 'subnet 203.0.113.128 netmask 255.255.255.128 {\n  option routers 203.0.113.129;\n  pool {\n    range 203.0.113.150 203.0.113.250;\n  }\n}\n'),
    );
    passesDhcpd('dhcp-b');
    expect(await scopeOf('dhcp-b', '203.0.113.128/25')).toBeUndefined();
    expect(await site.gateway.db.query(`SELECT id FROM pool WHERE scope_id = ${rowIdOf('Scope', guest.id)}`)).toEqual([]);
  });

  test('deleteScope is validated with dhcpd -t: a removal it refuses changes no file and no row', async () => {
    // the only subnet of a shared-network: without it the shared-network is empty, which dhcpd refuses
    writeFileSync(path.join(site.configRoot, 'dhcp-d.conf'), 'shared-network lab {\n  subnet 198.19.0.0 netmask 255.255.255.0 {\n  }\n}\n');
    await site.ok(ADD_SERVER, { input: { name: 'dhcp-d', address: '192.0.2.13', configPath: 'dhcp-d.conf' } });
    const lab = await scopeOf('dhcp-d', '198.19.0.0/24');
    const before = await site.snapshot();
    expect((await site.refused(DELETE_SCOPE, { id: lab.id })).code).toBe('CONFIG_INVALID');
    expect(await site.snapshot()).toEqual(before);
  });

  test('removeServer forgets a server with its scopes and pools, writes no file, and is in the audit log', async () => {
    writeFileSync(path.join(site.configRoot, 'dhcp-c.conf'), 'subnet 198.18.0.0 netmask 255.255.255.0 {\n  pool {\n    range 198.18.0.10 198.18.0.20;\n  }\n}\n');
    await site.ok(ADD_SERVER, { input: { name: 'dhcp-c', address: '192.0.2.12', configPath: 'dhcp-c.conf' } });
    const files = site.snapshotFiles();
    const { id } = (await site.ok(`{ server(name: "dhcp-c") { id } }`)).server;
    expect((await site.ok(REMOVE_SERVER, { name: 'dhcp-c' })).removeServer).toBe('dhcp-c');
    expect(site.snapshotFiles()).toEqual(files);
    expect((await site.ok(`{ server(name: "dhcp-c") { id } }`)).server).toBeNull();
    expect(await site.gateway.db.query(`SELECT id FROM scope WHERE server_id = ${rowIdOf('DhcpServer', id)}`)).toEqual([]);
    expect(await site.gateway.db.query(`SELECT p.id FROM pool p LEFT JOIN scope s ON s.id = p.scope_id WHERE s.id IS NULL`)).toEqual([]);
    const { auditLog } = await site.ok(`{ auditLog(first: 1) { edges { node { operation outcome } } } }`);
    expect(auditLog.edges[0].node).toEqual({ operation: 'removeServer', outcome: 'ok' });
    // the name is free again: the same file can be registered anew
    await site.ok(ADD_SERVER, { input: { name: 'dhcp-c', address: '192.0.2.12', configPath: 'dhcp-c.conf' } });
  });
});
