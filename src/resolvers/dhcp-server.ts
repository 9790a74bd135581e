import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { DhcpServer, FailoverRelationship, Scope } from '../entities';
import type { ListOf } from '../loaders';
import { prefetch } from '../loaders/prefetch';
import { ConfigDrift } from '../entities/file-diff';
import { ConfigProblem } from './types/graph-types';
import { AddServerInput } from './types/inputs';

@Resolver(() => DhcpServer)
export class DhcpServerResolver {
  @Authorized('viewer')
  @Query(() => [DhcpServer], { description: 'Every registered server' })
  async servers(@Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<DhcpServer[]> {
    const servers = await ctx.services.queries.servers();
    await prefetch(ctx.loaders, info, 'server', servers);
    return servers;
  }

  @Authorized('viewer')
  @Query(() => DhcpServer, { nullable: true, description: 'One server by name' })
  async server(@Arg('name') name: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<DhcpServer | null> {
    const server = await ctx.services.queries.server(name);
    if (server) await prefetch(ctx.loaders, info, 'server', [server]);
    return server;
  }

  @Authorized('admin')
  @Mutation(() => DhcpServer, { description: 'Registers a server and imports its dhcpd.conf when the file exists (nothing is written)' })
  addServer(@Arg('input') input: AddServerInput, @Ctx() ctx: Context): Promise<DhcpServer> {
    return ctx.services.servers.addServer(input);
  }

  @Authorized('admin')
  @Mutation(() => DhcpServer, { description: "Re-reads the server's file and takes over what changed outside the gateway" })
  syncServer(@Arg('name') name: string, @Ctx() ctx: Context): Promise<DhcpServer> {
    return ctx.services.servers.syncServer(name);
  }

  @Authorized('admin')
  @Mutation(() => String, { description: 'Forgets a server that is in no failover relationship, with its scopes; its file is left as it is. Returns the name' })
  removeServer(@Arg('name') name: string, @Ctx() ctx: Context): Promise<string> {
    return ctx.services.servers.removeServer(name);
  }

  @FieldResolver(() => [ConfigProblem], {
    description: "What the consistency review finds wrong in this server's file, and between it and its partners' files; empty when all is well",
  })
  problems(@Root() server: DhcpServer, @Ctx() ctx: Context): Promise<ConfigProblem[]> {
    return ctx.services.review.serverProblems(server);
  }

  @FieldResolver(() => [String], { description: 'Every file of the server, the main file (configPath) first, then every file reached through `include`, in the order dhcpd reads them, on the machine its transport reaches' })
  configFiles(@Root() server: DhcpServer, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.services.drift.configFiles(server);
  }

  @FieldResolver(() => [Scope], { description: 'Subnets declared on this server' })
  scopes(@Root() server: DhcpServer, @Ctx() ctx: Context): ListOf<Scope> {
    return ctx.loaders.list(ctx.loaders.scopesByServer, server.id);
  }

  @FieldResolver(() => ConfigDrift, {
    nullable: true,
    description: 'Null while every file of the server is as the gateway last read or wrote it; else what changed (run syncServer to take it over)',
  })
  async drift(@Root() server: DhcpServer, @Ctx() ctx: Context): Promise<ConfigDrift | null> {
    return ctx.services.drift.drift(server, await ctx.loaders.fileStatesByServer.load(server.id));
  }

  @FieldResolver(() => [FailoverRelationship], { description: 'Relationships this server is the primary or secondary of' })
  failoverRelationships(@Root() server: DhcpServer, @Ctx() ctx: Context): ListOf<FailoverRelationship> {
    return ctx.loaders.list(ctx.loaders.relationshipsByServer, server.id);
  }
}
