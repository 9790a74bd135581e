import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** The live-state history of each server per failover peer (src/live-state/history.ts). */
export class PeerStateHistory1764300000000 implements MigrationInterface {
  name = 'PeerStateHistory1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const timestamp = q.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime';
    await q.createTable(
      new Table({
        name: 'peer_state_history',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'server_id', type: 'integer' },
          { name: 'peer_name', type: 'varchar', length: '63' },
          { name: 'state', type: 'varchar', length: '32' },
          { name: 'state_since', type: timestamp },
          { name: 'last_partner_down_at', type: timestamp, isNullable: true },
          { name: 'seen_at', type: timestamp },
        ],
        indices: [{ name: 'uq_peer_state_history_server_peer', columnNames: ['server_id', 'peer_name'], isUnique: true }],
        foreignKeys: [{ columnNames: ['server_id'], referencedTableName: 'dhcp_server', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('peer_state_history');
  }
}
