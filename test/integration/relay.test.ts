import { isInterfaceType, type GraphQLResolveInfo } from 'graphql';
import { AuditEntry, DhcpServer, FailoverRelationship, Pool, Scope } from '../../src/entities';
import { NODE_TYPES, toGlobalId } from '../../src/global-id';
import { encodeCursor } from '../../src/pagination';
import { createSchema } from '../../src/schema';
import { Site } from '../helpers/site';
import { auditRows, createToken, postGraphQL } from './security/harness';

const NODE = `query($id: ID!) { node(id: $id) { __typename id } }`;
const EVERYTHING = `{
  servers { id name scopes { id network pools { id } } failoverRelationships { id name } }
  auditLog { edges { node { id operation } } }
}`;
const ADD_SERVER = `mutation($input: AddServerInput!) { addServer(input: $input) { id } }`;
const CREATE_SCOPE = `mutation($input: CreateScopeInput!) { createScope(input: $input) { id } }`;

/**
 * Relay's conventions (SPEC "Clients"): every object with an identity is a Node with an opaque global id that
 * Query.node(id:) finds, and the scalars of addresses and networks refuse bad values with a clear code.
 * (A wrong-type or malformed id given to a mutation is in refusals.test.ts, which checks nothing changed.)
 */
describe('Relay global ids and node(id:)', () => {
  let site: Site;
  let viewer: string;
  /** one global id of each Node type, from the answers */
  const ids = {} as Record<(typeof NODE_TYPES)[number], string>;
  let first: Record<string, any>;

  beforeAll(async () => {
    site = await Site.start();
    await site.seed('failover-pair');
    // No file is written for an EMPTY relationship, and the mutation leaves an audit entry.
    const created = await postGraphQL(site, { query: `mutation { createFailoverRelationship(input: { name: "ab", primaryServer: "dhcp-a", secondaryServer: "dhcp-b" }) { id } }` });
    expect(created.json.errors).toBeUndefined();
    first = await site.ok(EVERYTHING);
    const a = first.servers.find((s: any) => s.name === 'dhcp-a');
    const withPool = a.scopes.find((s: any) => s.pools.length > 0);
    Object.assign(ids, {
      DhcpServer: a.id,
      FailoverRelationship: a.failoverRelationships[0].id,
      Scope: withPool.id,
      Pool: withPool.pools[0].id,
      AuditEntry: first.auditLog.edges[0].node.id,
    });
    expect(created.json.extensions.auditEntryId).toBe(ids.AuditEntry);
    viewer = await createToken(site, 'grafana', 'viewer');
  });
  afterAll(() => site.stop());

  test.each(NODE_TYPES.map((t) => [t]))('node(id:) finds a %s by its id', async (type) => {
    expect((await site.ok(NODE, { id: ids[type] })).node).toEqual({ __typename: type, id: ids[type] });
  });

  test('node(id:) answers the fields of each type through inline fragments', async () => {
    const { node } = await site.ok(`query($id: ID!) { node(id: $id) { ... on Pool { ranges { start } scope { id server { id } } } } }`, { id: ids.Pool });
    expect(node.scope).toEqual({ id: ids.Scope, server: { id: ids.DhcpServer } });
    expect(node.ranges.length).toBeGreaterThan(0);
  });

  test('ids are opaque and unique across every type, though rows of different tables share numbers', () => {
    const all: string[] = [];
    for (const s of first.servers) {
      all.push(s.id);
      for (const sc of s.scopes) all.push(sc.id, ...sc.pools.map((p: any) => p.id));
    }
    all.push(...first.auditLog.edges.map((e: any) => e.node.id), ids.FailoverRelationship);
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).not.toMatch(/^\d+$/);
  });

  test('ids are the same in every request', async () => {
    expect(await site.ok(EVERYTHING)).toEqual(first);
    expect((await site.ok(`query($id: ID!) { scope(id: $id) { id } }`, { id: ids.Scope })).scope).toEqual({ id: ids.Scope });
  });

  test('an id of another type names nothing: scope(id:) of a pool id and auditEntry(id:) of a scope id are null', async () => {
    expect((await site.ok(`query($id: ID!) { scope(id: $id) { id } }`, { id: ids.Pool })).scope).toBeNull();
    expect((await site.ok(`query($id: ID!) { auditEntry(id: $id) { id } }`, { id: ids.Scope })).auditEntry).toBeNull();
  });

  const malformed: [string, string][] = [
    ['an integer id as the API gave before', '1'],
    ['text', 'abc'],
    ['nothing', ''],
    ['a global id without its padding', toGlobalId('Scope', 1).replace(/=+$/, '')],
    ['base64 of a type that is no Node', Buffer.from('PageInfo:1').toString('base64')],
    ['base64 of a row id with a leading zero', Buffer.from('Scope:01').toString('base64')],
    ['base64 of a row id beyond a safe integer', Buffer.from('Scope:99999999999999999999').toString('base64')],
    ['a cursor of the scopes page (base64 of a lower-case type)', encodeCursor('scope', 1)],
    ['an unknown row', toGlobalId('Scope', 999999)],
  ];
  test.each(malformed)('%s is no id: node and scope answer null', async (_label, id) => {
    expect(await site.ok(`query($id: ID!) { node(id: $id) { id } scope(id: $id) { id } }`, { id })).toEqual({ node: null, scope: null });
  });

  test('a viewer finds servers, relationships, scopes and pools by id, but an audit entry is for admins only', async () => {
    for (const type of ['DhcpServer', 'FailoverRelationship', 'Scope', 'Pool'] as const) {
      const res = await postGraphQL(site, { query: NODE, variables: { id: ids[type] } }, viewer);
      expect(res.json).toEqual({ data: { node: { __typename: type, id: ids[type] } } });
    }
    const res = await postGraphQL(site, { query: NODE, variables: { id: ids.AuditEntry } }, viewer);
    expect(res.json.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(res.json.data).toEqual({ node: null });
  });

  test('Node resolves its type synchronously, by the class of the object (graphql-jit cannot await it)', async () => {
    const node = (await createSchema()).getType('Node');
    if (!isInterfaceType(node) || !node.resolveType) throw new Error('Node is an interface with a resolveType');
    const classes = { DhcpServer, FailoverRelationship, Scope, Pool, AuditEntry };
    for (const type of NODE_TYPES) {
      expect(node.resolveType(Object.assign(new classes[type](), { id: 1 }), {}, {} as GraphQLResolveInfo, node)).toBe(type);
    }
  });
});

describe('the IPv4 and IPv4CIDR scalars', () => {
  let site: Site;

  beforeAll(async () => {
    site = await Site.start();
    await site.seed('failover-pair');
  });
  afterAll(() => site.stop());

  test('are the types of addresses and networks, answered as the text they were given', async () => {
    const { servers } = await site.ok(`{ servers { address scopes { network pools { ranges { start end } } } } }`);
    expect(servers[0].address).toBe('192.0.2.10');
    expect(servers[0].scopes.map((s: any) => s.network)).toContain('198.51.100.0/24');
    expect(servers[0].scopes.flatMap((s: any) => s.pools.flatMap((p: any) => p.ranges))).toContainEqual({ start: '198.51.100.100', end: '198.51.100.199' });
  });

  /** A refusal that left the database and every file as they were. */
  const refused = async (query: string, variables: Record<string, unknown>) => {
    const before = await site.snapshot();
    const res = await postGraphQL(site, { query, variables });
    expect(res.json.data ?? null).toBeNull();
    expect(await site.snapshot()).toEqual(before);
    return { code: res.json.errors[0].extensions.code, message: res.json.errors[0].message as string };
  };

  const inVariables: [string, string, Record<string, unknown>, RegExp][] = [
    ['an address with a leading zero', ADD_SERVER, { input: { name: 'c', address: '192.0.2.010', configPath: 'c.conf' } }, /"192\.0\.2\.010" at "input\.address"; Expected type "IPv4"\. not an IPv4 address as a dotted quad/],
    ['an address with a prefix length', ADD_SERVER, { input: { name: 'c', address: '192.0.2.1/24', configPath: 'c.conf' } }, /at "input\.address"; Expected type "IPv4"/],
    ['an address given as a number', ADD_SERVER, { input: { name: 'c', address: 3221225985, configPath: 'c.conf' } }, /at "input\.address"; Expected type "IPv4"\. IPv4 is a string/],
    ['a network without a prefix length', CREATE_SCOPE, { input: { server: 'dhcp-a', network: '198.18.0.0' } }, /at "input\.network"; Expected type "IPv4CIDR"\. not an IPv4 CIDR like 192\.0\.2\.0\/24/],
    ['a network with a prefix length of 33', CREATE_SCOPE, { input: { server: 'dhcp-a', network: '198.18.0.0/33' } }, /at "input\.network"; Expected type "IPv4CIDR"/],
    ['a range end with trailing text', CREATE_SCOPE, { input: { server: 'dhcp-a', network: '198.18.0.0/24', pools: [{ ranges: [{ start: '198.18.0.10', end: '198.18.0.20;' }] }] } }, /at "input\.pools\[0\]\.ranges\[0\]\.end"; Expected type "IPv4"/],
  ];
  test.each(inVariables)('%s in a variable is BAD_USER_INPUT naming where it is, and is audited', async (_label, mutation, variables, message) => {
    const { code, message: said } = await refused(mutation, variables);
    expect(code).toBe('BAD_USER_INPUT');
    expect(said).toMatch(message);
    expect((await auditRows(site)).at(-1)).toMatchObject({ operation: mutation.includes('addServer') ? 'addServer' : 'createScope', outcome: 'BAD_USER_INPUT' });
  });

  const inLiterals: [string, string, RegExp][] = [
    ['an address with a leading zero', `mutation { addServer(input: { name: "c", address: "192.0.2.010", configPath: "c.conf" }) { id } }`, /Expected value of type "IPv4!", found "192\.0\.2\.010"; not an IPv4 address/],
    ['an address given as a number', `mutation { addServer(input: { name: "c", address: 3221225985, configPath: "c.conf" }) { id } }`, /Expected value of type "IPv4!", found 3221225985; IPv4 is a string/],
    ['a network with a netmask', `mutation { createScope(input: { server: "dhcp-a", network: "198.18.0.0/255.255.255.0" }) { id } }`, /Expected value of type "IPv4CIDR!", found "198\.18\.0\.0\/255\.255\.255\.0"; not an IPv4 CIDR/],
    ['a range start that is a name', `mutation { createScope(input: { server: "dhcp-a", network: "198.18.0.0/24", pools: [{ ranges: [{ start: "gateway", end: "198.18.0.20" }] }] }) { id } }`, /Expected value of type "IPv4!", found "gateway"/],
  ];
  test.each(inLiterals)('%s written in the document is GRAPHQL_VALIDATION_FAILED saying why', async (_label, mutation, message) => {
    const { code, message: said } = await refused(mutation, {});
    expect(code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(said).toMatch(message);
  });

  test('a CIDR off its network boundary passes the scalar and is BAD_USER_INPUT naming the field', async () => {
    const res = await site.refused(CREATE_SCOPE, { input: { server: 'dhcp-a', network: '198.18.0.7/24' } });
    expect(res).toMatchObject({ code: 'BAD_USER_INPUT', field: 'network' });
    expect(res.message).toMatch(/did you mean 198\.18\.0\.0\/24/);
  });
});
