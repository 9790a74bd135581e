import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DHCPD } from '../../helpers/dhcpd';
import { buildService, GatewayProcess, holdingHook } from '../../helpers/gateway-process';
import { ADD_SCOPES as ADD_SCOPES_AB, PairDir, registerPair } from '../../helpers/pair-dir';
import { Site } from '../../helpers/site';

const SEEDS = path.join(__dirname, '..', '..', '..', 'seeds', 'failover-pair');
const ADD_SCOPES = `mutation($ids: [ID!]!) { addScopesToFailoverRelationship(name: "ab", scopeIds: $ids) { status } }`;
const ROOT = process.getuid?.() === 0;
if (!ROOT) console.log('full-disk tests skipped: mounting a tmpfs needs root');
if (!DHCPD) console.log('full-disk tests skipped: no dhcpd');

const mounts: string[] = [];

function mountTmpfs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir]);
  mounts.push(dir);
}

/** Writes zeros to `file` until its filesystem has no space left. */
function fill(file: string): void {
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=4096'], { stdio: 'ignore' });
  } catch {
    // dd ends with "No space left on device": that is the point
  }
}

/**
 * A pair on small tmpfs mounts under CONFIG_ROOT: `a` and `b` name the folder of each server's file (the
 * same folder: one disk for both). Relationship "ab" EMPTY; the office scope's id is returned.
 */
async function pairOnDisks(a: string, b: string): Promise<{ site: Site; hooks: string; scopeId: string }> {
  const hooks = mkdtempSync(path.join(os.tmpdir(), 'gw-hooks-'));
  const servers = { 'dhcp-a': { reload: holdingHook(hooks, 'dhcp-a') }, 'dhcp-b': { reload: holdingHook(hooks, 'dhcp-b') } };
  writeFileSync(path.join(hooks, 'servers.json'), JSON.stringify({ servers }));
  const site = await Site.start({ GATEWAY_SERVERS_FILE: path.join(hooks, 'servers.json') });
  for (const dir of new Set([a, b])) mountTmpfs(path.join(site.configRoot, dir));
  copyFileSync(path.join(SEEDS, 'dhcp-a.conf'), path.join(site.configRoot, a, 'dhcp-a.conf'));
  copyFileSync(path.join(SEEDS, 'dhcp-b.conf'), path.join(site.configRoot, b, 'dhcp-b.conf'));
  await site.ok(`mutation($p: String!) { addServer(input: { name: "dhcp-a", address: "192.0.2.10", configPath: $p }) { id } }`, { p: `${a}/dhcp-a.conf` });
  await site.ok(`mutation($p: String!) { addServer(input: { name: "dhcp-b", address: "192.0.2.11", configPath: $p }) { id } }`, { p: `${b}/dhcp-b.conf` });
  await site.ok(`mutation { createFailoverRelationship(input: { name: "ab", primaryServer: "dhcp-a", secondaryServer: "dhcp-b" }) { id } }`);
  const { server } = await site.ok(`{ server(name: "dhcp-a") { scopes { id network } } }`);
  return { site, hooks, scopeId: server.scopes.find((s: { network: string }) => s.network === '198.51.100.0/24').id };
}

/** Both servers' files, to compare byte for byte (the filler files are not config files). */
function configFiles(site: Site, a: string, b: string) {
  return { a: readFileSync(path.join(site.configRoot, a, 'dhcp-a.conf')), b: readFileSync(path.join(site.configRoot, b, 'dhcp-b.conf')) };
}

async function lastAudit(site: Site) {
  return (await site.ok(`{ auditLog(first: 1) { edges { node { operation outcome message } } } }`)).auditLog.edges[0].node;
}

(ROOT && DHCPD ? describe : describe.skip)('a full disk under CONFIG_ROOT (tmpfs)', () => {
  let current: { site: Site; hooks: string } | null = null;
  afterEach(async () => {
    // Unmounted even when a test failed, before the site's folder goes.
    for (const dir of mounts.splice(0).reverse()) execFileSync('umount', ['-l', dir]);
    if (current) {
      await current.site.stop();
      rmSync(current.hooks, { recursive: true, force: true });
      current = null;
    }
  });

  function expectNamedFailure(res: { errors?: { message: string; extensions?: Record<string, unknown> }[] }, server: string) {
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFIG_APPLY_FAILED', server, cause: 'ENOSPC' });
    expect(res.errors?.[0].message).toContain(`"${server}"`);
    expect(res.errors?.[0].message).toContain('ENOSPC');
  }

  test('the candidate for dhcpd -t cannot be written: CONFIG_APPLY_FAILED naming the server and ENOSPC, nothing changed', async () => {
    // Candidates are staged in a private folder of the service's temporary folder (TMPDIR): that disk is full.
    buildService();
    const dir = await PairDir.create('SQLite');
    const staging = path.join(dir.dir, 'staging');
    mountTmpfs(staging);
    fill(path.join(staging, 'filler'));
    const gw = await GatewayProcess.start({ ...dir.env, TMPDIR: staging });
    try {
      const scopeId = await registerPair(gw);
      const before = { a: dir.read('dhcp-a'), b: dir.read('dhcp-b') };
      const res = await gw.gql(ADD_SCOPES_AB, { ids: [scopeId] });
      expectNamedFailure(res, res.errors?.[0].extensions?.server as string);
      expect(['dhcp-a', 'dhcp-b']).toContain(res.errors?.[0].extensions?.server);
      expect(res.errors?.[0].message).toContain('candidate');
      expect({ a: dir.read('dhcp-a'), b: dir.read('dhcp-b') }).toEqual(before);
      expect((await gw.ok(`{ failoverRelationship(name: "ab") { status } }`)).failoverRelationship.status).toBe('EMPTY');
      expect((await gw.ok(`{ auditLog(first: 1) { edges { node { outcome } } } }`)).auditLog.edges[0].node.outcome).toBe('CONFIG_APPLY_FAILED');
      // The entry written while the checks ran is closed with the refusal.
      expect(await dir.openJournalEntries()).toBe(0);
    } finally {
      await gw.kill();
      for (const m of mounts.splice(mounts.indexOf(staging), 1)) execFileSync('umount', ['-l', m]);
      await dir.remove();
    }
  });

  test('the primary\'s file cannot be written (its disk filled after the secondary\'s write): CONFIG_APPLY_FAILED, the secondary put back', async () => {
    const { site, hooks, scopeId } = (current = await pairOnDisks('a', 'b'));
    const before = { files: configFiles(site, 'a', 'b'), db: await site.snapshotDatabase() };
    writeFileSync(path.join(hooks, 'fill-dhcp-b'), path.join(site.configRoot, 'a', 'filler'));
    const res = await site.gql(ADD_SCOPES, { ids: [scopeId] });
    expectNamedFailure(res, 'dhcp-a');
    expect(configFiles(site, 'a', 'b')).toEqual(before.files);
    expect(await site.snapshotDatabase()).toEqual(before.db);
    expect((await site.ok(`{ failoverRelationship(name: "ab") { status } }`)).failoverRelationship.status).toBe('EMPTY');
  });

  test('putting the secondary back hits the full disk too: the journal entry stays open, and the next mutation, once there is space, recovers it', async () => {
    const { site, hooks, scopeId } = (current = await pairOnDisks('disk', 'disk'));
    const before = { files: configFiles(site, 'disk', 'disk'), db: await site.snapshotDatabase() };
    const filler = path.join(site.configRoot, 'disk', 'filler');
    writeFileSync(path.join(hooks, 'fill-dhcp-b'), filler);
    const res = await site.gql(ADD_SCOPES, { ids: [scopeId] });
    expectNamedFailure(res, 'dhcp-a');
    // What could not be put back is known: the secondary's file holds the change, and shows as drift.
    expect(configFiles(site, 'disk', 'disk').b).not.toEqual(before.files.b);
    expect(await site.snapshotDatabase()).toEqual(before.db);
    const { server } = await site.ok(`{ server(name: "dhcp-b") { drift { files { path } } } }`);
    expect(server.drift.files).toHaveLength(1);

    // Still full: recovery fails again, and the entry stays open.
    rmSync(path.join(hooks, 'fill-dhcp-b'));
    await site.gql(`mutation { createFailoverRelationship(input: { name: "spare", primaryServer: "dhcp-a", secondaryServer: "dhcp-b" }) { id } }`);
    expect(configFiles(site, 'disk', 'disk').b).not.toEqual(before.files.b);

    rmSync(filler);
    expect(existsSync(filler)).toBe(false);
    await site.ok(`mutation { createFailoverRelationship(input: { name: "spare2", primaryServer: "dhcp-a", secondaryServer: "dhcp-b" }) { id } }`);
    expect(configFiles(site, 'disk', 'disk')).toEqual(before.files);
    const log = (await site.ok(`{ auditLog(first: 10) { edges { node { operation outcome message } } } }`)).auditLog.edges.map((e: { node: unknown }) => e.node);
    const recovered = log.filter((n: { outcome: string }) => n.outcome === 'RECOVERED');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toMatchObject({ operation: 'addScopesToFailoverRelationship' });
    expect(recovered[0].message).toContain('dhcp-b:');
    expect((await site.ok(`{ server(name: "dhcp-b") { drift { files { path } } } }`)).server.drift).toBeNull();
    // Everything as before: the change can be made now.
    expect((await site.ok(ADD_SCOPES, { ids: [scopeId] })).addScopesToFailoverRelationship.status).toBe('NORMAL');
  });
});
