import { performance } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Settings } from '../config';
import { rowReader, type Row, type RowQuery } from '../db/row-reader';
import { READ, select, toPool, toScope, toServer } from '../db/rows';
import type { DhcpServer, FailoverRelationship, Pool, Scope } from '../entities';
import { countAddresses, LeaseFileCache, mergeTables, spansOf, utilizationOf, type LeaseTable, type Utilization } from '../leases';
import type { Loaders } from '../loaders';
import { TransportError, type ServerFiles } from '../transport/server-files';

const STATES = ['active', 'free', 'backup', 'expired', 'abandoned'] as const;

/**
 * Pool utilisation from each server's own lease file (`servers.<name>.leases`), read over the server's transport
 * and cached per file while its size and mtime stay the same (src/leases). Process-wide; `forRequest` gives the
 * per-request view the field resolvers use. Fills `gateway_pool_addresses{server,scope,state}` when /metrics is
 * scraped: from the cached tables, re-reading (streamed, never blocking) only a file that changed.
 */
export class UtilizationService {
  private readonly cache = new LeaseFileCache();
  /** the last read failure logged per server, so a broken file is logged once, not on every request */
  private readonly failures = new Map<string, string>();
  /** pair tables by the two tables they were merged from: merged again only when either file changed */
  private readonly merged = new WeakMap<LeaseTable, WeakMap<LeaseTable, LeaseTable>>();

  constructor(
    private readonly settings: Settings,
    private readonly filesOf: (server: { name: string }) => ServerFiles,
    private readonly db: DataSource,
    registry: Registry,
    private readonly log: (line: string) => void,
  ) {
    const service = this;
    new Gauge({
      name: 'gateway_pool_addresses',
      help: "Addresses in each scope's pools by state, from the server's own lease file (read when scraped)",
      labelNames: ['server', 'scope', 'state'],
      registers: [registry],
      async collect() {
        await service.fillGauge(this);
      },
    });
  }

  /** The server's lease table; null when its file does not exist or cannot be read (the cause is logged). */
  async table(server: DhcpServer): Promise<LeaseTable | null> {
    try {
      const table = await this.cache.read(server.name, this.filesOf(server), this.settings.hooksFor(server.name).leases);
      this.failures.delete(server.name);
      return table;
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      if (this.failures.get(server.name) !== e.message) this.log(`lease file of server "${server.name}": ${e.message}`);
      this.failures.set(server.name, e.message);
      return null;
    }
  }

  utilization(server: DhcpServer, table: LeaseTable, ranges: Pool['ranges']): Utilization {
    return utilizationOf(countAddresses(table, spansOf(ranges)), table.readAt, this.settings.hooksFor(server.name).utilization);
  }

  merge(primary: LeaseTable, secondary: LeaseTable): LeaseTable {
    let bySecondary = this.merged.get(primary);
    if (!bySecondary) this.merged.set(primary, (bySecondary = new WeakMap()));
    let table = bySecondary.get(secondary);
    if (!table) bySecondary.set(secondary, (table = mergeTables(primary, secondary)));
    return table;
  }

  forRequest(loaders: Loaders): RequestUtilization {
    return new RequestUtilization(this, loaders);
  }

  private async fillGauge(gauge: Gauge<'server' | 'scope' | 'state'>): Promise<void> {
    // Three statements whatever the size; the scopes of a server whose file cannot be read get no series.
    const all = async <T>(query: RowQuery, map: (r: Row) => T) => {
      const found: T[] = [];
      await rowReader(this.db).each(query, [], (r) => found.push(map(r)));
      return found;
    };
    const [servers, scopes, pools] = await Promise.all([all(select(READ.server), toServer), all(select(READ.scope), toScope), all(select(READ.pool), toPool)]);
    const tables = new Map(await Promise.all(servers.map(async (s) => [s.id, { server: s, table: await this.table(s) }] as const)));
    const ranges = new Map<number, Pool['ranges']>();
    for (const p of pools) ranges.set(p.scopeId, [...(ranges.get(p.scopeId) ?? []), ...p.ranges]);
    // Counted with the event loop handed back every 20 ms; the gauge is only replaced once all are counted.
    const values: [DhcpServer, Scope, Utilization][] = [];
    let sliceStart = performance.now();
    for (const scope of scopes) {
      const { server, table } = tables.get(scope.serverId) ?? {};
      if (!server || !table) continue;
      values.push([server, scope, this.utilization(server, table, ranges.get(scope.id) ?? [])]);
      if (performance.now() - sliceStart > 20) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    gauge.reset();
    for (const [server, scope, counts] of values) for (const state of STATES) gauge.set({ server: server.name, scope: scope.network, state }, counts[state]);
  }
}

/**
 * One request's view: each server's table is asked for once per request (one stat, a read only when the file
 * changed), the pair's merged table once per relationship's servers; scopes, pools and servers come through the
 * request's loaders, so a list of 20,000 scopes costs the same few statements as one.
 */
export class RequestUtilization {
  private readonly tables = new Map<number, Promise<LeaseTable | null>>();
  private readonly pairs = new Map<string, Promise<LeaseTable | null>>();
  private readonly sides = new Map<number, Promise<{ server: DhcpServer; table: LeaseTable } | null>>();
  /** counts still to compute, in the order asked, and the next one to take */
  private jobs: (() => void)[] = [];
  private next = 0;

  constructor(
    private readonly service: UtilizationService,
    private readonly loaders: Loaders,
  ) {}

  async pool(pool: Pool): Promise<Utilization | null> {
    const scope = await this.loaders.scope.load(pool.scopeId);
    return scope ? this.own(scope.serverId, pool.ranges) : null;
  }

  async scope(scope: Scope): Promise<Utilization | null> {
    const l = this.loaders;
    // Read with the scopes when the query asks for their utilisation (src/loaders/prefetch.ts): no promise per scope.
    const pools = l.known(l.poolsByScope, scope.id) ?? (await l.poolsByScope.load(scope.id));
    return this.own(
      scope.serverId,
      pools.flatMap((p) => p.ranges),
    );
  }

  /** Every address of the relationship's pools on either server once, with the newer of the two records. */
  async relationship(rel: FailoverRelationship): Promise<Utilization | null> {
    const [primary, scopes, table] = await Promise.all([
      this.loaders.server.load(rel.primaryServerId),
      this.loaders.scopesByRelationship.load(rel.id),
      this.pairTable(rel.primaryServerId, rel.secondaryServerId),
    ]);
    const pools = await Promise.all(scopes.map((s) => this.loaders.poolsByScope.load(s.id)));
    if (!primary || !table) return null;
    return this.count(
      primary,
      table,
      pools.flat().flatMap((p) => p.ranges),
    );
  }

  /** One continuation per scope on a promise per server: 20,000 scopes waiting for a lease file wake cheaply. */
  private own(serverId: number, ranges: Pool['ranges']): Promise<Utilization | null> {
    return this.side(serverId).then((side) => (side ? this.count(side.server, side.table, ranges) : null));
  }

  private side(serverId: number): Promise<{ server: DhcpServer; table: LeaseTable } | null> {
    let side = this.sides.get(serverId);
    if (!side) {
      side = Promise.all([this.loaders.server.load(serverId), this.table(serverId)]).then(([server, table]) => (server && table ? { server, table } : null));
      this.sides.set(serverId, side);
    }
    return side;
  }

  /**
   * The counts, computed in slices of at most 20 ms with the event loop handed back in between: when a lease
   * file has been read, 20,000 scopes waiting for it would otherwise all be counted (and completed by graphql-js)
   * in one go, and /healthz would wait for all of them.
   */
  private count(server: DhcpServer, table: LeaseTable, ranges: Pool['ranges']): Promise<Utilization> {
    return new Promise((resolve) => {
      this.jobs.push(() => resolve(this.service.utilization(server, table, ranges)));
      if (this.jobs.length === 1) setImmediate(this.work);
    });
  }

  private readonly work = (): void => {
    const started = performance.now();
    while (this.next < this.jobs.length && performance.now() - started < 20) this.jobs[this.next++]();
    if (this.next < this.jobs.length) {
      setImmediate(this.work);
    } else {
      this.jobs = [];
      this.next = 0;
    }
  };

  private table(serverId: number): Promise<LeaseTable | null> {
    let table = this.tables.get(serverId);
    if (!table) {
      table = this.loaders.server.load(serverId).then((server) => (server ? this.service.table(server) : null));
      this.tables.set(serverId, table);
    }
    return table;
  }

  /** Both files merged; only one of them when the other cannot be read (failover gives each side every binding). */
  private pairTable(primaryId: number, secondaryId: number): Promise<LeaseTable | null> {
    const key = `${primaryId}:${secondaryId}`;
    let table = this.pairs.get(key);
    if (!table) {
      table = Promise.all([this.table(primaryId), this.table(secondaryId)]).then(([a, b]) => (a && b ? this.service.merge(a, b) : (a ?? b)));
      this.pairs.set(key, table);
    }
    return table;
  }
}
