import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { Journal } from '../../../src/config-sync/apply/journal';
import { openDatabase, openJournalDatabase } from '../../../src/db/data-source';
import { journalMigrations, migrations } from '../../../src/db/migrations';
import { createTestDatabase, DATABASES } from '../../helpers/postgres';

const FILE = { serverId: 1, server: 'dhcp-a', path: '/etc/dhcp/dhcpd.conf', before: 'subnet 198.51.100.0 netmask 255.255.255.0 {\n}\n', beforeHash: 'b', afterHash: 'a' };

/**
 * The journal's own rows: an entry lives from before the first file is replaced until its change is over,
 * and the id of a closed one is never given out again (its commit marker stays in the gateway's database).
 */
describe.each(DATABASES)('the journal on %s', (kind, available) => {
  let dir: string;
  let url: string;
  let drop = async () => {};

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gw-journal-'));
    if (kind === 'SQLite') {
      url = `sqlite:${path.join(dir, 'gateway.db')}`;
    } else {
      const db = await createTestDatabase();
      url = db.url;
      drop = db.drop;
    }
  });

  afterEach(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The gateway's databases as `npm start` opens them. */
  async function open(): Promise<{ journal: Journal; db: DataSource; store: DataSource; close(): Promise<void> }> {
    const db = await openDatabase({ url });
    const store = await openJournalDatabase(db, { url });
    return {
      journal: new Journal(store),
      db,
      store,
      async close() {
        if (store !== db) await store.destroy();
        await db.destroy();
      },
    };
  }

  (available ? test : test.skip)('a closed entry is gone, and a new one takes a new id', async () => {
    const { journal, close } = await open();
    try {
      const first = await journal.open('addPool', [FILE]);
      expect((await journal.openEntries()).map((e) => [e.id, e.files])).toEqual([[first, [FILE]]]);
      await journal.close(first);
      expect(await journal.openEntries()).toEqual([]);
      expect(await journal.open('addPool', [FILE])).toBeGreaterThan(first);
    } finally {
      await close();
    }
  });

  (available ? test : test.skip)('entries closed by an earlier version are removed; open ones stay, and ids go on from the highest ever used', async () => {
    // the journal as the version before kept it: closed entries stayed, with a state column
    const earlier = new DataSource(
      kind === 'SQLite'
        ? { type: 'better-sqlite3', database: path.join(dir, 'gateway.journal.db'), migrations: [journalMigrations[0]] }
        : { type: 'postgres', url, migrations: [...migrations, journalMigrations[0]] },
    );
    await earlier.initialize();
    await earlier.runMigrations();
    const insert = (state: string) => earlier.query(`INSERT INTO journal_entry (created_at, operation, files, state) VALUES (${kind === 'SQLite' ? "datetime('now')" : 'now()'}, 'addPool', '${JSON.stringify([FILE])}', '${state}')`);
    for (const state of ['closed', 'open', 'closed', 'closed']) await insert(state);
    await earlier.destroy();

    const { journal, close } = await open();
    try {
      expect((await journal.openEntries()).map((e) => e.id)).toEqual([2]);
      expect(await journal.open('addPool', [FILE])).toBe(5);
    } finally {
      await close();
    }
  });

  // A power cut must not take back a commit whose files were already replaced (or a journal entry written before them).
  (kind === 'SQLite' ? test : test.skip)('both SQLite databases sync their log at every commit (synchronous = FULL)', async () => {
    const { db, store, close } = await open();
    try {
      for (const d of [db, store]) expect(await d.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
    } finally {
      await close();
    }
  });
});
