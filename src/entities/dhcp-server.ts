import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { toGlobalId } from '../global-id';
import { IPv4Scalar } from '../resolvers/types/scalars';
import { Node } from './node';

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

  @Field({ description: "Path of the server's dhcpd.conf, under the gateway's CONFIG_ROOT" })
  @Column({ name: 'config_path', type: 'varchar', length: 4096 })
  configPath: string;

  /** `failover peer` names declared in the file whose partner is not (yet) a registered server. */
  @Field(() => [String], { description: 'Peer names declared in the file whose partner is no registered server' })
  @Column({ name: 'unmatched_failover_peers', type: 'simple-json' })
  unmatchedFailoverPeers: string[];

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
