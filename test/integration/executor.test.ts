import { writeFileSync } from 'node:fs';
import path from 'node:path';
import timers from 'node:timers/promises';
import { NESTED_QUERY, PAIR_ADDRESSES, pairConfig } from '../../bench/pair-config';
import * as jsonAnswer from '../../src/json-answer';
import * as storedRanges from '../../src/entities/stored-ranges';
import { ADD_SERVER, CREATE_SCOPE, DELETE_SCOPE } from '../helpers/operations';
import { ADMIN_TOKEN, Site } from '../helpers/site';
import { FRONTEND_QUERY } from './security/frontend-query';
import { createToken, postGraphQL, type RawResponse } from './security/harness';

/** The answer without what differs between any two requests (the request id of a masked error) or sites (their folder). */
const comparable = (site: Site, r: RawResponse) => ({ status: r.status, body: JSON.parse(r.text.replace(/"requestId":"[^"]*"/g, '"requestId":"…"').replaceAll(site.dir, '…')) });

/** `body` posted to the json, jit and graphql-js sites at once: the first two must answer as graphql-js does. The json site's answer. */
async function sameOnAll([json, jit, js]: readonly [Site, Site, Site], body: unknown, token: string | null = ADMIN_TOKEN): Promise<RawResponse> {
  const [a, b, c] = await Promise.all([json, jit, js].map((site) => postGraphQL(site, body, token)));
  expect(comparable(json, a)).toEqual(comparable(js, c));
  expect(comparable(jit, b)).toEqual(comparable(js, c));
  return a;
}

/** Whether each call of writeAnswer since `spy` was made wrote the answer (true) or left it to the executor (false). */
async function written(spy: jest.SpyInstance<ReturnType<typeof jsonAnswer.writeAnswer>>): Promise<boolean[]> {
  return Promise.all(spy.mock.results.map(async (r) => (await r.value) !== null));
}

/**
 * Every executor answers exactly as graphql-js does: the default (`json`: answers written straight from the prefetch,
 * src/json-answer.ts, graphql-jit for the rest), graphql-jit alone (src/jit-executor.ts) and graphql-js. Three sites
 * hold the same pair, built by the same steps (so the same ids); every request goes to all three and the answers are
 * compared whole, byte for byte where the writer answered.
 */
describe('every executor gives the answers and the errors graphql-js gives', () => {
  let json: Site;
  let jit: Site;
  let js: Site;
  let ids: Record<string, string>;
  let viewer: string;

  beforeAll(async () => {
    [json, jit, js] = await Promise.all([Site.withFailoverPair(), Site.withFailoverPair({ GRAPHQL_EXECUTOR: 'jit' }), Site.withFailoverPair({ GRAPHQL_EXECUTOR: 'graphql-js' })]);
    // json is the default; without it every site would run the same executor and compare nothing.
    expect([json, jit, js].map((s) => s.settings.executor)).toEqual(['json', 'jit', 'graphql-js']);
    ids = await json.ids();
    expect(await jit.ids()).toEqual(ids);
    expect(await js.ids()).toEqual(ids);
    // One viewer token that every site accepts: its row copied from one database to the others.
    viewer = await createToken(json, 'grafana', 'viewer');
    for (const row of await json.gateway.db.query(`SELECT * FROM api_token WHERE name = 'grafana'`)) {
      const columns = Object.keys(row);
      for (const other of [jit, js]) await other.gateway.db.query(`INSERT INTO api_token (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, Object.values(row));
    }
  });
  afterAll(() => Promise.all([json?.stop(), jit?.stop(), js?.stop()]));
  afterEach(() => jest.restoreAllMocks());

  const both = (body: unknown, token?: string | null) => sameOnAll([json, jit, js], body, token);

  /** The query through all three, and whether the writer answered it on the json site. */
  async function writtenBoth(query: string, variables: Record<string, unknown> = {}): Promise<{ answer: RawResponse; written: boolean }> {
    const spy = jest.spyOn(jsonAnswer, 'writeAnswer');
    const answer = await both({ query, variables });
    const calls = await written(spy);
    spy.mockRestore();
    expect(calls).toHaveLength(1);
    // byte for byte what Apollo serialises from graphql-js's result
    if (calls[0]) expect(answer.text).toBe(JSON.stringify(comparable(js, answer).body) + '\n');
    return { answer, written: calls[0] };
  }

  test.each<[string, string, Record<string, unknown>]>([
    ["the bench's nested query", NESTED_QUERY, {}],
    ['aliases, a field asked twice, __typename', '{ t: __typename servers { n: name name __typename scopes { id network } scopes { network authority enabled failoverRole pools { id ranges { s: start end } } } failoverRelationships { status primaryServer { name } secondaryServer { id } scopes { network server { name } } } } }', {}],
    ['named and inline fragments, on the type and on Node', '{ servers { ...S } } fragment S on DhcpServer { name ... on Node { id } scopes { ... on Node { id } ... on Scope { network } failoverPartner { id server { name } } failoverRelationship { name } server { ...S2 } } } fragment S2 on DhcpServer { name }', {}],
    ['@skip and @include with variables', 'query($yes: Boolean!, $no: Boolean!) { servers { name @include(if: $no) address @skip(if: $no) scopes @include(if: $yes) { id @skip(if: $yes) network pools @skip(if: false) { id } } } }', { yes: true, no: false }],
    ['objects whose every field is skipped, lists of strings, lists that may be empty', '{ servers { name @skip(if: true) } more: servers { unmatchedFailoverPeers name failoverRelationships { scopes { pools { ranges { start } } } } scopes { pools { id } } } }', {}],
    ['root fields with arguments, one naming nothing', 'query($n: String!) { server(name: $n) { name scopes { network } } none: server(name: "nope") { name } failoverRelationships(server: "dhcp-a") { name scopes { network } } }', { n: 'dhcp-b' }],
  ])('the writer answers %s', async (_label, query, variables) => {
    const { answer, written: byWriter } = await writtenBoth(query, variables);
    expect(answer.json.errors).toBeUndefined();
    expect(byWriter).toBe(true);
  });

  test.each<[string, string]>([
    ['a field it does not read from the prefetch (Pool.failoverRelationship)', FRONTEND_QUERY],
    ['a root field that does not prefetch', `{ scopes(first: 2) { edges { node { network } } } }`],
    ['fields that read files (configFiles, drift)', '{ server(name: "dhcp-a") { name configFiles drift { files { path } } } }'],
    ['introspection', '{ __schema { queryType { name } } }'],
  ])('the executor answers %s', async (_label, query) => {
    const { written: byWriter } = await writtenBoth(query);
    expect(byWriter).toBe(false);
  });

  /** SQL statements each site sends for `work`. */
  async function statementsOf(work: () => Promise<unknown>): Promise<number[]> {
    const count = async (site: Site) => (await site.gateway.metrics.sqlStatements.get()).values[0]?.value ?? 0;
    const before = await Promise.all([json, jit, js].map(count));
    await work();
    return (await Promise.all([json, jit, js].map(count))).map((n, i) => n - before[i]);
  }

  test('a value the writer cannot write goes to the executor, which answers from what the root field gave: nothing runs twice', async () => {
    const network = '198.51.100.0/24';
    const roles = await json.gateway.db.query(`SELECT id, failover_role FROM scope WHERE network = '${network}'`);
    for (const site of [json, jit, js]) await site.gateway.db.query(`UPDATE scope SET failover_role = 'bogus' WHERE network = '${network}'`);
    try {
      const spy = jest.spyOn(jsonAnswer, 'writeAnswer');
      let answer: RawResponse | undefined;
      const statements = await statementsOf(async () => (answer = await both({ query: '{ a: servers { scopes { network failoverRole } } }' })));
      // graphql-js's own error (the enum cannot represent the value), masked as every internal error is
      expect(answer!.json.errors[0]).toMatchObject({ message: 'Internal server error', path: ['a', 0, 'scopes', expect.any(Number), 'failoverRole'] });
      expect(await written(spy)).toEqual([false]);
      expect(new Set(statements).size).toBe(1);
    } finally {
      for (const site of [json, jit, js]) for (const r of roles) await site.gateway.db.query(`UPDATE scope SET failover_role = ? WHERE id = ?`, [r.failover_role, r.id]);
    }
  });

  test('a name JSON must escape is written as JSON.stringify writes it', async () => {
    const name = 'a "quoted" \\ name\n\u0001 \u2603 \ud83d\ude00';
    for (const site of [json, jit, js]) await site.gateway.db.query(`UPDATE scope SET name = ? WHERE network = '198.51.100.0/24'`, [name]);
    try {
      const { answer, written: byWriter } = await writtenBoth('{ servers { scopes { network name } } }');
      expect(byWriter).toBe(true);
      expect(answer.json.data.servers[0].scopes.find((s: { network: string }) => s.network === '198.51.100.0/24').name).toBe(name);
    } finally {
      for (const site of [json, jit, js]) await site.gateway.db.query(`UPDATE scope SET name = NULL WHERE network = '198.51.100.0/24'`);
    }
  });

  /** `work` with the first pool's ranges stored as `text` on every site, and put back after it. */
  async function withFirstPoolRanges(text: string, work: () => Promise<void>): Promise<void> {
    const [{ id, ranges }] = await json.gateway.db.query('SELECT id, ranges FROM pool ORDER BY id LIMIT 1');
    const store = (value: string) => Promise.all([json, jit, js].map((site) => site.gateway.db.query('UPDATE pool SET ranges = ? WHERE id = ?', [value, id])));
    await store(text);
    try {
      await work();
    } finally {
      await store(ranges);
    }
  }

  test("a pool's ranges are copied into the answer as they are stored when the selection asks for exactly them", async () => {
    const query = (selection: string) => ({ query: `{ servers { scopes { pools { ranges ${selection} } } } }` });
    const parsed = jest.spyOn(storedRanges, 'parseRanges');
    // On the json site alone (the other two read every pool's ranges): no pool's text is parsed.
    const { data } = (await postGraphQL(json, query('{ start end }'))).json;
    const ranges = data.servers.flatMap((s: any) => s.scopes.flatMap((scope: any) => scope.pools.flatMap((p: any) => p.ranges)));
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges[0]).toEqual({ start: expect.any(String), end: expect.any(String) });
    expect(parsed).not.toHaveBeenCalled();
    // Another selection is written from the ranges, read from the text.
    await postGraphQL(json, query('{ end start }'));
    expect(parsed).toHaveBeenCalled();
  });

  test.each<[string, string]>([
    ['as JSON.stringify writes it', '[{"start":"198.51.100.10","end":"198.51.100.20"},{"start":"198.51.100.30","end":"198.51.100.40"}]'],
    ['with spaces', '[ {"start":"198.51.100.10", "end":"198.51.100.20"} ]'],
    ['with the keys the other way round', '[{"end":"198.51.100.20","start":"198.51.100.10"}]'],
    ['with another key', '[{"start":"198.51.100.10","end":"198.51.100.20","note":"x"}]'],
    ['with an escape', '[{"start":"198.51.100.1\\u0030","end":"198.51.100.20"}]'],
    ['empty', '[]'],
  ])('ranges stored %s are answered as graphql-js answers them, for every selection', async (_label, text) => {
    await withFirstPoolRanges(text, async () => {
      for (const selection of ['{ start end }', '{ end start }', '{ start: end end: start }', '{ start e: end }', '{ __typename start end }', '{ start end start }', '{ ...R }']) {
        const fragment = selection.includes('...R') ? ' fragment R on IpRange { start end }' : '';
        const { written: byWriter } = await writtenBoth(`{ servers { scopes { pools { id ranges ${selection} } } } }${fragment}`);
        expect(byWriter).toBe(true);
      }
    });
  });

  test("ranges stored as text JSON does not read are that field's error, the same on every site", async () => {
    await withFirstPoolRanges('[{"start":"198.51.100.10"', async () => {
      const { answer, written: byWriter } = await writtenBoth('{ servers { scopes { pools { id ranges { start end } } } } }');
      expect(byWriter).toBe(false);
      expect(answer.json.errors[0]).toMatchObject({ message: 'Internal server error', path: expect.arrayContaining(['pools', 'ranges']) });
      // A query that does not ask for the ranges does not read them.
      expect((await writtenBoth('{ servers { scopes { pools { id } } } }')).answer.json.errors).toBeUndefined();
    });
  });

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
    await Promise.all([json, jit, js].map((s) => s.gateway.db.query('ALTER TABLE pool RENAME TO pool_gone')));
    try {
      let answer: RawResponse | undefined;
      // The root field's prefetch fails inside the writer's run: the executor reports that failure, it does not try again.
      const statements = await statementsOf(async () => (answer = await both({ query: '{ servers { scopes { pools { id } } } }' })));
      expect(new Set(statements).size).toBe(1);
      expect(answer!.json.errors[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } });
    } finally {
      await Promise.all([json, jit, js].map((s) => s.gateway.db.query('ALTER TABLE pool_gone RENAME TO pool')));
    }
  });
});

/**
 * Long lists reach the executors in turns of the event loop (src/loaders/pacer.ts): a server's 150 scopes as one
 * promise, the lists no prefetch read through the loaders; the writer hands the loop back between list items. The
 * answers, and an error raised inside a long list, are the same through every executor.
 */
describe('every executor over lists long enough to be completed in turns', () => {
  let json: Site;
  let jit: Site;
  let js: Site;
  const pairSite = async (env: Record<string, string> = {}) => {
    const site = await Site.start(env);
    for (const role of ['primary', 'secondary'] as const) writeFileSync(path.join(site.configRoot, `${role}.conf`), pairConfig(role, 150));
    await site.ok(`mutation { a: addServer(input: { name: "primary", address: "${PAIR_ADDRESSES.primary}", configPath: "primary.conf" }) { id } b: addServer(input: { name: "secondary", address: "${PAIR_ADDRESSES.secondary}", configPath: "secondary.conf" }) { id } }`);
    return site;
  };
  beforeAll(async () => {
    [json, jit, js] = await Promise.all([pairSite(), pairSite({ GRAPHQL_EXECUTOR: 'jit' }), pairSite({ GRAPHQL_EXECUTOR: 'graphql-js' })]);
  });
  afterAll(() => Promise.all([json?.stop(), jit?.stop(), js?.stop()]));
  afterEach(() => jest.restoreAllMocks());

  const both = (query: string) => sameOnAll([json, jit, js], { query });

  test('the frontend query, prefetched: every scope and pool, in order', async () => {
    const answer = (await both(FRONTEND_QUERY)).json.data;
    expect(answer.servers.map((s: any) => s.scopes.length)).toEqual([150, 150]);
    expect(answer.servers[0].scopes.map((s: any) => s.network)).toEqual(Array.from({ length: 150 }, (_, i) => `10.0.${i}.0/24`));
    expect(answer.servers[0].failoverRelationships[0].scopes).toHaveLength(150);
    expect(answer.servers[0].scopes[149].pools.map((p: any) => p.ranges[0].start)).toEqual(['10.0.149.10', '10.0.149.100']);
  });

  test('the writer hands the event loop back within a long answer, and the answer is the same', async () => {
    // Every reading of the clock 41 ms later than the one before: each slice (40 ms) ends at its first check.
    let now = performance.now();
    jest.spyOn(performance, 'now').mockImplementation(() => (now += 41));
    const turns = jest.spyOn(timers, 'setImmediate');
    const writes = jest.spyOn(jsonAnswer, 'writeAnswer');
    const answer = await postGraphQL(json, { query: NESTED_QUERY });
    const [turnsTaken] = [turns.mock.calls.length];
    jest.restoreAllMocks();
    expect(await written(writes)).toEqual([true]);
    // 150 scopes and 300 pools per server: a pause every 256 list items at least
    expect(turnsTaken).toBeGreaterThanOrEqual(2);
    const reference = await postGraphQL(js, { query: NESTED_QUERY });
    expect(comparable(json, answer)).toEqual(comparable(js, reference));
  });

  test('lists no prefetch read, through the loaders', async () => {
    const answer = (await both('{ failoverRelationship(name: "bench") { scopes { network pools { ranges { start } } server { name } } } }')).json;
    expect(answer.errors).toBeUndefined();
    expect(answer.data.failoverRelationship.scopes).toHaveLength(150);
    expect(answer.data.failoverRelationship.scopes[149]).toEqual({ network: '10.0.148.0/24', pools: [{ ranges: [{ start: '10.0.148.10' }] }, { ranges: [{ start: '10.0.148.100' }] }], server: { name: 'secondary' } });
  });

  test('an internal error under a long list is masked the same way', async () => {
    await Promise.all([json, jit, js].map((s) => s.gateway.db.query('ALTER TABLE pool RENAME TO pool_gone')));
    try {
      const answer = await both('{ servers { scopes { network pools { id } } } }');
      expect(answer.json.errors[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    } finally {
      await Promise.all([json, jit, js].map((s) => s.gateway.db.query('ALTER TABLE pool_gone RENAME TO pool')));
    }
  });
});
