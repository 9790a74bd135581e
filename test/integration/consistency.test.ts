import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Site } from '../helpers/site';
import { describeWithDhcpd } from '../helpers/dhcpd';


describeWithDhcpd('what readers and later mutations see', () => {
  test('a query while a mutation waits for its reload hook does not see rows that are then rolled back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-hooks-'));
    const hooks = path.join(dir, 'servers.json');
    writeFileSync(hooks, JSON.stringify({ servers: { 'dhcp-a': { reload: ['/bin/sh', '-c', 'sleep 1; exit 1'] } } }));
    const site = await Site.start({ GATEWAY_SERVERS_FILE: hooks });
    try {
      await site.seed('failover-pair');
      const mutation = site.gql(`mutation { createScope(input: { server: "dhcp-a", network: "198.18.0.0/24" }) { id } }`);
      await new Promise((r) => setTimeout(r, 400));
      const during = await site.ok(`{ scopes(server: "dhcp-a") { totalCount } }`);
      expect((await mutation).errors?.[0].extensions?.code).toBe('CONFIG_APPLY_FAILED');
      expect(during.scopes.totalCount).toBe(3);
      expect((await site.ok(`{ scopes(server: "dhcp-a") { totalCount } }`)).scopes.totalCount).toBe(3);
    } finally {
      await site.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file that no longer parses is not edited (drift: CONFLICT) nor taken over by syncServer (CONFIG_INVALID), and its bytes stay', async () => {
    const site = await Site.start();
    try {
      await site.seed('failover-pair');
      appendFileSync(path.join(site.configRoot, 'dhcp-a.conf'), 'subnet 198.18.0.0 netmask 255.255.255.0 {\n');
      const before = await site.snapshot();
      const error = await site.refused(`mutation { createScope(input: { server: "dhcp-a", network: "198.18.1.0/24" }) { id } }`);
      expect(error.code).toBe('CONFLICT');
      expect((await site.refused(`mutation { syncServer(name: "dhcp-a") { name } }`)).code).toBe('CONFIG_INVALID');
      expect(await site.snapshot()).toEqual(before);
    } finally {
      await site.stop();
    }
  });

  test('a subnet added to the file by hand and not synced yet blocks createScope of the same network', async () => {
    const site = await Site.start();
    try {
      await site.seed('failover-pair');
      appendFileSync(path.join(site.configRoot, 'dhcp-a.conf'), 'subnet 198.18.0.0 netmask 255.255.255.0 {\n}\n');
      const before = await site.snapshot();
      expect((await site.refused(`mutation { createScope(input: { server: "dhcp-a", network: "198.18.0.0/24" }) { id } }`)).code).toBe('CONFLICT');
      expect(await site.snapshot()).toEqual(before);
    } finally {
      await site.stop();
    }
  });
});
