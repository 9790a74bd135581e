import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeconfigureAction, FailoverStatus, statusOf } from '../../src/domain';
import { Scope } from '../../src/entities';
import type { Services } from '../../src/services';
import { dedent } from '../helpers/dedent';
import { AB_PRIMARY, AB_SECONDARY, seedFile } from '../helpers/failover-pair';
import { Site } from '../helpers/site';

/** A DHCPD_BIN that does not exist: the gateway finds no dhcpd and writes files unvalidated (src/app.ts). */
const NO_DHCPD = { DHCPD_BIN: path.join(os.tmpdir(), 'gw-no-such-folder', 'dhcpd') };

// Subnets for the mirror rules, on both servers: a statement of another value, other pools, a copy to link.
const EXTRA_A = dedent`

  subnet 10.20.0.0 netmask 255.255.255.0 {
    option routers 10.20.0.1;
    pool {
      range 10.20.0.100 10.20.0.199;
    }
  }

  subnet 10.21.0.0 netmask 255.255.255.0 {
    pool {
      range 10.21.0.100 10.21.0.199;
    }
  }

  subnet 10.22.0.0 netmask 255.255.255.0 {
    option routers 10.22.0.1;
    pool {
      range 10.22.0.100 10.22.0.199;
    }
  }
`;
const EXTRA_B = dedent`

  subnet 10.20.0.0 netmask 255.255.255.0 {
    option routers 10.20.0.254;
  }

  subnet 10.21.0.0 netmask 255.255.255.0 {
    pool {
      range 10.21.0.150 10.21.0.160;
    }
  }

  subnet 10.22.0.0 netmask 255.255.255.0 {
    option ntp-servers 10.22.0.123;
  }
`;

const OFFICE_COPY = dedent`
  subnet 198.51.100.0 netmask 255.255.255.0 {
    option routers 198.51.100.1;
    pool {
      failover peer "ab";
      range 198.51.100.100 198.51.100.199;
    }
  }

`;

/** `text` with `insert` put right before `before`, which it must hold exactly once. */
function insertBefore(text: string, before: string, insert: string): string {
  expect(text.split(before)).toHaveLength(2);
  return text.replace(before, insert + before);
}

/**
 * The spec's rules for joining, leaving, mirroring and linking scopes, the EMPTY rule and the pool and range
 * rules, called on the services themselves (no HTTP, no dhcpd) on a real SQLite file and real files. Each
 * refusal carries its code and leaves the database and every file byte for byte as it was.
 */
describe('the domain rules, on the services, without dhcpd', () => {
  let site: Site;
  let services: Services;
  let ids: Record<string, string>;
  let seededA: string;
  let seededB: string;

  const refused = async (call: () => Promise<unknown>, code: string, extra: { message?: string; field?: string } = {}) => {
    const before = await site.snapshot();
    // input checks throw before the call returns its promise: both count
    const error = await Promise.resolve().then(call).then(
      (value) => { throw new Error(`expected ${code}, got ${JSON.stringify(value)}`); },
      (e: { message: string; extensions?: Record<string, unknown> }) => e,
    );
    expect(error.extensions?.code).toBe(code);
    if (extra.message) expect(error.message).toContain(extra.message);
    if (extra.field) expect(error.extensions?.field).toBe(extra.field);
    expect(await site.snapshot()).toEqual(before);
    return error;
  };
  const halves = async (network: string) =>
    (await site.gateway.db.getRepository(Scope).find({ where: { network }, order: { serverId: 'ASC' } })).map((s) => ({ serverId: s.serverId, role: s.failoverRole, enabled: s.enabled }));
  const serverId = async (name: string) => Number((await services.queries.server(name))!.id);
  const status = async (name: string) => {
    const rel = await services.queries.relationship(name);
    return statusOf(await site.gateway.db.getRepository(Scope).countBy({ failoverRelationshipId: rel!.id }));
  };

  beforeAll(async () => {
    site = await Site.start(NO_DHCPD);
    services = site.gateway.services({});
    seededA = seedFile('dhcp-a') + EXTRA_A;
    seededB = seedFile('dhcp-b') + EXTRA_B;
    // seedScenario keeps a file that is already there
    writeFileSync(site.path('dhcp-a'), seededA);
    writeFileSync(site.path('dhcp-b'), seededB);
    writeFileSync(site.path('dhcp-c'), 'subnet 10.30.0.0 netmask 255.255.255.0 {\n  pool {\n    range 10.30.0.10 10.30.0.20;\n  }\n}\n');
    await site.seed('failover-pair');
    await services.servers.addServer({ name: 'dhcp-c', address: '192.0.2.12', configPath: site.path('dhcp-c') });
    ids = await site.ids();
  });
  afterAll(() => site.stop());

  test('the gateway found no dhcpd', () => {
    expect(site.gateway.dhcpd).toBeNull();
  });

  test('a new relationship is EMPTY and writes nothing; while EMPTY it may move to other servers', async () => {
    const files = site.snapshotFiles();
    await services.relationships.create({ name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' });
    await services.relationships.create({ name: 'spare', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' });
    expect(await status('ab')).toBe(FailoverStatus.EMPTY);
    const moved = await services.relationships.modify({ name: 'spare', secondaryServer: 'dhcp-c' });
    expect(moved.secondaryServerId).toBe(await serverId('dhcp-c'));
    await services.relationships.modify({ name: 'spare', secondaryServer: 'dhcp-b' });
    expect(site.snapshotFiles()).toEqual(files);
  });

  test('a scope joins only with a pool, from one of the two servers, and out of any other relationship', async () => {
    await refused(() => services.relationships.addScopes('ab', [ids['dhcp-a 192.0.2.0/24']]), 'BAD_USER_INPUT', { message: 'has no pool' });
    await refused(() => services.relationships.addScopes('ab', [ids['dhcp-c 10.30.0.0/24']]), 'CONFLICT', { message: 'is on neither server' });
    await refused(() => services.relationships.addScopes('ab', ['999999']), 'NOT_FOUND');
    await refused(() => services.relationships.addScopes('nope', [ids['dhcp-a 198.51.100.0/24']]), 'NOT_FOUND');
  });

  test('joining writes both declarations ahead of their first use, the peer in every pool, and the whole subnet onto the partner', async () => {
    await services.relationships.addScopes('ab', [ids['dhcp-a 198.51.100.0/24']]);
    expect(await status('ab')).toBe(FailoverStatus.NORMAL);
    expect(await halves('198.51.100.0/24')).toEqual([
      { serverId: await serverId('dhcp-a'), role: 'PRIMARY', enabled: true },
      { serverId: await serverId('dhcp-b'), role: 'SECONDARY', enabled: true },
    ]);
    const joinedA = insertBefore(seededA, '# office clients', `${AB_PRIMARY}\n\n`).replace('  pool {\n    range 198.51.100.100', '  pool {\n    failover peer "ab";\n    range 198.51.100.100') + '\nomapi-port 7911;\n';
    const joinedB = `${seededB}\n${AB_SECONDARY}\n\n${OFFICE_COPY}omapi-port 7911;\n`;
    expect(site.file('dhcp-a')).toBe(joinedA);
    expect(site.file('dhcp-b')).toBe(joinedB);
    ids = await site.ids();
  });

  test('a scope in one relationship cannot join another', async () => {
    await refused(() => services.relationships.addScopes('spare', [ids['dhcp-a 198.51.100.0/24']]), 'CONFLICT', { message: 'already in another failover relationship' });
  });

  test('once it has scopes, a relationship may swap its roles but not move to other servers', async () => {
    await refused(() => services.relationships.modify({ name: 'ab', secondaryServer: 'dhcp-c' }), 'CONFLICT', { message: 'only an EMPTY relationship' });
    const [a, b] = [site.file('dhcp-a'), site.file('dhcp-b')];
    await services.relationships.modify({ name: 'ab', primaryServer: 'dhcp-b', secondaryServer: 'dhcp-a' });
    expect((await halves('198.51.100.0/24')).map((h) => h.role)).toEqual(['SECONDARY', 'PRIMARY']);
    expect(site.file('dhcp-b')).toContain('failover peer "ab" {\n  primary;\n  address 192.0.2.11;');
    await services.relationships.modify({ name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' });
    expect([site.file('dhcp-a'), site.file('dhcp-b')]).toEqual([a, b]);
  });

  test('the partner\'s subnet is never overwritten: a statement of another value, or other pools, is a CONFLICT naming both', async () => {
    const error = await refused(() => services.relationships.addScopes('ab', [ids['dhcp-a 10.20.0.0/24']]), 'CONFLICT', { message: 'option routers 10.20.0.254' });
    expect(error.extensions?.differences).toEqual(['subnet 10.20.0.0/24 has "option routers 10.20.0.254" where the scope has "option routers 10.20.0.1"']);
    await refused(() => services.relationships.addScopes('ab', [ids['dhcp-a 10.21.0.0/24']]), 'CONFLICT', { message: '10.21.0.150-10.21.0.160' });
  });

  test('a partner subnet that lacks statements and pools is linked: it gets them and keeps its own', async () => {
    await services.relationships.addScopes('ab', [ids['dhcp-a 10.22.0.0/24']]);
    expect(site.file('dhcp-b')).toContain('subnet 10.22.0.0 netmask 255.255.255.0 {\n  option ntp-servers 10.22.0.123;\n  option routers 10.22.0.1;\n  pool {\n    failover peer "ab";\n    range 10.22.0.100 10.22.0.199;\n  }\n}\n');
    expect((await halves('10.22.0.0/24')).map((h) => h.role)).toEqual(['PRIMARY', 'SECONDARY']);
    ids = await site.ids();
  });

  test('ranges: inside the subnet, not reversed, not its network or broadcast address, not overlapping', async () => {
    const office = ids['dhcp-a 198.51.100.0/24'];
    const addPool = (start: string, end: string) => () => services.scopes.addPool({ scopeId: office, ranges: [{ start, end }] });
    await refused(addPool('198.51.100.150', '198.51.100.210'), 'BAD_USER_INPUT', { field: 'ranges[0]', message: 'overlap' });
    await refused(addPool('198.51.100.250', '198.51.101.10'), 'BAD_USER_INPUT', { field: 'ranges[0]', message: 'is not inside 198.51.100.0/24' });
    await refused(addPool('198.51.100.60', '198.51.100.50'), 'BAD_USER_INPUT', { field: 'ranges[0]', message: 'is reversed' });
    await refused(addPool('198.51.100.0', '198.51.100.9'), 'BAD_USER_INPUT', { field: 'ranges[0]', message: 'network or broadcast address' });
    await refused(addPool('198.51.100.300', '198.51.100.9'), 'BAD_USER_INPUT', { field: 'ranges[0].start' });
    await refused(
      () => services.scopes.createScope({ server: 'dhcp-a', network: '198.18.0.0/24', pools: [{ ranges: [{ start: '198.18.0.10', end: '198.18.0.50' }] }, { ranges: [{ start: '198.18.0.50', end: '198.18.0.60' }] }] }),
      'BAD_USER_INPUT',
      { field: 'pools[1].ranges[0]' },
    );
  });

  test('a pool added to a failover scope is written on both partners with the peer', async () => {
    await services.scopes.addPool({ scopeId: ids['dhcp-a 198.51.100.0/24'], ranges: [{ start: '198.51.100.200', end: '198.51.100.220' }] });
    for (const name of ['dhcp-a', 'dhcp-b']) {
      expect(site.file(name)).toContain('    range 198.51.100.100 198.51.100.199;\n  }\n  pool {\n    failover peer "ab";\n    range 198.51.100.200 198.51.100.220;\n  }\n}\n');
    }
  });

  test('networks: a failover scope needs a pool, and a network may overlap none of the server nor of the partner', async () => {
    await refused(() => services.scopes.createScope({ server: 'dhcp-a', network: '198.18.0.0/24', failoverRelationship: 'ab' }), 'BAD_USER_INPUT');
    await refused(() => services.scopes.createScope({ server: 'dhcp-a', network: '198.51.100.128/25' }), 'CONFLICT');
    await refused(
      () => services.scopes.createScope({ server: 'dhcp-a', network: '203.0.113.128/26', pools: [{ ranges: [{ start: '203.0.113.130', end: '203.0.113.140' }] }], failoverRelationship: 'ab' }),
      'CONFLICT',
    );
    await refused(() => services.scopes.createScope({ server: 'dhcp-a', network: '198.18.0.7/24' }), 'BAD_USER_INPUT', { message: 'did you mean 198.18.0.0/24' });
  });

  test('the last pool of a failover scope and either half of it stay while it is in the relationship', async () => {
    const voice = ids['dhcp-a 10.22.0.0/24'];
    await refused(() => services.scopes.removePool(ids['pool dhcp-b 10.22.0.0/24']), 'CONFLICT');
    await refused(() => services.scopes.deleteScope(voice), 'CONFLICT');
    await refused(() => services.scopes.deleteScope(ids['dhcp-b 10.22.0.0/24']), 'CONFLICT');
    await refused(() => services.servers.removeServer('dhcp-b'), 'CONFLICT');
  });

  test('leaving with DISABLE_SECONDARY_SCOPE keeps a disabled copy, and joining again restores its text byte for byte', async () => {
    const scope = ids['dhcp-a 10.22.0.0/24'];
    await refused(() => services.relationships.removeScopes('ab', [ids['dhcp-a 203.0.113.0/25']], DeconfigureAction.DELETE_SECONDARY_SCOPE), 'CONFLICT', { message: 'is not in failover relationship "ab"' });
    const joined = site.file('dhcp-b');
    await services.relationships.removeScopes('ab', [scope], DeconfigureAction.DISABLE_SECONDARY_SCOPE);
    expect(await halves('10.22.0.0/24')).toEqual([expect.objectContaining({ role: null, enabled: true }), expect.objectContaining({ role: null, enabled: false })]);
    const disabled = site.file('dhcp-b');
    expect(disabled).toContain('  pool {\n    deny all clients; # dhcp-failover-gateway: disabled\n    range 10.22.0.100 10.22.0.199;\n  }\n');
    await services.relationships.addScopes('ab', [scope]);
    expect(site.file('dhcp-b')).toBe(joined);
    await services.relationships.removeScopes('ab', [scope], DeconfigureAction.DISABLE_SECONDARY_SCOPE);
    expect(site.file('dhcp-b')).toBe(disabled);
  });

  test('leaving with DELETE_SECONDARY_SCOPE removes the copies and, with the last scope, both declarations: EMPTY again', async () => {
    await services.relationships.removeScopes('ab', [ids['dhcp-a 198.51.100.0/24']], DeconfigureAction.DELETE_SECONDARY_SCOPE);
    expect(await status('ab')).toBe(FailoverStatus.EMPTY);
    expect(await halves('198.51.100.0/24')).toEqual([expect.objectContaining({ role: null })]);
    const a = site.file('dhcp-a');
    const b = site.file('dhcp-b');
    expect(a).not.toContain('failover peer');
    expect(b).not.toContain('failover peer');
    expect(b).not.toContain('subnet 198.51.100.0');
    expect(a).toContain('  pool {\n    range 198.51.100.100 198.51.100.199;\n  }\n  pool {\n    range 198.51.100.200 198.51.100.220;\n  }\n');
    // EMPTY again: it may move to other servers
    await services.relationships.modify({ name: 'ab', secondaryServer: 'dhcp-c' });
  });
});
