import { parse } from 'graphql';
import { complexityOf } from '../../../src/graphql-limits/complexity';
import { LIMITS } from '../../../src/graphql-limits/limits';
import { createSchema } from '../../../src/schema';
import { describeWithDhcpd } from '../../helpers/dhcpd';
import { Site } from '../../helpers/site';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PAIR_ADDRESSES, pairConfig } from '../../../bench/pair-config';
import { FRONTEND_QUERY } from './frontend-query';
import { ADD_SERVER, CREATE_REL } from '../../helpers/operations';
import { auditRows, postGraphQL } from './harness';

/** `{ scopes(first: 1) { edges { node { failoverPartner { … } } } } }` with `levels` fields on its deepest path. */
function queryOfDepth(levels: number): string {
  let inner = 'id';
  for (let d = levels; d > 4; d--) inner = `failoverPartner { ${inner} }`;
  return `{ scopes(first: 1) { edges { node { ${inner} } } } }`;
}

/** A rich selection of one scope (about what a scope table shows). */
const SCOPE_FIELDS = `id network name enabled authority failoverRole server { id name } failoverRelationship { id name } failoverPartner { id network server { name } } pools { id ranges { start end } }`;

/**
 * Abuse of the GraphQL endpoint: every limit refuses with a code and HTTP 400 before anything runs, a
 * refused mutation changes nothing, and the frontend's real nested query passes them all.
 */
describeWithDhcpd('limits on what one GraphQL request may ask', () => {
  let site: Site;
  beforeAll(async () => {
    site = await Site.start();
    await site.seed('failover-pair');
  });
  afterAll(() => site.stop());

  const expectRefused = async (body: unknown, code: string, limit?: string) => {
    const started = Date.now();
    const res = await postGraphQL(site, body);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.status).toBe(400);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors[0].extensions.code).toBe(code);
    if (limit) expect(res.json.errors[0].extensions.limit).toBe(limit);
    return res.json.errors[0];
  };

  test(`depth: ${LIMITS.maxDepth} levels pass, one more is refused`, async () => {
    expect((await postGraphQL(site, { query: queryOfDepth(LIMITS.maxDepth) })).json.errors).toBeUndefined();
    const error = await expectRefused({ query: queryOfDepth(LIMITS.maxDepth + 1) }, 'GRAPHQL_VALIDATION_FAILED', 'depth');
    expect(error.message).toContain(`deeper than ${LIMITS.maxDepth}`);
  });

  test('depth counts fields hidden in fragments', async () => {
    let fragments = 'fragment F0 on Scope { id }\n';
    for (let i = 1; i <= LIMITS.maxDepth; i++) fragments += `fragment F${i} on Scope { failoverPartner { ...F${i - 1} } }\n`;
    await expectRefused({ query: `{ scopes(first: 1) { edges { node { ...F${LIMITS.maxDepth} } } } }\n${fragments}` }, 'GRAPHQL_VALIDATION_FAILED', 'depth');
  });

  test(`aliases: ${LIMITS.maxAliases} pass, one more is refused, also when a fragment of aliases is spread repeatedly`, async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: servers { name }`).join(' ');
    expect((await postGraphQL(site, { query: `{ ${aliases(LIMITS.maxAliases)} }` })).json.errors).toBeUndefined();
    await expectRefused({ query: `{ ${aliases(LIMITS.maxAliases + 1)} }` }, 'GRAPHQL_VALIDATION_FAILED', 'aliases');
    const fragment = `fragment A on DhcpServer { ${Array.from({ length: 10 }, (_, i) => `n${i}: name`).join(' ')} }`;
    await expectRefused({ query: `{ servers { ...A scopes { server { ...A } failoverPartner { server { ...A } } } failoverRelationships { primaryServer { ...A } } } }\n${fragment}` }, 'GRAPHQL_VALIDATION_FAILED', 'aliases');
  });

  test(`tokens: a document of more than ${LIMITS.maxTokens} tokens is not even parsed`, async () => {
    const query = `{ servers { ${'name '.repeat(LIMITS.maxTokens)} } }`;
    const error = await expectRefused({ query }, 'GRAPHQL_PARSE_FAILED');
    expect(error.message).toMatch(new RegExp(`${LIMITS.maxTokens} tokens`));
  });

  test('a fragment bomb (each fragment spreads the last twice) is refused quickly by the expanded field count', async () => {
    let fragments = 'fragment B0 on DhcpServer { id name address configPath }\n';
    for (let i = 1; i <= 30; i++) fragments += `fragment B${i} on DhcpServer { ...B${i - 1} ...B${i - 1} }\n`;
    await expectRefused({ query: `{ servers { ...B30 } }\n${fragments}` }, 'GRAPHQL_VALIDATION_FAILED', 'fields');
  });

  test('fan-out: a list re-entered through a reference below another list is refused, however shallow', async () => {
    for (const query of [
      '{ servers { scopes { server { scopes { id } } } } }',
      '{ servers { scopes { failoverRelationship { scopes { id } } } } }',
      '{ failoverRelationships { primaryServer { scopes { id } } } }',
      '{ scopes(first: 500) { edges { node { server { scopes { id } } } } } }',
      '{ servers { scopes { pools { scope { pools { id } } } } } }',
      '{ servers { ...S } } fragment S on DhcpServer { scopes { server { failoverRelationships { id } } } }',
    ]) {
      const error = await expectRefused({ query }, 'GRAPHQL_VALIDATION_FAILED', 'fan-out');
      expect(error.message).toMatch(/is reached through \w+\.\w+ below a list/);
    }
    // The same references without a list above them, or without a list below them, are fine.
    for (const query of [
      '{ server(name: "dhcp-a") { scopes { id server { name } failoverRelationship { name } pools { failoverRelationship { name } } } } }',
      '{ failoverRelationship(name: "x") { primaryServer { scopes { id } } } }',
      '{ scope(id: "1") { server { scopes { id pools { id } } } } }',
      '{ servers { scopes { failoverPartner { pools { ranges { start } } } } } }',
    ]) {
      expect((await postGraphQL(site, { query })).json.errors).toBeUndefined();
    }
  });

  test(`complexity: pages multiply their selection; above ${LIMITS.maxComplexity} the request is QUERY_TOO_COMPLEX`, async () => {
    const page = (first: string) => `scopes(first: ${first}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${SCOPE_FIELDS} } } }`;
    // One full page of 500 scopes with everything a scope has passes ...
    expect((await postGraphQL(site, { query: `{ ${page('500')} }` })).json.errors).toBeUndefined();
    // ... three of them in one request do not, and nothing ran.
    const error = await expectRefused({ query: `{ a: ${page('500')} b: ${page('500')} c: ${page('500')} }` }, 'QUERY_TOO_COMPLEX');
    expect(error.extensions.cost).toBeGreaterThan(LIMITS.maxComplexity);
    expect(error.extensions.maximumCost).toBe(LIMITS.maxComplexity);
    // The page size may come in a variable.
    await expectRefused({ query: `query($n: Int) { a: ${page('$n')} b: ${page('$n')} c: ${page('$n')} }`, variables: { n: 500 } }, 'QUERY_TOO_COMPLEX');
    expect((await postGraphQL(site, { query: `query($n: Int) { a: ${page('$n')} b: ${page('$n')} c: ${page('$n')} }`, variables: { n: 50 } })).json.errors).toBeUndefined();
  });

  test('a page larger than allowed is refused by the field itself, and a page size that is no Int by its type', async () => {
    const big = await postGraphQL(site, { query: '{ scopes(first: 100000) { totalCount } }' });
    expect(big.json.errors).toEqual([expect.objectContaining({ message: 'first must be an integer from 0 to 500, got 100000', extensions: { code: 'BAD_USER_INPUT', field: 'first' } })]);
    const huge = await postGraphQL(site, { query: 'query($n: Int) { scopes(first: $n) { totalCount } }', variables: { n: 2 ** 40 } });
    expect(huge.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const negative = await postGraphQL(site, { query: '{ scopes(first: -1) { totalCount } }' });
    expect(negative.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  test('a mutation refused by a limit changes nothing and is audited when it named a mutation', async () => {
    const before = await site.snapshot();
    const create = (i: number) => `m${i}: createFailoverRelationship(input: { name: "lim${i}", primaryServer: "dhcp-a", secondaryServer: "dhcp-b" }) { id }`;
    await expectRefused({ query: `mutation { ${Array.from({ length: LIMITS.maxAliases + 1 }, (_, i) => create(i)).join(' ')} }` }, 'GRAPHQL_VALIDATION_FAILED', 'aliases');
    const deep = `mutation { createFailoverRelationship(input: { name: "deep", primaryServer: "dhcp-a", secondaryServer: "dhcp-b" }) { scopes { failoverPartner { failoverPartner { failoverPartner { failoverPartner { failoverPartner { failoverPartner { failoverPartner { failoverPartner { failoverPartner { failoverPartner { id } } } } } } } } } } } } }`;
    await expectRefused({ query: deep }, 'GRAPHQL_VALIDATION_FAILED', 'depth');
    await expectRefused({ query: `mutation { ${create(0).replace('{ id }', `{ ${'id '.repeat(LIMITS.maxTokens)} }`)} }` }, 'GRAPHQL_PARSE_FAILED');
    expect(await site.snapshot()).toEqual(before);
  });

  test('a mutation refused before it ran (variables that do not coerce) is audited with its code', async () => {
    const before = await site.snapshot();
    const res = await postGraphQL(site, { query: CREATE_REL, variables: { input: { name: 'x', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b', port: 'sixty' } } });
    expect(res.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await site.snapshot()).toEqual(before);
    expect((await auditRows(site)).at(-1)).toMatchObject({ operation: 'createFailoverRelationship', outcome: 'BAD_USER_INPUT' });
  });

  test('the service still answers after all of the above', async () => {
    expect((await postGraphQL(site, { query: '{ servers { name } }' })).json.data.servers).toHaveLength(2);
  });
});

describeWithDhcpd('the frontend\'s nested query at 10,000 scopes', () => {
  let site: Site;
  beforeAll(async () => {
    site = await Site.start();
    for (const role of ['primary', 'secondary'] as const) writeFileSync(path.join(site.configRoot, `${role}.conf`), pairConfig(role, 5000, 'all'));
    await site.ok(ADD_SERVER, { input: { name: 'big-p', address: PAIR_ADDRESSES.primary, configPath: 'primary.conf' } });
    await site.ok(ADD_SERVER, { input: { name: 'big-s', address: PAIR_ADDRESSES.secondary, configPath: 'secondary.conf' } });
  }, 120_000);
  afterAll(() => site.stop());

  test('passes every limit and returns every scope', async () => {
    const cost = complexityOf(await createSchema(), parse(FRONTEND_QUERY));
    const started = Date.now();
    const res = await postGraphQL(site, { query: FRONTEND_QUERY });
    const ms = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    const servers = res.json.data.servers as { failoverRelationships: { scopes: unknown[] }[]; scopes: unknown[] }[];
    expect(servers.map((s) => s.scopes.length)).toEqual([5000, 5000]);
    expect(servers[0].failoverRelationships[0].scopes).toHaveLength(10_000);
    expect(cost).toBeLessThan(LIMITS.maxComplexity);
    // The numbers the README quotes.
    console.log(`frontend query at 10,000 scopes: cost ${cost} (limit ${LIMITS.maxComplexity}), ${ms} ms, ${(res.text.length / 1e6).toFixed(1)} MB`);
  }, 120_000);
});
