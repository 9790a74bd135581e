import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { SELECT, inKeys, isPostgres, keysParam, toPool, toRelationship, toScope, toServer } from '../db/rows';
import { FileState, type DhcpServer, type FailoverRelationship, type Pool, type Scope } from '../entities';
import { Pacer } from './pacer';

type Row = Record<string, unknown>;

/**
 * One set of loaders per request: every relation a field resolver follows is one batched statement, whatever
 * the number of parents. Keys travel as ONE bind parameter (a JSON array on SQLite, an array on PostgreSQL), so
 * no key set can exceed a bind-parameter limit and the statement count never grows with the data.
 */
export function createLoaders(db: DataSource) {
  const pacer = new Pacer();
  const options = { batchScheduleFn: pacer.schedule };
  const rows = (sql: string, keys: readonly number[]): Promise<Row[]> => db.query(sql, [keysParam(db, keys)]);

  const byId = <T extends { id: number }>(select: string, map: (r: Row) => T) =>
    new DataLoader<number, T | null>(async (ids) => {
      const found = new Map((await rows(`${select} WHERE ${inKeys(db, 'id')}`, ids)).map((r) => [Number(r.id), map(r)]));
      return ids.map((id) => found.get(id) ?? null);
    }, options);

  /** Children grouped under each key, in `order`. */
  const grouped = <T>(select: string, column: string, order: string, map: (r: Row) => T) =>
    new DataLoader<number, T[]>(async (keys) => {
      const groups = new Map<number, T[]>(keys.map((k) => [k, []]));
      for (const r of await rows(`${select} WHERE ${inKeys(db, column)} ORDER BY ${order}`, keys)) groups.get(Number(r[column]))!.push(map(r));
      return keys.map((k) => groups.get(k)!);
    }, options);

  const relationshipsByServer = new DataLoader<number, FailoverRelationship[]>(async (serverIds) => {
    // The keys twice: PostgreSQL's two ANY($1) share one parameter, SQLite's two json_each(?) take one each.
    const sql = `${SELECT.relationship} WHERE ${inKeys(db, 'primary_server_id')} OR ${inKeys(db, 'secondary_server_id')} ORDER BY id`;
    const param = keysParam(db, serverIds);
    const found = ((await db.query(sql, isPostgres(db) ? [param] : [param, param])) as Row[]).map(toRelationship);
    return serverIds.map((id) => found.filter((r) => r.primaryServerId === id || r.secondaryServerId === id));
  }, options);

  const scopeCountByRelationship = new DataLoader<number, number>(async (relIds) => {
    const counts = new Map(
      (await rows(`SELECT failover_relationship_id AS rel, COUNT(*) AS n FROM scope WHERE ${inKeys(db, 'failover_relationship_id')} GROUP BY failover_relationship_id`, relIds)).map(
        (r) => [Number(r.rel), Number(r.n)],
      ),
    );
    return relIds.map((id) => counts.get(id) ?? 0);
  }, options);

  /** The same network on the other server of the same relationship. */
  const partnerScope = new DataLoader<number, Scope | null>(async (scopeIds) => {
    const found = new Map(
      (
        await rows(
          `SELECT o.id AS for_id, s.* FROM scope o JOIN scope s ON s.failover_relationship_id = o.failover_relationship_id AND s.network = o.network AND s.server_id <> o.server_id WHERE ${inKeys(db, 'o.id')}`,
          scopeIds,
        )
      ).map((r) => [Number(r.for_id), toScope(r)]),
    );
    return scopeIds.map((id) => found.get(id) ?? null);
  }, options);

  const loaders = {
    fileStatesByServer: grouped<FileState>('SELECT server_id, path, sha256, content, seen_at FROM file_state', 'server_id', 'path', (r) =>
      Object.assign(new FileState(), { serverId: Number(r.server_id), path: r.path as string, sha256: r.sha256 as string, content: (r.content as string | null) ?? null, seenAt: new Date(r.seen_at as string) }),
    ),
    server: byId<DhcpServer>(SELECT.server, toServer),
    relationship: byId<FailoverRelationship>(SELECT.relationship, toRelationship),
    scope: byId<Scope>(SELECT.scope, toScope),
    pool: byId<Pool>(SELECT.pool, toPool),
    relationshipsByServer,
    scopeCountByRelationship,
    scopesByServer: grouped<Scope>(SELECT.scope, 'server_id', 'id', toScope),
    scopesByRelationship: grouped<Scope>(SELECT.scope, 'failover_relationship_id', 'id', toScope),
    poolsByScope: grouped<Pool>(SELECT.pool, 'scope_id', 'position', toPool),
    partnerScope,
  };
  // What a prefetch (src/loaders/prefetch.ts) read, by loader and key: the same objects as in the loaders' caches.
  const known = new Map<DataLoader<number, unknown>, Map<number, unknown>>();
  return {
    ...loaders,
    pace: pacer.pace,
    /**
     * The value a prefetch already read for `key`, synchronously, else undefined. A field resolver that returns it
     * as it is (no promise) lets the executor complete the field at once, instead of one microtask per item.
     */
    known<V>(loader: DataLoader<number, V>, key: number): V | undefined {
      return known.get(loader)?.get(key) as V | undefined;
    },
    remember<V>(loader: DataLoader<number, V>, keys: readonly number[], values: readonly V[]): void {
      const byKey = known.get(loader) ?? new Map<number, unknown>();
      known.set(loader, byKey);
      keys.forEach((k, i) => byKey.set(k, values[i]));
    },
    /** Forgets every row read so far: called once a mutation has written (the dataloader README's advice). */
    clearAll(): void {
      for (const loader of Object.values(loaders)) loader.clearAll();
      known.clear();
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
