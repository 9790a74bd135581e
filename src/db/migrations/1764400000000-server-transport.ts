import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** How each server's files are reached (DhcpServer.transport); servers registered before are LOCAL. */
export class ServerTransport1764400000000 implements MigrationInterface {
  name = 'ServerTransport1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('dhcp_server', new TableColumn({ name: 'transport', type: 'varchar', length: '8', default: "'LOCAL'" }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('dhcp_server', 'transport');
  }
}
