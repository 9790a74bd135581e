import { TokenStore } from '../../../src/auth/tokens';
import { BOOTSTRAP_NAME, ensureBootstrapAdmin } from '../../../src/auth/bootstrap';
import { DHCPD } from '../../helpers/dhcpd';
import { POSTGRES_AVAILABLE, createTestDatabase } from '../../helpers/postgres';
import { Site } from '../../helpers/site';
import { CREATE_REL, CREATE_SCOPE } from '../../helpers/operations';
import { createToken, postGraphQL } from './harness';

/** Tokens, bootstrap and the audit log on PostgreSQL: its own migration path and a pool of connections. */
const describeOnPostgres = DHCPD && POSTGRES_AVAILABLE ? describe : describe.skip;

describeOnPostgres('tokens and the audit log on PostgreSQL', () => {
  let site: Site;
  let drop = async () => {};

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    site = await Site.start({ DATABASE_URL: db.url, GATEWAY_ADMIN_TOKEN: '' });
    await site.seed('failover-pair');
  });
  afterAll(async () => {
    await site.stop();
    await drop();
  });

  test('bootstrap, roles, revocation and audit rows work as on SQLite', async () => {
    const bootstrap = await ensureBootstrapAdmin(site.gateway.db, null);
    expect(bootstrap?.name).toBe(BOOTSTRAP_NAME);
    expect(await ensureBootstrapAdmin(site.gateway.db, null)).toBeNull();
    const viewer = await createToken(site, 'grafana', 'viewer');

    expect((await postGraphQL(site, { query: '{ servers { name } }' }, viewer)).json.data.servers).toHaveLength(2);
    const forbidden = await postGraphQL(site, { query: CREATE_REL, variables: { input: { name: 'x', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } } }, viewer);
    expect(forbidden.json.errors[0].extensions.code).toBe('FORBIDDEN');

    const before = await site.snapshot();
    const conflict = await postGraphQL(site, { query: CREATE_SCOPE, variables: { input: { server: 'dhcp-a', network: '198.51.100.0/25' } } }, bootstrap!.token);
    expect(conflict.json.errors[0].extensions.code).toBe('CONFLICT');
    expect(await site.snapshot()).toEqual(before);
    const ok = await postGraphQL(site, { query: CREATE_REL, variables: { input: { name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } } }, bootstrap!.token);
    expect(ok.json.errors).toBeUndefined();

    const log = await postGraphQL(site, { query: '{ auditLog(first: 10) { totalCount edges { node { actor operation outcome at } } } }' }, bootstrap!.token);
    expect(log.json.data.auditLog.totalCount).toBe(3);
    expect(log.json.data.auditLog.edges.map((e: any) => `${e.node.actor} ${e.node.operation} ${e.node.outcome}`)).toEqual([
      `${BOOTSTRAP_NAME} createFailoverRelationship ok`,
      `${BOOTSTRAP_NAME} createScope CONFLICT`,
      'grafana createFailoverRelationship FORBIDDEN',
    ]);
    expect(Number.isNaN(Date.parse(log.json.data.auditLog.edges[0].node.at))).toBe(false);

    await new TokenStore(site.gateway.db).revoke('grafana');
    expect((await postGraphQL(site, { query: '{ servers { name } }' }, viewer)).status).toBe(401);
  });
});
