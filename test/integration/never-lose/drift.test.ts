import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DHCPD, describeWithDhcpd } from '../../helpers/dhcpd';
import { Site } from '../../helpers/site';

const DRIFT = `query($s: String!) { server(name: $s) { drift { detectedAt files { path diff } } } }`;
const SYNC = `mutation($s: String!) { syncServer(name: $s) { name } }`;

/** `diff` applied to `before` by GNU patch: a unified diff is correct when patch turns last-seen into now. */
function patched(dir: string, before: string, diff: string): string {
  const file = path.join(dir, 'last-seen.conf');
  writeFileSync(file, before);
  execFileSync('patch', ['--quiet', '--force', file], { input: diff });
  return readFileSync(file, 'utf8');
}

/**
 * Hand edits of the files of a failover pair: each shows as drift with a unified diff, a mutation that
 * would touch the server is refused (CONFLICT, asking for syncServer) with every byte and row as it was,
 * and syncServer takes it over, or refuses a file dhcpd -t refuses (CONFIG_INVALID, nothing changed).
 */
describeWithDhcpd('hand edits of the files (drift)', () => {
  let site: Site;
  const ids: Record<string, string> = {};
  const path_ = (server: string) => path.join(site.configRoot, `${server}.conf`);

  beforeAll(async () => {
    site = await Site.start();
    await site.seed('failover-pair');
    const { servers } = await site.ok(`{ servers { name scopes { id network } } }`);
    for (const s of servers) for (const sc of s.scopes) ids[`${s.name} ${sc.network}`] = sc.id;
    await site.ok(`mutation { createFailoverRelationship(input: { name: "ab", primaryServer: "dhcp-a", secondaryServer: "dhcp-b" }) { id } }`);
    await site.ok(`mutation($ids: [ID!]!) { addScopesToFailoverRelationship(name: "ab", scopeIds: $ids) { name } }`, { ids: [ids['dhcp-a 198.51.100.0/24']] });
  });
  afterAll(() => site.stop());

  const cases: [label: string, server: string, edit: (text: string) => string, mutation: string, taken: string, expected: unknown][] = [
    [
      'mclt in the peer declaration',
      'dhcp-a',
      (t) => t.replace('mclt 3600;', 'mclt 1200;'),
      `mutation { modifyFailoverRelationship(input: { name: "ab", percentage: 60 }) { name } }`,
      `{ failoverRelationship(name: "ab") { mclt } }`,
      { failoverRelationship: { mclt: 1200 } },
    ],
    [
      'a range of the mirrored pool',
      'dhcp-b',
      (t) => t.replace('range 198.51.100.100 198.51.100.199;', 'range 198.51.100.100 198.51.100.180;'),
      `mutation($scope: ID!) { addPool(input: { scopeId: $scope, ranges: [{ start: "198.51.100.20", end: "198.51.100.29" }] }) { id } }`,
      `{ server(name: "dhcp-b") { scopes { network pools { ranges { start end } } } } }`,
      { server: { scopes: expect.arrayContaining([{ network: '198.51.100.0/24', pools: [{ ranges: [{ start: '198.51.100.100', end: '198.51.100.180' }] }] }]) } },
    ],
    [
      'a pool deleted',
      'dhcp-a',
      (t) => t.replace('  pool {\n    range 203.0.113.60 203.0.113.99;\n  }\n', ''),
      `mutation { createScope(input: { server: "dhcp-a", network: "198.18.0.0/24" }) { id } }`,
      `{ server(name: "dhcp-a") { scopes { network pools { ranges { start end } } } } }`,
      { server: { scopes: expect.arrayContaining([{ network: '203.0.113.0/25', pools: [{ ranges: [{ start: '203.0.113.20', end: '203.0.113.59' }] }] }]) } },
    ],
  ];

  test.each(cases)('%s: shown as drift, the next mutation refused until syncServer takes it over', async (_label, server, edit, mutation, taken, expected) => {
    const lastSeen = readFileSync(path_(server), 'utf8');
    const edited = edit(lastSeen);
    expect(edited).not.toBe(lastSeen);
    writeFileSync(path_(server), edited);

    const { server: shown } = await site.ok(DRIFT, { s: server });
    expect(Date.parse(shown.drift.detectedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(shown.drift.files).toHaveLength(1);
    expect(shown.drift.files[0].path).toBe(path_(server));
    expect(patched(site.dir, lastSeen, shown.drift.files[0].diff)).toBe(edited);
    const other = server === 'dhcp-a' ? 'dhcp-b' : 'dhcp-a';
    expect((await site.ok(DRIFT, { s: other })).server.drift).toBeNull();

    const before = await site.snapshot();
    const res = await site.gql(mutation, { scope: ids['dhcp-a 198.51.100.0/24'] });
    expect(res.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0].message).toContain(`server "${server}"`);
    expect(res.errors?.[0].message).toContain('syncServer');
    expect(await site.snapshot()).toEqual(before);
    // Still there, still shown: the refusal lost nothing.
    expect((await site.ok(DRIFT, { s: server })).server.drift.files[0].diff).toBe(shown.drift.files[0].diff);

    await site.ok(SYNC, { s: server });
    expect((await site.ok(DRIFT, { s: server })).server.drift).toBeNull();
    expect(await site.ok(taken)).toEqual(expected);
    expect(readFileSync(path_(server), 'utf8')).toBe(edited);
    // Taken over, the server takes changes again.
    const again = await site.gql(mutation, { scope: ids['dhcp-a 198.51.100.0/24'] });
    expect(again.errors).toBeUndefined();
  });

  test('a missing semicolon: shown as drift, mutations refused, and syncServer refuses it (CONFIG_INVALID) with the database unchanged', async () => {
    const lastSeen = readFileSync(path_('dhcp-b'), 'utf8');
    const edited = lastSeen.replace('max-lease-time 86400;', 'max-lease-time 86400');
    writeFileSync(path_('dhcp-b'), edited);
    try {
      const { server: shown } = await site.ok(DRIFT, { s: 'dhcp-b' });
      expect(patched(site.dir, lastSeen, shown.drift.files[0].diff)).toBe(edited);
      const before = await site.snapshot();
      const refused = await site.gql(`mutation { modifyFailoverRelationship(input: { name: "ab", mclt: 1800 }) { name } }`);
      expect(refused.errors?.[0].extensions?.code).toBe('CONFLICT');
      const sync = await site.gql(SYNC, { s: 'dhcp-b' });
      expect(sync.errors?.[0].extensions?.code).toBe('CONFIG_INVALID');
      expect(sync.errors?.[0].message).toContain('dhcp-b');
      expect(await site.snapshot()).toEqual(before);
      expect((await site.ok(DRIFT, { s: 'dhcp-b' })).server.drift.files[0].diff).toBe(shown.drift.files[0].diff);
    } finally {
      writeFileSync(path_('dhcp-b'), lastSeen);
    }
    expect((await site.ok(DRIFT, { s: 'dhcp-b' })).server.drift).toBeNull();
  });
});

/**
 * The compare-and-swap: an edit an operator saves while dhcpd -t checks a change (here by a dhcpd wrapper, at
 * that very moment) is never overwritten. The change is refused and every file it had replaced is put back.
 */
describeWithDhcpd('an edit saved while dhcpd -t checks a change', () => {
  test('is kept: CONFLICT, the partner written first put back, the database unchanged, and the edit shows as drift', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-cas-'));
    const armed = path.join(dir, 'edit-now');
    const wrapper = path.join(dir, 'dhcpd');
    // dhcpd -t runs in the main file's folder; one check of the two (mv is atomic) saves dhcp-a.conf there
    writeFileSync(wrapper, `#!/bin/sh\nif mv '${armed}' '${armed}.done' 2>/dev/null; then printf '# saved by hand\\n' >> dhcp-a.conf; fi\nexec '${DHCPD}' "$@"\n`, { mode: 0o755 });
    const site = await Site.withFailoverPair({ DHCPD_BIN: wrapper });
    try {
      const ids = await site.ids();
      const before = await site.snapshot();
      const edited = readFileSync(path.join(site.configRoot, 'dhcp-a.conf'), 'utf8') + '# saved by hand\n';
      writeFileSync(armed, '');
      const res = await site.gql(`mutation($scope: ID!) { addPool(input: { scopeId: $scope, ranges: [{ start: "198.51.100.20", end: "198.51.100.29" }] }) { id } }`, { scope: ids['dhcp-a 198.51.100.0/24'] });
      expect(res.errors?.[0].extensions?.code).toBe('CONFLICT');
      expect(res.errors?.[0].message).toContain('server "dhcp-a" changed outside the gateway during this change');
      expect(await site.snapshot()).toEqual({ files: { ...before.files, 'dhcp-a.conf': Buffer.from(edited).toString('base64') }, db: before.db });
      expect((await site.ok(DRIFT, { s: 'dhcp-a' })).server.drift.files).toHaveLength(1);
    } finally {
      await site.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

