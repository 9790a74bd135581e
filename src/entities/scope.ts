import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FailoverRole } from '../domain';
import { toGlobalId } from '../global-id';
import { IPv4CidrScalar } from '../resolvers/types/scalars';
import { Node } from './node';

registerEnumType(FailoverRole, { name: 'FailoverRole', description: "The server's role for a failover scope" });

/** One `subnet` declaration on one server. */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'One ISC `subnet` declaration on one server' })
@Entity('scope')
@Index('uq_scope_server_network', ['serverId', 'network'], { unique: true })
@Index('ix_scope_relationship_network', ['failoverRelationshipId', 'network'])
export class Scope {
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => ID, { name: 'id', description: 'Global id of the scope' })
  get globalId(): string {
    return toGlobalId('Scope', this.id);
  }

  @Index('ix_scope_server')
  @Column({ name: 'server_id', type: 'integer' })
  serverId: number;

  @Field(() => IPv4CidrScalar, { description: 'CIDR, e.g. "192.0.2.0/24"' })
  /** canonical CIDR text, e.g. "192.0.2.0/24" */
  @Column({ type: 'varchar', length: 18 })
  network: string;

  @Field(() => String, { nullable: true, description: 'Optional name given in the gateway' })
  @Column({ type: 'varchar', length: 63, nullable: true })
  name: string | null;

  @Field({ description: 'False when the scope is disabled: still declared, but it hands out no address' })
  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ name: 'failover_relationship_id', type: 'integer', nullable: true })
  failoverRelationshipId: number | null;

  @Field(() => FailoverRole, { nullable: true, description: "This server's role when the scope is in a failover relationship" })
  @Column({ name: 'failover_role', type: 'varchar', length: 9, nullable: true })
  failoverRole: FailoverRole | null;
}
