import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * A journal entry is deleted when it is closed (src/config-sync/apply/journal.ts), so every row is an open
 * entry: the closed ones kept so far go, each holding the previous bytes of every file of its change, and
 * with them the column that told them apart.
 */
export class JournalEntriesDeleted1764500000000 implements MigrationInterface {
  name = 'JournalEntriesDeleted1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM journal_entry WHERE state = 'closed'`);
    // In place (SQLite ≥ 3.35 and PostgreSQL), not by copying the table as TypeORM's dropColumn does on
    // SQLite: the copy would restart the id sequence at the highest id left, and a new entry taking the id of
    // a deleted one would find that one's commit marker (src/config-sync/apply/journal.ts).
    await q.query('ALTER TABLE journal_entry DROP COLUMN state');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.addColumn('journal_entry', new TableColumn({ name: 'state', type: 'varchar', length: '8', default: "'open'" }));
  }
}
