import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sha256 } from '../../src/config-sync';
import { validateTree } from '../../src/config-sync/apply/validate';
import { FileStates } from '../../src/db/file-states';
import { DHCPD, describeWithDhcpd } from '../helpers/dhcpd';
import { ADD_POOL, ADD_SCOPES, CREATE_REL, CREATE_SCOPE, DELETE_SCOPE, MODIFY_REL, REMOVE_POOL, REMOVE_SCOPES, SYNC, addServer } from '../helpers/operations';
import { Site, type GraphQLResponse } from '../helpers/site';

const FIXTURES = path.resolve(__dirname, '../fixtures/dhcpd');
const ADD = addServer('{ name configFiles scopes { network pools { ranges { start end } } } }');
const candidateFolders = () => readdirSync(os.tmpdir()).filter((f) => f.startsWith('dhcpd-candidate-'));

describe('include files', () => {
  let site: Site;
  beforeEach(async () => {
    site = await Site.start();
    for (const f of ['include-secondary-noeol.conf', 'included-voice.conf']) copyFileSync(path.join(FIXTURES, f), path.join(site.configRoot, f));
  });
  afterEach(() => site.stop());

  const register = (configPath: string) => site.gql(ADD, { input: { name: 'dhcp-s', address: '198.18.0.2', configPath } });
  const refusedAdd = async (configPath: string) => {
    const before = await site.snapshot();
    const res = await register(configPath);
    expect(await site.snapshot()).toEqual(before);
    return res.errors![0];
  };

  test('subnets of an included file are imported, configFiles lists the tree, files stay byte-identical', async () => {
    const before = site.snapshotFiles();
    const res = await register('include-secondary-noeol.conf');
    expect(res.errors).toBeUndefined();
    const server = res.data!.addServer;
    expect(server.configFiles).toEqual([path.join(site.configRoot, 'include-secondary-noeol.conf'), path.join(site.configRoot, 'included-voice.conf')].map((p) => expect.stringMatching(new RegExp(`${path.basename(p)}$`))));
    expect(server.scopes.map((s: any) => s.network).sort()).toEqual(['198.18.1.0/24', '198.18.2.0/25']);
    expect(server.scopes.find((s: any) => s.network === '198.18.2.0/25').pools).toHaveLength(2);
    expect(site.snapshotFiles()).toEqual(before);
  });

  test('a scope declared in an included file is not declared again; a new one goes to the main file, checked as a tree', async () => {
    await register('include-secondary-noeol.conf');
    const refused = await (async () => {
      const before = await site.snapshot();
      const r = await site.refused(CREATE_SCOPE, { input: { server: 'dhcp-s', network: '198.18.2.0/25', pools: [] } });
      expect(await site.snapshot()).toEqual(before);
      return r;
    })();
    expect(refused.code).toBe('CONFLICT');
    const voice = site.snapshotFiles()['included-voice.conf'];
    const main = site.file('include-secondary-noeol');
    await site.ok(CREATE_SCOPE, { input: { server: 'dhcp-s', network: '198.18.3.0/24', pools: [{ ranges: [{ start: '198.18.3.10', end: '198.18.3.20' }] }] } });
    const now = site.file('include-secondary-noeol');
    expect(now.startsWith(main)).toBe(true);
    expect(now.slice(main.length)).toContain('subnet 198.18.3.0 netmask 255.255.255.0 {');
    expect(site.snapshotFiles()['included-voice.conf']).toBe(voice);
    expect(candidateFolders()).toEqual([]);
    // the written tree passes dhcpd -t where it lies
    const texts = new Map([site.path('include-secondary-noeol'), path.join(site.configRoot, 'included-voice.conf')].map((p) => [p, readFileSync(p, 'utf8')]));
    if (DHCPD) expect(await validateTree(DHCPD, site.path('include-secondary-noeol'), texts)).toMatchObject({ ok: true });
  });

  test('an included file changed outside the gateway is drift: mutations are refused until syncServer', async () => {
    await register('include-secondary-noeol.conf');
    const voice = path.join(site.configRoot, 'included-voice.conf');
    writeFileSync(voice, readFileSync(voice, 'utf8').replace('198.18.2.99', '198.18.2.98'));
    const { server } = await site.ok(`{ server(name: "dhcp-s") { drift { files { path diff } } problems { code message } } }`);
    expect(server.drift.files).toHaveLength(1);
    expect(server.problems.map((p: { code: string }) => p.code)).toEqual(['DRIFT']);
    expect(server.problems[0].message).toMatch(/^the file \S*included-voice\.conf of server "dhcp-s" was changed outside the gateway/);
    expect(server.drift.files[0].path).toMatch(/included-voice\.conf$/);
    expect(server.drift.files[0].diff).toContain('+\t\trange 198.18.2.60 198.18.2.98;');
    const before = await site.snapshot();
    const r = await site.refused(CREATE_SCOPE, { input: { server: 'dhcp-s', network: '198.18.3.0/24', pools: [] } });
    expect(r.code).toBe('CONFLICT');
    expect(r.message).toContain('included-voice.conf');
    // an edit of the drifted file itself is refused the same way
    const pool = await site.refused(ADD_POOL, { input: { scopeId: (await site.ids())['dhcp-s 198.18.2.0/25'], ranges: [{ start: '198.18.2.100', end: '198.18.2.110' }] } });
    expect(pool.code).toBe('CONFLICT');
    expect(pool.message).toContain('included-voice.conf');
    expect(await site.snapshot()).toEqual(before);
    await site.ok(SYNC, { name: 'dhcp-s' });
    expect((await site.ok(`{ server(name: "dhcp-s") { drift { detectedAt } } }`)).server.drift).toBeNull();
  });

  test('a cycle, too many levels, an include outside CONFIG_ROOT and a missing include are refused naming the include and its line', async () => {
    writeFileSync(path.join(site.configRoot, 'a.conf'), '# a\ninclude "b.conf";\n');
    writeFileSync(path.join(site.configRoot, 'b.conf'), 'authoritative;\n\ninclude "a.conf";\n');
    const cycle = await refusedAdd('a.conf');
    expect(cycle.extensions?.code).toBe('CONFIG_INVALID');
    expect(cycle.message).toMatch(/include "a\.conf" at line 3 of .*b\.conf .*a cycle/);

    for (let i = 0; i < 10; i++) writeFileSync(path.join(site.configRoot, `d${i}.conf`), `include "d${i + 1}.conf";\n`);
    writeFileSync(path.join(site.configRoot, 'd10.conf'), 'authoritative;\n');
    const deep = await refusedAdd('d0.conf');
    expect(deep.extensions?.code).toBe('CONFIG_INVALID');
    expect(deep.message).toMatch(/deeper than 8 levels/);

    mkdirSync(path.join(site.dir, 'elsewhere'), { recursive: true });
    writeFileSync(path.join(site.dir, 'elsewhere', 'x.conf'), 'authoritative;\n');
    writeFileSync(path.join(site.configRoot, 'out.conf'), 'authoritative;\ninclude "../elsewhere/x.conf";\n');
    const outside = await refusedAdd('out.conf');
    expect(outside.extensions).toMatchObject({ code: 'CONFIG_INVALID', currentFile: true });
    expect(outside.message).toMatch(/include "\.\.\/elsewhere\/x\.conf" at line 2 of .*out\.conf/);

    writeFileSync(path.join(site.configRoot, 'missing.conf'), 'authoritative;\ninclude "nowhere.conf";\n');
    const missing = await refusedAdd('missing.conf');
    expect(missing.extensions).toMatchObject({ code: 'CONFIG_INVALID', currentFile: true });
    expect(missing.message).toMatch(/include "nowhere\.conf" at line 2 .*does not exist/);
  });
});

const AUDIT_ENTRY = `query($id: ID!) { auditEntry(id: $id) { outcome changes { server path diff } } }`;
const PROBLEMS = `query($rel: String!) { failoverRelationship(name: $rel) { problems { code message } } servers { name problems { code message } } }`;

/** The files under CONFIG_ROOT whose bytes differ between two snapshots (site.snapshotFiles()). */
const changedFiles = (before: Record<string, string>, after: Record<string, string>) => Object.keys({ ...before, ...after }).filter((f) => before[f] !== after[f]).sort();

/** The declaration the gateway writes for failover peer `name` on `role` (the relationship's default values). */
function peerDeclaration(name: string, role: 'primary' | 'secondary', address: string, peerAddress: string): string {
  const primaryOnly = role === 'primary' ? '  mclt 3600;\n  split 128;\n' : '';
  return `failover peer "${name}" {\n  ${role};\n  address ${address};\n  port 647;\n  peer address ${peerAddress};\n  peer port 647;\n  max-response-delay 60;\n  max-unacked-updates 10;\n${primaryOnly}  load balance max seconds 3;\n}\n`;
}

/**
 * Servers whose declarations live in included files (test/fixtures/dhcpd): dhcp-p and dhcp-q, a pair whose
 * office network sits in an included file on each side; dhcp-r, a secondary with a main file only; dhcp-s,
 * the secondary fixture whose voice VLAN is included; dhcp-x, whose dhcp-x.conf each test writes. Each one's reload hook writes its name to a log and
 * fails while a file fail-<name> exists.
 */
describeWithDhcpd('edits of declarations held in included files', () => {
  const SERVERS = {
    'dhcp-p': { address: '198.18.0.1', configPath: 'include-primary.conf' },
    'dhcp-q': { address: '198.18.0.2', configPath: 'include-secondary.conf' },
    'dhcp-r': { address: '198.18.0.3', configPath: 'dhcp-r.conf' },
    'dhcp-s': { address: '198.18.0.2', configPath: 'include-secondary-noeol.conf' },
    'dhcp-x': { address: '198.18.0.4', configPath: 'dhcp-x.conf' },
  };
  type Name = keyof typeof SERVERS;
  let site: Site;
  let hooks: string;
  const reloads = () => readFileSync(path.join(hooks, 'reloads.log'), 'utf8').trim().split('\n');

  beforeEach(async () => {
    hooks = mkdtempSync(path.join(os.tmpdir(), 'gw-include-hooks-'));
    const reload = (name: string) => ['/bin/sh', '-c', `echo ${name} >> ${hooks}/reloads.log; test ! -e ${hooks}/fail-${name}`];
    writeFileSync(path.join(hooks, 'servers.json'), JSON.stringify({ servers: Object.fromEntries(Object.keys(SERVERS).map((n) => [n, { reload: reload(n) }])) }));
    site = await Site.start({ GATEWAY_SERVERS_FILE: path.join(hooks, 'servers.json') });
    for (const f of ['include-primary.conf', 'included-office.conf', 'include-secondary.conf', 'included-office-copy.conf', 'include-secondary-noeol.conf', 'included-voice.conf']) {
      copyFileSync(path.join(FIXTURES, f), path.join(site.configRoot, f));
    }
    writeFileSync(path.join(site.configRoot, 'dhcp-r.conf'), '# a secondary with no copy of the office network yet\nauthoritative;\n');
  });
  afterEach(async () => {
    await site.stop();
    rmSync(hooks, { recursive: true, force: true });
  });

  const read = (file: string) => readFileSync(path.join(site.configRoot, file), 'utf8');
  const register = async (...names: Name[]) => {
    for (const name of names) await site.ok(ADD, { input: { name, ...SERVERS[name] } });
  };

  /** Runs a mutation that must succeed; its answer and the files its audit entry says it changed. */
  async function audited(query: string, variables: Record<string, unknown>) {
    const res = (await site.gql(query, variables)) as GraphQLResponse & { extensions?: { auditEntryId?: string } };
    expect(res.errors).toBeUndefined();
    const { auditEntry } = await site.ok(AUDIT_ENTRY, { id: res.extensions?.auditEntryId });
    expect(auditEntry.outcome).toBe('ok');
    return { data: res.data!, changes: auditEntry.changes as { server: string; path: string; diff: string }[] };
  }
  const changedPaths = (changes: { server: string; path: string }[]) => changes.map((c) => `${c.server} ${path.basename(c.path)}`).sort();

  /** dhcpd -t accepts the server's whole tree as it is on disk. */
  async function expectTreePasses(name: Name): Promise<void> {
    const { server } = await site.ok(`query($name: String!) { server(name: $name) { configFiles } }`, { name });
    const texts = new Map<string, string>(server.configFiles.map((p: string) => [p, readFileSync(p, 'utf8')]));
    const result = await validateTree(DHCPD!, server.configFiles[0], texts);
    expect({ ok: result.ok, messages: result.messages }).toEqual({ ok: true, messages: [] });
  }

  /**
   * dhcp-p and dhcp-q in relationship "pq", which then takes the office scope: the copy on dhcp-q is its own,
   * linked. Returns the join's answer and audited changes, and the files just before it.
   */
  async function linkedPair() {
    await register('dhcp-p', 'dhcp-q');
    await site.ok(CREATE_REL, { input: { name: 'pq', primaryServer: 'dhcp-p', secondaryServer: 'dhcp-q' } });
    const before = site.snapshotFiles();
    return { before, ...(await audited(ADD_SCOPES, { name: 'pq', ids: [(await site.ids())['dhcp-p 198.18.4.0/24']] })) };
  }

  test('addPool and removePool of a scope declared in an included file change that file alone', async () => {
    await register('dhcp-s');
    const voice = read('included-voice.conf');
    let before = site.snapshotFiles();
    const added = await audited(ADD_POOL, { input: { scopeId: (await site.ids())['dhcp-s 198.18.2.0/25'], ranges: [{ start: '198.18.2.100', end: '198.18.2.110' }] } });
    expect(changedFiles(before, site.snapshotFiles())).toEqual(['included-voice.conf']);
    expect(read('included-voice.conf')).toBe(voice.replace(/\t}\n}\n$/, '\t}\n\tpool {\n\t\trange 198.18.2.100 198.18.2.110;\n\t}\n}\n'));
    expect(changedPaths(added.changes)).toEqual(['dhcp-s included-voice.conf']);
    expect(added.changes[0].diff).toContain('+\t\trange 198.18.2.100 198.18.2.110;');
    await expectTreePasses('dhcp-s');

    before = site.snapshotFiles();
    const removed = await audited(REMOVE_POOL, { id: (await site.ids())['pool dhcp-s 198.18.2.0/25'] });
    expect(changedFiles(before, site.snapshotFiles())).toEqual(['included-voice.conf']);
    expect(read('included-voice.conf')).not.toContain('range 198.18.2.20 198.18.2.59;');
    expect(changedPaths(removed.changes)).toEqual(['dhcp-s included-voice.conf']);
    expect(removed.changes[0].diff).toContain('-\t\trange 198.18.2.20 198.18.2.59;');
    await expectTreePasses('dhcp-s');
  });

  test('deleteScope of a scope declared in an included file takes its subnet out of that file alone', async () => {
    await register('dhcp-s');
    const before = site.snapshotFiles();
    const deleted = await audited(DELETE_SCOPE, { id: (await site.ids())['dhcp-s 198.18.2.0/25'] });
    expect(changedFiles(before, site.snapshotFiles())).toEqual(['included-voice.conf']);
    expect(read('included-voice.conf')).toBe('# Voice VLAN, included by include-secondary-noeol.conf; valid on its own too.\n');
    expect(changedPaths(deleted.changes)).toEqual(['dhcp-s included-voice.conf']);
    expect((await site.ok(`{ server(name: "dhcp-s") { scopes { network } } }`)).server.scopes).toEqual([{ network: '198.18.1.0/24' }]);
    await expectTreePasses('dhcp-s');
  });

  test("a scope of the primary's included file joins a relationship: its pool's peer statement goes there, the declaration and OMAPI into the main file before the include", async () => {
    await register('dhcp-p', 'dhcp-r');
    await site.ok(CREATE_REL, { input: { name: 'pr', primaryServer: 'dhcp-p', secondaryServer: 'dhcp-r' } });
    const [main, office] = [read('include-primary.conf'), read('included-office.conf')];
    const before = site.snapshotFiles();
    const joined = await audited(ADD_SCOPES, { name: 'pr', ids: [(await site.ids())['dhcp-p 198.18.4.0/24']] });
    expect(changedFiles(before, site.snapshotFiles())).toEqual(['dhcp-r.conf', 'include-primary.conf', 'included-office.conf']);
    expect(read('include-primary.conf')).toBe(main.replace('# the office network\n', `${peerDeclaration('pr', 'primary', '198.18.0.1', '198.18.0.3')}\n# the office network\n`) + '\nomapi-port 7911;\n');
    expect(read('included-office.conf')).toBe(office.replace('  pool {\n', '  pool {\n    failover peer "pr";\n'));
    // the copy is new on dhcp-r: it goes to the main file, with the statements of the subnet
    expect(read('dhcp-r.conf')).toContain('subnet 198.18.4.0 netmask 255.255.255.0 {\n  option routers 198.18.4.1;\n  option domain-name "office.example.net";\n  pool {\n    failover peer "pr";\n');
    expect(changedPaths(joined.changes)).toEqual(['dhcp-p include-primary.conf', 'dhcp-p included-office.conf', 'dhcp-r dhcp-r.conf']);
    expect(joined.changes.find((c) => c.path.endsWith('included-office.conf'))!.diff).toContain('+    failover peer "pr";');
    await expectTreePasses('dhcp-p');
    await expectTreePasses('dhcp-r');
    // the review reads both trees: the subnet is on both sides, whichever file holds it
    const review = await site.ok(PROBLEMS, { rel: 'pr' });
    expect(review.failoverRelationship.problems).toEqual([]);
    expect(review.servers).toEqual([{ name: 'dhcp-p', problems: [] }, { name: 'dhcp-r', problems: [] }]);
  });

  test("the secondary's own copy in an included file is linked there; the pair then reviews clean", async () => {
    const [main, copy] = [read('include-secondary.conf'), read('included-office-copy.conf')];
    const { before, ...joined } = await linkedPair();
    expect(changedFiles(before, site.snapshotFiles())).toEqual(['include-primary.conf', 'include-secondary.conf', 'included-office-copy.conf', 'included-office.conf']);
    expect(read('include-secondary.conf')).toBe(main.replace('include "', `${peerDeclaration('pq', 'secondary', '198.18.0.2', '198.18.0.1')}\ninclude "`) + '\nomapi-port 7911;\n');
    // the statement the copy lacked, and the peer statement, land in the copy's own file
    expect(read('included-office-copy.conf')).toBe(
      copy.replace('  option routers 198.18.4.1;\n', '  option routers 198.18.4.1;\n  option domain-name "office.example.net";\n').replace('  pool {\n', '  pool {\n    failover peer "pq";\n'),
    );
    expect(changedPaths(joined.changes)).toEqual(['dhcp-p include-primary.conf', 'dhcp-p included-office.conf', 'dhcp-q include-secondary.conf', 'dhcp-q included-office-copy.conf']);
    const { scope } = await site.ok(`query($id: ID!) { scope(id: $id) { failoverPartner { server { name } pools { ranges { start end } } } } }`, { id: (await site.ids())['dhcp-p 198.18.4.0/24'] });
    expect(scope.failoverPartner).toEqual({ server: { name: 'dhcp-q' }, pools: [{ ranges: [{ start: '198.18.4.100', end: '198.18.4.199' }] }] });
    await expectTreePasses('dhcp-p');
    await expectTreePasses('dhcp-q');
    const review = await site.ok(PROBLEMS, { rel: 'pq' });
    expect(review.failoverRelationship.problems).toEqual([]);
    expect(review.servers).toEqual([{ name: 'dhcp-p', problems: [] }, { name: 'dhcp-q', problems: [] }]);
    // and what differs between two included files is found: the copy's pool changed by hand, taken over
    writeFileSync(path.join(site.configRoot, 'included-office-copy.conf'), read('included-office-copy.conf').replace('198.18.4.199', '198.18.4.189'));
    await site.ok(SYNC, { name: 'dhcp-q' });
    const differs = (await site.ok(PROBLEMS, { rel: 'pq' })).failoverRelationship.problems;
    expect(differs.map((p: { code: string }) => p.code)).toEqual(['POOLS_DIFFER']);
    expect(differs[0].message).toContain('"dhcp-q" has 198.18.4.100-198.18.4.189');
  });

  test('modifyFailoverRelationship rewrites a peer declared in an included file there, and only what changes', async () => {
    await linkedPair();
    // the operator keeps the primary's declaration in a file of its own, included before the office network
    const main = read('include-primary.conf');
    const declaration = peerDeclaration('pq', 'primary', '198.18.0.1', '198.18.0.2');
    writeFileSync(path.join(site.configRoot, 'included-peers.conf'), `# failover peers of dhcp-p\n${declaration}`);
    writeFileSync(path.join(site.configRoot, 'include-primary.conf'), main.replace(declaration, 'include "included-peers.conf";\n'));
    await site.ok(SYNC, { name: 'dhcp-p' });

    let before = site.snapshotFiles();
    const mclt = await audited(MODIFY_REL, { input: { name: 'pq', mclt: 1800 } });
    expect(changedFiles(before, site.snapshotFiles())).toEqual(['included-peers.conf']);
    expect(read('included-peers.conf')).toBe(`# failover peers of dhcp-p\n${declaration.replace('mclt 3600', 'mclt 1800')}`);
    expect(changedPaths(mclt.changes)).toEqual(['dhcp-p included-peers.conf']);
    await expectTreePasses('dhcp-p');

    before = site.snapshotFiles();
    const delay = await audited(MODIFY_REL, { input: { name: 'pq', maxResponseDelay: 30 } });
    expect(changedFiles(before, site.snapshotFiles())).toEqual(['include-secondary.conf', 'included-peers.conf']);
    expect(read('included-peers.conf')).toContain('  max-response-delay 30;\n');
    expect(changedPaths(delay.changes)).toEqual(['dhcp-p included-peers.conf', 'dhcp-q include-secondary.conf']);
    await expectTreePasses('dhcp-p');
    await expectTreePasses('dhcp-q');
  });

  test('a refused change leaves every file of both servers and the database as they were: a bad range, and one dhcpd -t refuses', async () => {
    // dhcp-q's copy is the only subnet of a shared-network: deleting it would leave the shared-network empty
    writeFileSync(path.join(site.configRoot, 'included-office-copy.conf'), `shared-network office {\n${read('included-office-copy.conf').replace(/^/gm, '  ').replace(/^  $/gm, '')}}\n`);
    await linkedPair();
    const ids = await site.ids();
    const before = await site.snapshot();
    const overlap = await site.refused(ADD_POOL, { input: { scopeId: ids['dhcp-p 198.18.4.0/24'], ranges: [{ start: '198.18.4.150', end: '198.18.4.160' }] } });
    expect(overlap.code).toBe('BAD_USER_INPUT');
    expect(await site.snapshot()).toEqual(before);
    const invalid = await site.refused(REMOVE_SCOPES, { name: 'pq', ids: [ids['dhcp-p 198.18.4.0/24']], action: 'DELETE_SECONDARY_SCOPE' });
    expect(invalid.code).toBe('CONFIG_INVALID');
    expect(invalid.message).toContain('included-office-copy.conf');
    expect(await site.snapshot()).toEqual(before);
  });

  test('a reload failing on the second server puts back every file written, included ones, on both servers', async () => {
    await register('dhcp-p', 'dhcp-q');
    await site.ok(CREATE_REL, { input: { name: 'pq', primaryServer: 'dhcp-p', secondaryServer: 'dhcp-q' } });
    const office = (await site.ids())['dhcp-p 198.18.4.0/24'];
    writeFileSync(path.join(hooks, 'fail-dhcp-p'), '');
    const before = await site.snapshot();
    const failed = await site.refused(ADD_SCOPES, { name: 'pq', ids: [office] });
    expect(failed.code).toBe('CONFIG_APPLY_FAILED');
    expect(failed.message).toContain('dhcp-p');
    // dhcp-q's two files were written and it was reloaded, then dhcp-p's two, whose reload failed; both reloaded again after the restore
    expect(reloads()).toEqual(['dhcp-q', 'dhcp-p', 'dhcp-p', 'dhcp-q']);
    expect(await site.snapshot()).toEqual(before);
    expect((await site.ok(`{ failoverRelationship(name: "pq") { status } }`)).failoverRelationship.status).toBe('EMPTY');
    expect((await site.ok(`{ servers { drift { detectedAt } } }`)).servers).toEqual([{ drift: null }, { drift: null }]);
  });
  test("a server whose tree takes in a file of another server's tree is refused at addServer, naming both servers and the file, through a symlink too", async () => {
    await register('dhcp-p');
    symlinkSync('included-office.conf', path.join(site.configRoot, 'office-link.conf'));
    for (const include of ['included-office.conf', 'office-link.conf']) {
      writeFileSync(path.join(site.configRoot, 'dhcp-x.conf'), `authoritative;\ninclude "${include}";\n`);
      const before = await site.snapshot();
      const refused = await site.refused(ADD, { input: { name: 'dhcp-x', ...SERVERS['dhcp-x'] } });
      expect(refused.code).toBe('CONFLICT');
      expect(refused.message).toContain(`the file ${path.join(site.configRoot, include)} of server "dhcp-x" is also a file of server "dhcp-p"`);
      expect(refused.message).toContain(path.join(site.configRoot, 'included-office.conf'));
      expect(await site.snapshot()).toEqual(before);
    }
  });

  test("syncServer refuses a tree that took in a file of another server's tree, and changes nothing", async () => {
    await register('dhcp-p', 'dhcp-r');
    writeFileSync(path.join(site.configRoot, 'dhcp-r.conf'), `${read('dhcp-r.conf')}include "included-office.conf";\n`);
    const before = await site.snapshot();
    const refused = await site.refused(SYNC, { name: 'dhcp-r' });
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toContain(`the file ${path.join(site.configRoot, 'included-office.conf')} of server "dhcp-r" is also a file of server "dhcp-p"`);
    expect(await site.snapshot()).toEqual(before);
    // what the operator changed is still drift: not taken over
    expect((await site.ok(`{ server(name: "dhcp-r") { drift { files { path } } } }`)).server.drift.files).toEqual([{ path: path.join(site.configRoot, 'dhcp-r.conf') }]);
  });

  test("an edit of a file that another server's last-seen state holds too is refused, nothing written; the server's other files can still change", async () => {
    await register('dhcp-p', 'dhcp-r');
    // as a registration from before the rule (or two at once) would have left it: dhcp-r's tree takes in dhcp-p's office file
    const office = path.join(site.configRoot, 'included-office.conf');
    writeFileSync(path.join(site.configRoot, 'dhcp-r.conf'), `${read('dhcp-r.conf')}include "included-office.conf";\n`);
    await site.markSeen('dhcp-r');
    const [r] = await site.gateway.db.query(`SELECT id FROM dhcp_server WHERE name = 'dhcp-r'`);
    await new FileStates(site.gateway.db.manager).record(r.id, office, sha256(read('included-office.conf')), read('included-office.conf'));
    const ids = await site.ids();
    const before = await site.snapshot();
    const refused = await site.refused(ADD_POOL, { input: { scopeId: ids['dhcp-p 198.18.4.0/24'], ranges: [{ start: '198.18.4.10', end: '198.18.4.20' }] } });
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toContain(`the file ${office} of server "dhcp-p" is also a file of server "dhcp-r"`);
    expect(await site.snapshot()).toEqual(before);
    before.files = site.snapshotFiles();
    await site.ok(CREATE_SCOPE, { input: { server: 'dhcp-p', network: '198.18.9.0/24', pools: [] } });
    expect(changedFiles(before.files, site.snapshotFiles())).toEqual(['include-primary.conf']);
  });

  test('a file included twice is one file of the tree: its subnets are imported, reviewed and edited once', async () => {
    writeFileSync(path.join(site.configRoot, 'included-lab.conf'), '# the lab network, without pools\nsubnet 198.18.7.0 netmask 255.255.255.0 {\n  option routers 198.18.7.1;\n}\n');
    writeFileSync(path.join(site.configRoot, 'dhcp-x.conf'), 'authoritative;\ninclude "included-lab.conf";\n# again, by mistake: dhcpd only warns\ninclude "included-lab.conf";\n');
    await expect(validateTree(DHCPD!, path.join(site.configRoot, 'dhcp-x.conf'), new Map(['dhcp-x.conf', 'included-lab.conf'].map((f) => [path.join(site.configRoot, f), read(f)])))).resolves.toMatchObject({ ok: true });
    const { addServer } = await site.ok(ADD, { input: { name: 'dhcp-x', ...SERVERS['dhcp-x'] } });
    expect(addServer.configFiles).toEqual(['dhcp-x.conf', 'included-lab.conf'].map((f) => path.join(site.configRoot, f)));
    expect(addServer.scopes).toEqual([{ network: '198.18.7.0/24', pools: [] }]);
    expect((await site.ok(`{ server(name: "dhcp-x") { problems { code message } } }`)).server.problems).toEqual([]);
    await audited(DELETE_SCOPE, { id: (await site.ids())['dhcp-x 198.18.7.0/24'] });
    expect(read('included-lab.conf')).toBe('# the lab network, without pools\n');
    expect((await site.ok(`{ server(name: "dhcp-x") { scopes { network } } }`)).server.scopes).toEqual([]);
  });

  test('deleteScope of a subnet holding an include forgets that file: changed afterwards, it is no drift anywhere and changes go on', async () => {
    writeFileSync(path.join(site.configRoot, 'included-lab-options.conf'), 'option domain-name "lab.example.net";\n');
    writeFileSync(
      path.join(site.configRoot, 'dhcp-x.conf'),
      'authoritative;\nsubnet 198.18.5.0 netmask 255.255.255.0 {\n  include "included-lab-options.conf";\n  pool {\n    range 198.18.5.10 198.18.5.20;\n  }\n}\nsubnet 198.18.6.0 netmask 255.255.255.0 {\n  option routers 198.18.6.1;\n}\n',
    );
    await register('dhcp-x');
    const before = site.snapshotFiles();
    await audited(DELETE_SCOPE, { id: (await site.ids())['dhcp-x 198.18.5.0/24'] });
    expect(changedFiles(before, site.snapshotFiles())).toEqual(['dhcp-x.conf']);
    expect((await site.ok(`{ server(name: "dhcp-x") { configFiles } }`)).server.configFiles).toEqual([path.join(site.configRoot, 'dhcp-x.conf')]);
    // the file is no server's any more: an operator may change it or reuse it
    writeFileSync(path.join(site.configRoot, 'included-lab-options.conf'), 'option domain-name "other.example.net";\n');
    expect((await site.ok(`{ server(name: "dhcp-x") { drift { files { path } } problems { code } } }`)).server).toEqual({ drift: null, problems: [] });
    await site.ok(CREATE_SCOPE, { input: { server: 'dhcp-x', network: '198.18.8.0/24', pools: [] } });
  });

  test('a file out of the tree that the gateway still keeps a last-seen state of, changed, is drift alike for drift, the review and mutations, until syncServer', async () => {
    writeFileSync(path.join(site.configRoot, 'dhcp-x.conf'), 'authoritative;\nsubnet 198.18.6.0 netmask 255.255.255.0 {\n  option routers 198.18.6.1;\n}\n');
    await register('dhcp-x');
    // the state a deleteScope of a subnet holding an include left behind before such states were forgotten
    const options = path.join(site.configRoot, 'included-lab-options.conf');
    const [x] = await site.gateway.db.query(`SELECT id FROM dhcp_server WHERE name = 'dhcp-x'`);
    await new FileStates(site.gateway.db.manager).record(x.id, options, sha256('option domain-name "lab.example.net";\n'), 'option domain-name "lab.example.net";\n');
    writeFileSync(options, 'option domain-name "other.example.net";\n');
    const { server } = await site.ok(`{ server(name: "dhcp-x") { drift { files { path } } problems { code message } } }`);
    expect(server.drift.files).toEqual([{ path: options }]);
    expect(server.problems.map((p: { code: string }) => p.code)).toEqual(['DRIFT']);
    expect(server.problems[0].message).toContain(`the file ${options} of server "dhcp-x" was changed`);
    const before = await site.snapshot();
    const refused = await site.refused(CREATE_SCOPE, { input: { server: 'dhcp-x', network: '198.18.8.0/24', pools: [] } });
    expect([refused.code, refused.message]).toEqual(['CONFLICT', expect.stringContaining(options)]);
    expect(await site.snapshot()).toEqual(before);
    await site.ok(SYNC, { name: 'dhcp-x' });
    expect((await site.ok(`{ server(name: "dhcp-x") { drift { files { path } } problems { code } } }`)).server).toEqual({ drift: null, problems: [] });
  });
});

describe('validateTree', () => {
  (DHCPD ? test : test.skip)("stages the tree in a private folder, includes pointing at the candidates, and names the included file's lines", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-tree-'));
    try {
      const main = path.join(dir, 'main.conf');
      const inc = path.join(dir, 'sub', 'inc.conf');
      // the real included file is fine; the candidate is not: the candidate is what dhcpd must read
      mkdirSync(path.dirname(inc));
      writeFileSync(inc, 'authoritative;\n');
      const result = await validateTree(DHCPD!, main, new Map([[main, 'authoritative;\ninclude "sub/inc.conf";\n'], [inc, '# voice\nno-such-statement 1;\n']]));
      expect(result.ok).toBe(false);
      expect(result.messages[0]).toMatch(new RegExp(`^${inc.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} line 2: .*\\(at: no-such-statement 1;\\)$`));
      expect(result.output).not.toContain('dhcpd-candidate-');
      expect(candidateFolders()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
