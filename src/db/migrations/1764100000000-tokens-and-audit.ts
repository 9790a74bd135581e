import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** API tokens (only their hashes) and the audit log of mutations. Table API, so SQLite and PostgreSQL share it. */
export class TokensAndAudit1764100000000 implements MigrationInterface {
  name = 'TokensAndAudit1764100000000';

  async up(q: QueryRunner): Promise<void> {
    const timestamp = q.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    const text = (name: string, length: number, isNullable = false) => ({ name, type: 'varchar', length: String(length), isNullable });

    await q.createTable(
      new Table({
        name: 'api_token',
        columns: [
          id,
          { ...text('name', 63), isUnique: true },
          text('role', 16),
          { ...text('token_hash', 64), isUnique: true },
          { name: 'created_at', type: timestamp, default: 'CURRENT_TIMESTAMP' },
          { name: 'revoked_at', type: timestamp, isNullable: true },
          { name: 'last_used_at', type: timestamp, isNullable: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_entry',
        columns: [
          id,
          { name: 'at', type: timestamp },
          text('actor', 63),
          text('operation', 63),
          { name: 'arguments', type: 'text' },
          text('outcome', 32),
          { name: 'message', type: 'text', isNullable: true },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_entry', 'api_token']) await q.dropTable(table);
  }
}
