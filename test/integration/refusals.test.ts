import { readFileSync, writeFileSync, symlinkSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toGlobalId } from '../../src/global-id';
import { Site } from '../helpers/site';
import { ADD_POOL, ADD_SCOPES, ADD_SERVER, CREATE_REL, CREATE_SCOPE, DELETE_SCOPE, MODIFY_REL, REMOVE_POOL, REMOVE_RELS, REMOVE_SCOPES, REMOVE_SERVER, SYNC } from '../helpers/operations';
import { describeWithDhcpd } from '../helpers/dhcpd';


/**
 * Every refusal leaves the database and every file exactly as they were. The site holds a pair with a
 * relationship "ab" whose office scope is in it, a second EMPTY relationship "spare", and a standalone scope.
 */
describeWithDhcpd('refused mutations change nothing', () => {
  let site: Site;
  let ids: Record<string, string>;

  beforeAll(async () => {
    site = await Site.withFailoverPair();
    await site.ok(CREATE_REL, { input: { name: 'spare', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } });
    ids = await site.ids();
    // a folder beside CONFIG_ROOT (outside it) and a link to it from inside
    mkdirSync(path.join(site.dir, 'outside'));
    symlinkSync(path.join(site.dir, 'outside'), path.join(site.configRoot, 'escape'));
    // aliases of dhcp-a's file inside CONFIG_ROOT: a link to the file, and a link to the folder holding it
    symlinkSync(path.join(site.configRoot, 'dhcp-a.conf'), path.join(site.configRoot, 'alias.conf'));
    symlinkSync(site.configRoot, path.join(site.configRoot, 'again'));
  });
  afterAll(() => site.stop());

  // label, mutation, variables, code, and for a refusal of one input value the field it names
  const cases: [string, string, () => Record<string, unknown>, string, string?][] = [
    ['a server name with a quote', ADD_SERVER, () => ({ input: { name: 'x"y', address: '192.0.2.30', configPath: 'x.conf' } }), 'BAD_USER_INPUT'],
    ['a server name with whitespace', ADD_SERVER, () => ({ input: { name: 'x y', address: '192.0.2.30', configPath: 'x.conf' } }), 'BAD_USER_INPUT'],
    ['a malformed address', ADD_SERVER, () => ({ input: { name: 'x', address: '192.0.2.300', configPath: 'x.conf' } }), 'BAD_USER_INPUT'],
    ['a configPath outside CONFIG_ROOT', ADD_SERVER, () => ({ input: { name: 'x', address: '192.0.2.30', configPath: '/etc/dhcp/dhcpd.conf' } }), 'FORBIDDEN'],
    ['a configPath climbing out with ..', ADD_SERVER, () => ({ input: { name: 'x', address: '192.0.2.30', configPath: '../x.conf' } }), 'FORBIDDEN'],
    ['a configPath through a symlink out of CONFIG_ROOT', ADD_SERVER, () => ({ input: { name: 'x', address: '192.0.2.30', configPath: 'escape/x.conf' } }), 'FORBIDDEN'],
    ['a server name already taken', ADD_SERVER, () => ({ input: { name: 'dhcp-a', address: '192.0.2.30', configPath: 'x.conf' } }), 'CONFLICT'],
    ['a configPath that is a symlink to another server\'s file', ADD_SERVER, () => ({ input: { name: 'x', address: '192.0.2.30', configPath: 'alias.conf' } }), 'CONFLICT'],
    ['a configPath reaching another server\'s file through a linked folder', ADD_SERVER, () => ({ input: { name: 'y', address: '192.0.2.31', configPath: 'again/dhcp-a.conf' } }), 'CONFLICT'],
    ['a server address already taken', ADD_SERVER, () => ({ input: { name: 'x', address: '192.0.2.10', configPath: 'x.conf' } }), 'CONFLICT'],
    ['a relationship name with a brace', CREATE_REL, () => ({ input: { name: 'a{b', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } }), 'BAD_USER_INPUT'],
    ['a percentage above 100', CREATE_REL, () => ({ input: { name: 'c', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b', percentage: 101 } }), 'BAD_USER_INPUT'],
    ['a port of 0', CREATE_REL, () => ({ input: { name: 'c', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b', port: 0 } }), 'BAD_USER_INPUT'],
    ['a port above 65535', CREATE_REL, () => ({ input: { name: 'c', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b', port: 65536 } }), 'BAD_USER_INPUT'],
    ['the same server twice', CREATE_REL, () => ({ input: { name: 'c', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-a' } }), 'BAD_USER_INPUT'],
    ['an unknown server', CREATE_REL, () => ({ input: { name: 'c', primaryServer: 'dhcp-a', secondaryServer: 'nope' } }), 'NOT_FOUND'],
    ['a relationship name already taken', CREATE_REL, () => ({ input: { name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } }), 'CONFLICT'],
    ['moving a relationship to an unknown server', MODIFY_REL, () => ({ input: { name: 'ab', secondaryServer: 'dhcp-c' } }), 'NOT_FOUND'],
    ['modifying an unknown relationship', MODIFY_REL, () => ({ input: { name: 'nope', percentage: 10 } }), 'NOT_FOUND'],
    ['a negative mclt', MODIFY_REL, () => ({ input: { name: 'ab', mclt: -1 } }), 'BAD_USER_INPUT'],
    ['adding an unknown scope', ADD_SCOPES, () => ({ name: 'ab', ids: [toGlobalId('Scope', 999999)] }), 'NOT_FOUND'],
    ['adding a server id as a scope', ADD_SCOPES, () => ({ name: 'spare', ids: [ids['dhcp-a']] }), 'NOT_FOUND'],
    ['adding a pool id as a scope, beside a good scope id', ADD_SCOPES, () => ({ name: 'spare', ids: [ids['dhcp-a 203.0.113.0/25'], ids['pool dhcp-a 203.0.113.0/25']] }), 'NOT_FOUND'],
    ['adding a scope without pools', ADD_SCOPES, () => ({ name: 'ab', ids: [ids['dhcp-a 192.0.2.0/24']] }), 'BAD_USER_INPUT'],
    ['adding a scope already in another relationship', ADD_SCOPES, () => ({ name: 'spare', ids: [ids['dhcp-a 198.51.100.0/24']] }), 'CONFLICT'],
    ['adding to an unknown relationship', ADD_SCOPES, () => ({ name: 'nope', ids: [ids['dhcp-a 203.0.113.0/25']] }), 'NOT_FOUND'],
    ['removing a scope by a pool id', REMOVE_SCOPES, () => ({ name: 'ab', ids: [ids['pool dhcp-a 198.51.100.0/24']], action: 'DELETE_SECONDARY_SCOPE' }), 'NOT_FOUND'],
    ['removing a scope that is not in the relationship', REMOVE_SCOPES, () => ({ name: 'ab', ids: [ids['dhcp-a 203.0.113.0/25']], action: 'DELETE_SECONDARY_SCOPE' }), 'CONFLICT'],
    ['removing relationships of an unknown server', REMOVE_RELS, () => ({ server: 'nope', names: ['ab'], action: 'DELETE_SECONDARY_SCOPE' }), 'NOT_FOUND'],
    ['removing an unknown relationship among known ones', REMOVE_RELS, () => ({ server: 'dhcp-a', names: ['ab', 'nope'], action: 'DELETE_SECONDARY_SCOPE' }), 'NOT_FOUND'],
    ['a bad CIDR', CREATE_SCOPE, () => ({ input: { server: 'dhcp-a', network: '198.18.0.0/33' } }), 'BAD_USER_INPUT'],
    ['a CIDR off its boundary', CREATE_SCOPE, () => ({ input: { server: 'dhcp-a', network: '198.18.0.7/24' } }), 'BAD_USER_INPUT'],
    ['a network the server already has', CREATE_SCOPE, () => ({ input: { server: 'dhcp-a', network: '198.51.100.0/24' } }), 'CONFLICT'],
    ['a network overlapping one of the server', CREATE_SCOPE, () => ({ input: { server: 'dhcp-a', network: '198.51.100.128/25' } }), 'CONFLICT'],
    ['a network overlapping one of the partner', CREATE_SCOPE, () => ({ input: { server: 'dhcp-a', network: '203.0.113.128/26', pools: [{ ranges: [{ start: '203.0.113.130', end: '203.0.113.140' }] }], failoverRelationship: 'ab' } }), 'CONFLICT'],
    ['a failover scope without pools', CREATE_SCOPE, () => ({ input: { server: 'dhcp-a', network: '198.18.0.0/24', failoverRelationship: 'ab' } }), 'BAD_USER_INPUT'],
    ['a range outside its subnet', CREATE_SCOPE, () => ({ input: { server: 'dhcp-a', network: '198.18.0.0/24', pools: [{ ranges: [{ start: '198.18.0.10', end: '198.18.1.10' }] }] } }), 'BAD_USER_INPUT'],
    ['a reversed range', CREATE_SCOPE, () => ({ input: { server: 'dhcp-a', network: '198.18.0.0/24', pools: [{ ranges: [{ start: '198.18.0.50', end: '198.18.0.10' }] }] } }), 'BAD_USER_INPUT'],
    ['overlapping pools', CREATE_SCOPE, () => ({ input: { server: 'dhcp-a', network: '198.18.0.0/24', pools: [{ ranges: [{ start: '198.18.0.10', end: '198.18.0.50' }] }, { ranges: [{ start: '198.18.0.50', end: '198.18.0.60' }] }] } }), 'BAD_USER_INPUT', 'pools[1].ranges[0]'],
    ['a scope name with a semicolon', CREATE_SCOPE, () => ({ input: { server: 'dhcp-a', network: '198.18.0.0/24', name: 'a;b' } }), 'BAD_USER_INPUT'],
    ['a pool overlapping a pool of the scope', ADD_POOL, () => ({ input: { scopeId: ids['dhcp-a 198.51.100.0/24'], ranges: [{ start: '198.51.100.20', end: '198.51.100.30' }, { start: '198.51.100.150', end: '198.51.100.210' }] } }), 'BAD_USER_INPUT', 'ranges[1]'],
    ['a pool for an unknown scope', ADD_POOL, () => ({ input: { scopeId: 'abc', ranges: [{ start: '198.51.100.1', end: '198.51.100.2' }] } }), 'NOT_FOUND'],
    ['a pool for a pool id', ADD_POOL, () => ({ input: { scopeId: ids['pool dhcp-a 203.0.113.0/25'], ranges: [{ start: '203.0.113.100', end: '203.0.113.101' }] } }), 'NOT_FOUND'],
    ['syncing an unknown server', SYNC, () => ({ name: 'nope' }), 'NOT_FOUND'],
    ['removing an unknown server', REMOVE_SERVER, () => ({ name: 'nope' }), 'NOT_FOUND'],
    ['removing the primary of a relationship', REMOVE_SERVER, () => ({ name: 'dhcp-a' }), 'CONFLICT'],
    ['removing the secondary of a relationship', REMOVE_SERVER, () => ({ name: 'dhcp-b' }), 'CONFLICT'],
    ['deleting an unknown scope', DELETE_SCOPE, () => ({ id: toGlobalId('Scope', 999999) }), 'NOT_FOUND'],
    ['deleting a scope by its old integer id', DELETE_SCOPE, () => ({ id: '1' }), 'NOT_FOUND'],
    ['deleting a scope by a pool id', DELETE_SCOPE, () => ({ id: ids['pool dhcp-a 203.0.113.0/25'] }), 'NOT_FOUND'],
    ['deleting a scope by a malformed id', DELETE_SCOPE, () => ({ id: 'abc' }), 'NOT_FOUND'],
    ["deleting the primary's half of a failover scope", DELETE_SCOPE, () => ({ id: ids['dhcp-a 198.51.100.0/24'] }), 'CONFLICT'],
    ["deleting the secondary's half of a failover scope", DELETE_SCOPE, () => ({ id: ids['dhcp-b 198.51.100.0/24'] }), 'CONFLICT'],
    ['removing an unknown pool', REMOVE_POOL, () => ({ id: toGlobalId('Pool', 999999) }), 'NOT_FOUND'],
    ['removing a pool by a scope id', REMOVE_POOL, () => ({ id: ids['dhcp-a 203.0.113.0/25'] }), 'NOT_FOUND'],
    ['removing the last pool of a failover scope', REMOVE_POOL, () => ({ id: ids['pool dhcp-a 198.51.100.0/24'] }), 'CONFLICT'],
    ["removing the last pool of a failover scope's partner copy", REMOVE_POOL, () => ({ id: ids['pool dhcp-b 198.51.100.0/24'] }), 'CONFLICT'],
  ];

  // `...field`: a fifth parameter would make jest wait for a `done` callback in the four-element rows
  test.each(cases)('%s is refused and leaves everything as it was', async (_label, mutation, variables, code, ...[field]) => {
    const before = await site.snapshot();
    const error = await site.refused(mutation, variables());
    expect(error.code).toBe(code);
    if (field !== undefined) expect(error.field).toBe(field);
    expect(await site.snapshot()).toEqual(before);
  });

  test('moving a relationship that has scopes to other servers is a CONFLICT', async () => {
    const dir = site.configRoot;
    writeFileSync(path.join(dir, 'dhcp-c.conf'), 'ddns-update-style none;\n');
    await site.ok(ADD_SERVER, { input: { name: 'dhcp-c', address: '192.0.2.12', configPath: 'dhcp-c.conf' } });
    const before = await site.snapshot();
    expect((await site.refused(MODIFY_REL, { input: { name: 'ab', secondaryServer: 'dhcp-c' } })).code).toBe('CONFLICT');
    expect(await site.snapshot()).toEqual(before);
  });

  test('a partner file that dhcpd -t already refuses is reported as such, never as if the change broke it, and nothing is written', async () => {
    // An operator's include of a file that does not exist: dhcpd -t refuses dhcp-b's file as it is.
    const bFile = path.join(site.configRoot, 'dhcp-b.conf');
    const original = readFileSync(bFile);
    writeFileSync(bFile, site.file('dhcp-b') + 'include "/nonexistent/gw-missing.conf";\n');
    try {
      const before = await site.snapshot();
      // The hand edit is drift: a change touching dhcp-b is refused until it is synced...
      const drifted = await site.gql(ADD_SCOPES, { name: 'ab', ids: [ids['dhcp-a 203.0.113.0/25']] });
      expect(drifted.errors?.[0].extensions?.code).toBe('CONFLICT');
      expect(drifted.errors?.[0].message).toContain('syncServer');
      // ...and syncServer does not take over a file dhcpd -t refuses, saying that it is the current file.
      const res = await site.gql(`mutation { syncServer(name: "dhcp-b") { name } }`);
      expect(res.errors?.[0].extensions?.code).toBe('CONFIG_INVALID');
      expect(res.errors?.[0].message).toContain('refuses the current configuration of server "dhcp-b"');
      expect(res.errors?.[0].message).toContain('gw-missing.conf');
      expect(res.errors?.[0].message).not.toContain(os.tmpdir() + '/');
      expect(await site.snapshot()).toEqual(before);
    } finally {
      writeFileSync(bFile, original);
    }
  });
});
