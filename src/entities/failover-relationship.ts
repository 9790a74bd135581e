import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { toGlobalId } from '../global-id';
import { Node } from './node';

/** One `failover peer "<name>"` pair; status is derived from whether any scope refers to it. */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'A dhcpd failover pair: the `failover peer` declared on both servers' })
@Entity('failover_relationship')
export class FailoverRelationship {
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => ID, { name: 'id', description: 'Global id of the relationship' })
  get globalId(): string {
    return toGlobalId('FailoverRelationship', this.id);
  }

  @Field({ description: 'Unique in the gateway; the `failover peer "<name>"` on both servers' })
  @Column({ type: 'varchar', length: 63, unique: true })
  name: string;

  @Column({ name: 'primary_server_id', type: 'integer' })
  primaryServerId: number;

  @Column({ name: 'secondary_server_id', type: 'integer' })
  secondaryServerId: number;

  @Field(() => Int, { description: 'Share of the client load served by the primary, 0..100 (dhcpd `split`)' })
  @Column({ type: 'integer' })
  percentage: number;

  @Field(() => Int, { description: 'Maximum client lead time, seconds' })
  @Column({ type: 'integer' })
  mclt: number;

  @Field(() => Int, { description: 'Failover port, the same on both partners' })
  @Column({ type: 'integer' })
  port: number;

  @Field(() => Int, { description: 'dhcpd `load balance max seconds`' })
  @Column({ name: 'load_balance_max_seconds', type: 'integer' })
  loadBalanceMaxSeconds: number;

  @Field(() => Int, { description: 'dhcpd `max-response-delay`, seconds' })
  @Column({ name: 'max_response_delay', type: 'integer' })
  maxResponseDelay: number;

  @Field(() => Int, { description: 'dhcpd `max-unacked-updates`' })
  @Column({ name: 'max_unacked_updates', type: 'integer' })
  maxUnackedUpdates: number;
}
