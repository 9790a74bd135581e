import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { FailoverRelationship, Pool, Scope } from '../entities';
import { Utilization } from './types/utilization';

const NULL_WHEN = 'null while the lease file cannot be read';

@Resolver(() => Pool)
export class PoolUtilizationResolver {
  @FieldResolver(() => Utilization, { nullable: true, description: `Its ranges' addresses by state, from its server's own lease file; ${NULL_WHEN}` })
  utilization(@Root() pool: Pool, @Ctx() ctx: Context): Promise<Utilization | null> {
    return ctx.loaders.pace(ctx.utilization.pool(pool));
  }
}

@Resolver(() => Scope)
export class ScopeUtilizationResolver {
  @FieldResolver(() => Utilization, { nullable: true, description: `Its pools' addresses by state, from its server's own lease file; ${NULL_WHEN}` })
  utilization(@Root() scope: Scope, @Ctx() ctx: Context): Promise<Utilization | null> {
    return ctx.loaders.pace(ctx.utilization.scope(scope));
  }
}

@Resolver(() => FailoverRelationship)
export class FailoverRelationshipUtilizationResolver {
  @FieldResolver(() => Utilization, {
    nullable: true,
    description: `The pair's: every address of its pools once, by the newer record of the two servers' lease files (one alone when the other cannot be read); ${NULL_WHEN} on either server`,
  })
  utilization(@Root() rel: FailoverRelationship, @Ctx() ctx: Context): Promise<Utilization | null> {
    return ctx.loaders.pace(ctx.utilization.relationship(rel));
  }
}
