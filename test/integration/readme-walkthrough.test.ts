/**
 * README.md's "A first session", run verbatim: the operations are taken from the README itself (never copied
 * here), sent in order to a real service on a temp SQLite file and CONFIG_ROOT seeded as `npm run seed` does,
 * and every file excerpt the section shows must appear byte for byte in the file its prose names.
 */
import { Kind, parse, visit } from 'graphql';
import { DHCPD, expectPassesDhcpd } from '../helpers/dhcpd';
import { codeBlocks, readDoc } from '../helpers/markdown';
import { Site } from '../helpers/site';

const SECTION = 'A first session';
const OFFICE = '198.51.100.0/24';
const blocks = codeBlocks(readDoc('README.md')).filter((b) => b.section === SECTION);
const operations = blocks.filter((b) => b.lang === 'graphql');
const excerpts = blocks.filter((b) => b.lang === '');

/** The string literals of every argument named `name` in the operation. */
function argumentStrings(query: string, name: string): string[] {
  const found: string[] = [];
  visit(parse(query), {
    Argument(arg) {
      if (arg.name.value !== name) return;
      for (const v of arg.value.kind === Kind.LIST ? arg.value.values : [arg.value]) if (v.kind === Kind.STRING) found.push(v.value);
    },
  });
  return found;
}

describe(`README.md, "${SECTION}", verbatim after npm run seed`, () => {
  let site: Site;
  const answers: Record<string, any>[] = [];

  beforeAll(async () => {
    site = await Site.start();
  });
  afterAll(() => site.stop());

  test('seeds the default scenario, as the section says', () => {
    expect(blocks.filter((b) => b.lang === 'sh').map((b) => b.text)).toEqual(['npm run seed\n']);
  });

  test('reads nothing live: no operation of the section makes the gateway contact a server', () => {
    // liveState would poll the seeded servers' addresses; the walk-through must stay on this machine.
    for (const op of operations) expect(op.text).not.toMatch(/liveState/);
  });

  test('every operation succeeds in order', async () => {
    await site.seed('failover-pair');
    expect(operations.length).toBeGreaterThanOrEqual(4);
    for (const op of operations) answers.push(await site.ok(op.text));
  });

  test('the scope id the section passes is the office scope the servers query answered', () => {
    const adding = operations.findIndex((op) => /addScopesToFailoverRelationship/.test(op.text));
    const listed = answers.slice(0, adding).find((answer) => answer.servers);
    expect(listed).toBeDefined();
    const office = listed!.servers.find((s: any) => s.name === 'dhcp-a').scopes.find((s: any) => s.network === OFFICE);
    expect(argumentStrings(operations[adding].text, 'scopeIds')).toEqual([office.id]);
    expect(answers[adding].addScopesToFailoverRelationship.status).toBe('NORMAL');
  });

  test('every file excerpt it shows is in the file its prose names, byte for byte', () => {
    expect(excerpts.length).toBeGreaterThanOrEqual(1);
    for (const excerpt of excerpts) {
      const named = [...excerpt.before.matchAll(/`([\w.-]+)\.conf`/g)].pop();
      expect(named).toBeDefined();
      expect(site.file(named![1])).toContain(excerpt.text);
    }
  });

  (DHCPD ? test : test.skip)('both files pass dhcpd -t', () => {
    expectPassesDhcpd(site, 'dhcp-a', 'dhcp-b');
  });
});
