/**
 * The live-state history in the database, on SQLite and PostgreSQL: what a run of poll answers leaves behind,
 * and that it is still there when the gateway's database is opened again (a restart) and the server is down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../src/db/data-source';
import type { PeerLiveState } from '../../src/domain';
import { DhcpServer } from '../../src/entities';
import { recordAnswer } from '../../src/live-state';
import { createTestDatabase, POSTGRES_AVAILABLE } from '../helpers/postgres';

const answer = (at: string, state: string | null): PeerLiveState =>
  state === null
    ? { reachable: false, state: null, partnerState: null, error: 'connection refused by 198.51.100.2:7911', checkedAt: at }
    : { reachable: true, state, partnerState: 'normal', error: null, checkedAt: at };

const databases: [string, boolean, () => Promise<{ url: string; drop(): Promise<void> }>][] = [
  [
    'SQLite',
    true,
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-history-'));
      return { url: `sqlite:${path.join(dir, 'gateway.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  ['PostgreSQL', POSTGRES_AVAILABLE, createTestDatabase],
];

describe.each(databases)('the live-state history on %s', (_name, available, create) => {
  const maybe = available ? it : it.skip;

  maybe('keeps the last state change and the last partner-down across a restart and while the server is down', async () => {
    const { url, drop } = await create();
    let db: DataSource | undefined;
    try {
      db = await openDatabase({ url });
      const { id } = await db.getRepository(DhcpServer).save({ name: 'dhcp-p', address: '198.51.100.1', configPath: 'p.conf', unmatchedFailoverPeers: [] });
      const record = (a: PeerLiveState) => recordAnswer(db!.manager, id, 'campus', a);

      expect(await record(answer('2026-05-01T10:00:00.000Z', 'normal'))).toEqual({ stateSince: new Date('2026-05-01T10:00:00.000Z'), lastPartnerDownAt: null });
      // the same state again: since when stays
      expect(await record(answer('2026-05-01T10:00:05.000Z', 'normal'))).toEqual({ stateSince: new Date('2026-05-01T10:00:00.000Z'), lastPartnerDownAt: null });
      await record(answer('2026-05-01T10:01:00.000Z', 'communications-interrupted'));
      await record(answer('2026-05-01T10:02:00.000Z', 'partner-down'));
      expect(await record(answer('2026-05-01T10:02:05.000Z', 'partner-down'))).toEqual({
        stateSince: new Date('2026-05-01T10:02:00.000Z'),
        lastPartnerDownAt: new Date('2026-05-01T10:02:05.000Z'),
      });
      // an answer older than the one stored (a slow poll) changes nothing
      expect(await record(answer('2026-05-01T09:00:00.000Z', 'normal'))).toEqual({
        stateSince: new Date('2026-05-01T10:02:00.000Z'),
        lastPartnerDownAt: new Date('2026-05-01T10:02:05.000Z'),
      });
      await record(answer('2026-05-01T10:03:00.000Z', 'normal'));
      await db.destroy();

      // A restart, and the server down: what was remembered is still there.
      db = await openDatabase({ url });
      expect(await record(answer('2026-05-01T11:00:00.000Z', null))).toEqual({
        stateSince: new Date('2026-05-01T10:03:00.000Z'),
        lastPartnerDownAt: new Date('2026-05-01T10:02:05.000Z'),
      });
      expect(Number((await db.query('SELECT COUNT(*) AS n FROM peer_state_history'))[0].n)).toBe(1);
      // The migration can be undone (with those that came after it).
      const since = db.migrations.length - db.migrations.findIndex((m) => m.name === 'PeerStateHistory1764300000000');
      for (let i = 0; i < since; i++) await db.undoLastMigration();
      const runner = db.createQueryRunner();
      expect(await runner.hasTable('peer_state_history')).toBe(false);
      await runner.release();
    } finally {
      await db?.destroy().catch(() => undefined);
      await drop();
    }
  }, 30_000);
});
