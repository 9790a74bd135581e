import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * What never losing a change needs: the last-seen state of every file (drift), the commit markers of
 * changes, and on SQLite the row every writer updates first so that it holds the database's write lock
 * for its whole transaction (BEGIN IMMEDIATE, in effect); the file changes of every audited mutation.
 * The journal itself: JournalTable below.
 */
export class FileStates1764200000000 implements MigrationInterface {
  name = 'FileStates1764200000000';

  async up(q: QueryRunner): Promise<void> {
    const timestamp = q.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await q.createTable(
      new Table({
        name: 'file_state',
        columns: [
          { name: 'server_id', type: 'integer', isPrimary: true },
          { name: 'path', type: 'varchar', length: '4096', isPrimary: true },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'content', type: 'text', isNullable: true },
          { name: 'seen_at', type: timestamp },
        ],
        foreignKeys: [{ columnNames: ['server_id'], referencedTableName: 'dhcp_server', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
    await q.createTable(new Table({ name: 'journal_commit', columns: [{ name: 'journal_id', type: 'integer', isPrimary: true }] }));
    await q.createTable(new Table({ name: 'writer_lock', columns: [{ name: 'id', type: 'integer', isPrimary: true }, { name: 'taken', type: 'integer' }] }));
    await q.query('INSERT INTO writer_lock (id, taken) VALUES (1, 0)');
    await q.addColumn('audit_entry', new TableColumn({ name: 'changes', type: 'text', default: "'[]'" }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('audit_entry', 'changes');
    for (const table of ['writer_lock', 'journal_commit', 'file_state']) await q.dropTable(table);
  }
}

/**
 * The write-ahead journal of file changes. On PostgreSQL it lives in the gateway's database; on SQLite in
 * a database file of its own beside it, because the entry must commit while the change's own transaction
 * holds the main file's write lock (src/db/data-source.ts).
 */
export class JournalTable1764200000001 implements MigrationInterface {
  name = 'JournalTable1764200000001';

  async up(q: QueryRunner): Promise<void> {
    const timestamp = q.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await q.createTable(
      new Table({
        name: 'journal_entry',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'created_at', type: timestamp },
          { name: 'operation', type: 'varchar', length: '63' },
          { name: 'files', type: 'text' },
          { name: 'state', type: 'varchar', length: '8' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('journal_entry');
  }
}
