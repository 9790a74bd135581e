import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PAIR_ADDRESSES, pairConfig } from '../../bench/pair-config';
import { ADD_SERVER, CREATE_SCOPE, DELETE_SCOPE } from '../helpers/operations';
import { ADMIN_TOKEN, Site } from '../helpers/site';
import { FRONTEND_QUERY } from './security/frontend-query';
import { createToken, postGraphQL, type RawResponse } from './security/harness';

/**
 * graphql-jit (the default executor, src/jit-executor.ts) answers exactly as graphql-js does: the same data, and
 * for every refusal the same HTTP status, codes, messages and masking. Two sites hold the same pair, built by the
 * same steps (so the same ids); every request goes to both and the two answers are compared whole.
 */
describe('graphql-jit and graphql-js give the same answers and the same errors', () => {
  let jit: Site;
  let js: Site;
  let ids: Record<string, string>;
  let viewer: string;

  beforeAll(async () => {
    [jit, js] = await Promise.all([Site.withFailoverPair(), Site.withFailoverPair({ GRAPHQL_EXECUTOR: 'graphql-js' })]);
    // graphql-jit is the default; without it both sites would run graphql-js and compare nothing.
    expect([jit.settings.executor, js.settings.executor]).toEqual(['jit', 'graphql-js']);
    ids = await jit.ids();
    expect(await js.ids()).toEqual(ids);
    // One viewer token that both sites accept: its row copied from one database to the other.
    viewer = await createToken(jit, 'grafana', 'viewer');
    for (const row of await jit.gateway.db.query(`SELECT * FROM api_token WHERE name = 'grafana'`)) {
      const columns = Object.keys(row);
      await js.gateway.db.query(`INSERT INTO api_token (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, Object.values(row));
    }
  });
  afterAll(() => Promise.all([jit?.stop(), js?.stop()]));

  /** The answer without what differs between any two requests (the request id of a masked error). */
  const comparable = (site: Site, r: RawResponse) => ({ status: r.status, body: JSON.parse(r.text.replace(/"requestId":"[^"]*"/g, '"requestId":"…"').replaceAll(site.dir, '…')) });
  async function both(body: unknown, token: string | null = ADMIN_TOKEN): Promise<RawResponse> {
    const [a, b] = await Promise.all([postGraphQL(jit, body, token), postGraphQL(js, body, token)]);
    expect(comparable(jit, a)).toEqual(comparable(js, b));
    return a;
  }

  test('the frontend query, named fragments and fragments on the Node interface', async () => {
    expect((await both({ query: FRONTEND_QUERY })).json.data.servers).toHaveLength(2);
    const withFragments = `query($s: ID!, $p: ID!) {
      s: node(id: $s) { ...N ... on Scope { network pools { ...N ranges { start } } failoverPartner { ...N } } }
      p: node(id: $p) { __typename ... on Pool { scope { id } } }
      servers { ...Srv }
    }
    fragment N on Node { __typename id }
    fragment Srv on DhcpServer { name scopes { ... on Node { id } authority } failoverRelationships { status primaryServer { name } } }`;
    const scope = ids['dhcp-a 198.51.100.0/24'];
    const answer = await both({ query: withFragments, variables: { s: scope, p: scope } });
    expect(answer.json.data.s).toMatchObject({ __typename: 'Scope', id: scope });
    expect(answer.json.data.s.failoverPartner.__typename).toBe('Scope');
    // a scope's id given as a pool's: null from node(id:)'s type check, identically
    expect(answer.json.data.p).toEqual({ __typename: 'Scope' });
  });

  test.each<[string, unknown, 'viewer' | 'none' | 'admin']>([
    ['a variable of the wrong type', { query: 'query($n: String!) { server(name: $n) { id } }', variables: { n: 3 } }, 'admin'],
    ['a missing required variable', { query: 'query($n: String!) { server(name: $n) { id } }', variables: {} }, 'admin'],
    ['a malformed global id', { query: DELETE_SCOPE, variables: { id: 'not-an-id' } }, 'admin'],
    ['an unknown field', { query: '{ servers { nope } }' }, 'admin'],
    ['a syntax error', { query: '{ servers { ' }, 'admin'],
    ['two operations and no operation name', { query: 'query A { servers { id } } query B { servers { name } }' }, 'admin'],
    ['an operation name that names none', { query: 'query A { servers { id } }', operationName: 'B' }, 'admin'],
    ['a query too deep', { query: `{ servers { scopes { server { scopes { server { scopes { server { scopes { server { scopes { server { scopes { id } } } } } } } } } } } }` }, 'admin'],
    ['no token', { query: '{ servers { id } }' }, 'none'],
    ['a viewer running a mutation', { query: ADD_SERVER, variables: { input: { name: 'x', address: '192.0.2.30', configPath: 'x.conf' } } }, 'viewer'],
    ['a refused mutation: a bad server name', { query: ADD_SERVER, variables: { input: { name: 'x"y', address: '192.0.2.30', configPath: 'x.conf' } } }, 'admin'],
    ['a refused mutation: a bad network scalar', { query: CREATE_SCOPE, variables: { input: { server: 'dhcp-a', network: '10.0.0.0/33', pools: [] } } }, 'admin'],
    ['a refused mutation: a server that does not exist', { query: CREATE_SCOPE, variables: { input: { server: 'nope', network: '10.9.0.0/24', pools: [{ ranges: [{ start: '10.9.0.10', end: '10.9.0.20' }] }] } } }, 'admin'],
  ])('%s', async (_label, body, who) => {
    const answer = await both(body, who === 'admin' ? ADMIN_TOKEN : who === 'viewer' ? viewer : null);
    expect(answer.status === 200 ? answer.json.errors?.length : answer.status).toBeTruthy();
  });

  test('an internal error is masked the same way, with a request id', async () => {
    // A real failure inside a field resolver: the table the pools are read from is gone.
    await Promise.all([jit, js].map((s) => s.gateway.db.query('ALTER TABLE pool RENAME TO pool_gone')));
    try {
      const answer = await both({ query: '{ servers { scopes { pools { id } } } }' });
      expect(answer.json.errors[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } });
    } finally {
      await Promise.all([jit, js].map((s) => s.gateway.db.query('ALTER TABLE pool_gone RENAME TO pool')));
    }
  });
});

/**
 * Long lists reach the executors in turns of the event loop (src/loaders/pacer.ts): a server's 150 scopes as one
 * promise, the lists no prefetch read through the loaders. The answers, and an error raised inside a long list,
 * are the same through both executors.
 */
describe('graphql-jit and graphql-js over lists long enough to be completed in turns', () => {
  let jit: Site;
  let js: Site;
  const pairSite = async (env: Record<string, string> = {}) => {
    const site = await Site.start(env);
    for (const role of ['primary', 'secondary'] as const) writeFileSync(path.join(site.configRoot, `${role}.conf`), pairConfig(role, 150));
    await site.ok(`mutation { a: addServer(input: { name: "primary", address: "${PAIR_ADDRESSES.primary}", configPath: "primary.conf" }) { id } b: addServer(input: { name: "secondary", address: "${PAIR_ADDRESSES.secondary}", configPath: "secondary.conf" }) { id } }`);
    return site;
  };
  beforeAll(async () => {
    [jit, js] = await Promise.all([pairSite(), pairSite({ GRAPHQL_EXECUTOR: 'graphql-js' })]);
  });
  afterAll(() => Promise.all([jit?.stop(), js?.stop()]));

  const comparable = (site: Site, r: RawResponse) => ({ status: r.status, body: JSON.parse(r.text.replace(/"requestId":"[^"]*"/g, '"requestId":"…"').replaceAll(site.dir, '…')) });
  async function both(query: string): Promise<RawResponse> {
    const [a, b] = await Promise.all([postGraphQL(jit, { query }), postGraphQL(js, { query })]);
    expect(comparable(jit, a)).toEqual(comparable(js, b));
    return a;
  }

  test('the frontend query, prefetched: every scope and pool, in order', async () => {
    const answer = (await both(FRONTEND_QUERY)).json.data;
    expect(answer.servers.map((s: any) => s.scopes.length)).toEqual([150, 150]);
    expect(answer.servers[0].scopes.map((s: any) => s.network)).toEqual(Array.from({ length: 150 }, (_, i) => `10.0.${i}.0/24`));
    expect(answer.servers[0].failoverRelationships[0].scopes).toHaveLength(150);
    expect(answer.servers[0].scopes[149].pools.map((p: any) => p.ranges[0].start)).toEqual(['10.0.149.10', '10.0.149.100']);
  });

  test('lists no prefetch read, through the loaders', async () => {
    const answer = (await both('{ failoverRelationship(name: "bench") { scopes { network pools { ranges { start } } server { name } } } }')).json;
    expect(answer.errors).toBeUndefined();
    expect(answer.data.failoverRelationship.scopes).toHaveLength(150);
    expect(answer.data.failoverRelationship.scopes[149]).toEqual({ network: '10.0.148.0/24', pools: [{ ranges: [{ start: '10.0.148.10' }] }, { ranges: [{ start: '10.0.148.100' }] }], server: { name: 'secondary' } });
  });

  test('an internal error under a long list is masked the same way', async () => {
    await Promise.all([jit, js].map((s) => s.gateway.db.query('ALTER TABLE pool RENAME TO pool_gone')));
    try {
      const answer = await both('{ servers { scopes { network pools { id } } } }');
      expect(answer.json.errors[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    } finally {
      await Promise.all([jit, js].map((s) => s.gateway.db.query('ALTER TABLE pool_gone RENAME TO pool')));
    }
  });
});
