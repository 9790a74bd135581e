import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { loadSettings } from '../../../src/config';
import { LIMITS } from '../../../src/graphql-limits/limits';
import { describeWithDhcpd } from '../../helpers/dhcpd';
import { ADMIN_TOKEN, Site } from '../../helpers/site';
import { ADD_SERVER, CREATE_SCOPE } from '../../helpers/operations';
import { auditRows, postGraphQL, raw, startSiteWithLog } from './harness';

const LEAKS = /SQLITE|SELECT |INSERT |UPDATE |\/tmp\/|\/src\/|node_modules|\.ts:\d|\bat \w+ \(|EISDIR|ENOENT/;

/**
 * The HTTP side of the endpoint: CSRF prevention, no batching, a bounded body, and errors that never carry
 * SQL, stacks or file paths (those go to the log under a request id).
 */
describeWithDhcpd('the GraphQL endpoint under abuse', () => {
  let site: Site;
  let log: string[];
  const previousEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    // Outside production Apollo and express would put stack traces into responses unless told not to.
    process.env.NODE_ENV = 'development';
    ({ site, log } = await startSiteWithLog());
    await site.seed('failover-pair');
  });
  afterAll(async () => {
    process.env.NODE_ENV = previousEnv;
    await site.stop();
  });

  test('CSRF prevention: a simple cross-site POST (text/plain) or a GET without a preflight header is refused', async () => {
    const before = await site.snapshot();
    const mutation = JSON.stringify({ query: `mutation { syncServer(name: "dhcp-a") { id } }` });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await raw(site, '/graphql', { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${ADMIN_TOKEN}` }, body: mutation });
      expect(res.status).toBe(400);
      expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    }
    const get = await raw(site, `/graphql?query=${encodeURIComponent('{ servers { name } }')}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(get.status).toBe(400);
    expect(get.json.errors[0].message).toMatch(/CSRF/);
    // A GET can never run a mutation, even with the header.
    const getMutation = await raw(site, `/graphql?query=${encodeURIComponent('mutation { syncServer(name: "dhcp-a") { id } }')}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'apollo-require-preflight': '1' },
    });
    expect(getMutation.status).toBe(405);
    expect(await site.snapshot()).toEqual(before);
  });

  test('a batch of operations in one request is refused', async () => {
    const before = await site.snapshot();
    const res = await postGraphQL(site, [{ query: '{ servers { name } }' }, { query: 'mutation { syncServer(name: "dhcp-a") { id } }' }]);
    expect(res.status).toBe(400);
    expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(await site.snapshot()).toEqual(before);
  });

  test(`a body over ${LIMITS.bodyBytes} bytes is refused with 413 and a GraphQL error, not an HTML page with a stack`, async () => {
    const before = await site.snapshot();
    const name = 'x'.repeat(LIMITS.bodyBytes);
    const res = await postGraphQL(site, { query: CREATE_SCOPE, variables: { input: { server: 'dhcp-a', network: '198.18.0.0/24', name } } });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.json.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.text).not.toMatch(LEAKS);
    expect(await site.snapshot()).toEqual(before);
  });

  test('a body that is not JSON is a 400 with a code, not a stack', async () => {
    for (const body of ['{"query": "{ servers { name } }"', '\u0000\u0001', '{"query": 5}', 'null']) {
      const res = await postGraphQL(site, body);
      expect(res.status).toBe(400);
      expect(res.json.errors[0].extensions.code).toMatch(/^BAD_REQUEST$/);
      expect(res.text).not.toMatch(LEAKS);
    }
  });

  test('an internal error reaches the client as "Internal server error" with a request id; the log has the details under that id', async () => {
    // A database that fails in a way no rule foresees: its message (SQL, a path) must stay in the service log.
    writeFileSync(path.join(site.configRoot, 'odd.conf'), 'ddns-update-style none;\n');
    await site.ok(ADD_SERVER, { input: { name: 'odd', address: '198.18.0.77', configPath: 'odd.conf' } });
    await site.gateway.db.query(`CREATE TRIGGER boom BEFORE INSERT ON scope BEGIN SELECT RAISE(ABORT, 'storage exploded at /var/lib/secret'); END`);
    const before = await site.snapshot();
    log.length = 0;
    const res = await postGraphQL(site, { query: CREATE_SCOPE, variables: { input: { server: 'odd', network: '198.18.0.0/24' } } });
    await site.gateway.db.query('DROP TRIGGER boom');
    const error = res.json.errors[0];
    expect(error.message).toBe('Internal server error');
    expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.extensions.stacktrace).toBeUndefined();
    expect(res.text).not.toMatch(LEAKS);
    const requestId = error.extensions.requestId as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(log.some((line) => line.includes(requestId) && line.includes('storage exploded'))).toBe(true);
    expect(await site.snapshot()).toEqual(before);
    // The audit log (read over the API) records the failure without its internals either.
    const row = (await auditRows(site)).at(-1)!;
    expect(row).toMatchObject({ operation: 'createScope', outcome: 'INTERNAL_SERVER_ERROR' });
    expect(row.message).not.toMatch(LEAKS);
    rmSync(path.join(site.configRoot, 'odd.conf'), { recursive: true });
  });

  test('refusals carry no stack trace even outside production', async () => {
    for (const body of [
      { query: '{ servers { nope } }' },
      { query: '{ servers { ' },
      { query: CREATE_SCOPE, variables: { input: { server: 'dhcp-a', network: 'bad' } } },
      { query: CREATE_SCOPE, variables: { input: { server: 'nope', network: '198.18.0.0/24' } } },
      { query: `{ scopes(first: 100000) { totalCount } }` },
    ]) {
      const res = await postGraphQL(site, body);
      for (const e of res.json.errors) expect(e.extensions.stacktrace).toBeUndefined();
      expect(res.text).not.toMatch(LEAKS);
    }
  });

  test('introspection is on outside production, and the standard introspection query passes every limit', async () => {
    const res = await postGraphQL(site, { query: getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true }) });
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.__schema.types.length).toBeGreaterThan(10);
  });

  test('a malicious introspection query that multiplies through types and fields is refused', async () => {
    // graphql-js's own rule stops three levels of `fields`; the fan-out rule already stops two.
    const three = await postGraphQL(site, { query: '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }' });
    expect(three.status).toBe(400);
    expect(three.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const two = await postGraphQL(site, { query: '{ __schema { types { fields { type { fields { name } } } } } }' });
    expect(two.status).toBe(400);
    expect(two.json.errors[0].extensions.limit).toBe('fan-out');
  });
});

describeWithDhcpd('production switches', () => {
  let site: Site;
  beforeAll(async () => {
    site = await Site.start({ GRAPHQL_INTROSPECTION: 'false', GRAPHQL_EXPLORER: 'false' });
  });
  afterAll(() => site.stop());

  test('GRAPHQL_INTROSPECTION=false refuses introspection; ordinary queries still work', async () => {
    for (const query of [getIntrospectionQuery(), '{ __schema { types { name } } }', '{ __type(name: "Scope") { name } }']) {
      const res = await postGraphQL(site, { query });
      expect(res.status).toBe(400);
      expect(res.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.json.errors[0].message).toMatch(/introspection/i);
    }
    expect((await postGraphQL(site, { query: '{ servers { name } }' })).json.data).toEqual({ servers: [] });
  });

  test('GRAPHQL_EXPLORER=false serves no explorer page', async () => {
    const page = await raw(site, '/graphql', { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(page.text).not.toMatch(/<html|<script/i);
  });

  test('NODE_ENV=production turns both off when they are not set', async () => {
    expect(loadSettings({ NODE_ENV: 'production' })).toMatchObject({ introspection: false, explorer: false });
    expect(loadSettings({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' })).toMatchObject({ introspection: true, explorer: false });
    expect(loadSettings({})).toMatchObject({ introspection: true, explorer: true });
  });
});
