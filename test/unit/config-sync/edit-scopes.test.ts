import { DHCPD, itWithDhcpd } from '../../helpers/dhcpd';
import { ConfigEditor, ConfigValueError, parseConfig, scopeStatements, validateConfig } from '../../../src/config-sync';
import { dedent } from '../../helpers/dedent';
import { DC_PEER, edit, itEdits } from './support';

describe('pool failover peer statements', () => {
  const text =
    DC_PEER +
    dedent`
    failover peer "other" {
      secondary;
      address 10.0.0.1;
      peer address 10.0.0.3;
      max-response-delay 60;
      max-unacked-updates 10;
      load balance max seconds 3;
    }
    subnet 192.0.2.0 netmask 255.255.255.0 {
      pool { # reserved for phones
        range 192.0.2.10 192.0.2.20;
      }
      pool {
        failover peer "other";   # set by hand
        range 192.0.2.30 192.0.2.40;
      }
      pool { range 192.0.2.50 192.0.2.60; }
    }
  `;

  /** dhcpd refuses a declared peer that no pool refers to, so the checks drop such declarations. */
  const withoutOtherPeer = (result: string): string => result.replace(/failover peer "other" \{[^}]*\}\n/, '');
  const withoutPeers = (result: string): string => result.replace(/failover peer "\w+" \{[^}]*\}\n/g, '');

  itEdits(
    'adds the statement as the first line of a pool, at the indentation of its siblings',
    () => edit(text, (editor, model) => editor.setPoolFailoverPeer(model.subnets[0].pools[0], 'dc')),
    (result) => expect(result).toBe(text.replace('  pool { # reserved for phones\n', '  pool { # reserved for phones\n    failover peer "dc";\n')),
  );

  itEdits(
    'adds the statement on the line of a pool written on one line',
    () => edit(text, (editor, model) => editor.setPoolFailoverPeer(model.subnets[0].pools[2], 'dc')),
    (result) => expect(result).toBe(text.replace('pool { range 192.0.2.50', 'pool { failover peer "dc"; range 192.0.2.50')),
  );

  itEdits(
    'replaces only the peer name of an existing statement',
    () => edit(text, (editor, model) => editor.setPoolFailoverPeer(model.subnets[0].pools[1], 'dc')),
    (result) => expect(result).toBe(text.replace('failover peer "other";   # set by hand', 'failover peer "dc";   # set by hand')),
    withoutOtherPeer,
  );

  itEdits(
    'removes the statement with its whole line, trailing comment included',
    () => edit(text, (editor, model) => editor.setPoolFailoverPeer(model.subnets[0].pools[1], null).setPoolFailoverPeer(model.subnets[0].pools[0], null)),
    (result) => expect(result).toBe(text.replace('    failover peer "other";   # set by hand\n', '')),
    withoutPeers,
  );

  const doubled = 'subnet 10.0.0.0 netmask 255.255.255.0 {\n  pool {\n    failover peer "a"; failover peer "b";\n    range 10.0.0.1 10.0.0.2;\n  }\n}\n';
  itEdits(
    'removes every failover peer statement of a pool, two on one line included',
    () => edit(doubled, (editor, model) => editor.setPoolFailoverPeer(model.subnets[0].pools[0], null)),
    (result) => expect(result).toBe(doubled.replace('failover peer "a"; failover peer "b";', '')),
  );

  itEdits(
    'keeps only the first of two failover peer statements when setting the peer',
    () => edit(doubled, (editor, model) => editor.setPoolFailoverPeer(model.subnets[0].pools[0], 'dc')),
    (result) => expect(result).toBe(doubled.replace('"a"; failover peer "b";', '"dc";')),
    (result) => DC_PEER + result,
  );

  itEdits(
    'applies the last call when one pool is set twice',
    () => edit(text, (editor, model) => editor.setPoolFailoverPeer(model.subnets[0].pools[1], 'dc').setPoolFailoverPeer(model.subnets[0].pools[1], null)),
    (result) => expect(parseConfig(result).subnets[0].pools[1].failoverPeer).toBeNull(),
    withoutPeers,
  );

  itWithDhcpd('reports dhcpd\'s message with the candidate line when an edit names an undeclared peer', async () => {
    const result = edit(text, (editor, model) => editor.setPoolFailoverPeer(model.subnets[0].pools[0], 'nope'));
    const validation = await validateConfig(DHCPD!, result);
    const line = result.split('\n').indexOf('    failover peer "nope";') + 1;
    expect(validation.ok).toBe(false);
    expect(validation.messages[0]).toBe(`line ${line}: failover peer nope: not found (at: failover peer "nope";)`);
    expect(validation.output).not.toMatch(/dhcpd-candidate/);
  });
});

describe('adding subnets and pools', () => {
  itEdits(
    "appends a subnet in the file's style after a line break the file lacked",
    () =>
      edit('authoritative;\n\n# last line is a comment', (editor) =>
        editor.addSubnet({
          network: '192.0.2.0/24',
          pools: [
            { ranges: [{ start: '192.0.2.10', end: '192.0.2.20' }, { start: '192.0.2.30', end: '192.0.2.30' }] },
            { ranges: [{ start: '192.0.2.40', end: '192.0.2.50' }], failoverPeer: null },
          ],
        }),
      ),
    (result) =>
      expect(result).toBe(dedent`
        authoritative;

        # last line is a comment

        subnet 192.0.2.0 netmask 255.255.255.0 {
          pool {
            range 192.0.2.10 192.0.2.20;
            range 192.0.2.30 192.0.2.30;
          }
          pool {
            range 192.0.2.40 192.0.2.50;
          }
        }
      `),
  );

  const crlfText = '# crlf\r\nsubnet 10.0.0.0 netmask 255.255.255.0 {\r\n\toption routers 10.0.0.1;\r\n}\r\n';
  itEdits(
    'appends subnets with tabs and CRLF to a tab-indented CRLF file, one empty line apart',
    () =>
      edit(crlfText, (editor) =>
        editor.addSubnet({ network: '10.0.1.0/24', pools: [] }).addSubnet({ network: '10.0.2.0/23', pools: [{ ranges: [{ start: '10.0.2.10', end: '10.0.3.20' }] }] }),
      ),
    (result) =>
      expect(result).toBe(
        `${crlfText}\r\nsubnet 10.0.1.0 netmask 255.255.255.0 {\r\n}\r\n\r\n` +
          'subnet 10.0.2.0 netmask 255.255.254.0 {\r\n\tpool {\r\n\t\trange 10.0.2.10 10.0.3.20;\r\n\t}\r\n}\r\n',
      ),
  );

  const fourSpaces =
    DC_PEER +
    dedent`
      subnet 192.0.2.0 netmask 255.255.255.0 {
          option routers 192.0.2.1;
          pool {
              failover peer "dc";
              range 192.0.2.10 192.0.2.20;
          }
          # the end
      }
    `;
  itEdits(
    "adds a pool as the last statement of a subnet, copying its siblings' indentation",
    () => edit(fourSpaces, (editor, model) => editor.addPool(model.subnets[0], { ranges: [{ start: '192.0.2.30', end: '192.0.2.40' }], failoverPeer: 'dc' })),
    (result) =>
      expect(result).toBe(fourSpaces.replace('    # the end\n}', '    # the end\n    pool {\n        failover peer "dc";\n        range 192.0.2.30 192.0.2.40;\n    }\n}')),
  );

  itEdits(
    'adds a pool to an empty subnet and to a subnet written on one line',
    () =>
      edit('subnet 10.0.0.0 netmask 255.255.255.0 {\n}\nsubnet 10.0.1.0 netmask 255.255.255.0 { option routers 10.0.1.1; }\n', (editor, model) =>
        editor
          .addPool(model.subnets[0], { ranges: [{ start: '10.0.0.10', end: '10.0.0.20' }] })
          .addPool(model.subnets[1], { ranges: [{ start: '10.0.1.10', end: '10.0.1.20' }] }),
      ),
    (result) =>
      expect(result).toBe(
        'subnet 10.0.0.0 netmask 255.255.255.0 {\n  pool {\n    range 10.0.0.10 10.0.0.20;\n  }\n}\n' +
          'subnet 10.0.1.0 netmask 255.255.255.0 { option routers 10.0.1.1;\n  pool {\n    range 10.0.1.10 10.0.1.20;\n  } }\n',
      ),
  );

  it('refuses a network with host bits, a malformed address and a peer name with a quote', () => {
    const model = parseConfig('subnet 10.0.0.0 netmask 255.255.255.0 { }\n');
    const editor = new ConfigEditor(model);
    expect(() => editor.addSubnet({ network: '192.0.2.1/24', pools: [] })).toThrow(ConfigValueError);
    expect(() => editor.addSubnet({ network: '192.0.2.0', pools: [] })).toThrow(ConfigValueError);
    expect(() => editor.addPool(model.subnets[0], { ranges: [{ start: '10.0.0.1;', end: '10.0.0.2' }] })).toThrow(ConfigValueError);
    expect(() => editor.addPool(model.subnets[0], { ranges: [], failoverPeer: 'a"b' })).toThrow(ConfigValueError);
    expect(editor.edits()).toEqual([]);
  });

  it('refuses a subnet or pool taken from another file\'s model', () => {
    const other = parseConfig('\n\nsubnet 10.9.0.0 netmask 255.255.255.0 { pool { range 10.9.0.1 10.9.0.2; } }\n');
    const editor = new ConfigEditor(parseConfig('subnet 10.0.0.0 netmask 255.255.255.0 { }\n'));
    expect(() => editor.removeSubnet(other.subnets[0])).toThrow(/another text/);
    expect(() => editor.setPoolFailoverPeer(other.subnets[0].pools[0], 'x')).toThrow(/another text/);
  });
});

describe('removing pools and subnets', () => {
  const text = dedent`
    shared-network campus {
      subnet 10.1.0.0 netmask 255.255.255.0 {
        pool {
          range 10.1.0.10 10.1.0.20;
        }
        pool { range 10.1.0.30 10.1.0.40; }
      }
      subnet 10.2.0.0 netmask 255.255.255.0 {
        range 10.2.0.10 10.2.0.20;
      }
    }

    # keep me
    subnet 10.3.0.0 netmask 255.255.255.0 { range 10.3.0.10 10.3.0.20; } # trailing
  `;

  itEdits(
    'removes a pool with its lines and nothing else',
    () => edit(text, (editor, model) => editor.removePool(model.subnets[0].pools[0]).removePool(model.subnets[0].pools[1])),
    (result) => expect(result).toBe(text.replace('    pool {\n      range 10.1.0.10 10.1.0.20;\n    }\n    pool { range 10.1.0.30 10.1.0.40; }\n', '')),
  );

  itEdits(
    'removes subnets inside a shared-network and at the top level, trailing comment included',
    () => edit(text, (editor, model) => editor.removeSubnet(model.subnets[1]).removeSubnet(model.subnets[2])),
    (result) =>
      expect(result).toBe(dedent`
        shared-network campus {
          subnet 10.1.0.0 netmask 255.255.255.0 {
            pool {
              range 10.1.0.10 10.1.0.20;
            }
            pool { range 10.1.0.30 10.1.0.40; }
          }
        }

        # keep me
      `),
  );

  itEdits(
    'drops edits inside a subnet that the same editor removes',
    () =>
      edit(text, (editor, model) =>
        editor
          .setPoolFailoverPeer(model.subnets[0].pools[0], 'dc')
          .addPool(model.subnets[0], { ranges: [{ start: '10.1.0.50', end: '10.1.0.60' }] })
          .disableSubnet(model.subnets[0])
          .removePool(model.subnets[0].pools[1])
          .removeSubnet(model.subnets[0]),
      ),
    (result) => {
      expect(parseConfig(result).subnets.map((subnet) => subnet.network)).toEqual(['10.2.0.0/24', '10.3.0.0/24']);
      expect(result).toBe(text.replace(/ {2}subnet 10\.1\.0\.0[\s\S]*?\n {2}\}\n/, ''));
    },
  );
});

describe('copying a subnet with its statements (a failover partner\'s copy)', () => {
  const source = dedent`
    subnet 10.1.0.0 netmask 255.255.255.0 {
      option routers 10.1.0.1;
      option domain-name-servers 10.1.0.53,
          10.1.0.54;   # two resolvers
      default-lease-time 600;
      not authoritative;
      host printer { hardware ethernet 00:00:5e:00:53:01; fixed-address 10.1.0.10; }
      pool {
        deny all clients; # dhcp-failover-gateway: disabled
        failover peer "dc";
        Deny Unknown-Clients;
        range 10.1.0.100 10.1.0.199;
      }
    }
  `;
  const model = parseConfig(source);
  const subnetStatements = scopeStatements(model, model.subnets[0]);
  const poolStatements = scopeStatements(model, model.subnets[0].pools[0]);

  it('reads the statements of a subnet and of a pool, with a key naming the setting, leaving out ranges, peers, hosts and the disabled marker', () => {
    expect(subnetStatements.map(({ key, value, source: text }) => ({ key, value, text }))).toEqual([
      { key: 'option routers', value: 'option routers 10.1.0.1', text: 'option routers 10.1.0.1;' },
      { key: 'option domain-name-servers', value: 'option domain-name-servers 10.1.0.53 , 10.1.0.54', text: 'option domain-name-servers 10.1.0.53,\n    10.1.0.54;' },
      { key: 'default-lease-time', value: 'default-lease-time 600', text: 'default-lease-time 600;' },
      { key: 'authoritative', value: 'not authoritative', text: 'not authoritative;' },
    ]);
    expect(poolStatements.map(({ key, value }) => ({ key, value }))).toEqual([{ key: 'permit unknown-clients', value: 'deny unknown-clients' }]);
  });

  const copied = (): string =>
    edit('authoritative;\r\n', (editor) =>
      editor.addSubnet({
        network: '10.1.0.0/24',
        statements: subnetStatements.map((s) => s.source),
        pools: [{ ranges: [{ start: '10.1.0.100', end: '10.1.0.199' }], failoverPeer: 'dc', statements: poolStatements.map((s) => s.source) }],
      }),
    );

  itEdits(
    'writes a new subnet with the statements before its pools, in the file\'s line breaks',
    copied,
    (result) =>
      expect(result).toBe(
        [
          'authoritative;',
          '',
          'subnet 10.1.0.0 netmask 255.255.255.0 {',
          '  option routers 10.1.0.1;',
          '  option domain-name-servers 10.1.0.53,',
          '      10.1.0.54;',
          '  default-lease-time 600;',
          '  not authoritative;',
          '  pool {',
          '    failover peer "dc";',
          '    Deny Unknown-Clients;',
          '    range 10.1.0.100 10.1.0.199;',
          '  }',
          '}',
          '',
        ].join('\r\n'),
      ),
    (result) => DC_PEER + result,
  );

  const partner = dedent`
    subnet 10.1.0.0 netmask 255.255.255.0 {
    \toption ntp-servers 10.1.0.123;
    \tpool {
    \t\trange 10.1.0.100 10.1.0.199;
    \t}
    }
    subnet 10.2.0.0 netmask 255.255.255.0 { }
  `;
  itEdits(
    'adds statements after the ones a subnet or pool has, or first when it has none, at their indentation',
    () =>
      edit(partner, (editor, model) =>
        editor
          .addStatements(model.subnets[0], ['option routers 10.1.0.1;', 'option domain-name-servers 10.1.0.53,\n    10.1.0.54;'])
          .addStatements(model.subnets[0].pools[0], ['deny unknown-clients;'])
          .addStatements(model.subnets[1], ['option routers 10.2.0.1;']),
      ),
    (result) =>
      expect(result).toBe(
        partner
          .replace('123;\n', '123;\n\toption routers 10.1.0.1;\n\toption domain-name-servers 10.1.0.53,\n\t    10.1.0.54;\n')
          .replace('199;\n', '199;\n\t\tdeny unknown-clients;\n')
          .replace('{ }', '{ option routers 10.2.0.1; }'),
      ),
  );

  it('refuses text that is not one statement', () => {
    const editor = new ConfigEditor(parseConfig(partner));
    expect(() => editor.addStatements(parseConfig(partner).subnets[0], ['option routers 10.1.0.1; } subnet 1.2.3.0 netmask 255.255.255.0 {'])).toThrow(ConfigValueError);
    expect(() => editor.addSubnet({ network: '10.3.0.0/24', statements: ['option routers 10.3.0.1'], pools: [] })).toThrow(ConfigValueError);
  });
});
