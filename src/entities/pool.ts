import { ObjectType, Field, ID } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IpRange } from './ip-range';
import { toGlobalId } from '../global-id';
import { Node } from './node';

/** One `pool` block of a subnet; `position` is its order among the subnet's pools in the file. */
@ObjectType({ implements: Node, simpleResolvers: true, description: 'One ISC `pool` block inside a subnet' })
@Entity('pool')
export class Pool {
  @PrimaryGeneratedColumn()
  id: number;

  @Field(() => ID, { name: 'id', description: 'Global id of the pool' })
  get globalId(): string {
    return toGlobalId('Pool', this.id);
  }

  @Index('ix_pool_scope')
  @Column({ name: 'scope_id', type: 'integer' })
  scopeId: number;

  @Column({ type: 'integer' })
  position: number;

  @Field(() => [IpRange], { description: 'The `range` statements of the pool' })
  @Column({ type: 'simple-json' })
  ranges: IpRange[];
}
