import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { NESTED_QUERY, PAIR_ADDRESSES, pairConfig } from '../../bench/pair-config';
import { ADMIN_TOKEN, Site } from '../helpers/site';
import { DHCPD } from '../helpers/dhcpd';

async function metrics(site: Site): Promise<string> {
  const res = await fetch(`${site.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

function value(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) throw new Error(`metric ${name} not found`);
  return Number(line.split(' ').pop());
}

/** A generated pair with `subnets` subnets per server (half of them in relationship "bench"), registered. */
async function pairSite(subnets: number): Promise<Site> {
  const site = await Site.start();
  for (const role of ['primary', 'secondary'] as const) writeFileSync(path.join(site.configRoot, `${role}.conf`), pairConfig(role, subnets));
  await site.ok(`mutation { a: addServer(input: { name: "primary", address: "${PAIR_ADDRESSES.primary}", configPath: "primary.conf" }) { id } b: addServer(input: { name: "secondary", address: "${PAIR_ADDRESSES.secondary}", configPath: "secondary.conf" }) { id } }`);
  return site;
}

async function statementsForNestedQuery(subnets: number): Promise<{ statements: number; scopes: number }> {
  const site = await pairSite(subnets);
  try {
    const before = value(await metrics(site), 'gateway_sql_statements_total');
    const data = await site.ok(NESTED_QUERY);
    const after = value(await metrics(site), 'gateway_sql_statements_total');
    return { statements: after - before, scopes: data.servers.reduce((n: number, s: any) => n + s.scopes.length, 0) };
  } finally {
    await site.stop();
  }
}

describe('metrics', () => {
  test('the nested servers → relationships → scopes → pools query costs the same SQL statements at 10 and at 1,000 scopes per server', async () => {
    const small = await statementsForNestedQuery(10);
    const large = await statementsForNestedQuery(1000);
    expect(small.scopes).toBe(20);
    expect(large.scopes).toBe(2000);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(10);
  });

  (DHCPD ? test : test.skip)('a mutation shows up in the request histogram, the validations, the applies and the last-apply time per server', async () => {
    const site = await pairSite(4);
    try {
      await site.ok(`mutation AddLab { createScope(input: { server: "primary", network: "198.18.0.0/24", pools: [{ ranges: [{ start: "198.18.0.10", end: "198.18.0.20" }] }], failoverRelationship: "bench" }) { id } }`);
      const text = await metrics(site);
      expect(text).toMatch(/gateway_graphql_request_duration_seconds_count\{operation="AddLab",type="mutation",outcome="ok"\} 1/);
      expect(value(text, 'gateway_config_validation_duration_seconds_count{outcome="valid"}')).toBe(2);
      expect(text).toMatch(/gateway_config_applies_total\{server="primary"\} 1/);
      expect(text).toMatch(/gateway_config_applies_total\{server="secondary"\} 1/);
      expect(value(text, 'gateway_config_last_apply_timestamp_seconds{server="primary"}')).toBeGreaterThan(Date.now() / 1000 - 60);
    } finally {
      await site.stop();
    }
  });
});
