import { TokenStore } from '../../../src/auth/tokens';
import { BOOTSTRAP_NAME, ensureBootstrapAdmin } from '../../../src/auth/bootstrap';
import { describeWithDhcpd } from '../../helpers/dhcpd';
import { ADMIN_TOKEN, Site } from '../../helpers/site';
import { ADD_SCOPES, CREATE_REL, CREATE_SCOPE, SYNC } from '../../helpers/operations';
import { auditRows, createToken, postGraphQL, raw } from './harness';

const SERVERS = `{ servers { name } }`;

/**
 * Identity and roles over real HTTP: every GraphQL request needs a bearer token, queries need viewer,
 * mutations admin; each refusal carries its code and leaves the database and every file as they were.
 */
describeWithDhcpd('who may call the gateway', () => {
  let site: Site;
  let viewer: string;
  let admin: string;

  beforeAll(async () => {
    site = await Site.start();
    await site.seed('failover-pair');
    viewer = await createToken(site, 'grafana', 'viewer');
    admin = await createToken(site, 'ops-alice', 'admin');
  });
  afterAll(() => site.stop());

  const unauthenticated: [string, Record<string, string>][] = [
    ['no Authorization header', {}],
    ['an unknown token', { authorization: 'Bearer dfg_' + 'A'.repeat(43) }],
    ['an unknown token of any other shape', { authorization: 'Bearer not-a-token' }],
    ['the hash of a real token instead of the token', { authorization: '' }],
    ['a token with a different scheme', { authorization: `Basic ${ADMIN_TOKEN}` }],
    ['a token with a lowercase scheme', { authorization: `bearer ${ADMIN_TOKEN}` }],
    ['the admin token with a character missing', { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` }],
    ['the admin token with a character more', { authorization: `Bearer ${ADMIN_TOKEN}x` }],
    ['two tokens in one header', { authorization: `Bearer ${ADMIN_TOKEN} Bearer ${ADMIN_TOKEN}` }],
  ];

  test.each(unauthenticated)('a query with %s is refused with 401 UNAUTHENTICATED', async (label, headers) => {
    if (label.startsWith('the hash')) {
      const [row] = await site.gateway.db.query(`SELECT token_hash FROM api_token WHERE name = 'ops-alice'`);
      headers = { authorization: `Bearer ${row.token_hash}` };
    }
    const res = await postGraphQL(site, { query: SERVERS }, null, headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.json.data).toBeUndefined();
  });

  test.each(unauthenticated.filter(([l]) => !l.startsWith('the hash')))('a mutation with %s is refused and changes nothing', async (_label, headers) => {
    const before = await site.snapshot();
    const audit = await auditRows(site);
    const res = await postGraphQL(site, { query: CREATE_REL, variables: { input: { name: 'x', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } } }, null, headers);
    expect(res.status).toBe(401);
    expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await site.snapshot()).toEqual(before);
    expect(await auditRows(site)).toEqual(audit);
  });

  test('even introspection and __typename need a token', async () => {
    for (const query of ['{ __typename }', '{ __schema { queryType { name } } }']) {
      const res = await postGraphQL(site, { query }, null);
      expect(res.status).toBe(401);
      expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  test('a GET query without a token is refused too', async () => {
    const res = await raw(site, `/graphql?query=${encodeURIComponent(SERVERS)}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(res.status).toBe(401);
    expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  test('a viewer token reads every query', async () => {
    const res = await postGraphQL(site, { query: `{ servers { name scopes { network } } failoverRelationships { name } scopes(first: 2) { totalCount } }` }, viewer);
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.servers.map((s: { name: string }) => s.name)).toEqual(['dhcp-a', 'dhcp-b']);
  });

  const mutations: [string, string, Record<string, unknown>][] = [
    ['createFailoverRelationship', CREATE_REL, { input: { name: 'viewer-made', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } }],
    ['createScope', CREATE_SCOPE, { input: { server: 'dhcp-a', network: '198.18.0.0/24' } }],
    ['syncServer', SYNC, { name: 'dhcp-a' }],
    ['addScopesToFailoverRelationship', ADD_SCOPES, { name: 'nope', ids: ['1'] }],
  ];

  test.each(mutations)('a viewer calling %s is FORBIDDEN, changes nothing, and the attempt is audited under its name', async (operation, mutation, variables) => {
    const before = await site.snapshot();
    const res = await postGraphQL(site, { query: mutation, variables }, viewer);
    expect(res.json.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(res.json.data).toBeNull();
    expect(await site.snapshot()).toEqual(before);
    expect((await auditRows(site)).at(-1)).toMatchObject({ actor: 'grafana', operation, outcome: 'FORBIDDEN' });
  });

  test('a viewer may not read the audit log', async () => {
    const res = await postGraphQL(site, { query: `{ auditLog { totalCount } }` }, viewer);
    expect(res.json.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  test('an admin token from the token store may change things, and GATEWAY_ADMIN_TOKEN too', async () => {
    const a = await postGraphQL(site, { query: CREATE_REL, variables: { input: { name: 'made-by-alice', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } } }, admin);
    expect(a.json.errors).toBeUndefined();
    const b = await postGraphQL(site, { query: CREATE_REL, variables: { input: { name: 'made-by-env', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } } }, ADMIN_TOKEN);
    expect(b.json.errors).toBeUndefined();
    const rows = await auditRows(site);
    expect(rows.at(-2)).toMatchObject({ actor: 'ops-alice', operation: 'createFailoverRelationship', outcome: 'ok' });
    expect(rows.at(-1)).toMatchObject({ actor: 'admin (GATEWAY_ADMIN_TOKEN)', outcome: 'ok' });
  });

  test('a revoked token is refused on the very next request', async () => {
    const token = await createToken(site, 'short-lived', 'admin');
    expect((await postGraphQL(site, { query: SERVERS }, token)).status).toBe(200);
    await new TokenStore(site.gateway.db).revoke('short-lived');
    const before = await site.snapshot();
    const res = await postGraphQL(site, { query: CREATE_REL, variables: { input: { name: 'too-late', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } } }, token);
    expect(res.status).toBe(401);
    expect(res.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await site.snapshot()).toEqual(before);
  });

  test('the explorer page and /healthz stay open', async () => {
    const page = await raw(site, '/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const health = await raw(site, '/healthz');
    expect(health.status).toBe(200);
    expect(health.json.status).toBe('ok');
  });

  test('/metrics needs a viewer token: 401 without one or with an unknown one, 200 with a viewer or admin token', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${viewer}x` }] as Record<string, string>[]) {
      const res = await raw(site, '/metrics', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.text).not.toContain('gateway_sql_statements_total');
    }
    for (const token of [viewer, admin, ADMIN_TOKEN]) {
      const res = await raw(site, '/metrics', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.text).toContain('gateway_sql_statements_total');
    }
  });
});

describeWithDhcpd('a first start with no token configured', () => {
  let site: Site;
  beforeAll(async () => {
    site = await Site.start({ GATEWAY_ADMIN_TOKEN: '' });
  });
  afterAll(() => site.stop());

  test('is closed until the printed bootstrap token is used, which works as an admin', async () => {
    // Nothing is open by accident: without GATEWAY_ADMIN_TOKEN no request gets through.
    expect((await postGraphQL(site, { query: SERVERS }, ADMIN_TOKEN)).status).toBe(401);
    expect((await postGraphQL(site, { query: SERVERS }, null)).status).toBe(401);

    // What `npm start` does before it listens (src/index.ts).
    const created = await ensureBootstrapAdmin(site.gateway.db, site.settings.adminToken);
    expect(created?.name).toBe(BOOTSTRAP_NAME);
    const res = await postGraphQL(site, { query: CREATE_REL, variables: { input: { name: 'x', primaryServer: 'a', secondaryServer: 'b' } } }, created!.token);
    expect(res.json.errors[0].extensions.code).toBe('NOT_FOUND'); // authorised as admin; the servers do not exist

    // A restart makes no second token, and only the hash was kept.
    expect(await ensureBootstrapAdmin(site.gateway.db, site.settings.adminToken)).toBeNull();
    const rows = await site.gateway.db.query('SELECT * FROM api_token');
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(created!.token.slice(4, 16));
  });
});
