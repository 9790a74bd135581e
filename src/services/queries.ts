import type { DataSource } from 'typeorm';
import { DhcpServer, FailoverRelationship, Scope } from '../entities';
import { BadUserInputError } from '../errors';
import { parseId } from './lookup';

export interface ScopePage {
  scopes: Scope[];
  totalCount: number;
  hasNextPage: boolean;
}

/** Page size bound of the paginated queries (scopes, auditLog). */
export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 100;

/** The page size a query asked for: one plain refusal naming `first` when it is out of bounds. */
export function pageSize(first: number | null | undefined): number {
  if (first == null) return DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) throw new BadUserInputError(`first must be between 0 and ${MAX_PAGE}`, 'first');
  return first;
}

/** The read side behind the top-level query fields. */
export class QueryService {
  constructor(private readonly db: DataSource) {}

  servers(): Promise<DhcpServer[]> {
    return this.db.getRepository(DhcpServer).find({ order: { id: 'ASC' } });
  }

  server(name: string): Promise<DhcpServer | null> {
    return this.db.getRepository(DhcpServer).findOneBy({ name });
  }

  async relationships(serverName?: string | null): Promise<FailoverRelationship[]> {
    const qb = this.db.getRepository(FailoverRelationship).createQueryBuilder('r').orderBy('r.id');
    if (serverName != null) {
      qb.innerJoin(DhcpServer, 's', 's.id IN (r.primary_server_id, r.secondary_server_id)').where('s.name = :serverName', { serverName });
    }
    return qb.getMany();
  }

  relationship(name: string): Promise<FailoverRelationship | null> {
    return this.db.getRepository(FailoverRelationship).findOneBy({ name });
  }

  scope(id: string): Promise<Scope | null> {
    const n = parseId(id);
    return n === null ? Promise.resolve(null) : this.db.getRepository(Scope).findOneBy({ id: n });
  }

  /** Relay-style page of scopes ordered by id; the cursor is the last id seen. */
  async scopes(filter: { server?: string | null; failoverRelationship?: string | null; first?: number | null; after?: string | null }): Promise<ScopePage> {
    const first = pageSize(filter.first);
    const qb = this.db.getRepository(Scope).createQueryBuilder('s');
    if (filter.server != null) qb.innerJoin(DhcpServer, 'srv', 'srv.id = s.server_id AND srv.name = :server', { server: filter.server });
    if (filter.failoverRelationship != null) {
      qb.innerJoin(FailoverRelationship, 'rel', 'rel.id = s.failover_relationship_id AND rel.name = :rel', { rel: filter.failoverRelationship });
    }
    const totalCount = await qb.getCount();
    if (filter.after != null) qb.andWhere('s.id > :after', { after: decodeCursor(filter.after) });
    const rows = await qb.orderBy('s.id').take(first + 1).getMany();
    return { scopes: rows.slice(0, first), totalCount, hasNextPage: rows.length > first };
  }
}

export const encodeCursor = (id: number): string => Buffer.from(`scope:${id}`).toString('base64');

function decodeCursor(cursor: string): number {
  const match = /^scope:(\d{1,15})$/.exec(Buffer.from(String(cursor), 'base64').toString('utf8'));
  if (!match) throw new BadUserInputError('after is not a cursor this API returned', 'after');
  return Number(match[1]);
}
