import { ConfigEditor, parseConfig } from '../../../src/config-sync';
import { dedent } from '../../helpers/dedent';
import { DC_PEER, itDhcpdAccepts, itEdits } from './support';

function disableAll(text: string): string {
  const model = parseConfig(text);
  const editor = new ConfigEditor(model);
  for (const subnet of model.subnets) editor.disableSubnet(subnet);
  return editor.apply();
}

function enableAll(text: string): string {
  const model = parseConfig(text);
  const editor = new ConfigEditor(model);
  for (const subnet of model.subnets) editor.enableSubnet(subnet);
  return editor.apply();
}

const LAYOUTS: Record<string, string> = {
  'a pool and a direct range on their own lines':
    DC_PEER +
    dedent`
      subnet 192.0.2.0 netmask 255.255.255.0 {
        option routers 192.0.2.1;
        range 192.0.2.200 192.0.2.210;
        pool {
          failover peer "dc";
          range 192.0.2.10 192.0.2.20;
        }
      }
    `,
  'a subnet and a pool written on one line': 'subnet 10.0.0.0 netmask 255.255.255.0 { pool { range 10.0.0.10 10.0.0.20; } }\n',
  'a direct range followed by more on its line': 'subnet 10.0.1.0 netmask 255.255.255.0 { range 10.0.1.10 10.0.1.20; option routers 10.0.1.1; }\n',
  'a range statement spread over lines, with a trailing comment': dedent`
    subnet 10.0.2.0 netmask 255.255.255.0 {
        range dynamic-bootp
            10.0.2.10
            10.0.2.20;  # bootp clients
    }
  `,
  'a pool whose brace is on the next line, after a comment': dedent`
    subnet 10.0.3.0 netmask 255.255.255.0 {
      pool # the only pool
      {
        range 10.0.3.10 10.0.3.20;
      }
    }
  `,
  'tabs and CRLF without a final line break':
    'shared-network s {\r\n\tsubnet 10.0.4.0 netmask 255.255.255.0 {\r\n\t\trange 10.0.4.5 10.0.4.6;\r\n' +
    '\t\tpool {\r\n\t\t\trange 10.0.4.10 10.0.4.20;\r\n\t\t}\r\n\t\tpool {\trange 10.0.4.30;\t}\r\n\t}\r\n}',
};

describe('disabling and enabling a subnet', () => {
  const ownLines = LAYOUTS['a pool and a direct range on their own lines'];
  itEdits(
    'disables a pool with a marked deny all clients line and wraps a direct range in a disabled pool',
    () => disableAll(ownLines),
    (disabled) => {
      expect(disabled).toBe(
        DC_PEER +
          dedent`
            subnet 192.0.2.0 netmask 255.255.255.0 {
              option routers 192.0.2.1;
              pool { deny all clients; # dhcp-failover-gateway: disabled range
              range 192.0.2.200 192.0.2.210; }
              pool {
                deny all clients; # dhcp-failover-gateway: disabled
                failover peer "dc";
                range 192.0.2.10 192.0.2.20;
              }
            }
          `,
      );
      expect(enableAll(disabled)).toBe(ownLines);
    },
  );

  describe.each(Object.entries(LAYOUTS))('with %s', (_layout, text) => {
    it('is read back as disabled, every pool included', () => {
      const disabled = disableAll(text);
      expect(disabled).not.toBe(text);
      const model = parseConfig(disabled);
      expect(model.errors).toEqual([]);
      for (const subnet of model.subnets) {
        expect(subnet.disabled).toBe(true);
        expect(subnet.pools.every((pool) => pool.disabled)).toBe(true);
      }
    });

    itDhcpdAccepts('the original and the disabled file', () => [text, disableAll(text)]);

    it('keeps every pool and range in the model while disabled', () => {
      const before = parseConfig(text).subnets;
      const after = parseConfig(disableAll(text)).subnets;
      const ranges = (subnets: typeof before) =>
        subnets.map((subnet) => [subnet.network, subnet.pools.map((pool) => pool.ranges.map((r) => `${r.start}-${r.end}`)), subnet.ranges.map((r) => `${r.start}-${r.end}`)]);
      expect(ranges(after)).toEqual(ranges(before));
    });

    it('enables back to the original bytes, and repeating either step changes nothing', () => {
      const disabled = disableAll(text);
      expect(enableAll(disabled)).toBe(text);
      expect(disableAll(disabled)).toBe(disabled);
      expect(enableAll(text)).toBe(text);
    });
  });

  const reserved = 'subnet 10.0.0.0 netmask 255.255.255.0 {\n  pool {\n    deny all clients;\n    range 10.0.0.10 10.0.0.20;\n  }\n}\n';
  itEdits(
    'leaves a deny all clients the operator wrote when enabling',
    () => disableAll(reserved),
    (disabled) => {
      expect(parseConfig(reserved).subnets[0].disabled).toBe(false);
      expect(disabled).toBe(reserved.replace('  pool {\n', '  pool {\n    deny all clients; # dhcp-failover-gateway: disabled\n'));
      expect(enableAll(disabled)).toBe(reserved);
    },
  );

  it('never reports an empty subnet as disabled', () => {
    const text = 'subnet 10.0.0.0 netmask 255.255.255.0 {\n}\n';
    expect(disableAll(text)).toBe(text);
    expect(parseConfig(text).subnets[0].disabled).toBe(false);
  });

  it('applies the last of disable and enable called for one subnet', () => {
    const text = LAYOUTS['a subnet and a pool written on one line'];
    const model = parseConfig(text);
    expect(new ConfigEditor(model).disableSubnet(model.subnets[0]).enableSubnet(model.subnets[0]).apply()).toBe(text);
  });
});
