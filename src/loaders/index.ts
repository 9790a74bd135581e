import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { rowReader, type Row, type RowQuery } from '../db/row-reader';
import { READ, columnsOf, inKeys, isPostgres, keysParam, select, toPool, toRelationship, toScope, toServer, type TableRead } from '../db/rows';
import { FileState, type DhcpServer, type FailoverRelationship, type Pool, type Scope } from '../entities';
import { Pacer } from './pacer';

/** One batched read: a value for every key asked (null or empty for what does not exist). */
type Batch<V> = (keys: readonly number[]) => Promise<Map<number, V>>;

/**
 * One set of loaders per request: every relation a field resolver follows is one batched statement, whatever
 * the number of parents. Keys travel as ONE bind parameter (a JSON array on SQLite, an array on PostgreSQL), so
 * no key set can exceed a bind-parameter limit and the statement count never grows with the data.
 */
export function createLoaders(db: DataSource) {
  const reader = rowReader(db);
  const pacer = new Pacer();
  const batches = new Map<DataLoader<number, unknown>, Batch<unknown>>();
  const loader = <V>(batch: Batch<V>): DataLoader<number, V> => {
    const l = new DataLoader<number, V>(
      async (keys) => {
        const found = await batch(keys);
        return keys.map((k) => found.get(k)!);
      },
      { batchScheduleFn: pacer.schedule },
    );
    batches.set(l, batch as Batch<unknown>);
    return l;
  };
  const each = (query: RowQuery, keys: readonly number[], row: (r: Row) => void) => reader.each(query, [keysParam(db, keys)], row);

  const byId = <T extends { id: number }>(read: TableRead, map: (r: Row) => T): Batch<T | null> => async (ids) => {
    const found = new Map<number, T | null>();
    for (const id of ids) found.set(id, null);
    await each(select(read, inKeys(db, 'id')), ids, (r) => {
      const value = map(r);
      found.set(value.id, value);
    });
    return found;
  };

  /**
   * Children grouped under each key (every key present, maybe with none), in `order`; `keyOf` reads the key from a
   * child. A number order is applied here, a group at a time, not by the statement: the rows mostly arrive in that
   * order already, and an ORDER BY over 40,000 pools doubled SQLite's time for them (17 → 33 ms) and is a sort
   * PostgreSQL spills to disk. A column name orders by the statement: text is in the database's collation.
   */
  const grouped = <T>(read: TableRead, column: string, order: string | ((child: T) => number), map: (r: Row) => T, keyOf: (child: T) => number): Batch<T[]> => async (keys) => {
    const groups = new Map<number, T[]>();
    for (const k of keys) groups.set(k, []);
    await each(select(read, inKeys(db, column), typeof order === 'string' ? order : undefined), keys, (r) => {
      const child = map(r);
      groups.get(keyOf(child))!.push(child);
    });
    if (typeof order === 'function') for (const group of groups.values()) inOrder(group, order);
    return groups;
  };

  const relationshipsByServer: Batch<FailoverRelationship[]> = async (serverIds) => {
    // The keys twice: PostgreSQL's two ANY($1) share one parameter, SQLite's two json_each(?) take one each.
    const query = select(READ.relationship, `${inKeys(db, 'primary_server_id')} OR ${inKeys(db, 'secondary_server_id')}`, 'id');
    const param = keysParam(db, serverIds);
    const found: FailoverRelationship[] = [];
    await reader.each(query, isPostgres(db) ? [param] : [param, param], (r) => found.push(toRelationship(r)));
    return new Map(serverIds.map((id) => [id, found.filter((r) => r.primaryServerId === id || r.secondaryServerId === id)]));
  };

  const scopeCountByRelationship: Batch<number> = async (relIds) => {
    const counts = new Map<number, number>(relIds.map((id) => [id, 0]));
    const query = { columns: 'rel, n', from: `FROM (SELECT failover_relationship_id AS rel, COUNT(*) AS n FROM scope WHERE ${inKeys(db, 'failover_relationship_id')} GROUP BY failover_relationship_id) counts` };
    await each(query, relIds, ([rel, n]) =>
      counts.set(Number(rel), Number(n)),
    );
    return counts;
  };

  /** The same network on the other server of the same relationship. */
  const partnerScope: Batch<Scope | null> = async (scopeIds) => {
    const found = new Map<number, Scope | null>(scopeIds.map((id) => [id, null]));
    const query = {
      columns: `o.id, ${columnsOf('scope', 's')}`,
      from: `FROM scope o JOIN scope s ON s.failover_relationship_id = o.failover_relationship_id AND s.network = o.network AND s.server_id <> o.server_id WHERE ${inKeys(db, 'o.id')}`,
    };
    await each(query, scopeIds, ([forId, ...scope]) => found.set(Number(forId), toScope(scope)));
    return found;
  };

  const toFileState = ([serverId, path, sha256, content, seenAt]: Row) =>
    Object.assign(new FileState(), { serverId: Number(serverId), path: path as string, sha256: sha256 as string, content: (content as string | null) ?? null, seenAt: new Date(seenAt as string) });

  const loaders = {
    fileStatesByServer: loader(grouped({ columns: 'server_id, path, sha256, content, seen_at', table: 'file_state' }, 'server_id', 'path', toFileState, (f) => f.serverId)),
    server: loader(byId<DhcpServer>(READ.server, toServer)),
    relationship: loader(byId<FailoverRelationship>(READ.relationship, toRelationship)),
    scope: loader(byId<Scope>(READ.scope, toScope)),
    pool: loader(byId<Pool>(READ.pool, toPool)),
    relationshipsByServer: loader(relationshipsByServer),
    scopeCountByRelationship: loader(scopeCountByRelationship),
    scopesByServer: loader(grouped(READ.scope, 'server_id', (s) => s.id, toScope, (s) => s.serverId)),
    scopesByRelationship: loader(grouped(READ.scope, 'failover_relationship_id', (s) => s.id, toScope, (s) => s.failoverRelationshipId!)),
    poolsByScope: loader(grouped(READ.pool, 'scope_id', (p) => p.position, toPool, (p) => p.scopeId)),
    partnerScope: loader(partnerScope),
  };
  // What a prefetch (src/loaders/prefetch.ts) read, by loader and key: the maps its batches returned.
  const known = new Map<DataLoader<number, unknown>, Map<number, unknown>>();
  return {
    ...loaders,
    pace: pacer.pace,
    /**
     * The value a prefetch already read for `key`, synchronously, else undefined. A field resolver that returns it
     * as it is (no promise) lets the executor complete the field at once, instead of one microtask per item.
     */
    known<V>(l: DataLoader<number, V>, key: number): V | undefined {
      return known.get(l)?.get(key) as V | undefined;
    },
    /**
     * A list field: the prefetched list, or the loader's (paced); either way handed to the executor a slice at a
     * time (src/loaders/pacer.ts), so completing 20,000 scopes does not hold the event loop.
     */
    list<T>(l: DataLoader<number, T[]>, key: number): ListOf<T> {
      const read = this.known(l, key);
      return read ? pacer.slices(read) : pacer.pace(l.load(key)).then((items) => pacer.slices(items));
    },
    /**
     * Reads `keys` with the loader's batch, one statement, straight into `known` (no DataLoader promise per key):
     * what a prefetch does for each relation of each level. Returns what was found.
     */
    async read<V>(l: DataLoader<number, V>, keys: readonly number[]): Promise<Map<number, V>> {
      const found = (await batches.get(l)!(keys)) as Map<number, V>;
      this.remember(l, found);
      return found;
    },
    /** Makes `values` known by their keys. */
    remember<V>(l: DataLoader<number, V>, values: Map<number, V>): void {
      const read = known.get(l);
      if (read) for (const [k, v] of values) read.set(k, v);
      else known.set(l, values);
    },
    /** Forgets every row read so far: called once a mutation has written (the dataloader README's advice). */
    clearAll(): void {
      for (const l of Object.values(loaders)) l.clearAll();
      known.clear();
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Sorts `items` by `orderOf`, unless they already are. */
function inOrder<T>(items: T[], orderOf: (item: T) => number): void {
  for (let i = 1; i < items.length; i++) {
    if (orderOf(items[i - 1]) > orderOf(items[i])) {
      items.sort((a, b) => orderOf(a) - orderOf(b));
      return;
    }
  }
}

/** What a list field resolver returns: the items (some of them promises, src/loaders/pacer.ts), now or later. */
export type ListOf<T> = readonly (T | Promise<T>)[] | Promise<readonly (T | Promise<T>)[]>;
