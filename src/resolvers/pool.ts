import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { FailoverRelationship, Pool, Scope } from '../entities';
import { AddPoolInput } from './types/inputs';

@Resolver(() => Pool)
export class PoolResolver {
  @Authorized('admin')
  @Mutation(() => Pool, { description: "Adds a pool to a scope; in a failover scope it carries the peer and is mirrored to the partner" })
  addPool(@Arg('input') input: AddPoolInput, @Ctx() ctx: Context): Promise<Pool> {
    return ctx.services.scopes.addPool(input);
  }

  @Authorized('admin')
  @Mutation(() => ID, { description: 'Removes a pool block; in a failover scope from both partners, and never its last pool. Returns the id' })
  removePool(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<string> {
    return ctx.services.scopes.removePool(id);
  }

  @FieldResolver(() => Scope, { description: 'The scope the pool belongs to' })
  scope(@Root() pool: Pool, @Ctx() ctx: Context): Scope | Promise<Scope> {
    const l = ctx.loaders;
    return l.known(l.scope, pool.scopeId) ?? l.scope.load(pool.scopeId).then((s) => s!);
  }

  @FieldResolver(() => FailoverRelationship, { nullable: true, description: "Read-only: the scope's failover relationship" })
  async failoverRelationship(@Root() pool: Pool, @Ctx() ctx: Context): Promise<FailoverRelationship | null> {
    const scope = await ctx.loaders.scope.load(pool.scopeId);
    return scope?.failoverRelationshipId != null ? ctx.loaders.relationship.load(scope.failoverRelationshipId) : null;
  }
}
