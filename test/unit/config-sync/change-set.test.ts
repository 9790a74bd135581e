import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChangeSet, type ServerRef } from '../../../src/config-sync/apply/change-set';
import { ModelCache } from '../../../src/config-sync/apply/model-cache';
import { loadSettings } from '../../../src/config';
import * as dhcpdModel from '../../../src/config-sync/dhcpd/model';
import { Metrics } from '../../../src/metrics';
import { LocalFiles } from '../../../src/transport/local';
import { DHCPD } from '../../helpers/dhcpd';

const TEXT = 'authoritative;\n\nsubnet 198.51.100.0 netmask 255.255.255.0 {\n  pool {\n    range 198.51.100.10 198.51.100.20;\n  }\n}\n';

/**
 * The change set as a mutation uses it, on real files and the real dhcpd -t: what it leaves for the next change.
 * (Guarantees across the database and several servers are tested through the API: never-lose/, all-or-nothing.)
 */
(DHCPD ? describe : describe.skip)('a change set', () => {
  let dir: string;
  let server: ServerRef;
  let models: ModelCache;
  const changeSet = () =>
    new ChangeSet(
      { filesOf: () => new LocalFiles(loadSettings({}).hooksFor('a'), DHCPD, dir), models, metrics: new Metrics() },
      { lock: async () => {}, lastSeen: async () => new Map(), refuseShared: async () => {} },
    );

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-change-set-'));
    server = { id: 1, name: 'a', configPath: path.join(dir, 'dhcpd.conf') };
    writeFileSync(server.configPath, TEXT);
    models = new ModelCache();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('keeps the model of each file it wrote: the next change starts from it and parses nothing', async () => {
    const first = changeSet();
    (await first.editor(server)).addSubnet({ network: '203.0.113.0/24', pools: [{ ranges: [{ start: '203.0.113.10', end: '203.0.113.20' }] }] });
    await first.apply({ beside: async () => {}, validated: () => {} });
    const written = readFileSync(server.configPath);
    expect(written.toString()).toContain('subnet 203.0.113.0 netmask 255.255.255.0');

    // The parser is watched, not replaced: it still runs whenever it is called.
    const parses = jest.spyOn(dhcpdModel, 'parseConfig');
    try {
      const model = await changeSet().model(server);
      expect(parses).not.toHaveBeenCalled();
      expect(model.files[0].model.text).toBe(written.toString());
      expect(model.findSubnet('203.0.113.0/24')).toBeDefined();
    } finally {
      parses.mockRestore();
    }
  });
});
