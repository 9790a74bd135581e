import { rmSync, writeFileSync } from 'node:fs';
import { DHCPD } from '../../helpers/dhcpd';
import { buildService, GatewayProcess, waitForFile } from '../../helpers/gateway-process';
import { ADD_SCOPES, ADD_SERVER, PairDir, registerPair, type DatabaseKind } from '../../helpers/pair-dir';
import { POSTGRES_AVAILABLE } from '../../helpers/postgres';

const ADD_POOL = `mutation($scope: ID!, $ip: IPv4!) { addPool(input: { scopeId: $scope, ranges: [{ start: $ip, end: $ip }] }) { id } }`;
const WRITERS = 16;
const ROUNDS = 4;

/** The office subnet's ranges in a file, as "start-end", sorted. */
function officeRanges(text: string): string[] {
  return [...text.matchAll(/range (198\.51\.100\.\d+) (198\.51\.100\.\d+);/g)].map((m) => `${m[1]}-${m[2]}`).sort();
}

/** The same as the API lists them for a server's office scope. */
async function apiRanges(gw: GatewayProcess, server: string): Promise<string[]> {
  const data = await gw.ok(`query($s: String!) { server(name: $s) { scopes { network pools { ranges { start end } } } } }`, { s: server });
  const office = data.server.scopes.find((s: { network: string }) => s.network === '198.51.100.0/24');
  return office.pools.flatMap((p: { ranges: { start: string; end: string }[] }) => p.ranges.map((r) => `${r.start}-${r.end}`)).sort();
}

const kinds: DatabaseKind[] = ['SQLite', ...(POSTGRES_AVAILABLE ? (['PostgreSQL'] as const) : [])];
if (!POSTGRES_AVAILABLE) console.log('replica tests on PostgreSQL skipped: no PostgreSQL at 127.0.0.1:5432');
const describeWithDhcpd = DHCPD ? describe : describe.skip;

describeWithDhcpd('two gateway processes on one database', () => {
  beforeAll(() => buildService(), 120_000);

  test.each(kinds)(`on %s: ${WRITERS} concurrent addPool into one failover scope, ${ROUNDS} rounds; every acknowledged pool is in both files, and the files are what the API lists`, async (kind) => {
    const site = await PairDir.create(kind);
    const gws: GatewayProcess[] = [];
    try {
      gws.push(await GatewayProcess.start(site.env), await GatewayProcess.start(site.env));
      const scopeId = await registerPair(gws[0]);
      await gws[0].ok(ADD_SCOPES, { ids: [scopeId] });
      const acknowledged: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const started = performance.now();
        const ips = Array.from({ length: WRITERS }, (_, i) => `198.51.100.${20 + round * WRITERS + i}`);
        const answers = await Promise.all(ips.map((ip, i) => gws[i % 2].gql(ADD_POOL, { scope: scopeId, ip })));
        const ms = performance.now() - started;
        const codes = answers.flatMap((a) => a.errors ?? []).map((e) => `${e.extensions?.code}: ${e.message}`);
        expect(codes.filter((c) => c.startsWith('INTERNAL_SERVER_ERROR') || /database is locked|SQLITE_BUSY/.test(c))).toEqual([]);
        ips.forEach((ip, i) => answers[i].data?.addPool && acknowledged.push(`${ip}-${ip}`));
        console.log(`${kind}, two processes, round ${round + 1}: ${answers.filter((a) => a.data?.addPool).length} acknowledged, ${codes.length} refused${codes.length ? ` (${[...new Set(codes)].join('; ')})` : ''}, ${ms.toFixed(0)} ms`);

        const files = { a: officeRanges(site.read('dhcp-a')), b: officeRanges(site.read('dhcp-b')) };
        for (const range of acknowledged) {
          expect(files.a).toContain(range);
          expect(files.b).toContain(range);
        }
        expect(files.a).toEqual(await apiRanges(gws[round % 2], 'dhcp-a'));
        expect(files.b).toEqual(await apiRanges(gws[(round + 1) % 2], 'dhcp-b'));
      }
      expect(acknowledged.length).toBeGreaterThan(0);
    } finally {
      for (const gw of gws) await gw.kill();
      await site.remove();
    }
  }, 300_000);

  (POSTGRES_AVAILABLE ? test : test.skip)('on PostgreSQL: mutations on two different pairs run at the same time; on one pair they wait for each other', async () => {
    const site = await PairDir.create('PostgreSQL', ['dhcp-a', 'dhcp-b', 'dhcp-c', 'dhcp-d']);
    const gws: GatewayProcess[] = [];
    try {
      gws.push(await GatewayProcess.start(site.env), await GatewayProcess.start(site.env));
      const abScope = await registerPair(gws[0]);
      await gws[0].ok(ADD_SERVER, { input: { name: 'dhcp-c', address: '192.0.2.20', configPath: 'dhcp-c.conf' } });
      await gws[0].ok(ADD_SERVER, { input: { name: 'dhcp-d', address: '192.0.2.21', configPath: 'dhcp-d.conf' } });
      await gws[0].ok(`mutation { createFailoverRelationship(input: { name: "cd", primaryServer: "dhcp-c", secondaryServer: "dhcp-d" }) { id } }`);
      const { server } = await gws[0].ok(`{ server(name: "dhcp-c") { scopes { id network } } }`);
      const cdScope = server.scopes.find((s: { network: string }) => s.network === '198.51.100.0/24').id;

      // Pair ab's change holds its locks inside dhcp-b's reload hook, written first...
      writeFileSync(site.control('hold', 'dhcp-b'), '');
      const done: string[] = [];
      const ab = gws[0].gql(ADD_SCOPES, { ids: [abScope] }).then((r) => (done.push('ab'), r));
      await waitForFile(site.control('reached', 'dhcp-b'));
      // ...another change of that pair, from the other process, waits for them...
      const abAgain = gws[1].gql(`mutation { modifyFailoverRelationship(input: { name: "ab", mclt: 1800 }) { mclt } }`).then((r) => (done.push('ab again'), r));
      // ...while pair cd's change, from the other process too, runs to its end.
      const cd = await gws[1].gql(`mutation($ids: [ID!]!) { addScopesToFailoverRelationship(name: "cd", scopeIds: $ids) { status } }`, { ids: [cdScope] });
      expect(cd.errors).toBeUndefined();
      expect(cd.data?.addScopesToFailoverRelationship.status).toBe('NORMAL');
      expect(done).toEqual([]);
      rmSync(site.control('hold', 'dhcp-b'));

      expect((await ab).data?.addScopesToFailoverRelationship.status).toBe('NORMAL');
      expect((await abAgain).data?.modifyFailoverRelationship.mclt).toBe(1800);
      expect(done).toEqual(['ab', 'ab again']);
      expect(site.read('dhcp-a')).toContain('mclt 1800;');
      expect(site.read('dhcp-c')).toContain('mclt 3600;');
    } finally {
      for (const gw of gws) await gw.kill();
      await site.remove();
    }
  }, 120_000);
});
