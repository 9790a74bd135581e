import { ObjectType, Field, ID } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IpRange } from './ip-range';

/** One `pool` block of a subnet; `position` is its order among the subnet's pools in the file. */
@ObjectType({ simpleResolvers: true, description: 'One ISC `pool` block inside a subnet' })
@Entity('pool')
export class Pool {
  @Field(() => ID, { description: 'Stable identifier of the pool' })
  @PrimaryGeneratedColumn()
  id: number;

  @Index('ix_pool_scope')
  @Column({ name: 'scope_id', type: 'integer' })
  scopeId: number;

  @Column({ type: 'integer' })
  position: number;

  @Field(() => [IpRange], { description: 'The `range` statements of the pool' })
  @Column({ type: 'simple-json' })
  ranges: IpRange[];
}
