import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateTree } from '../../src/config-sync/apply/validate';
import { DHCPD } from '../helpers/dhcpd';
import { CREATE_SCOPE, SYNC, addServer } from '../helpers/operations';
import { Site } from '../helpers/site';

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
    const { server } = await site.ok(`{ server(name: "dhcp-s") { drift { files { path diff } } } }`);
    expect(server.drift.files).toHaveLength(1);
    expect(server.drift.files[0].path).toMatch(/included-voice\.conf$/);
    expect(server.drift.files[0].diff).toContain('+\t\trange 198.18.2.60 198.18.2.98;');
    const before = await site.snapshot();
    const r = await site.refused(CREATE_SCOPE, { input: { server: 'dhcp-s', network: '198.18.3.0/24', pools: [] } });
    expect(r.code).toBe('CONFLICT');
    expect(r.message).toContain('included-voice.conf');
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

describe('validateTree', () => {
  (DHCPD ? test : test.skip)("stages the tree in a private folder, includes pointing at the candidates, and names the included file's lines", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-tree-'));
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
  });
});
