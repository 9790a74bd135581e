import { Args, ArgsType, Authorized, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { encodeAuditCursor } from '../audit/audit-log';
import type { Context } from '../context';
import { AuditEntry } from '../entities/audit-entry';
import { DEFAULT_PAGE, MAX_PAGE } from '../services/queries';
import { PageInfo } from './types/graph-types';

@ObjectType({ description: 'An audit entry with its cursor' })
export class AuditEntryEdge {
  @Field({ description: 'Opaque cursor of this entry' })
  cursor: string;

  @Field(() => AuditEntry, { description: 'The entry' })
  node: AuditEntry;
}

@ObjectType({ description: 'A page of the audit log, newest first' })
export class AuditEntryConnection {
  @Field(() => [AuditEntryEdge], { description: 'The entries of this page, newest first' })
  edges: AuditEntryEdge[];

  @Field(() => PageInfo, { description: 'Where this page stands' })
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Number of entries in the whole log' })
  totalCount: number;
}

@ArgsType()
export class AuditLogArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 0..${MAX_PAGE} (default ${DEFAULT_PAGE})` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (older entries)' })
  after?: string | null;
}

@Resolver()
export class AuditLogResolver {
  @Authorized('admin')
  @Query(() => AuditEntryConnection, { description: 'Every mutation asked for, who asked and how it ended, newest first (admin only)' })
  async auditLog(@Args() args: AuditLogArgs, @Ctx() ctx: Context): Promise<AuditEntryConnection> {
    const page = await ctx.audit.page(args.first, args.after);
    const edges = page.entries.map((node) => ({ cursor: encodeAuditCursor(node.id), node }));
    return { edges, totalCount: page.totalCount, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}
