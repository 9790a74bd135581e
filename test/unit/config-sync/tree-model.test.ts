/**
 * The view over a tree's files (treeModel): the change set gives a file's record a new model when it re-reads
 * the file after a composition, and a view made before must go on answering from the models it was made of.
 */
import { parseConfig, treeModel } from '../../../src/config-sync';
import { dedent } from '../../helpers/dedent';

const OFFICE = dedent`
  subnet 198.18.4.0 netmask 255.255.255.0 {
    option routers 198.18.4.1;
    pool {
      range 198.18.4.100 198.18.4.199;
    }
  }
`;

test('a view keeps the models it was made of when the records it was made from are given new ones', () => {
  const main = { path: '/srv/dhcp/main.conf', model: parseConfig('authoritative;\ninclude "office.conf";\n') };
  const office = { path: '/srv/dhcp/office.conf', model: parseConfig(OFFICE) };
  const view = treeModel([main, office]);
  const subnet = view.findSubnet('198.18.4.0/24')!;
  // the file re-read after an edit that moved every offset
  office.model = parseConfig(`# the office network\n${OFFICE}`);
  expect(view.files.map((f) => f.model.text)).toEqual(['authoritative;\ninclude "office.conf";\n', OFFICE]);
  expect(view.fileOf(subnet).path).toBe('/srv/dhcp/office.conf');
  expect(view.statements(subnet).map((s) => s.source)).toEqual(['option routers 198.18.4.1;']);
  expect(view.statements(subnet.pools[0])).toEqual([]);
});
