import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { DhcpServer, FailoverRelationship, Pool, Scope } from '../entities';
import { ScopeConnection } from './types/graph-types';
import { toConnection } from './types/pagination';
import { CreateScopeInput, ScopesArgs } from './types/inputs';

@Resolver(() => Scope)
export class ScopeResolver {
  @Authorized('viewer')
  @Query(() => ScopeConnection, { description: 'Scopes, filtered by server or relationship, a page at a time' })
  async scopes(@Args() args: ScopesArgs, @Ctx() ctx: Context): Promise<ScopeConnection> {
    return toConnection(await ctx.services.queries.scopes(args), 'scope');
  }

  @Authorized('viewer')
  @Query(() => Scope, { nullable: true, description: 'One scope by its global id; null when it names no scope' })
  scope(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Scope | null> {
    return ctx.services.queries.scope(id);
  }

  @Authorized('admin')
  @Mutation(() => Scope, { description: 'Declares a subnet on a server, with pools, optionally straight into a failover relationship' })
  createScope(@Arg('input') input: CreateScopeInput, @Ctx() ctx: Context): Promise<Scope> {
    return ctx.services.scopes.createScope(input);
  }

  @Authorized('admin')
  @Mutation(() => ID, { description: "Removes a scope that is in no failover relationship, and its subnet declaration from the server's file. Returns the id" })
  deleteScope(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<string> {
    return ctx.services.scopes.deleteScope(id);
  }

  @FieldResolver(() => DhcpServer, { description: 'The server the subnet is declared on' })
  async server(@Root() scope: Scope, @Ctx() ctx: Context): Promise<DhcpServer> {
    return (await ctx.loaders.server.load(scope.serverId))!;
  }

  @FieldResolver(() => String, {
    description: 'Server name for a standalone scope; both halves of a failover scope carry the relationship name',
  })
  async authority(@Root() scope: Scope, @Ctx() ctx: Context): Promise<string> {
    if (scope.failoverRelationshipId !== null) return (await ctx.loaders.relationship.load(scope.failoverRelationshipId))!.name;
    return (await ctx.loaders.server.load(scope.serverId))!.name;
  }

  @FieldResolver(() => FailoverRelationship, { nullable: true, description: 'The relationship the scope is in, if any' })
  failoverRelationship(@Root() scope: Scope, @Ctx() ctx: Context): Promise<FailoverRelationship | null> {
    return scope.failoverRelationshipId === null ? Promise.resolve(null) : ctx.loaders.relationship.load(scope.failoverRelationshipId);
  }

  @FieldResolver(() => Scope, { nullable: true, description: 'The same scope on the partner server' })
  failoverPartner(@Root() scope: Scope, @Ctx() ctx: Context): Promise<Scope | null> {
    return scope.failoverRelationshipId === null ? Promise.resolve(null) : ctx.loaders.partnerScope.load(scope.id);
  }

  @FieldResolver(() => [Pool], { description: 'Pools of the subnet, in file order' })
  pools(@Root() scope: Scope, @Ctx() ctx: Context): Promise<Pool[]> {
    return ctx.loaders.pace(ctx.loaders.poolsByScope.load(scope.id));
  }
}
