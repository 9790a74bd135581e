import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { DhcpServer, FailoverRelationship, Pool, Scope } from '../entities';
import type { ListOf } from '../loaders';
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
  server(@Root() scope: Scope, @Ctx() ctx: Context): DhcpServer | Promise<DhcpServer> {
    const l = ctx.loaders;
    return l.known(l.server, scope.serverId) ?? l.server.load(scope.serverId).then((s) => s!);
  }

  @FieldResolver(() => String, {
    description: 'Server name for a standalone scope; both halves of a failover scope carry the relationship name',
  })
  authority(@Root() scope: Scope, @Ctx() ctx: Context): string | Promise<string> {
    const l = ctx.loaders;
    const id = scope.failoverRelationshipId;
    if (id !== null) return l.known(l.relationship, id)?.name ?? l.relationship.load(id).then((r) => r!.name);
    return l.known(l.server, scope.serverId)?.name ?? l.server.load(scope.serverId).then((s) => s!.name);
  }

  @FieldResolver(() => FailoverRelationship, { nullable: true, description: 'The relationship the scope is in, if any' })
  failoverRelationship(@Root() scope: Scope, @Ctx() ctx: Context): FailoverRelationship | null | Promise<FailoverRelationship | null> {
    const l = ctx.loaders;
    const id = scope.failoverRelationshipId;
    return id === null ? null : (l.known(l.relationship, id) ?? l.relationship.load(id));
  }

  @FieldResolver(() => Scope, { nullable: true, description: 'The same scope on the partner server' })
  failoverPartner(@Root() scope: Scope, @Ctx() ctx: Context): Scope | null | Promise<Scope | null> {
    const l = ctx.loaders;
    return scope.failoverRelationshipId === null ? null : (l.known(l.partnerScope, scope.id) ?? l.partnerScope.load(scope.id));
  }

  @FieldResolver(() => [Pool], { description: 'Pools of the subnet, in file order' })
  pools(@Root() scope: Scope, @Ctx() ctx: Context): ListOf<Pool> {
    return ctx.loaders.list(ctx.loaders.poolsByScope, scope.id);
  }
}
