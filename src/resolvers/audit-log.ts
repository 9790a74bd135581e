import { Arg, Args, ArgsType, Authorized, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { AuditEntry } from '../entities/audit-entry';
import { rowIdOf } from '../global-id';
import { PAGE_SIZE } from '../pagination';
import { PageInfo, toConnection } from './types/pagination';

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
  @Field(() => Int, { nullable: true, description: `Page size, 0..${PAGE_SIZE.max} (default ${PAGE_SIZE.default})` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (older entries)' })
  after?: string | null;
}

@Resolver()
export class AuditLogResolver {
  @Authorized('admin')
  @Query(() => AuditEntry, { nullable: true, description: 'One audit entry, e.g. the one a mutation named in `extensions.auditEntryId` (admin only)' })
  auditEntry(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AuditEntry | null> {
    const n = rowIdOf('AuditEntry', id);
    return n === null ? Promise.resolve(null) : ctx.audit.entry(n);
  }

  @Authorized('admin')
  @Query(() => AuditEntryConnection, { description: 'Every mutation asked for, who asked and how it ended, newest first (admin only)' })
  async auditLog(@Args() args: AuditLogArgs, @Ctx() ctx: Context): Promise<AuditEntryConnection> {
    return toConnection(await ctx.audit.page(args.first, args.after), 'audit');
  }
}
