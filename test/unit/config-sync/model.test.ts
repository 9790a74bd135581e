import { parseConfig } from '../../../src/config-sync';
import { dedent } from '../../helpers/dedent';

function textOf(text: string, range: { start: number; end: number } | null): string | null {
  return range === null ? null : text.slice(range.start, range.end);
}

describe('parseConfig', () => {
  it('reads a subnet with its network, pools and ranges, each pointing back to its text', () => {
    const text = dedent`
      subnet 192.0.2.0 netmask 255.255.255.0 {
        range 192.0.2.200;
        pool {
          failover peer "dc";
          range dynamic-bootp 192.0.2.10 192.0.2.20;
          range 192.0.2.30 192.0.2.40;
        }
      }
    `;
    const model = parseConfig(text);
    expect(model.errors).toEqual([]);
    expect(model.subnets).toHaveLength(1);
    const [subnet] = model.subnets;
    expect(subnet).toMatchObject({ network: '192.0.2.0/24', address: '192.0.2.0', netmask: '255.255.255.0', parent: 'top', disabled: false });
    expect(textOf(text, subnet.range)).toBe(text.trimEnd());
    expect(subnet.ranges).toEqual([{ start: '192.0.2.200', end: '192.0.2.200', dynamicBootp: false, range: expect.anything() }]);
    expect(textOf(text, subnet.ranges[0].range)).toBe('range 192.0.2.200;');
    const [pool] = subnet.pools;
    expect(pool.failoverPeer).toBe('dc');
    expect(textOf(text, pool.failoverPeerRange)).toBe('failover peer "dc";');
    expect(pool.disabled).toBe(false);
    expect(textOf(text, pool.range)).toMatch(/^pool \{[\s\S]*\}$/);
    expect(pool.ranges.map(({ start, end, dynamicBootp }) => ({ start, end, dynamicBootp }))).toEqual([
      { start: '192.0.2.10', end: '192.0.2.20', dynamicBootp: true },
      { start: '192.0.2.30', end: '192.0.2.40', dynamicBootp: false },
    ]);
    expect(textOf(text, pool.ranges[0].range)).toBe('range dynamic-bootp 192.0.2.10 192.0.2.20;');
  });

  it('finds subnets inside shared-network and group blocks and names their parent', () => {
    const model = parseConfig(dedent`
      shared-network lan {
        subnet 10.1.0.0 netmask 255.255.0.0 { }
        group { subnet 10.2.0.0 netmask 255.255.255.128 { } }
      }
      group {
        subnet 10.3.0.0 netmask 255.255.255.252 { }
        shared-network inner { subnet 10.4.0.0 netmask 255.255.255.0 { } }
      }
      subnet 10.5.0.0 netmask 255.255.255.0 { }
      class "c" { subnet 10.6.0.0 netmask 255.255.255.0 { } }
    `);
    expect(model.subnets.map((subnet) => [subnet.network, subnet.parent])).toEqual([
      ['10.1.0.0/16', 'shared-network'],
      ['10.2.0.0/25', 'group'],
      ['10.3.0.0/30', 'group'],
      ['10.4.0.0/24', 'shared-network'],
      ['10.5.0.0/24', 'top'],
    ]);
  });

  it('looks subnets up by CIDR and peers by name', () => {
    const model = parseConfig('subnet 10.0.0.0 netmask 255.0.0.0 { }\nfailover peer "a" { primary; }\nfailover peer "a" { secondary; }\n');
    expect(model.findSubnet('10.0.0.0/8')?.address).toBe('10.0.0.0');
    expect(model.findSubnet('10.0.0.0/16')).toBeUndefined();
    expect(model.findSubnet('not a cidr')).toBeUndefined();
    expect(model.findPeer('a')?.role).toBe('primary');
    expect(model.findPeer('b')).toBeUndefined();
  });

  it('reads every statement of a failover peer declaration, including ones it does not interpret', () => {
    const text = dedent`
      failover peer "dhcp-failover" {
      \tprimary;
      #\taddress\t\t\tdhcp2.example.org;
      \taddress\t\t\t10.0.65.102;
      \tport\t\t\t\t647;
      \tpeer address\t\t10.0.65.103;
      \tpeer port\t\t\t647;
      \tmax-response-delay\t30;
      \tmax-unacked-updates\t10;
      \tmclt 1800;
      \tsplit 255;
      \tload balance max seconds\t3;
      \tauto-partner-down 600;
      }
    `;
    const [peer] = parseConfig(text).peers;
    expect(peer).toMatchObject({
      name: 'dhcp-failover',
      topLevel: true,
      role: 'primary',
      address: '10.0.65.102',
      port: 647,
      peerAddress: '10.0.65.103',
      peerPort: 647,
      maxResponseDelay: 30,
      maxUnackedUpdates: 10,
      mclt: 1800,
      split: 255,
      hba: null,
      loadBalanceMaxSeconds: 3,
    });
    expect(peer.statements.map(({ keyword, value }) => [keyword, value])).toEqual([
      ['primary', null],
      ['address', '10.0.65.102'],
      ['port', '647'],
      ['peer address', '10.0.65.103'],
      ['peer port', '647'],
      ['max-response-delay', '30'],
      ['max-unacked-updates', '10'],
      ['mclt', '1800'],
      ['split', '255'],
      ['load balance max seconds', '3'],
      ['auto-partner-down', '600'],
    ]);
    expect(textOf(text, peer.statements[3].range)).toBe('peer address\t\t10.0.65.103;');
    expect(textOf(text, peer.range)).toBe(text.trimEnd());
  });

  it('reads a secondary with hostnames and an hba bitmap broken over two lines', () => {
    const model = parseConfig(dedent`
      shared-network s {
        failover peer "x" {
          secondary;
          address dhcp02.example.net;
          peer address dhcp01.example.net;
          hba ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:
              00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00;
        }
      }
    `);
    const [peer] = model.peers;
    expect(peer).toMatchObject({ name: 'x', topLevel: false, role: 'secondary', address: 'dhcp02.example.net', peerAddress: 'dhcp01.example.net', port: null, mclt: null, split: null });
    expect(peer.hba).toBe('ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00');
  });

  it('reads omapi-port, omapi-key and the names of key declarations', () => {
    const model = parseConfig(dedent`
      omapi-port 7911;
      omapi-key omapi_key;
      key omapi_key { algorithm hmac-md5; secret c2VjcmV0; }
      key "quoted.key." { algorithm hmac-md5; secret c2VjcmV0; }
      zone example.org. { key omapi_key; }
    `);
    expect(model).toMatchObject({ omapiPort: 7911, omapiKey: 'omapi_key', keys: ['omapi_key', 'quoted.key.'] });
    const empty = parseConfig('');
    expect(empty).toMatchObject({ omapiPort: null, omapiKey: null, keys: [], subnets: [], peers: [], errors: [] });
  });

  it('reports a disabled subnet, still listing its pools and wrapped ranges', () => {
    const model = parseConfig(dedent`
      subnet 192.0.2.0 netmask 255.255.255.0 {
        pool { deny all clients; # dhcp-failover-gateway: disabled range
        range 192.0.2.200 192.0.2.210; }
        pool {
          deny all clients; # dhcp-failover-gateway: disabled
          range 192.0.2.10 192.0.2.20;
        }
      }
      subnet 198.51.100.0 netmask 255.255.255.0 {
        pool {
          deny all clients; # dhcp-failover-gateway: disabled
          range 198.51.100.10 198.51.100.20;
        }
        range 198.51.100.30 198.51.100.40;
      }
      subnet 203.0.113.0 netmask 255.255.255.0 {
        pool {
          deny all clients;
          range 203.0.113.10 203.0.113.20;
        }
      }
    `);
    const [disabled, partly, reserved] = model.subnets;
    expect(disabled.disabled).toBe(true);
    expect(disabled.pools.map((pool) => pool.disabled)).toEqual([true]);
    expect(disabled.ranges.map((range) => [range.start, range.end])).toEqual([['192.0.2.200', '192.0.2.210']]);
    expect(partly.disabled).toBe(false);
    expect(partly.pools[0].disabled).toBe(true);
    expect(reserved.disabled).toBe(false);
    expect(reserved.pools[0].disabled).toBe(false);
  });

  it('reports malformed subnet and range declarations as errors and leaves them out', () => {
    const model = parseConfig(dedent`
      subnet 192.0.2.0 netmask 255.0.255.0 { }
      subnet 192.0.2.0 { }
      subnet 198.51.100.0 netmask 255.255.255.0 {
        range 198.51.100.10 198.51.100.20 198.51.100.30;
        range host.example.org;
      }
    `);
    expect(model.errors.map((error) => [error.code, error.line])).toEqual([
      ['invalid-subnet', 1],
      ['invalid-subnet', 2],
      ['invalid-range', 4],
      ['invalid-range', 5],
    ]);
    expect(model.subnets.map((subnet) => [subnet.network, subnet.ranges.length])).toEqual([['198.51.100.0/24', 0]]);
  });

  it('accepts keywords in any letter case, as dhcpd does', () => {
    const model = parseConfig('SUBNET 10.0.0.0 NETMASK 255.0.0.0 { Pool { RANGE 10.0.0.1 10.0.0.2; Failover Peer "p"; } }\n');
    expect(model.subnets[0].pools[0]).toMatchObject({ failoverPeer: 'p', ranges: [{ start: '10.0.0.1', end: '10.0.0.2' }] });
  });
});
