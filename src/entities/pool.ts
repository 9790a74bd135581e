import { ObjectType, Field, ID } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IpRange } from './ip-range';
import { toGlobalId } from '../global-id';
import { Node } from './node';
import { parseRanges } from './stored-ranges';

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
  get ranges(): IpRange[] {
    if (typeof this.rangesOrText === 'string') this.rangesOrText = parseRanges(this.rangesOrText);
    return this.rangesOrText;
  }

  set ranges(ranges: IpRange[]) {
    this.rangesOrText = ranges;
  }

  /**
   * The ranges, or the JSON text they are stored as until they are first read: src/db/rows.ts reads 40,000 pools for
   * one big answer, and src/json-answer.ts copies that text into it as it is (no objects to build, hold and write).
   */
  private rangesOrText!: IpRange[] | string;

  /** A pool whose ranges are the stored JSON text of IpRange[] (`[{"start":"…","end":"…"},…]`), read when asked for. */
  static stored(id: number, scopeId: number, position: number, rangesText: string): Pool {
    // A literal with the prototype, not `new`: see src/db/rows.ts's mappers.
    return { __proto__: Pool.prototype, id, scopeId, position, rangesOrText: rangesText } satisfies Omit<Pool, 'globalId' | 'ranges' | 'storedRanges'> & {
      __proto__: Pool;
      rangesOrText: string;
    } as unknown as Pool;
  }

  /** The stored JSON text of the ranges while they have not been read; undefined once they have, or when they were set. */
  storedRanges(): string | undefined {
    return typeof this.rangesOrText === 'string' ? this.rangesOrText : undefined;
  }
}
