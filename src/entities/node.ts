import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * Relay's Node: every type with an identity of its own (a row of the gateway's database) implements it, and
 * Query.node(id:) finds any of them. Value types (IpRange, PageInfo, Utilization, the live states, problems,
 * diffs) are not Nodes: they have no identity apart from the object they belong to.
 *
 * No `resolveType` option on purpose: without one, type-graphql resolves the type synchronously by `instanceof`
 * over the implementing classes (every Node is an instance of its entity class: TypeORM's and src/db/rows.ts'),
 * while one given here would be wrapped into a Promise, which graphql-jit cannot follow (graphql-jit#69).
 */
@InterfaceType('Node', { description: 'An object with a global id: Query.node(id:) finds it by that id' })
export abstract class Node {
  @Field(() => ID, { description: 'Global id: opaque, stable, and unique across every type' })
  id: string;
}
