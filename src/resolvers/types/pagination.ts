import { Field, ObjectType } from 'type-graphql';
import { encodeCursor, type Page } from '../../pagination';

@ObjectType({ simpleResolvers: true, description: 'Relay page information' })
export class PageInfo {
  @Field({ description: 'Whether more items follow this page' })
  hasNextPage: boolean;

  @Field({ description: 'Whether items come before this page (true when it started after a cursor)' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; pass it as `after` for the next page' })
  endCursor: string | null;
}

/** The Relay connection of a page: an edge with its cursor per node, and the page information. */
export function toConnection<T extends { id: number }>(page: Page<T>, kind: string): { edges: { cursor: string; node: T }[]; pageInfo: PageInfo; totalCount: number } {
  const edges = page.nodes.map((node) => ({ cursor: encodeCursor(kind, node.id), node }));
  return {
    edges,
    totalCount: page.totalCount,
    pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: page.hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
