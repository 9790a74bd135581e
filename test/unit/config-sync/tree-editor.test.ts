/**
 * Edits over a tree of files (TreeEditor): each edit lands in the file holding its node, new declarations in
 * the main file, and a failover peer declaration where dhcpd reads it before its first referrer, across
 * includes. Every result is checked as a tree by the real dhcpd -t (skipped, never passed, without it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigEditor, parseConfig, treeModel, type PeerDeclaration, type TreeModel } from '../../../src/config-sync';
import { TreeEditor } from '../../../src/config-sync/apply/tree-editor';
import { validateTree } from '../../../src/config-sync/apply/validate';
import { dedent } from '../../helpers/dedent';
import { DHCPD, itWithDhcpd } from '../../helpers/dhcpd';

const PEER: PeerDeclaration = {
  name: 'dc',
  role: 'primary',
  address: '198.18.0.1',
  port: 647,
  peerAddress: '198.18.0.2',
  peerPort: 647,
  maxResponseDelay: 60,
  maxUnackedUpdates: 10,
  mclt: 3600,
  split: 128,
  loadBalanceMaxSeconds: 3,
};

const DC = dedent`
  failover peer "dc" {
    primary;
    address 198.18.0.1;
    port 647;
    peer address 198.18.0.2;
    peer port 647;
    max-response-delay 60;
    max-unacked-updates 10;
    mclt 3600;
    split 128;
    load balance max seconds 3;
  }
`;

/** A subnet with one pool, whose pool refers to peer "dc" when `refers`. */
const subnet = (n: number, refers = false) =>
  `subnet 198.18.${n}.0 netmask 255.255.255.0 {\n  pool {\n${refers ? '    failover peer "dc";\n' : ''}    range 198.18.${n}.10 198.18.${n}.20;\n  }\n}\n`;

/** The main file (first) and the files it includes, in the order dhcpd reads them; the folder is dhcpd -t's working directory. */
type Files = Record<string, string>;

describe('edits over a tree of included files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-tree-edit-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Lets `change` edit the tree, then returns every file's text: an untouched file as it was. */
  function editTree(files: Files, change: (editor: TreeEditor, tree: TreeModel) => void): Files {
    const entries = Object.entries(files).map(([name, text]) => ({ path: path.join(dir, name), model: parseConfig(text) }));
    const tree = treeModel(entries);
    const editors = new Map<string, ConfigEditor>();
    const editorOf = (p: string) => {
      if (!editors.has(p)) editors.set(p, new ConfigEditor(entries.find((e) => e.path === p)!.model));
      return editors.get(p)!;
    };
    const editor = new TreeEditor(tree, editorOf);
    change(editor, tree);
    editor.place();
    return Object.fromEntries(entries.map((e) => [path.basename(e.path), editors.get(e.path)?.apply() ?? e.model.text]));
  }

  /** An edit test in two halves: the exact texts, and dhcpd -t on the whole resulting tree. */
  function itEditsTree(name: string, files: Files, change: (editor: TreeEditor, tree: TreeModel) => void, expected: Files): void {
    it(name, () => expect(editTree(files, change)).toEqual(expected));
    itWithDhcpd(`dhcpd -t accepts the tree: ${name}`, async () => {
      const result = editTree(files, change);
      const texts = new Map(Object.entries(result).map(([name, text]) => [path.join(dir, name), text]));
      const verdict = await validateTree(DHCPD!, path.join(dir, Object.keys(files)[0]), texts);
      expect({ ok: verdict.ok, messages: verdict.messages }).toEqual({ ok: true, messages: [] });
    });
  }

  const MAIN = `# main\nauthoritative;\n\n${subnet(10)}\n# the office\ninclude "office.conf";\n`;
  const OFFICE = `# office\n${subnet(11)}`;
  const officePool = (tree: TreeModel) => tree.findSubnet('198.18.11.0/24')!.pools[0];

  itEditsTree(
    'a new peer whose first referrer is in an included file goes into the main file, before the include (and its comment)',
    { 'main.conf': MAIN, 'office.conf': OFFICE },
    (editor, tree) => editor.setPoolFailoverPeer(officePool(tree), 'dc').upsertFailoverPeer(PEER),
    { 'main.conf': `# main\nauthoritative;\n\n${subnet(10)}\n${DC}\n# the office\ninclude "office.conf";\n`, 'office.conf': `# office\n${subnet(11, true)}` },
  );

  itEditsTree(
    'a new peer whose first referrer is in the main file goes where the rule for one file puts it',
    { 'main.conf': MAIN, 'office.conf': OFFICE },
    (editor, tree) => editor.setPoolFailoverPeer(officePool(tree), 'dc').setPoolFailoverPeer(tree.findSubnet('198.18.10.0/24')!.pools[0], 'dc').upsertFailoverPeer(PEER),
    { 'main.conf': `# main\nauthoritative;\n\n${DC}\n${subnet(10, true)}\n# the office\ninclude "office.conf";\n`, 'office.conf': `# office\n${subnet(11, true)}` },
  );

  const PEERS = `# peers\n${DC.replace('  mclt 3600;\n', '  mclt 3600;\n  max-lease-misbalance 15;\n')}`;

  itEditsTree(
    'a declaration of an included file read before every referrer is rewritten where it is; no other file changes',
    { 'main.conf': 'authoritative;\ninclude "peers.conf";\ninclude "office.conf";\n', 'peers.conf': PEERS, 'office.conf': `# office\n${subnet(11, true)}` },
    (editor) => editor.upsertFailoverPeer({ ...PEER, mclt: 1800 }),
    { 'main.conf': 'authoritative;\ninclude "peers.conf";\ninclude "office.conf";\n', 'peers.conf': PEERS.replace('mclt 3600', 'mclt 1800'), 'office.conf': `# office\n${subnet(11, true)}` },
  );

  itEditsTree(
    'a declaration of an included file that a new referrer would be read before moves into the main file, rewritten, its other statements kept',
    { 'main.conf': MAIN, 'office.conf': `# office\n${PEERS.slice('# peers\n'.length)}\n${subnet(11, true)}` },
    (editor, tree) => editor.setPoolFailoverPeer(tree.findSubnet('198.18.10.0/24')!.pools[0], 'dc').upsertFailoverPeer({ ...PEER, mclt: 1800 }),
    {
      'main.conf': `# main\nauthoritative;\n\n${PEERS.slice('# peers\n'.length).replace('mclt 3600', 'mclt 1800')}\n${subnet(10, true)}\n# the office\ninclude "office.conf";\n`,
      // the declaration's lines go, the empty line after it stays (as when a declaration moves within one file)
      'office.conf': `# office\n\n${subnet(11, true)}`,
    },
  );

  itEditsTree(
    "a declaration moves within its own file when the new referrer is read through that file's include",
    { 'main.conf': 'authoritative;\ninclude "site.conf";\n', 'site.conf': `include "office.conf";\n\n${DC}`, 'office.conf': OFFICE },
    (editor, tree) => editor.setPoolFailoverPeer(officePool(tree), 'dc').upsertFailoverPeer(PEER),
    { 'main.conf': 'authoritative;\ninclude "site.conf";\n', 'site.conf': `${DC}\ninclude "office.conf";\n\n`, 'office.conf': `# office\n${subnet(11, true)}` },
  );

  itEditsTree(
    'pools are added and removed in the file holding their subnet; a new subnet and the OMAPI lines no file has go to the main file',
    { 'main.conf': MAIN, 'office.conf': `omapi-port 7911;\n${OFFICE}` },
    (editor, tree) =>
      editor
        .addPool(tree.findSubnet('198.18.11.0/24')!, { ranges: [{ start: '198.18.11.30', end: '198.18.11.40' }] })
        .removePool(tree.findSubnet('198.18.10.0/24')!.pools[0])
        .addSubnet({ network: '198.18.12.0/24', pools: [] })
        .ensureOmapi(7911, { name: 'omapi_key', algorithm: 'hmac-md5', secret: 'c2VjcmV0' }),
    {
      'main.conf': dedent`
        # main
        authoritative;

        subnet 198.18.10.0 netmask 255.255.255.0 {
        }

        # the office
        include "office.conf";

        subnet 198.18.12.0 netmask 255.255.255.0 {
        }

        key omapi_key {
          algorithm hmac-md5;
          secret "c2VjcmV0";
        }
        omapi-key omapi_key;
      `,
      'office.conf': `omapi-port 7911;\n# office\n${subnet(11).replace('  }\n}', '  }\n  pool {\n    range 198.18.11.30 198.18.11.40;\n  }\n}')}`,
    },
  );

  itEditsTree(
    'a removed peer leaves every file that declares it',
    { 'main.conf': 'authoritative;\ninclude "peers.conf";\ninclude "office.conf";\n', 'peers.conf': PEERS, 'office.conf': `# office\n${subnet(11, true)}` },
    (editor, tree) => editor.setPoolFailoverPeer(officePool(tree), null).removeFailoverPeer('dc'),
    { 'main.conf': 'authoritative;\ninclude "peers.conf";\ninclude "office.conf";\n', 'peers.conf': '# peers\n', 'office.conf': OFFICE },
  );

  it('refuses a node that belongs to no file of the tree', () => {
    const stale = parseConfig(OFFICE).subnets[0];
    expect(() => editTree({ 'main.conf': MAIN, 'office.conf': OFFICE }, (editor) => editor.removeSubnet(stale))).toThrow(/belongs to no file of this tree/);
  });
});
