import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Transport } from '../domain';
import { toGlobalId } from '../global-id';
import { IPv4Scalar } from '../resolvers/types/scalars';
import { Node } from './node';

registerEnumType(Transport, {
  name: 'Transport',
  description: "How the gateway reaches a server's files",
  valuesConfig: {
    LOCAL: { description: "Files on the gateway's own disk, under CONFIG_ROOT" },
    SSH: { description: "Files on the server's own machine, over SSH/SFTP, as GATEWAY_SERVERS_FILE configures" },
  },
});

/** A registered DHCP server: the gateway edits the dhcpd.conf at `configPath` on its behalf. */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A registered ISC dhcpd server whose dhcpd.conf the gateway edits' })
@Entity('dhcp_server')
export class DhcpServer {
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => ID, { name: 'id', description: 'Global id of the server' })
  get globalId(): string {
    return toGlobalId('DhcpServer', this.id);
  }

  @Field({ description: 'Unique name of the server in the gateway' })
  @Column({ type: 'varchar', length: 63, unique: true })
  name: string;

  @Field(() => IPv4Scalar, { description: 'IPv4 address the server uses for failover traffic' })
  @Column({ type: 'varchar', length: 15 })
  address: string;

  @Field({ description: "Path of the server's dhcpd.conf: under CONFIG_ROOT (LOCAL), or under remoteRoot on the server (SSH)" })
  @Column({ name: 'config_path', type: 'varchar', length: 4096 })
  configPath: string;

  @Field(() => Transport, { description: "How the gateway reaches the server's files" })
  @Column({ type: 'varchar', length: 8, default: Transport.LOCAL })
  transport: Transport;

  /** `failover peer` names declared in the file whose partner is not (yet) a registered server. */
  @Field(() => [String], { description: 'Peer names declared in the file whose partner is no registered server' })
  @Column({ name: 'unmatched_failover_peers', type: 'simple-json' })
  unmatchedFailoverPeers: string[];

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
