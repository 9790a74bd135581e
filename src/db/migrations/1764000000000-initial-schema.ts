import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Servers, relationships, scopes and pools. Written with the Table API so SQLite and PostgreSQL share it. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
    const int = (name: string, isNullable = false) => ({ name, type: 'integer', isNullable });
    const text = (name: string, length: number, isNullable = false) => ({ name, type: 'varchar', length: String(length), isNullable });

    await q.createTable(
      new Table({
        name: 'dhcp_server',
        columns: [
          id,
          { ...text('name', 63), isUnique: true },
          text('address', 15),
          text('config_path', 4096),
          { name: 'unmatched_failover_peers', type: 'text', default: "'[]'" },
          { name: 'created_at', type: q.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime', default: 'CURRENT_TIMESTAMP' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'failover_relationship',
        columns: [
          id,
          { ...text('name', 63), isUnique: true },
          int('primary_server_id'),
          int('secondary_server_id'),
          int('percentage'),
          int('mclt'),
          int('port'),
          int('load_balance_max_seconds'),
          int('max_response_delay'),
          int('max_unacked_updates'),
        ],
        foreignKeys: [
          { columnNames: ['primary_server_id'], referencedTableName: 'dhcp_server', referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
          { columnNames: ['secondary_server_id'], referencedTableName: 'dhcp_server', referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'scope',
        columns: [
          id,
          int('server_id'),
          text('network', 18),
          text('name', 63, true),
          { name: 'enabled', type: 'boolean' },
          int('failover_relationship_id', true),
          text('failover_role', 9, true),
        ],
        foreignKeys: [
          { columnNames: ['server_id'], referencedTableName: 'dhcp_server', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
          { columnNames: ['failover_relationship_id'], referencedTableName: 'failover_relationship', referencedColumnNames: ['id'], onDelete: 'SET NULL' },
        ],
        indices: [
          { name: 'uq_scope_server_network', columnNames: ['server_id', 'network'], isUnique: true },
          { name: 'ix_scope_server', columnNames: ['server_id'] },
          // also serves the partner lookup: same relationship, same network
          { name: 'ix_scope_relationship_network', columnNames: ['failover_relationship_id', 'network'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'pool',
        columns: [id, int('scope_id'), int('position'), { name: 'ranges', type: 'text' }],
        foreignKeys: [{ columnNames: ['scope_id'], referencedTableName: 'scope', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
        indices: [{ name: 'ix_pool_scope', columnNames: ['scope_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['pool', 'scope', 'failover_relationship', 'dhcp_server']) await q.dropTable(table);
  }
}
