import { rmSync, writeFileSync } from 'node:fs';
import { DHCPD } from '../../helpers/dhcpd';
import { buildService, GatewayProcess, holdingDhcpd, waitForFile } from '../../helpers/gateway-process';
import { ADD_SCOPES, PairDir, registerPair, type DatabaseKind } from '../../helpers/pair-dir';
import { POSTGRES_AVAILABLE } from '../../helpers/postgres';

const kinds: DatabaseKind[] = ['SQLite', ...(POSTGRES_AVAILABLE ? (['PostgreSQL'] as const) : [])];
if (!POSTGRES_AVAILABLE) console.log('crash test on PostgreSQL skipped: no PostgreSQL at 127.0.0.1:5432');

/** Resolves once the change under way has written its journal entry (while its dhcpd -t runs). */
async function untilJournalEntryOpen(site: PairDir): Promise<void> {
  while ((await site.openJournalEntries()) === 0) await new Promise((r) => setTimeout(r, 20));
}

/**
 * kill -9 in the middle of an apply: the secondary (written first) or both files already replaced, the
 * reload hook of the last one written still running. The restarted service puts the files back before it
 * serves, and files and API agree: the relationship is still EMPTY, and the audit log says RECOVERED.
 */
(DHCPD ? describe.each(kinds) : describe.skip.each(kinds))('a service killed during an apply, on %s', (kind) => {
  beforeAll(() => buildService(), 120_000);

  test.each([
    ['after the secondary\'s file was written', 'dhcp-b', ['dhcp-b']],
    ['after both files were written', 'dhcp-a', ['dhcp-b', 'dhcp-a']],
  ])('%s: the restarted service puts the files back and says RECOVERED', async (_label, blockedServer, changed) => {
    const site = await PairDir.create(kind);
    let gw: GatewayProcess | null = null;
    try {
      gw = await GatewayProcess.start(site.env);
      const scopeId = await registerPair(gw);
      const before = { a: site.read('dhcp-a'), b: site.read('dhcp-b') };

      writeFileSync(site.control('hold', blockedServer), '');
      const pending = gw.gql(ADD_SCOPES, { ids: [scopeId] }).catch(() => null);
      await waitForFile(site.control('reached', blockedServer));
      // The moment is the one we want: the change's bytes are on disk in these files only.
      expect(site.read('dhcp-b') !== before.b).toBe(changed.includes('dhcp-b'));
      expect(site.read('dhcp-a') !== before.a).toBe(changed.includes('dhcp-a'));
      await gw.kill();
      expect(await pending).toBeNull(); // the client never got an answer
      rmSync(site.control('hold', blockedServer));

      gw = await GatewayProcess.start(site.env);
      expect({ a: site.read('dhcp-a'), b: site.read('dhcp-b') }).toEqual(before);
      const data = await gw.ok(`{
        failoverRelationship(name: "ab") { status scopes { id } }
        a: server(name: "dhcp-a") { drift { files { path diff } } }
        b: server(name: "dhcp-b") { drift { files { path diff } } }
        auditLog(first: 5) { edges { node { operation outcome message } } }
      }`);
      expect(data.failoverRelationship).toEqual({ status: 'EMPTY', scopes: [] });
      expect([data.a.drift, data.b.drift]).toEqual([null, null]);
      const recovered = data.auditLog.edges.map((e: { node: unknown }) => e.node).filter((n: { outcome: string }) => n.outcome === 'RECOVERED');
      expect(recovered).toHaveLength(1);
      expect(recovered[0].operation).toBe('addScopesToFailoverRelationship');
      for (const server of changed) expect(recovered[0].message).toContain(`${server}:`);
      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);

      // Nothing of the killed change is carried forward: done again, it declares the peer once per file.
      expect((await gw.ok(ADD_SCOPES, { ids: [scopeId] })).addScopesToFailoverRelationship.status).toBe('NORMAL');
      for (const name of ['dhcp-a', 'dhcp-b']) expect(site.read(name).match(/failover peer "ab" \{/g)).toHaveLength(1);
    } finally {
      await gw?.kill();
      await site.remove();
    }
  });

  // The journal entry is written while dhcpd -t checks the change (src/config-sync/apply/change-set.ts), so a
  // kill in that moment leaves an entry whose change wrote nothing: it is resolved, and says so.
  test('while dhcpd -t checks the change, its journal entry open and no file written: the restarted service resolves the entry, files untouched', async () => {
    const site = await PairDir.create(kind);
    const [hold, reached] = [site.control('hold', 'dhcpd'), site.control('reached', 'dhcpd')];
    // Candidates staged in the folder: the killed service cannot remove its own, and the folder goes with the test.
    const env = { ...site.env, DHCPD_BIN: holdingDhcpd(site.dir, DHCPD!), TMPDIR: site.dir };
    let gw: GatewayProcess | null = null;
    try {
      gw = await GatewayProcess.start(env);
      const scopeId = await registerPair(gw);
      const before = { a: site.read('dhcp-a'), b: site.read('dhcp-b') };

      writeFileSync(hold, '');
      const pending = gw.gql(ADD_SCOPES, { ids: [scopeId] }).catch(() => null);
      await waitForFile(reached);
      await untilJournalEntryOpen(site);
      await gw.kill();
      expect(await pending).toBeNull();
      rmSync(hold);
      expect({ a: site.read('dhcp-a'), b: site.read('dhcp-b') }).toEqual(before);

      gw = await GatewayProcess.start(env);
      expect(await site.openJournalEntries()).toBe(0);
      expect({ a: site.read('dhcp-a'), b: site.read('dhcp-b') }).toEqual(before);
      const data = await gw.ok(`{ failoverRelationship(name: "ab") { status } auditLog(first: 5) { edges { node { outcome message } } } }`);
      expect(data.failoverRelationship.status).toBe('EMPTY');
      const recovered = data.auditLog.edges.map((e: { node: { outcome: string; message: string } }) => e.node).filter((n: { outcome: string }) => n.outcome === 'RECOVERED');
      expect(recovered).toHaveLength(1);
      expect(recovered[0].message).toContain('no file held its bytes');
      expect((await gw.ok(ADD_SCOPES, { ids: [scopeId] })).addScopesToFailoverRelationship.status).toBe('NORMAL');
    } finally {
      await gw?.kill();
      rmSync(hold, { force: true });
      await site.remove();
    }
  });

  // Another mutation's recovery may list the entry of a change whose dhcpd -t is still running; if that change is
  // refused, its entry is closed, and the recovery, once it holds the locks, must not report it as an unfinished one.
  test('a change refused by dhcpd -t while another mutation waits: no RECOVERED entry, the other change applied', async () => {
    const site = await PairDir.create(kind);
    const [hold, reached, refuse] = [site.control('hold', 'dhcpd'), site.control('reached', 'dhcpd'), site.control('fail', 'dhcpd')];
    const gw = await GatewayProcess.start({ ...site.env, DHCPD_BIN: holdingDhcpd(site.dir, DHCPD!), TMPDIR: site.dir });
    try {
      const scopeId = await registerPair(gw);
      writeFileSync(refuse, '');
      writeFileSync(hold, '');
      const refused = gw.gql(ADD_SCOPES, { ids: [scopeId] });
      await waitForFile(reached);
      await untilJournalEntryOpen(site);
      const other = gw.gql(ADD_SCOPES, { ids: [scopeId] });
      // time for the other mutation's recovery to list the open entry (it then waits for the write lock or skips it)
      await new Promise((r) => setTimeout(r, 500));
      rmSync(refuse);
      rmSync(hold);
      expect((await refused).errors?.[0].extensions?.code).toBe('CONFIG_INVALID');
      expect((await other).data?.addScopesToFailoverRelationship.status).toBe('NORMAL');
      const { auditLog } = await gw.ok(`{ auditLog(first: 10) { edges { node { outcome changes { path } } } } }`);
      const outcomes = auditLog.edges.map((e: { node: { outcome: string; changes: unknown[] } }) => e.node);
      expect(outcomes.map((n: { outcome: string }) => n.outcome)).not.toContain('RECOVERED');
      // a refusal by dhcpd -t names no diffs: nothing was validated to be written
      expect(outcomes.find((n: { outcome: string }) => n.outcome === 'CONFIG_INVALID')).toEqual({ outcome: 'CONFIG_INVALID', changes: [] });
      expect(await site.openJournalEntries()).toBe(0);
    } finally {
      await gw.kill();
      for (const f of [hold, refuse]) rmSync(f, { force: true });
      await site.remove();
    }
  });
});
