import type { DataSource, EntityManager } from 'typeorm';
import type { FailoverRole, IpRange, Transport } from '../domain';
import { DhcpServer, FailoverRelationship, Pool, Scope } from '../entities';

/**
 * Plain SQL for the two hot paths, reading thousands of rows for one GraphQL answer and importing a whole file:
 * TypeORM's query builder and entity hydration cost more than the database itself at that size. The column lists
 * and row mappers below are the only place that knows the tables' column names outside the entities.
 */

type Row = Record<string, unknown>;

export const SELECT = {
  server: 'SELECT id, name, address, config_path, transport, unmatched_failover_peers, created_at FROM dhcp_server',
  relationship:
    'SELECT id, name, primary_server_id, secondary_server_id, percentage, mclt, port, load_balance_max_seconds, max_response_delay, max_unacked_updates FROM failover_relationship',
  scope: 'SELECT id, server_id, network, name, enabled, failover_relationship_id, failover_role FROM scope',
  pool: 'SELECT id, scope_id, position, ranges FROM pool',
};

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export function toServer(r: Row): DhcpServer {
  return Object.assign(new DhcpServer(), {
    id: Number(r.id),
    name: r.name as string,
    address: r.address as string,
    configPath: r.config_path as string,
    transport: r.transport as Transport,
    unmatchedFailoverPeers: json<string[]>(r.unmatched_failover_peers),
    createdAt: new Date(r.created_at as string),
  });
}

export function toRelationship(r: Row): FailoverRelationship {
  return Object.assign(new FailoverRelationship(), {
    id: Number(r.id),
    name: r.name as string,
    primaryServerId: Number(r.primary_server_id),
    secondaryServerId: Number(r.secondary_server_id),
    percentage: Number(r.percentage),
    mclt: Number(r.mclt),
    port: Number(r.port),
    loadBalanceMaxSeconds: Number(r.load_balance_max_seconds),
    maxResponseDelay: Number(r.max_response_delay),
    maxUnackedUpdates: Number(r.max_unacked_updates),
  });
}

export function toScope(r: Row): Scope {
  return Object.assign(new Scope(), {
    id: Number(r.id),
    serverId: Number(r.server_id),
    network: r.network as string,
    name: (r.name as string | null) ?? null,
    // SQLite has no boolean type: 0/1
    enabled: Boolean(r.enabled),
    failoverRelationshipId: r.failover_relationship_id === null ? null : Number(r.failover_relationship_id),
    failoverRole: (r.failover_role as FailoverRole | null) ?? null,
  });
}

export function toPool(r: Row): Pool {
  return Object.assign(new Pool(), { id: Number(r.id), scopeId: Number(r.scope_id), position: Number(r.position), ranges: json(r.ranges) });
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
