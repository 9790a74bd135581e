import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Site } from '../helpers/site';
import { addScopes, ADD_SERVER, CREATE_REL, SYNC } from '../helpers/operations';
import { dedent } from '../helpers/dedent';
import { describeWithDhcpd, expectPassesDhcpd } from '../helpers/dhcpd';

const ADD_SCOPES = addScopes('{ status scopes { network server { name } pools { ranges { start end } } } }');

const A = dedent`
  authoritative;
  ddns-update-style none;

  # office
  subnet 10.1.0.0 netmask 255.255.255.0 {
    option routers 10.1.0.1;
    option domain-name-servers 10.1.0.53,
        10.1.0.54;
    default-lease-time 600;
    host printer { hardware ethernet 00:00:5e:00:53:01; fixed-address 10.1.0.10; }
    pool {
      deny unknown-clients;
      range 10.1.0.100 10.1.0.199;
    }
  }

  subnet 10.2.0.0 netmask 255.255.255.0 {
    option routers 10.2.0.1;
    pool {
      range 10.2.0.100 10.2.0.199;
    }
  }

  subnet 10.3.0.0 netmask 255.255.255.0 {
    option routers 10.3.0.1;
    pool {
      range 10.3.0.100 10.3.0.199;
    }
  }

  subnet 10.4.0.0 netmask 255.255.255.0 {
    pool {
      range 10.4.0.100 10.4.0.199;
    }
  }

  subnet 10.5.0.0 netmask 255.255.255.0 {
    option routers 10.5.0.1;
    pool {
      range 10.5.0.100 10.5.0.199;
    }
  }

  subnet 10.7.0.0 netmask 255.255.255.0 {
    pool {
      range 10.7.0.100 10.7.0.199;
    }
  }
`;

const B = dedent`
  authoritative;
  ddns-update-style none;

  # dhcp-b's own
  subnet 10.9.0.0 netmask 255.255.255.0 {
    option routers 10.9.0.1;
    pool {
      range 10.9.0.100 10.9.0.199;
    }
  }

  subnet 10.3.0.0 netmask 255.255.255.0 {
    option routers 10.3.0.254;
  }

  subnet 10.4.0.0 netmask 255.255.255.0 {
    pool {
      range 10.4.0.150 10.4.0.160;
    }
  }

  subnet 10.5.0.0 netmask 255.255.255.0 {
    option ntp-servers 10.5.0.123;
    pool {
      range 10.5.0.100 10.5.0.199;
    }
  }
`;

/**
 * The partner's copy of a scope, linking an existing one, and where the peer declaration goes, on a pair
 * whose files are written here: dhcp-a (primary) and dhcp-b (secondary) in relationship "ab".
 */
describeWithDhcpd('mirroring a scope onto the partner', () => {
  let site: Site;
  let ids: Record<string, string>;
  const bothFilesPassDhcpd = () => expectPassesDhcpd(site, 'dhcp-a', 'dhcp-b');
  const add = (network: string, server = 'dhcp-a', rel = 'ab') => site.gql(ADD_SCOPES, { name: rel, ids: [ids[`${server} ${network}`]] });
  const expectRefused = async (network: string, ...parts: string[]) => {
    const before = await site.snapshot();
    const res = await add(network);
    expect(res.errors?.[0].extensions?.code).toBe('CONFLICT');
    for (const part of parts) expect(res.errors?.[0].message).toContain(part);
    expect(await site.snapshot()).toEqual(before);
    return res.errors![0];
  };

  beforeAll(async () => {
    site = await Site.start();
    writeFileSync(path.join(site.configRoot, 'dhcp-a.conf'), A);
    writeFileSync(path.join(site.configRoot, 'dhcp-b.conf'), B);
    await site.ok(ADD_SERVER, { input: { name: 'dhcp-a', address: '192.0.2.10', configPath: 'dhcp-a.conf' } });
    await site.ok(ADD_SERVER, { input: { name: 'dhcp-b', address: '192.0.2.11', configPath: 'dhcp-b.conf' } });
    await site.ok(CREATE_REL, { input: { name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } });
    ids = await site.ids();
  });
  afterAll(() => site.stop());

  test('the copy is the whole subnet: its options and parameters, and each pool with its own statements', async () => {
    expect((await add('10.2.0.0/24')).errors).toBeUndefined();
    expect(site.file('dhcp-b')).toContain('subnet 10.2.0.0 netmask 255.255.255.0 {\n  option routers 10.2.0.1;\n  pool {\n    failover peer "ab";\n    range 10.2.0.100 10.2.0.199;\n  }\n}\n');
    bothFilesPassDhcpd();
  });

  test('a scope above the first one joins: the primary\'s declaration moves ahead of it; hosts stay the primary\'s own', async () => {
    expect((await add('10.1.0.0/24')).errors).toBeUndefined();
    const a = site.file('dhcp-a');
    expect(a.indexOf('failover peer "ab" {')).toBeLessThan(a.indexOf('# office\nsubnet 10.1.0.0'));
    expect(a.match(/failover peer "ab" \{/g)).toHaveLength(1);
    expect(site.file('dhcp-b')).toContain(dedent`
      subnet 10.1.0.0 netmask 255.255.255.0 {
        option routers 10.1.0.1;
        option domain-name-servers 10.1.0.53,
            10.1.0.54;
        default-lease-time 600;
        pool {
          failover peer "ab";
          deny unknown-clients;
          range 10.1.0.100 10.1.0.199;
        }
      }
    `);
    expect(site.file('dhcp-b')).not.toContain('host printer');
    bothFilesPassDhcpd();
  });

  test('a scope of the secondary, earlier in its file than the declaration, joins: the declaration moves ahead of it', async () => {
    expect((await add('10.9.0.0/24', 'dhcp-b')).errors).toBeUndefined();
    const b = site.file('dhcp-b');
    expect(b.indexOf('failover peer "ab" {')).toBeLessThan(b.indexOf('# dhcp-b\'s own\nsubnet 10.9.0.0'));
    expect(b.match(/failover peer "ab" \{/g)).toHaveLength(1);
    expect(site.file('dhcp-a')).toContain('subnet 10.9.0.0 netmask 255.255.255.0 {\n  option routers 10.9.0.1;\n  pool {\n    failover peer "ab";\n    range 10.9.0.100 10.9.0.199;\n  }\n}\n');
    bothFilesPassDhcpd();
  });

  test('a partner subnet with a statement of another value is not overwritten: CONFLICT naming it', async () => {
    const error = await expectRefused('10.3.0.0/24', 'option routers 10.3.0.254', 'option routers 10.3.0.1');
    expect(error.extensions?.differences).toEqual(['subnet 10.3.0.0/24 has "option routers 10.3.0.254" where the scope has "option routers 10.3.0.1"']);
  });

  test('a partner subnet with other pools keeps them: CONFLICT naming both', async () => {
    await expectRefused('10.4.0.0/24', '10.4.0.150-10.4.0.160', '10.4.0.100-10.4.0.199');
  });

  test('a partner subnet is linked: it gets the statements it lacks and keeps its own', async () => {
    const { data, errors } = await add('10.5.0.0/24');
    expect(errors).toBeUndefined();
    expect(data!.addScopesToFailoverRelationship.scopes.filter((s: any) => s.network === '10.5.0.0/24')).toHaveLength(2);
    expect(site.file('dhcp-b')).toContain(dedent`
      subnet 10.5.0.0 netmask 255.255.255.0 {
        option ntp-servers 10.5.0.123;
        option routers 10.5.0.1;
        pool {
          failover peer "ab";
          range 10.5.0.100 10.5.0.199;
        }
      }
    `);
    bothFilesPassDhcpd();
  });

  test('a relationship cannot take over a peer the file declares for an unregistered partner', async () => {
    await site.ok(CREATE_REL, { input: { name: 'cd', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } });
    // Written by hand after the relationship was created, and not synced: the file is the truth.
    const aFile = path.join(site.configRoot, 'dhcp-a.conf');
    writeFileSync(aFile, site.file('dhcp-a') + dedent`

      failover peer "cd" {
        primary;
        address 192.0.2.10;
        peer address 192.0.2.99;
        max-response-delay 60;
        max-unacked-updates 10;
        mclt 3600;
        split 128;
      }

      subnet 10.6.0.0 netmask 255.255.255.0 {
        pool {
          failover peer "cd";
          range 10.6.0.100 10.6.0.199;
        }
      }
    `);
    // The hand edit is drift until synced; once synced, the file's peer is the operator's and stays so.
    expect((await add('10.7.0.0/24', 'dhcp-a', 'cd')).errors?.[0].message).toContain('syncServer');
    await site.ok(SYNC, { name: 'dhcp-a' });
    const before = await site.snapshot();
    const res = await add('10.7.0.0/24', 'dhcp-a', 'cd');
    expect(res.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0].message).toContain('192.0.2.99');
    expect(await site.snapshot()).toEqual(before);
    // Creating another relationship of that name is refused as well.
    await site.ok(`mutation { removeFailoverRelationships(server: "dhcp-a", names: ["cd"], deconfigureAction: DELETE_SECONDARY_SCOPE) }`);
    expect((await site.refused(CREATE_REL, { input: { name: 'cd', primaryServer: 'dhcp-b', secondaryServer: 'dhcp-a' } })).code).toBe('CONFLICT');
  });
});
