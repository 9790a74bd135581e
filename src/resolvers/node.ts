import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { checkRole } from '../auth/roles';
import type { Context } from '../context';
import { Node } from '../entities/node';
import { fromGlobalId, type NodeType } from '../global-id';

/** How node(id:) reads each type: through the request's loaders, like every other field. */
const READ: Record<NodeType, (ctx: Context, id: number) => Promise<object | null>> = {
  DhcpServer: (ctx, id) => ctx.loaders.server.load(id),
  FailoverRelationship: (ctx, id) => ctx.loaders.relationship.load(id),
  Scope: (ctx, id) => ctx.loaders.scope.load(id),
  Pool: (ctx, id) => ctx.loaders.pool.load(id),
  // The audit log is for admins only, whichever field reads it (as auditEntry and auditLog).
  AuditEntry: (ctx, id) => (checkRole(ctx.user, 'admin'), ctx.audit.entry(id)),
};

@Resolver()
export class NodeResolver {
  @Authorized('viewer')
  @Query(() => Node, { nullable: true, description: "Any object by its global id (Relay's convention); null when the id names nothing" })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<object | null> {
    const decoded = fromGlobalId(id);
    return decoded ? READ[decoded.type](ctx, decoded.id) : Promise.resolve(null);
  }
}
