import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Site } from '../helpers/site';
import { ADD_POOL, ADD_SCOPES, CREATE_REL } from '../helpers/operations';
import { describeWithDhcpd, expectPassesDhcpd } from '../helpers/dhcpd';


describeWithDhcpd('all or nothing across both servers', () => {
  test('when the primary\'s reload fails after the secondary was written, both files and the database are restored', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-hooks-'));
    const log = path.join(dir, 'reloads.log');
    const hooks = path.join(dir, 'servers.json');
    writeFileSync(hooks, JSON.stringify({
      servers: {
        'dhcp-a': { reload: ['/bin/sh', '-c', `echo dhcp-a >> ${log}; exit 3`] },
        'dhcp-b': { reload: ['/bin/sh', '-c', `echo dhcp-b >> ${log}`] },
      },
    }));
    const site = await Site.start({ GATEWAY_SERVERS_FILE: hooks });
    try {
      await site.seed('failover-pair');
      await site.ok(CREATE_REL, { input: { name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } });
      const before = await site.snapshot();
      const res = await site.gql(ADD_SCOPES, { name: 'ab', ids: [(await site.ids())['dhcp-a 198.51.100.0/24']] });
      expect(res.errors?.[0].extensions?.code).toBe('CONFIG_APPLY_FAILED');
      expect(res.errors?.[0].message).toContain('dhcp-a');
      // the secondary was written (and reloaded) first, then the primary, whose reload failed
      expect(readFileSync(log, 'utf8').split('\n').slice(0, 2)).toEqual(['dhcp-b', 'dhcp-a']);
      expect(await site.snapshot()).toEqual(before);
      expect((await site.ok(`{ failoverRelationship(name: "ab") { status } }`)).failoverRelationship.status).toBe('EMPTY');
    } finally {
      await site.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('many parallel addPool calls on one failover scope all land, and each file holds exactly the pools the API reports', async () => {
    const site = await Site.withFailoverPair();
    try {
      const office = (await site.ids())['dhcp-a 198.51.100.0/24'];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => site.gql(ADD_POOL, { input: { scopeId: office, ranges: [{ start: `198.51.100.${20 + i * 4}`, end: `198.51.100.${22 + i * 4}` }] } })),
      );
      const failed = results.filter((r) => r.errors?.length);
      expect(failed.map((r) => r.errors)).toEqual([]);
      const { scope } = await site.ok(`query($id: ID!) { scope(id: $id) { pools { ranges { start end } } failoverPartner { pools { ranges { start end } } } } }`, { id: office });
      expect(scope.pools).toHaveLength(21);
      const apiRanges = scope.pools.map((p: any) => `range ${p.ranges[0].start} ${p.ranges[0].end};`).sort();
      for (const name of ['dhcp-a', 'dhcp-b']) {
        const text = site.file(name);
        const fileRanges = [...text.matchAll(/range (198\.51\.100\.\d+) (198\.51\.100\.\d+);/g)].map((m) => m[0]).sort();
        expect(fileRanges).toEqual(apiRanges);
        expect(text.match(/failover peer "ab";/g)).toHaveLength(21);
      }
      expectPassesDhcpd(site, 'dhcp-a', 'dhcp-b');
      expect(scope.failoverPartner.pools).toEqual(scope.pools);
    } finally {
      await site.stop();
    }
  });
});
