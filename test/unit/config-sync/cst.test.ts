import { parse, stringify, type Cst, type CstBlock, type CstNode } from '../../../src/config-sync';
import { children, headTokens, tokenAt } from '../../../src/config-sync/dhcpd/cst';
import { dedent } from '../../helpers/dedent';

function kinds(nodes: CstNode[]): string[] {
  return nodes.map((node) => node.kind);
}

function blockAt(cst: Cst, index: number): CstBlock {
  const node = children(cst)[index];
  if (node.kind !== 'block') throw new Error(`node ${index} is a ${node.kind}`);
  return node;
}

function head(cst: Cst, node: CstNode): string {
  if (node.kind !== 'block' && node.kind !== 'statement') return cst.text.slice(node.start, node.end);
  return headTokens(cst, node)
    .map((index) => tokenAt(cst, index))
    .join(' ');
}

/** Between siblings there is only whitespace: every other byte belongs to a node. */
function expectGapsAreWhitespace(cst: Cst): void {
  // A worklist rather than recursion: one test nests ten thousand blocks.
  const bodies: { nodes: CstNode[]; from: number; to: number }[] = [{ nodes: children(cst), from: 0, to: cst.text.length }];
  const gaps: string[] = [];
  for (let body = bodies.pop(); body !== undefined; body = bodies.pop()) {
    let position = body.from;
    for (const node of body.nodes) {
      gaps.push(cst.text.slice(position, node.start));
      if (node.kind === 'block') {
        const openEnd = cst.tokens.starts[node.openToken + 1];
        bodies.push({ nodes: children(cst, node), from: openEnd, to: node.closeToken >= 0 ? cst.tokens.starts[node.closeToken] : node.end });
      }
      position = node.end;
    }
    gaps.push(cst.text.slice(position, body.to));
  }
  expect(gaps.filter((gap) => !/^\s*$/.test(gap))).toEqual([]);
}

function roundTrip(text: string): Cst {
  const cst = parse(text);
  expect(stringify(cst)).toBe(text);
  expectGapsAreWhitespace(cst);
  return cst;
}

describe('parse and stringify', () => {
  it('reads statements, blocks and comments and gives back the exact text', () => {
    const cst = roundTrip(dedent`
      # leading comment
      authoritative;   # trailing comment
      subnet 192.0.2.0 netmask 255.255.255.0 {
        option routers 192.0.2.1;
      }
    `);
    expect(kinds(children(cst))).toEqual(['comment', 'statement', 'comment', 'block']);
    expect(head(cst, children(cst)[3])).toBe('subnet 192.0.2.0 netmask 255.255.255.0');
    expect(kinds(children(cst, blockAt(cst, 3)))).toEqual(['statement']);
    expect(cst.errors).toEqual([]);
  });

  it('keeps tabs, mixed indentation, blank lines and trailing whitespace', () => {
    roundTrip('\tauthoritative;  \n\n \t option x 1;\t\n\n\n');
  });

  it('keeps CRLF line endings, lone carriage returns and a missing final line break', () => {
    const cst = roundTrip('# c\r\nsubnet 10.0.0.0 netmask 255.0.0.0 {\r\n  range 10.0.0.1 10.0.0.9;\r\n}\r\n#}');
    expect(kinds(children(cst))).toEqual(['comment', 'block', 'comment']);
    expect(cst.text.slice(children(cst)[0].start, children(cst)[0].end)).toBe('# c');
    roundTrip('a;\rb;\r');
  });

  it('treats braces, semicolons and hashes inside quoted strings as text', () => {
    const cst = roundTrip('option tftp-server-name "http://x/settings.php?mac={mac}; #1";\nlog(info, "a \\" } b");\n');
    expect(kinds(children(cst))).toEqual(['statement', 'statement']);
    expect(cst.errors).toEqual([]);
  });

  it('reads on commit / on release blocks nested inside if and else blocks', () => {
    const cst = roundTrip(dedent`
      on commit {
        if exists agent.remote-id {
          log(info, "x");
        } else {
          on release or expiry { execute("/bin/true"); }
        }
      }
    `);
    const onCommit = blockAt(cst, 0);
    expect(head(cst, onCommit)).toBe('on commit');
    expect(children(cst, onCommit).map((child) => head(cst, child))).toEqual(['if exists agent.remote-id', 'else']);
    const elseBlock = children(cst, onCommit)[1] as CstBlock;
    expect(head(cst, children(cst, elseBlock)[0])).toBe('on release or expiry');
  });

  it('reads if / elsif / else if / else chains as consecutive blocks', () => {
    const cst = roundTrip('if a { x; } elsif b { y; } else if c { z; } else { w; }\n');
    expect(children(cst).map((node) => head(cst, node))).toEqual(['if a', 'elsif b', 'else if c', 'else']);
  });

  it('reads class, subclass with and without a body, group, host, key and zone', () => {
    const cst = roundTrip(dedent`
      class "foo" { match hardware; }
      subclass "foo" 1:00:07:0E:36:48:19;
      subclass "foo" 1:00:0B:FD:32:E6:FA { option myversion 2; }
      group # known hosts
      {
        host alpha { hardware ethernet 1a:2b:3c:4d:5e:6f;
                     fixed-address 192.0.2.3;
                   }
      }
      key k1 { algorithm hmac-md5; secret "c2VjcmV0"; }
      zone example.org. { primary 127.0.0.1; key k1; }
    `);
    expect(kinds(children(cst))).toEqual(['block', 'statement', 'block', 'block', 'block', 'block']);
    const group = blockAt(cst, 3);
    expect(head(cst, group)).toBe('group');
    expect(cst.text.slice(group.start, cst.tokens.starts[group.openToken + 1])).toBe('group # known hosts\n{');
    expect(head(cst, children(cst, blockAt(cst, 3))[0])).toBe('host alpha');
    expect(cst.errors).toEqual([]);
  });

  it('keeps the braces of an option record type inside the option definition', () => {
    const cst = roundTrip(dedent`
      option space cisco code width 1 length width 1;
      option vendor-class.cisco code 9 = {string};
      option ztp code 224 = { ip-address, string };
      option JNPR-encapsulation code 43 = encapsulate JNPR;
      subnet 10.0.0.0 netmask 255.0.0.0 { }
    `);
    expect(kinds(children(cst))).toEqual(['statement', 'statement', 'statement', 'statement', 'block']);
    expect(cst.errors).toEqual([]);
  });

  it('reads include statements and expression assignments as statements', () => {
    const cst = roundTrip('include "/etc/dhcp/a.conf";\nfilename = "http://x/y";\nddns-hostname = none;\n');
    expect(kinds(children(cst))).toEqual(['statement', 'statement', 'statement']);
  });

  it('collects errors with a code and a position instead of throwing', () => {
    const text = 'a b\n}\nsubnet x {\n  pool {\n    option x "open';
    const cst = roundTrip(text);
    expect(cst.errors.map(({ code, line, column }) => ({ code, line, column }))).toEqual([
      { code: 'missing-semicolon', line: 1, column: 4 },
      { code: 'unexpected-close-brace', line: 2, column: 1 },
      { code: 'unclosed-block', line: 3, column: 10 },
      { code: 'unclosed-block', line: 4, column: 8 },
      { code: 'unterminated-string', line: 5, column: 14 },
      { code: 'missing-semicolon', line: 5, column: 19 },
    ]);
    expect(kinds(children(cst))).toEqual(['statement', 'stray-brace', 'block']);
    for (const error of cst.errors) expect(error.message).not.toBe('');
  });

  it('reports an option record left open at the semicolon that ends its statement', () => {
    const cst = roundTrip('option x code 1 = { string;\nauthoritative;\n');
    expect(cst.errors.map((error) => error.code)).toEqual(['unclosed-record']);
    expect(kinds(children(cst))).toEqual(['statement', 'statement']);
  });

  it('handles an empty text and a text of only whitespace', () => {
    expect(children(roundTrip(''))).toEqual([]);
    expect(children(roundTrip(' \n\t\r\n'))).toEqual([]);
  });

  it('grows its tables for a text denser in tokens and nodes than real configs', () => {
    const cst = roundTrip(';{}'.repeat(5000));
    expect(children(cst)).toHaveLength(10_000);
    expect(cst.errors).toEqual([]);
  });

  it('survives ten thousand nested blocks without overflowing the stack', () => {
    const text = `${'a {'.repeat(10_000)}${'}'.repeat(10_000)}`;
    const cst = roundTrip(text);
    expect(cst.errors).toEqual([]);
  });
});
