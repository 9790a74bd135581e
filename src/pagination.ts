import { BadUserInputError } from './errors';

/**
 * Relay-style forward pagination, in one place: page-size bounds, the opaque cursor and the page a service
 * returns. The GraphQL shapes (edges, PageInfo) are built from a Page by resolvers/types/pagination.ts.
 */

export const PAGE_SIZE = { default: 100, max: 500 } as const;

/** `first` as given, or the default; outside 0..max it is refused with one clear message. */
function pageSize(first: number | null | undefined): number {
  if (first == null) return PAGE_SIZE.default;
  if (!Number.isInteger(first) || first < 0 || first > PAGE_SIZE.max) {
    throw new BadUserInputError(`first must be an integer from 0 to ${PAGE_SIZE.max}, got ${first}`, 'first');
  }
  return first;
}

/** The cursor of a row: its kind and id, base64, so clients treat it as opaque. */
export const encodeCursor = (kind: string, id: number): string => Buffer.from(`${kind}:${id}`).toString('base64');

function decodeCursor(kind: string, cursor: string): number {
  const text = Buffer.from(String(cursor), 'base64').toString('utf8');
  const match = /^([a-z]+):(\d{1,15})$/.exec(text);
  if (!match || match[1] !== kind) throw new BadUserInputError('after is not a cursor this API returned', 'after');
  return Number(match[2]);
}

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
  /** forward pagination: rows lie before the page exactly when it started after a cursor */
  hasPreviousPage: boolean;
}

/**
 * One page of rows ordered by id: `fetch(afterId, limit)` returns up to `limit` rows after `afterId`
 * (null: from the start); one row more than the page tells whether another page follows.
 */
export async function pageOf<T>(first: number | null | undefined, kind: string, after: string | null | undefined, count: () => Promise<number>, fetch: (afterId: number | null, limit: number) => Promise<T[]>): Promise<Page<T>> {
  const size = pageSize(first);
  const afterId = after != null ? decodeCursor(kind, after) : null;
  const totalCount = await count();
  const rows = await fetch(afterId, size + 1);
  return { nodes: rows.slice(0, size), totalCount, hasNextPage: rows.length > size, hasPreviousPage: afterId !== null };
}
