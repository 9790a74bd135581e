import type { DataSource } from 'typeorm';
import { DhcpServer, FailoverRelationship, Scope } from '../../entities';
import { rowIdOf } from '../../global-id';
import { pageOf, type Page } from '../../pagination';

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
    const n = rowIdOf('Scope', id);
    return n === null ? Promise.resolve(null) : this.db.getRepository(Scope).findOneBy({ id: n });
  }

  /** Relay-style page of scopes ordered by id; the cursor is the last id seen. */
  scopes(filter: { server?: string | null; failoverRelationship?: string | null; first?: number | null; after?: string | null }): Promise<Page<Scope>> {
    const qb = this.db.getRepository(Scope).createQueryBuilder('s');
    if (filter.server != null) qb.innerJoin(DhcpServer, 'srv', 'srv.id = s.server_id AND srv.name = :server', { server: filter.server });
    if (filter.failoverRelationship != null) {
      qb.innerJoin(FailoverRelationship, 'rel', 'rel.id = s.failover_relationship_id AND rel.name = :rel', { rel: filter.failoverRelationship });
    }
    return pageOf(filter.first, 'scope', filter.after, () => qb.getCount(), (afterId, limit) => {
      if (afterId !== null) qb.andWhere('s.id > :after', { after: afterId });
      return qb.orderBy('s.id').take(limit).getMany();
    });
  }
}
