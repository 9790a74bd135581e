import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeWithDhcpd } from '../../helpers/dhcpd';
import { Site } from '../../helpers/site';
import { ADD_SCOPES, CREATE_REL, CREATE_SCOPE } from '../../helpers/operations';
import { auditRows, createToken, postGraphQL } from './harness';

const AUDIT_LOG = `query($first: Int, $after: String) {
  auditLog(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id at actor operation arguments outcome message } }
  }
}`;

/** Every mutation is recorded with who, when, what and how it ended; admins read it back newest first. */
describeWithDhcpd('the audit log', () => {
  let site: Site;
  let alice: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    site = await Site.start();
    await site.seed('failover-pair');
    alice = await createToken(site, 'alice', 'admin');
    ids = await site.ids();
  });
  afterAll(() => site.stop());

  const log = async (variables: Record<string, unknown> = {}, token = alice) => postGraphQL(site, { query: AUDIT_LOG, variables }, token);

  test('a successful mutation is recorded with the token name, the operation, its arguments and "ok"', async () => {
    const started = Date.now();
    await postGraphQL(site, { query: CREATE_REL, variables: { input: { name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b', percentage: 60 } } }, alice);
    const res = await log({ first: 1 });
    expect(res.json.errors).toBeUndefined();
    const entry = res.json.data.auditLog.edges[0].node;
    expect(entry).toMatchObject({ actor: 'alice', operation: 'createFailoverRelationship', outcome: 'ok', message: null });
    expect(JSON.parse(entry.arguments)).toEqual({ input: { name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b', percentage: 60 }, dryRun: false });
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(entry.at)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  test('a refused mutation is recorded with its code and message, and the row survives the rollback', async () => {
    const before = await site.snapshot();
    const res = await postGraphQL(site, { query: CREATE_SCOPE, variables: { input: { server: 'dhcp-a', network: '198.51.100.128/25' } } }, alice);
    expect(res.json.errors[0].extensions.code).toBe('CONFLICT');
    expect(await site.snapshot()).toEqual(before);
    const entry = (await log({ first: 1 })).json.data.auditLog.edges[0].node;
    expect(entry).toMatchObject({ actor: 'alice', operation: 'createScope', outcome: 'CONFLICT' });
    expect(entry.message).toBe(res.json.errors[0].message);
  });

  test('a mutation that dhcpd -t refuses after its database changes were made is recorded as CONFIG_INVALID', async () => {
    const bFile = path.join(site.configRoot, 'dhcp-b.conf');
    const original = site.file('dhcp-b');
    writeFileSync(bFile, original + 'include "/nonexistent/gw-audit.conf";\n');
    // As if the server had been registered with that file: no drift, but dhcpd -t refuses it.
    await site.markSeen('dhcp-b');
    try {
      const before = await site.snapshot();
      const res = await postGraphQL(site, { query: ADD_SCOPES, variables: { name: 'ab', ids: [ids['dhcp-a 198.51.100.0/24']] } }, alice);
      expect(res.json.errors[0].extensions.code).toBe('CONFIG_INVALID');
      expect(await site.snapshot()).toEqual(before);
      expect((await auditRows(site)).at(-1)).toMatchObject({ actor: 'alice', operation: 'addScopesToFailoverRelationship', outcome: 'CONFIG_INVALID' });
    } finally {
      writeFileSync(bFile, original);
      await site.markSeen('dhcp-b');
    }
  });

  test('every mutation of a multi-mutation request gets its own row', async () => {
    const before = (await auditRows(site)).length;
    const res = await postGraphQL(
      site,
      { query: `mutation { a: createFailoverRelationship(input: { name: "two-a", primaryServer: "dhcp-a", secondaryServer: "dhcp-b" }) { id } b: createFailoverRelationship(input: { name: "bad name", primaryServer: "dhcp-a", secondaryServer: "dhcp-b" }) { id } }` },
      alice,
    );
    // b's error nulls the whole answer (its field is non-null), yet a ran, and both are on record.
    expect(res.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await site.ok(`{ failoverRelationship(name: "two-a") { name } }`)).failoverRelationship).toEqual({ name: 'two-a' });
    const rows = (await auditRows(site)).slice(before);
    expect(rows.map((r) => `${r.operation} ${r.outcome}`)).toEqual(['createFailoverRelationship ok', 'createFailoverRelationship BAD_USER_INPUT']);
  });

  test('queries are not recorded', async () => {
    const before = (await auditRows(site)).length;
    await postGraphQL(site, { query: '{ servers { name } }' }, alice);
    await log();
    expect((await auditRows(site)).length).toBe(before);
  });

  test('reads newest first, a page at a time, until the first entry', async () => {
    const all = await auditRows(site);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await log({ first: 2, after })).json.data.auditLog;
      expect(page.totalCount).toBe(all.length);
      seen.push(...page.edges.map((e: any) => `${e.node.operation} ${e.node.outcome}`));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.map((r) => `${r.operation} ${r.outcome}`).reverse());
  });

  test('page bounds and cursors are checked', async () => {
    expect((await log({ first: 501 })).json.errors).toEqual([expect.objectContaining({ message: 'first must be an integer from 0 to 500, got 501', extensions: { code: 'BAD_USER_INPUT', field: 'first' } })]);
    expect((await log({ first: -1 })).json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await log({ after: 'bm90IGEgY3Vyc29y' })).json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await log({ after: "'; DROP TABLE audit_entry; --" })).json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await log({ first: 0 })).json.data.auditLog.edges).toEqual([]);
  });

  test('only admins read it', async () => {
    const viewer = await createToken(site, 'dashboard', 'viewer');
    expect((await log({}, viewer)).json.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await postGraphQL(site, { query: AUDIT_LOG }, null)).status).toBe(401);
  });
});
