import type { DataSource, EntityManager } from 'typeorm';
import type { FailoverRole, IpRange, Transport } from '../domain';
import { DhcpServer, FailoverRelationship, Pool, Scope } from '../entities';
import type { Row, RowQuery } from './row-reader';

/**
 * Plain SQL for the two hot paths, reading thousands of rows for one GraphQL answer and importing a whole file:
 * TypeORM's query builder and entity hydration cost more than the database itself at that size. The column lists
 * and row mappers below are the only place that knows the tables' column names outside the entities.
 */

/** Columns, in their order, and the table they are read from. */
export interface TableRead {
  columns: string;
  table: string;
}

/** What each mapper below reads. */
export const READ = {
  server: { columns: 'id, name, address, config_path, transport, unmatched_failover_peers, created_at', table: 'dhcp_server' },
  relationship: {
    columns: 'id, name, primary_server_id, secondary_server_id, percentage, mclt, port, load_balance_max_seconds, max_response_delay, max_unacked_updates',
    table: 'failover_relationship',
  },
  scope: { columns: 'id, server_id, network, name, enabled, failover_relationship_id, failover_role', table: 'scope' },
  pool: { columns: 'id, scope_id, position, ranges', table: 'pool' },
} satisfies Record<string, TableRead>;

/** The rows of `read.table` that `where` (if given) selects, in `orderBy` (if given), as src/db/row-reader.ts reads them. */
export function select(read: TableRead, where?: string, orderBy?: string): RowQuery {
  return { columns: read.columns, from: `FROM ${read.table}${where ? ` WHERE ${where}` : ''}`, orderBy };
}

/** The columns of `READ[table]`, each prefixed with `alias.`, for a join that reads them in the same order. */
export function columnsOf(table: keyof typeof READ, alias: string): string {
  return READ[table].columns.split(', ').map((c) => `${alias}.${c}`).join(', ');
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

// The mappers take a row as src/db/row-reader.ts gives it: the values in READ's column order. The two a big answer
// runs 20,000 and 40,000 times (scopes, pools) make each entity as an object literal with the class's prototype, not
// by `new` and assignments: the same object to every reader (`instanceof` included: the entities have no constructor
// and no field initialisers, and each literal lists every field, as `satisfies` checks), and V8 makes it in one step
// at its final size; the nested query's young-generation collections took a third less time (the entities live until
// the answer is written, so each collection copies them).

export function toServer([id, name, address, configPath, transport, unmatchedFailoverPeers, createdAt]: Row): DhcpServer {
  const s = new DhcpServer();
  s.id = Number(id);
  s.name = name as string;
  s.address = address as string;
  s.configPath = configPath as string;
  s.transport = transport as Transport;
  s.unmatchedFailoverPeers = json<string[]>(unmatchedFailoverPeers);
  s.createdAt = new Date(createdAt as string);
  return s;
}

export function toRelationship([id, name, primaryServerId, secondaryServerId, percentage, mclt, port, loadBalanceMaxSeconds, maxResponseDelay, maxUnackedUpdates]: Row): FailoverRelationship {
  const r = new FailoverRelationship();
  r.id = Number(id);
  r.name = name as string;
  r.primaryServerId = Number(primaryServerId);
  r.secondaryServerId = Number(secondaryServerId);
  r.percentage = Number(percentage);
  r.mclt = Number(mclt);
  r.port = Number(port);
  r.loadBalanceMaxSeconds = Number(loadBalanceMaxSeconds);
  r.maxResponseDelay = Number(maxResponseDelay);
  r.maxUnackedUpdates = Number(maxUnackedUpdates);
  return r;
}

export function toScope([id, serverId, network, name, enabled, failoverRelationshipId, failoverRole]: Row): Scope {
  return {
    __proto__: Scope.prototype,
    id: Number(id),
    serverId: Number(serverId),
    network: network as string,
    name: (name as string | null) ?? null,
    // SQLite has no boolean type: 0/1
    enabled: Boolean(enabled),
    failoverRelationshipId: failoverRelationshipId === null ? null : Number(failoverRelationshipId),
    failoverRole: (failoverRole as FailoverRole | null) ?? null,
  } satisfies Omit<Scope, 'globalId'> & { __proto__: Scope } as unknown as Scope;
}

/** The ranges stay the text the database holds until they are read (src/entities/pool.ts). */
export function toPool([id, scopeId, position, ranges]: Row): Pool {
  return Pool.stored(Number(id), Number(scopeId), Number(position), ranges as string);
}

/** `column IN <keys>` with all keys in ONE bind parameter, so neither the statement count nor the parameter count grows with them. */
export function inKeys(db: DataSource | EntityManager, column: string, param = 1): string {
  return isPostgres(db) ? `${column} = ANY($${param})` : `${column} IN (SELECT value FROM json_each(?))`;
}

export function keysParam(db: DataSource | EntityManager, keys: readonly number[]): unknown {
  return isPostgres(db) ? [...keys] : JSON.stringify(keys);
}

export function isPostgres(db: DataSource | EntityManager): boolean {
  return ('connection' in db ? db.connection : db).options.type === 'postgres';
}

/** The n-th (1-based) bind placeholder of a statement. */
function placeholder(db: DataSource | EntityManager, n: number): string {
  return isPostgres(db) ? `$${n}` : '?';
}

/** The networks of a server's scopes: a new scope's overlap check reads 10,000 of them, no entity needed. */
export async function networksOfServer(tx: EntityManager, serverId: number): Promise<string[]> {
  const rows: { network: string }[] = await tx.query(`SELECT network FROM scope WHERE server_id = ${placeholder(tx, 1)}`, [serverId]);
  return rows.map((r) => r.network);
}

export type ScopeRow = Omit<Scope, 'id' | 'globalId'>;

/** New scopes in one multi-row INSERT (an import brings thousands). */
export function insertScopes(tx: EntityManager, scopes: ScopeRow[]): Promise<void> {
  return insertRows(tx, 'scope', ['server_id', 'network', 'name', 'enabled', 'failover_relationship_id', 'failover_role'], scopes.map((s) => [s.serverId, s.network, s.name, s.enabled, s.failoverRelationshipId, s.failoverRole]));
}

/** Deletes the pools of every scope of a server and inserts those of `poolsByNetwork` (ranges per pool, in order). */
export async function replacePoolsOfServer(tx: EntityManager, serverId: number, poolsByNetwork: Map<string, IpRange[][]>): Promise<void> {
  await tx.query(`DELETE FROM pool WHERE scope_id IN (SELECT id FROM scope WHERE server_id = ${placeholder(tx, 1)})`, [serverId]);
  const ids: { id: number; network: string }[] = await tx.query(`SELECT id, network FROM scope WHERE server_id = ${placeholder(tx, 1)}`, [serverId]);
  const pools = ids.flatMap(({ id, network }) => (poolsByNetwork.get(network) ?? []).map((ranges, position) => [Number(id), position, JSON.stringify(ranges)]));
  await insertRows(tx, 'pool', ['scope_id', 'position', 'ranges'], pools);
}

/** Multi-row INSERT, chunked to stay far below SQLite's (32,766) and PostgreSQL's (65,535) bind-parameter limits. */
async function insertRows(tx: EntityManager, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const pg = isPostgres(tx);
  const perChunk = Math.max(1, Math.floor(10_000 / columns.length));
  for (let i = 0; i < rows.length; i += perChunk) {
    const chunk = rows.slice(i, i + perChunk);
    let n = 0;
    const values = chunk.map((row) => `(${row.map(() => placeholder(tx, ++n)).join(', ')})`).join(', ');
    // better-sqlite3 binds no booleans: SQLite stores them as 0/1
    const params = chunk.flat().map((v) => (typeof v === 'boolean' && !pg ? Number(v) : v));
    await tx.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, params);
  }
}
