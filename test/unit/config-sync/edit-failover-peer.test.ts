import { DHCPD, itWithDhcpd } from '../../helpers/dhcpd';
import { ConfigEditor, ConfigValueError, parseConfig, validateConfig, type PeerDeclaration } from '../../../src/config-sync';
import { dedent } from '../../helpers/dedent';
import { edit, itDhcpdAccepts } from './support';

const PRIMARY: PeerDeclaration = {
  name: 'dc1-dc2',
  role: 'primary',
  address: '10.0.0.1',
  port: 647,
  peerAddress: '10.0.0.2',
  peerPort: 647,
  maxResponseDelay: 60,
  maxUnackedUpdates: 10,
  mclt: 3600,
  split: 128,
  loadBalanceMaxSeconds: 3,
};

const SECONDARY: PeerDeclaration = {
  name: 'dc1-dc2',
  role: 'secondary',
  address: '10.0.0.2',
  port: 647,
  peerAddress: '10.0.0.1',
  peerPort: 647,
  maxResponseDelay: 60,
  maxUnackedUpdates: 10,
  loadBalanceMaxSeconds: 3,
};

describe('failover peer declarations', () => {
  const primaryFile = (): string =>
    edit(
      dedent`
        # primary
        authoritative;

        subnet 192.0.2.0 netmask 255.255.255.0 {
          option routers 192.0.2.1;
          pool {
            range 192.0.2.10 192.0.2.100;
          }
        }
      `,
      (editor, model) => editor.upsertFailoverPeer(PRIMARY).setPoolFailoverPeer(model.subnets[0].pools[0], 'dc1-dc2'),
    );
  const secondaryFile = (): string =>
    edit('# secondary\nauthoritative;\n', (editor) =>
      editor
        .addSubnet({ network: '192.0.2.0/24', pools: [{ ranges: [{ start: '192.0.2.10', end: '192.0.2.100' }], failoverPeer: 'dc1-dc2' }] })
        .upsertFailoverPeer(SECONDARY),
    );

  it('writes a primary and a secondary in the format SPEC.md fixes', () => {
    const primary = primaryFile();
    expect(primary).toBe(dedent`
      # primary
      authoritative;

      failover peer "dc1-dc2" {
        primary;
        address 10.0.0.1;
        port 647;
        peer address 10.0.0.2;
        peer port 647;
        max-response-delay 60;
        max-unacked-updates 10;
        mclt 3600;
        split 128;
        load balance max seconds 3;
      }

      subnet 192.0.2.0 netmask 255.255.255.0 {
        option routers 192.0.2.1;
        pool {
          failover peer "dc1-dc2";
          range 192.0.2.10 192.0.2.100;
        }
      }
    `);
    const secondary = secondaryFile();
    expect(secondary).toBe(dedent`
      # secondary
      authoritative;

      failover peer "dc1-dc2" {
        secondary;
        address 10.0.0.2;
        port 647;
        peer address 10.0.0.1;
        peer port 647;
        max-response-delay 60;
        max-unacked-updates 10;
        load balance max seconds 3;
      }

      subnet 192.0.2.0 netmask 255.255.255.0 {
        pool {
          failover peer "dc1-dc2";
          range 192.0.2.10 192.0.2.100;
        }
      }
    `);
    expect(parseConfig(primary).findPeer('dc1-dc2')).toMatchObject({ role: 'primary', split: 128, mclt: 3600, peerAddress: '10.0.0.2' });
    expect(parseConfig(secondary).findPeer('dc1-dc2')).toMatchObject({ role: 'secondary', split: null, mclt: null, peerAddress: '10.0.0.1' });
  });

  itDhcpdAccepts('the primary file and the secondary file', () => [primaryFile(), secondaryFile()]);

  const campusText = dedent`
    subnet 10.1.0.0 netmask 255.255.255.0 {
      pool { range 10.1.0.10 10.1.0.20; }
    }

    # the campus
    # (two lines of comment)
    shared-network campus {
      subnet 10.2.0.0 netmask 255.255.255.0 {
        pool {
          range 10.2.0.10 10.2.0.20;
        }
      }
    }
  `;
  const campusFile = (): string =>
    edit(campusText, (editor, model) => editor.setPoolFailoverPeer(model.subnets[1].pools[0], 'dc1-dc2').upsertFailoverPeer(PRIMARY));

  it('places a new peer before the first top-level declaration referring to it, above the comments describing it', () => {
    expect(campusFile()).toBe(dedent`
      subnet 10.1.0.0 netmask 255.255.255.0 {
        pool { range 10.1.0.10 10.1.0.20; }
      }

      failover peer "dc1-dc2" {
        primary;
        address 10.0.0.1;
        port 647;
        peer address 10.0.0.2;
        peer port 647;
        max-response-delay 60;
        max-unacked-updates 10;
        mclt 3600;
        split 128;
        load balance max seconds 3;
      }

      # the campus
      # (two lines of comment)
      shared-network campus {
        subnet 10.2.0.0 netmask 255.255.255.0 {
          pool {
            failover peer "dc1-dc2";
            range 10.2.0.10 10.2.0.20;
          }
        }
      }
    `);
  });

  itDhcpdAccepts('a peer placed before its first referrer', () => [campusFile()]);

  const threeSubnetsFile = (): string =>
    edit(
      dedent`
        subnet 10.1.0.0 netmask 255.255.255.0 {
          pool { failover peer "dc1-dc2"; range 10.1.0.10 10.1.0.20; }
        }
        subnet 10.2.0.0 netmask 255.255.255.0 {
        }
        subnet 10.3.0.0 netmask 255.255.255.0 {
          pool { failover peer "dc1-dc2"; range 10.3.0.10 10.3.0.20; }
        }
      `,
      (editor, model) =>
        editor
          .setPoolFailoverPeer(model.subnets[0].pools[0], null)
          .addPool(model.subnets[1], { ranges: [{ start: '10.2.0.10', end: '10.2.0.20' }], failoverPeer: 'dc1-dc2' })
          .upsertFailoverPeer(PRIMARY),
    );

  it('counts pools the editor adds, and ignores pools it removes or clears', () => {
    const model = parseConfig(threeSubnetsFile());
    const peerAt = model.peers[0].range.start;
    expect(model.subnets[0].range.end).toBeLessThan(peerAt);
    expect(peerAt).toBeLessThan(model.subnets[1].range.start);
  });

  itDhcpdAccepts('a peer placed before a pool added by the same editor', () => [threeSubnetsFile()]);

  it('places a peer after a referring pool the editor removes, before the next referrer', () => {
    const text = dedent`
      subnet 10.1.0.0 netmask 255.255.255.0 {
        pool { failover peer "dc1-dc2"; range 10.1.0.10 10.1.0.20; }
        pool { range 10.1.0.30 10.1.0.40; }
      }
      subnet 10.2.0.0 netmask 255.255.255.0 {
      }
      subnet 10.3.0.0 netmask 255.255.255.0 {
        pool { failover peer "dc1-dc2"; range 10.3.0.10 10.3.0.20; }
      }
    `;
    const model = parseConfig(edit(text, (editor, read) => editor.removePool(read.subnets[0].pools[0]).upsertFailoverPeer(PRIMARY)));
    expect(model.subnets[0].pools).toHaveLength(1);
    const peerAt = model.peers[0].range.start;
    expect(model.subnets[1].range.end).toBeLessThan(peerAt);
    expect(peerAt).toBeLessThan(model.subnets[2].range.start);
  });

  // A pool earlier in the file than the declaration comes to refer to it: dhcpd -t would say "failover peer dc1-dc2: not found".
  const laterPeerText = dedent`
    authoritative;

    subnet 10.1.0.0 netmask 255.255.255.0 {
      pool {
        range 10.1.0.10 10.1.0.20;
      }
    }

    failover peer "dc1-dc2" {
      primary;
      address 10.0.0.1;
      port 647;
      peer address 10.0.0.2;
      peer port 647;
      max-response-delay 60;
      max-unacked-updates 10;
      mclt 3600;
      split 64;
      auto-partner-down 600; # the operator's own
      load balance max seconds 3;
    }

    subnet 10.2.0.0 netmask 255.255.255.0 {
      pool { failover peer "dc1-dc2"; range 10.2.0.10 10.2.0.20; }
    }
  `;
  const movedFile = (): string =>
    edit(laterPeerText, (editor, model) => editor.setPoolFailoverPeer(model.subnets[0].pools[0], 'dc1-dc2').upsertFailoverPeer(PRIMARY));

  it('moves an existing declaration ahead of a pool that comes to refer to it earlier, rewritten, keeping unmanaged statements', () => {
    expect(movedFile()).toBe(dedent`
      authoritative;

      failover peer "dc1-dc2" {
        primary;
        address 10.0.0.1;
        port 647;
        peer address 10.0.0.2;
        peer port 647;
        max-response-delay 60;
        max-unacked-updates 10;
        mclt 3600;
        split 128;
        auto-partner-down 600; # the operator's own
        load balance max seconds 3;
      }

      subnet 10.1.0.0 netmask 255.255.255.0 {
        pool {
          failover peer "dc1-dc2";
          range 10.1.0.10 10.1.0.20;
        }
      }

      subnet 10.2.0.0 netmask 255.255.255.0 {
        pool { failover peer "dc1-dc2"; range 10.2.0.10 10.2.0.20; }
      }
    `);
  });

  itDhcpdAccepts('a declaration moved ahead of its first referrer', () => [movedFile()]);

  it('leaves a declaration where it is when every referrer follows it', () => {
    const text = laterPeerText.replace('subnet 10.1.0.0 netmask 255.255.255.0 {\n  pool {\n    range 10.1.0.10 10.1.0.20;\n  }\n}\n\n', '');
    expect(edit(text, (editor) => editor.upsertFailoverPeer(PRIMARY))).toBe(text.replace('split 64;', 'split 128;'));
  });

  const unreferredFile = (): string =>
    edit('authoritative;\n\ngroup {\n  subnet 10.1.0.0 netmask 255.255.255.0 { }\n}\n', (editor) => editor.upsertFailoverPeer(PRIMARY));

  it('puts a peer nothing refers to before the first declaration holding a subnet', () => {
    const result = unreferredFile();
    expect(result.indexOf('failover peer "dc1-dc2" {')).toBe('authoritative;\n\n'.length);
    expect(result.endsWith('}\n\ngroup {\n  subnet 10.1.0.0 netmask 255.255.255.0 { }\n}\n')).toBe(true);
  });

  itWithDhcpd("reports dhcpd's refusal of a peer no pool refers to", async () => {
    const validation = await validateConfig(DHCPD!, unreferredFile());
    expect(validation.ok).toBe(false);
    expect(validation.messages).toContain(
      'ERROR: Failover peer, dc1-dc2, has no referring pools. You must refer to each peer in at least one pool declaration.',
    );
  });

  it('appends a peer at the end of a file with no subnet, after a line break when the file lacks one', () => {
    expect(edit('authoritative;', (editor) => editor.upsertFailoverPeer(SECONDARY))).toBe(dedent`
      authoritative;

      failover peer "dc1-dc2" {
        secondary;
        address 10.0.0.2;
        port 647;
        peer address 10.0.0.1;
        peer port 647;
        max-response-delay 60;
        max-unacked-updates 10;
        load balance max seconds 3;
      }
    `);
    expect(edit('', (editor) => editor.upsertFailoverPeer(SECONDARY)).startsWith('failover peer "dc1-dc2" {\n  secondary;\n')).toBe(true);
  });

  const alignedText = dedent`
    failover peer "dc1-dc2" {
    \tsecondary;
    #\taddress\t\t\tdhcp2.example.org;
    \taddress\t\t\t10.0.0.1;
    \tport\t\t\t\t647;
    \tpeer address\t\t10.0.0.2;
    \tpeer port\t\t\t647;
    \tmax-response-delay\t30;
    \tmax-unacked-updates\t10;
    \tload balance max seconds\t3;
    \tauto-partner-down\t0;
    }

    subnet 192.0.2.0 netmask 255.255.255.0 {
    \tpool {
    \t\tfailover peer "dc1-dc2";
    \t\trange 192.0.2.10 192.0.2.20;
    \t}
    }
  `;
  const alignedFile = (): string => edit(alignedText, (editor) => editor.upsertFailoverPeer(PRIMARY));

  it('rewrites an existing declaration in place, keeping its alignment, comments and unmanaged statements', () => {
    expect(alignedFile()).toBe(dedent`
      failover peer "dc1-dc2" {
      \tprimary;
      #\taddress\t\t\tdhcp2.example.org;
      \taddress\t\t\t10.0.0.1;
      \tport\t\t\t\t647;
      \tpeer address\t\t10.0.0.2;
      \tpeer port\t\t\t647;
      \tmax-response-delay\t60;
      \tmax-unacked-updates\t10;
      \tmclt 3600;
      \tsplit 128;
      \tload balance max seconds\t3;
      \tauto-partner-down\t0;
      }

      subnet 192.0.2.0 netmask 255.255.255.0 {
      \tpool {
      \t\tfailover peer "dc1-dc2";
      \t\trange 192.0.2.10 192.0.2.20;
      \t}
      }
    `);
  });

  itDhcpdAccepts('a declaration rewritten in place', () => [alignedFile()]);

  const demotedText = dedent`
    failover peer "dc1-dc2" {
      primary; # this side
      address 10.0.0.1;
      port 647;
      peer address 10.0.0.2;
      peer port 647;
      max-response-delay 60;
      max-unacked-updates 10;
      mclt 3600;
      hba ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:
          00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00;
      load balance max seconds 3;
    }
    subnet 192.0.2.0 netmask 255.255.255.0 {
      pool {
        failover peer "dc1-dc2";
        range 192.0.2.10 192.0.2.20;
      }
    }
  `;
  const demotedFile = (): string => edit(demotedText, (editor) => editor.upsertFailoverPeer({ ...SECONDARY, port: 847, peerPort: 647 }));

  it('turns a primary into a secondary: role and addresses swapped, mclt, split and hba lines removed', () => {
    expect(demotedFile()).toBe(dedent`
      failover peer "dc1-dc2" {
        secondary; # this side
        address 10.0.0.2;
        port 847;
        peer address 10.0.0.1;
        peer port 647;
        max-response-delay 60;
        max-unacked-updates 10;
        load balance max seconds 3;
      }
      subnet 192.0.2.0 netmask 255.255.255.0 {
        pool {
          failover peer "dc1-dc2";
          range 192.0.2.10 192.0.2.20;
        }
      }
    `);
  });

  itDhcpdAccepts('a primary turned into a secondary', () => [demotedFile()]);

  const sparseFile = (): string => edit('failover peer "dc1-dc2" {\n  port 647;\n}\n', (editor) => editor.upsertFailoverPeer(PRIMARY));
  const oneLineFile = (): string =>
    edit('failover peer "dc1-dc2" { secondary; port 1; mclt 5; }\n', (editor) => editor.upsertFailoverPeer(SECONDARY));
  /** dhcpd refuses a peer that no pool refers to, so the checks add one. */
  const REFERRING_SUBNET = 'subnet 192.0.2.0 netmask 255.255.255.0 { pool { failover peer "dc1-dc2"; range 192.0.2.10 192.0.2.20; } }\n';

  it('adds the statements a sparse declaration lacks, in order, and leaves an identical one untouched', () => {
    const filled = sparseFile();
    expect(filled).toBe(edit('', (editor) => editor.upsertFailoverPeer(PRIMARY)));
    expect(new ConfigEditor(parseConfig(filled)).upsertFailoverPeer(PRIMARY).edits()).toEqual([]);
    const empty = edit('failover peer "dc1-dc2" { }\n', (editor) => editor.upsertFailoverPeer(SECONDARY));
    expect(parseConfig(empty).peers[0].statements.map((statement) => statement.keyword)).toEqual([
      'secondary',
      'address',
      'port',
      'peer address',
      'peer port',
      'max-response-delay',
      'max-unacked-updates',
      'load balance max seconds',
    ]);
  });

  it('edits a declaration written on one line without breaking it', () => {
    expect(oneLineFile()).toBe(
      'failover peer "dc1-dc2" { secondary; address 10.0.0.2; port 647; peer address 10.0.0.1; peer port 647; max-response-delay 60; max-unacked-updates 10; load balance max seconds 3; }\n',
    );
  });

  itDhcpdAccepts('a filled-in sparse declaration and an edited one-line declaration', () => [
    sparseFile() + REFERRING_SUBNET,
    oneLineFile() + REFERRING_SUBNET,
  ]);

  const crlfFile = (): string =>
    edit('subnet 10.0.0.0 netmask 255.255.255.0 {\r\n\tpool {\r\n\t\trange 10.0.0.10 10.0.0.20;\r\n\t}\r\n}\r\n', (editor, model) =>
      editor.upsertFailoverPeer(SECONDARY).setPoolFailoverPeer(model.subnets[0].pools[0], 'dc1-dc2'),
    );

  it('copies a tab-indented CRLF file', () => {
    expect(crlfFile()).toBe(
      'failover peer "dc1-dc2" {\r\n\tsecondary;\r\n\taddress 10.0.0.2;\r\n\tport 647;\r\n\tpeer address 10.0.0.1;\r\n\tpeer port 647;\r\n' +
        '\tmax-response-delay 60;\r\n\tmax-unacked-updates 10;\r\n\tload balance max seconds 3;\r\n}\r\n\r\n' +
        'subnet 10.0.0.0 netmask 255.255.255.0 {\r\n\tpool {\r\n\t\tfailover peer "dc1-dc2";\r\n\t\trange 10.0.0.10 10.0.0.20;\r\n\t}\r\n}\r\n',
    );
  });

  itDhcpdAccepts('a tab-indented CRLF file with a new peer', () => [crlfFile()]);

  const withoutOldPeer = (): string =>
    edit(
      dedent`
        authoritative;

            failover peer "old" {
                primary;
            }  # gone with it

        subnet 10.0.0.0 netmask 255.255.255.0 { }
      `,
      (editor) => editor.removeFailoverPeer('old').removeFailoverPeer('never-declared'),
    );

  it('removes a declaration and the line it stood on, nothing else', () => {
    expect(withoutOldPeer()).toBe('authoritative;\n\n\nsubnet 10.0.0.0 netmask 255.255.255.0 { }\n');
  });

  itDhcpdAccepts('a file whose peer declaration was removed', () => [withoutOldPeer()]);

  it('refuses values that could break out of their statement', () => {
    const editor = new ConfigEditor(parseConfig(''));
    expect(() => editor.upsertFailoverPeer({ ...PRIMARY, name: 'a"; evil "' })).toThrow(ConfigValueError);
    expect(() => editor.upsertFailoverPeer({ ...PRIMARY, address: '10.0.0.1; evil' })).toThrow(ConfigValueError);
    expect(() => editor.upsertFailoverPeer({ ...PRIMARY, port: 0 })).toThrow(ConfigValueError);
    expect(() => editor.upsertFailoverPeer({ ...PRIMARY, split: 257 })).toThrow(ConfigValueError);
    expect(() => editor.upsertFailoverPeer({ ...SECONDARY, mclt: 3600 })).toThrow(ConfigValueError);
    expect(editor.edits()).toEqual([]);
  });
});
