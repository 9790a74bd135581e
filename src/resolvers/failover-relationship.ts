import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { DhcpServer, FailoverRelationship, Scope } from '../entities';
import { statusOf } from '../domain';
import type { ListOf } from '../loaders';
import { prefetch } from '../loaders/prefetch';
import { ConfigProblem, DeconfigureAction, FailoverLiveState, FailoverStatus, PeerLiveState } from './types/graph-types';
import { CreateFailoverRelationshipInput, ModifyFailoverRelationshipInput } from './types/inputs';

@Resolver(() => FailoverRelationship)
export class FailoverRelationshipResolver {
  @Authorized('viewer')
  @Query(() => [FailoverRelationship], { description: 'Failover relationships, all or those of one server (GetDHCPFailoverRelationships)' })
  async failoverRelationships(
    @Arg('server', () => String, { nullable: true }) server: string | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<FailoverRelationship[]> {
    const relationships = await ctx.services.queries.relationships(server);
    await prefetch(ctx.loaders, info, 'relationship', relationships);
    return relationships;
  }

  @Authorized('viewer')
  @Query(() => FailoverRelationship, { nullable: true, description: 'One failover relationship by name (GetDHCPFailoverRelationship)' })
  failoverRelationship(@Arg('name') name: string, @Ctx() ctx: Context): Promise<FailoverRelationship | null> {
    return ctx.services.queries.relationship(name);
  }

  @Authorized('admin')
  @Mutation(() => FailoverRelationship, { description: 'Creates an EMPTY relationship; no file is written until a scope joins' })
  createFailoverRelationship(@Arg('input') input: CreateFailoverRelationshipInput, @Ctx() ctx: Context): Promise<FailoverRelationship> {
    return ctx.services.relationships.create(input);
  }

  @Authorized('admin')
  @Mutation(() => FailoverRelationship, { description: 'Changes values or roles and rewrites both peer declarations' })
  modifyFailoverRelationship(@Arg('input') input: ModifyFailoverRelationshipInput, @Ctx() ctx: Context): Promise<FailoverRelationship> {
    return ctx.services.relationships.modify(input);
  }

  @Authorized('admin')
  @Mutation(() => FailoverRelationship, { description: 'Puts scopes into the relationship and mirrors them onto the partner' })
  addScopesToFailoverRelationship(
    @Arg('name') name: string,
    @Arg('scopeIds', () => [ID], { description: 'Global ids of the scopes, on either server' }) scopeIds: string[],
    @Ctx() ctx: Context,
  ): Promise<FailoverRelationship> {
    return ctx.services.relationships.addScopes(name, scopeIds);
  }

  @Authorized('admin')
  @Mutation(() => FailoverRelationship, { description: "Takes scopes out of the relationship; the secondary's copy is deleted or disabled" })
  removeScopesFromFailoverRelationship(
    @Arg('name') name: string,
    @Arg('scopeIds', () => [ID], { description: 'Global ids of the scopes, on either server' }) scopeIds: string[],
    @Arg('deconfigureAction', () => DeconfigureAction) action: DeconfigureAction,
    @Ctx() ctx: Context,
  ): Promise<FailoverRelationship> {
    return ctx.services.relationships.removeScopes(name, scopeIds, action);
  }

  @Authorized('admin')
  @Mutation(() => [String], { description: 'Removes relationships of a server with all their scopes; returns the names removed' })
  removeFailoverRelationships(
    @Arg('server') server: string,
    @Arg('names', () => [String]) names: string[],
    @Arg('deconfigureAction', () => DeconfigureAction) action: DeconfigureAction,
    @Ctx() ctx: Context,
  ): Promise<string[]> {
    return ctx.services.relationships.remove(server, names, action);
  }

  @Authorized('admin')
  @Mutation(() => PeerLiveState, {
    description:
      "Tells `server` over OMAPI that its partner is down (failover-state local-state 4), so it serves the whole pool after the MCLT; refused unless the server is in communications-interrupted and its partner cannot be reached (force waives the second condition). Returns the server's state read again after the change",
  })
  setPartnerDown(
    @Arg('relationship') relationship: string,
    @Arg('server') server: string,
    @Arg('force', () => Boolean, { nullable: true, defaultValue: false, description: 'Set partner-down even though the partner still answers over OMAPI' }) force: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<PeerLiveState> {
    return ctx.services.partnerDown.setPartnerDown(relationship, server, force === true);
  }

  @FieldResolver(() => [ConfigProblem], { description: 'What the consistency review finds wrong in the two files and the live state of the pair; empty when all is well' })
  problems(@Root() rel: FailoverRelationship, @Ctx() ctx: Context): Promise<ConfigProblem[]> {
    return ctx.services.review.relationshipProblems(rel);
  }

  @FieldResolver(() => DhcpServer, { description: 'The primary server' })
  primaryServer(@Root() rel: FailoverRelationship, @Ctx() ctx: Context): DhcpServer | Promise<DhcpServer> {
    const l = ctx.loaders;
    return l.known(l.server, rel.primaryServerId) ?? l.server.load(rel.primaryServerId).then((s) => s!);
  }

  @FieldResolver(() => DhcpServer, { description: 'The secondary server' })
  secondaryServer(@Root() rel: FailoverRelationship, @Ctx() ctx: Context): DhcpServer | Promise<DhcpServer> {
    const l = ctx.loaders;
    return l.known(l.server, rel.secondaryServerId) ?? l.server.load(rel.secondaryServerId).then((s) => s!);
  }

  @FieldResolver(() => FailoverStatus, { description: 'EMPTY while no scope is in it, NORMAL once one is' })
  status(@Root() rel: FailoverRelationship, @Ctx() ctx: Context): FailoverStatus | Promise<FailoverStatus> {
    const l = ctx.loaders;
    const count = l.known(l.scopeCountByRelationship, rel.id);
    return count !== undefined ? statusOf(count) : l.scopeCountByRelationship.load(rel.id).then(statusOf);
  }

  @FieldResolver(() => [Scope], { description: 'Every scope in it, on both servers' })
  scopes(@Root() rel: FailoverRelationship, @Ctx() ctx: Context): ListOf<Scope> {
    return ctx.loaders.list(ctx.loaders.scopesByRelationship, rel.id);
  }

  @FieldResolver(() => FailoverLiveState, {
    nullable: true,
    description: 'What both servers report over OMAPI; null while the relationship is EMPTY (no server declares the peer)',
  })
  async liveState(@Root() rel: FailoverRelationship, @Ctx() ctx: Context): Promise<FailoverLiveState | null> {
    if ((await this.status(rel, ctx)) === FailoverStatus.EMPTY) return null;
    const [primary, secondary] = await Promise.all([this.primaryServer(rel, ctx), this.secondaryServer(rel, ctx)]);
    return ctx.services.liveState.read(rel.name, primary, secondary);
  }
}
