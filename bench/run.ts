/**
 * `npm run bench [-- --json] [-- --subnets N]`: the service at 10,000 subnets per server, every figure next to a
 * baseline measured in the same run (the machines are shared, so only ratios mean anything).
 * The import and the mutation are measured on a gateway in the bench's own process; the nested query, /healthz
 * meanwhile, the statements, the peak RSS and the lease figures on the service as `npm start` runs it, in a
 * process of its own (bench/service-process.ts), on SQLite and on PostgreSQL.
 * `-- --ssh`: the same pair served over SSH instead (bench/ssh.ts). `-- --only local` (import and mutation) or
 * `-- --only service` (the figures of the service process) measures one half, for working on it.
 */
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGateway, Gateway } from '../src/app';
import { loadSettings } from '../src/config';
import { parse, stringify, validateConfig } from '../src/config-sync';
import { readLeases, TableBuilder } from '../src/leases';
import { LocalFiles } from '../src/transport/local';
import { Journal } from '../src/config-sync/apply/journal';
import { sha256 } from '../src/config-sync/apply/model-cache';
import { openJournalDatabase } from '../src/db/data-source';
import { FileStates } from '../src/db/file-states';
import { Writers } from '../src/db/writers';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { generateLeaseFile } from './lease-file';
import { createPostgresDatabase } from './postgres-database';
import { NESTED_QUERY, PAIR_ADDRESSES, PEER, pairConfig } from './pair-config';
import { ServiceProcess, startFlags } from './service-process';
import { sshBench } from './ssh';

const TOKEN = 'bench-admin-token';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

/** gateway_sql_statements_total, as /metrics shows it. */
async function sqlCount(p: Pair): Promise<number> {
  const res = await fetch(p.url.replace('/graphql', '/metrics'), { headers: { authorization: `Bearer ${TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith('gateway_sql_statements_total '));
  if (!line) throw new Error('gateway_sql_statements_total is not on /metrics');
  return Number(line.split(' ')[1]);
}

/** The statements `work` sends: /metrics itself reads the database (the utilisation gauges), so one scrape's are taken off. */
async function statementsOf(p: Pair, work: () => Promise<unknown>): Promise<number> {
  const first = await sqlCount(p);
  const before = await sqlCount(p);
  await work();
  return (await sqlCount(p)) - before - (before - first);
}

/** The generated pair's files in a folder of their own, as a gateway's settings name them. */
interface PairFiles {
  dir: string;
  files: { primary: string; secondary: string };
  /** each server's dhcpd.leases, as GATEWAY_SERVERS_FILE names it (written only by the lease figures) */
  leases: { primary: string; secondary: string };
  env: Record<string, string | undefined>;
}

interface Pair extends PairFiles {
  url: string;
}

interface InProcessPair extends Pair {
  gw: Gateway;
  http: Server;
}

function writePair(subnets: number): PairFiles {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gw-bench-'));
  const root = path.join(dir, 'servers');
  mkdirSync(root);
  const files = { primary: path.join(root, 'primary.conf'), secondary: path.join(root, 'secondary.conf') };
  writeFileSync(files.primary, pairConfig('primary', subnets));
  writeFileSync(files.secondary, pairConfig('secondary', subnets));
  const leases = { primary: path.join(dir, 'primary.leases'), secondary: path.join(dir, 'secondary.leases') };
  const serversFile = path.join(dir, 'servers.json');
  writeFileSync(serversFile, JSON.stringify({ servers: { primary: { leases: leases.primary }, secondary: { leases: leases.secondary } } }));
  const env = { DATABASE_URL: `sqlite:${path.join(dir, 'gateway.db')}`, GRAPHQL_EXECUTOR: process.env.GRAPHQL_EXECUTOR, CONFIG_ROOT: root, GATEWAY_ADMIN_TOKEN: TOKEN, GATEWAY_SERVERS_FILE: serversFile };
  return { dir, files, leases, env };
}

async function startPair(subnets: number): Promise<InProcessPair> {
  const pair = writePair(subnets);
  const gw = await createGateway(loadSettings(pair.env), { log: () => {} });
  const http = await new Promise<Server>((resolve) => {
    const s = gw.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { ...pair, gw, http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql` };
}

async function stopPair(p: InProcessPair): Promise<void> {
  await new Promise((r) => p.http.close(r));
  await p.gw.stop();
  rmSync(p.dir, { recursive: true, force: true });
}

/** A database the service figures run on: a fresh one per pair, and the bench's own connection for the SQL baseline. */
interface BenchDatabase {
  /** '' for SQLite (the figures' names as they always were), 'postgres' for PostgreSQL */
  prefix: string;
  name: string;
  /** why it cannot be measured here, or null */
  unavailable(): Promise<string | null>;
  create(dir: string): Promise<{ url: string; query(sql: string): Promise<unknown>; drop(): Promise<void> }>;
}

const PG_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const DATABASES: BenchDatabase[] = [
  {
    prefix: '',
    name: 'SQLite',
    unavailable: async () => null,
    async create(dir) {
      const file = path.join(dir, 'gateway.db');
      let reader: Database.Database | null = null;
      return {
        url: `sqlite:${file}`,
        async query(sql) {
          reader ??= new Database(file, { readonly: true });
          return reader.prepare(sql).all();
        },
        async drop() {
          reader?.close();
        },
      };
    },
  },
  {
    prefix: 'postgres',
    name: 'PostgreSQL',
    async unavailable() {
      const c = new Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
      try {
        await c.connect();
        return null;
      } catch (e) {
        return `${PG_ADMIN_URL.replace(/\/\/[^@/]*@/, '//***@')}: ${(e as Error).message}`;
      } finally {
        await c.end().catch(() => {});
      }
    },
    async create() {
      const database = await createPostgresDatabase(PG_ADMIN_URL, 'gw_bench');
      const client = new Client({ connectionString: database.url });
      let connected: Promise<unknown> | null = null;
      return {
        url: database.url,
        async query(sql) {
          await (connected ??= client.connect());
          return (await client.query(sql)).rows;
        },
        async drop() {
          if (connected) await client.end();
          await database.drop();
        },
      };
    },
  },
];

interface ServicePair extends Pair {
  service: ServiceProcess;
  database: Awaited<ReturnType<BenchDatabase['create']>>;
}

/** The pair served by the service in a process of its own (npm start's node flags), both servers registered. */
async function startServicePair(database: BenchDatabase, subnets: number): Promise<ServicePair> {
  const pair = writePair(subnets);
  const db = await database.create(pair.dir);
  try {
    const service = await ServiceProcess.start({ ...pair.env, DATABASE_URL: db.url });
    const p = { ...pair, service, database: db, url: `${service.origin}/graphql` };
    await register(p);
    return p;
  } catch (e) {
    await db.drop();
    rmSync(pair.dir, { recursive: true, force: true });
    throw e;
  }
}

async function stopServicePair(p: ServicePair): Promise<void> {
  await p.service.stop();
  await p.database.drop();
  rmSync(p.dir, { recursive: true, force: true });
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<{ text: string; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  const body = JSON.parse(text);
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return { text, body };
}

/** The nested query, timed to the last byte of the answer; the client's JSON.parse is outside the clock. */
async function nestedQuery(url: string): Promise<{ ms: number; text: string; body: any }> {
  const start = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ query: NESTED_QUERY }) });
  const text = await res.text();
  const ms = performance.now() - start;
  const body = JSON.parse(text);
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return { ms, text, body };
}

/** The longest /healthz round trip while `work` runs: how long the event loop was held at a stretch. */
async function healthzDuring(p: Pair, work: Promise<unknown>): Promise<{ max: number }> {
  let done = false;
  let max = 0;
  const probe = (async () => {
    while (!done) {
      const t = performance.now();
      await fetch(p.url.replace('/graphql', '/healthz'));
      max = Math.max(max, performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  await work;
  done = true;
  await probe;
  return { max };
}

async function register(p: Pair): Promise<{ primaryMs: number }> {
  const add = (name: string, address: string, file: string) =>
    post(p.url, `mutation($i: AddServerInput!) { addServer(input: $i) { id } }`, { i: { name, address, configPath: file } });
  const primary = await timed(() => add('primary', PAIR_ADDRESSES.primary, p.files.primary));
  await add('secondary', PAIR_ADDRESSES.secondary, p.files.secondary);
  return { primaryMs: primary.ms };
}

/**
 * What the journal adds to a mutation on the big pair, measured by doing it again (median of 3) on the
 * gateway's own databases: the entry with both files' previous bytes committed and closed, and both file
 * states recorded in a transaction, as the MutationRunner does around the writes.
 */
async function journalWork(p: InProcessPair, texts: string[]): Promise<number> {
  const journalDb = await openJournalDatabase(p.gw.db, { url: 'sqlite:' });
  const journal = new Journal(journalDb);
  const writers = new Writers(p.gw.db);
  const servers: { id: number; name: string; config_path: string }[] = await p.gw.db.query('SELECT id, name, config_path FROM dhcp_server ORDER BY id');
  const runs: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      runs.push(
        (
          await timed(async () => {
            const files = servers.map((s, k) => ({ serverId: s.id, server: s.name, path: s.config_path, before: texts[k], beforeHash: sha256(texts[k]), afterHash: sha256(texts[k]) }));
            const entry = await journal.open('bench', files);
            await writers.transaction(async (qr) => {
              for (const [k, s] of servers.entries()) await new FileStates(qr.manager).record(s.id, s.config_path, sha256(texts[k]), texts[k]);
              await journal.markCommitted(qr.manager, entry);
            });
            await journal.close(entry);
          })
        ).ms,
      );
    }
  } finally {
    await journalDb.destroy();
  }
  return median(runs);
}

/** SQL statements the nested query costs at a given size. */
async function statementsAt(database: BenchDatabase, subnets: number): Promise<number> {
  const p = await startServicePair(database, subnets);
  try {
    return await statementsOf(p, () => post(p.url, NESTED_QUERY));
  } finally {
    await stopServicePair(p);
  }
}

/**
 * The routes side by side, each in a service process of its own started on the same database (so none carries the
 * import's heap or another route's): the same nested query (median of 5, after a first one) with the same prefetch
 * and resolvers, its answer written from the rows (GRAPHQL_EXECUTOR=json, the default), or built by graphql-jit or
 * by graphql-js and serialised by Apollo. Measured last: a restart resets the service's peak RSS.
 */
async function onExecutor(p: ServicePair, executor: 'json' | 'jit' | 'graphql-js'): Promise<number> {
  await p.service.stop();
  p.service = await ServiceProcess.start({ ...p.env, DATABASE_URL: p.database.url, GRAPHQL_EXECUTOR: executor });
  p.url = `${p.service.origin}/graphql`;
  await nestedQuery(p.url);
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) runs.push((await nestedQuery(p.url)).ms);
  return median(runs);
}

/**
 * The nested query on one database, the service in its own process: median of 5 to the answer's last byte (the
 * client's parse outside the clock), against JSON.stringify of the same answer and one SQL join over the same rows
 * (the bench's own connection); /healthz meanwhile; statements at this size and at 10 subnets; the service's peak
 * RSS up to here (VmHWM: its start, the import of both files, the queries); then, if given, the lease figures.
 */
async function nestedFigures(database: BenchDatabase, n: number, more?: (p: ServicePair, figures: Record<string, number>) => Promise<void>): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const p = await startServicePair(database, n);
  try {
    const queryRuns: number[] = [];
    let answer = '';
    let parsedAnswer: any = null;
    // A first query after the import (V8 has compiled none of the query path yet), then the five the figure is the median of.
    const statements = await statementsOf(p, async () => {
      for (let i = 0; i < 6; i++) {
        const r = await nestedQuery(p.url);
        queryRuns.push(r.ms);
        answer = r.text;
        parsedAnswer = r.body;
      }
    });
    figures.nestedQueryStatements = statements / 6;
    figures.nestedQueryFirstMs = queryRuns.shift()!;
    figures.healthzIdleMs = (await healthzDuring(p, Promise.resolve().then(() => new Promise((r) => setTimeout(r, 500))))).max;
    figures.healthzDuringQueryMs = (await healthzDuring(p, post(p.url, NESTED_QUERY))).max;
    figures.nestedQueryMs = median(queryRuns);
    figures.answerBytes = Buffer.byteLength(answer);
    figures.scopes = parsedAnswer.data.servers.reduce((a: number, s: any) => a + s.scopes.length, 0);
    figures.pools = parsedAnswer.data.servers.reduce((a: number, s: any) => a + s.scopes.reduce((b: number, sc: any) => b + sc.pools.length, 0), 0);
    const ser: number[] = [];
    for (let i = 0; i < 5; i++) ser.push((await timed(() => JSON.stringify(parsedAnswer))).ms);
    figures.serialiseAnswerMs = median(ser);
    const joins: number[] = [];
    for (let i = 0; i < 5; i++) {
      joins.push(
        (await timed(() => p.database.query('SELECT s.name, sc.id, sc.network, sc.enabled, sc.failover_role, p.id AS pool_id, p.ranges FROM dhcp_server s JOIN scope sc ON sc.server_id = s.id LEFT JOIN pool p ON p.scope_id = sc.id ORDER BY s.id, sc.id, p.position'))).ms,
      );
    }
    figures.sqlJoinMs = median(joins);
    figures.peakRssNestedMB = p.service.peakRssMB();
    await more?.(p, figures);
    figures.jsonQueryMs = await onExecutor(p, 'json');
    figures.jitQueryMs = await onExecutor(p, 'jit');
    figures.graphqlJsQueryMs = await onExecutor(p, 'graphql-js');
  } finally {
    await stopServicePair(p);
  }
  figures.statementsAt10 = await statementsAt(database, 10);
  figures.statementsAtN = figures.nestedQueryStatements;
  return figures;
}

const LEASES = 200_000;
const UTILIZATION_QUERY = '{ servers { name scopes { network utilization { size active free backup expired abandoned percent level readAt } } } }';

/**
 * Utilisation of every scope in one query, each server's lease file read cold (its mtime moved, so the cache
 * reads it again), against the reader alone on the same files; and the longest /healthz wait meanwhile.
 */
function writeLeaseFiles(files: string[], leaseCount: number, subnets: number): number {
  const { text } = generateLeaseFile(leaseCount, subnets);
  for (const file of files) writeFileSync(file, text);
  return Buffer.byteLength(text);
}

async function leaseFigures(p: ServicePair, leaseCount: number, subnets: number, figures: Record<string, number>): Promise<void> {
  // Both partners of a failover pair record every binding: the same records on both sides. The text is not kept:
  // 60 MB of live heap would make every garbage collection during the figures longer.
  figures.leaseFileBytes = writeLeaseFiles(Object.values(p.leases), leaseCount, subnets);
  const files = new LocalFiles(loadSettings({}).hooksFor('bench'), null);
  const parseBoth = async () => {
    for (const file of Object.values(p.leases)) {
      const builder = new TableBuilder();
      builder.build(await readLeases(files.stream(file), builder.add), new Date());
    }
  };
  let stamp = Date.now() / 1000;
  const invalidate = () => {
    stamp += 10;
    for (const file of Object.values(p.leases)) utimesSync(file, stamp, stamp);
  };
  const parses: number[] = [];
  const queries: number[] = [];
  let answer: any = null;
  for (let i = 0; i < 3; i++) {
    parses.push((await timed(parseBoth)).ms);
    invalidate();
    const r = await timed(() => post(p.url, UTILIZATION_QUERY));
    queries.push(r.ms);
    answer = r.result.body;
  }
  figures.leaseParseMs = median(parses);
  figures.utilizationQueryMs = median(queries);
  figures.utilizationWarmMs = (await timed(() => post(p.url, UTILIZATION_QUERY))).ms;
  invalidate();
  figures.healthzDuringUtilizationMs = (await healthzDuring(p, post(p.url, UTILIZATION_QUERY))).max;
  const scopes = answer.data.servers.flatMap((s: any) => s.scopes);
  figures.utilizationScopes = scopes.filter((s: any) => s.utilization !== null).length;
  figures.activeAddresses = scopes.reduce((n: number, s: any) => n + s.utilization.active, 0);
  figures.peakRssMB = p.service.peakRssMB();
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const n = Number(process.argv[process.argv.indexOf('--subnets') + 1]) || 10_000;
  if (process.argv.includes('--ssh')) return sshBench(n, json);
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
  if (only !== null && only !== 'local' && only !== 'service') throw new Error(`--only takes local or service, not ${only}`);
  const say = (line: string) => {
    if (!json) console.log(line);
  };
  const figures: Record<string, number> = {};
  const rows: [string, string, string, string][] = [];
  if (only !== 'service') rows.push(...(await localFigures(n, figures, say)));
  if (only !== 'local') rows.push(...(await serviceFigures(n, figures, say)));
  if (json) {
    console.log(JSON.stringify(figures, null, 2));
    return;
  }
  say(`file: ${(pairFileBytes(n) / 1e6).toFixed(2)} MB per server; lease file ${((figures.leaseFileBytes ?? 0) / 1e6).toFixed(1)} MB per server; the service runs as npm start runs it: ${['node', ...startFlags(), 'dist/src/index.js'].join(' ')}`);
  say('');
  say('| figure | measured | baseline, same run | ratio |');
  say('| --- | --- | --- | --- |');
  for (const r of rows) say(`| ${r.join(' | ')} |`);
}

type Row = [string, string, string, string];
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const met = (ok: boolean) => (ok ? 'met' : '**not met**');
const pairFileBytes = (n: number) => Buffer.byteLength(pairConfig('primary', n));

/** On a gateway in the bench's own process: dhcpd -t, the engine, the import, the mutation and the journal's share. */
async function localFigures(n: number, figures: Record<string, number>, say: (line: string) => void): Promise<Row[]> {
  say(`generating a pair with ${n} subnets each…`);
  const p = await startPair(n);
  try {
    const text = pairConfig('primary', n);
    figures.fileBytes = Buffer.byteLength(text);

    const dhcpdRuns: number[] = [];
    for (let i = 0; i < 3; i++) dhcpdRuns.push((await timed(() => validateConfig(p.gw.dhcpd!, text))).ms);
    figures.dhcpdTestMs = median(dhcpdRuns);

    const engineRuns: number[] = [];
    for (let i = 0; i < 3; i++) engineRuns.push((await timed(() => stringify(parse(text)))).ms);
    figures.parseStringifyMs = median(engineRuns);

    figures.importMs = (await register(p)).primaryMs;

    // Ten rounds: a createScope of a new network, then the two validations it needed, run on the files it left
    // as the mutation runs them (ServerFiles.validate: the tree staged in a private folder, in parallel). The
    // first follows the import and also adds omapi-port to both files; the next nine (their median) start from
    // files the gateway wrote itself, as changes usually do. On a shared 2-core machine one round's ratio moves
    // by ±0.1 (the two dhcpd -t end up to 400 ms apart), and a median of five still moved by a tenth between runs.
    const files = new LocalFiles(loadSettings({}).hooksFor('bench'), p.gw.dhcpd);
    const paths = [p.files.primary, p.files.secondary];
    const mutations: number[] = [];
    const twoChecks: number[] = [];
    let candidates: string[] = [];
    for (let i = 0; i < 10; i++) {
      const scopeInput = { server: 'primary', network: `10.250.${i}.0/24`, pools: [{ ranges: [{ start: `10.250.${i}.10`, end: `10.250.${i}.99` }] }], failoverRelationship: PEER };
      mutations.push((await timed(() => post(p.url, `mutation($i: CreateScopeInput!) { createScope(input: $i) { id } }`, { i: scopeInput }))).ms);
      candidates = paths.map((file) => readFileSync(file, 'utf8'));
      const checks = await timed(() => Promise.all(paths.map((file, k) => files.validate(file, new Map([[file, candidates[k]]])))));
      if (!checks.result.every((r) => r?.ok)) throw new Error('dhcpd -t refused a file the mutation wrote');
      twoChecks.push(checks.ms);
    }
    [figures.createScopeFirstMs, figures.twoValidationsFirstMs] = [mutations[0], twoChecks[0]];
    figures.createScopeMs = median(mutations.slice(1));
    figures.twoValidationsMs = median(twoChecks.slice(1));
    figures.journalMs = await journalWork(p, candidates);
  } finally {
    await stopPair(p);
  }
  return [
    ['import of one file', `${figures.importMs.toFixed(0)} ms`, `dhcpd -t ${figures.dhcpdTestMs.toFixed(0)} ms`, `${ratio(figures.importMs, figures.dhcpdTestMs)} (target ≤ 0.5×)`],
    ['parse + stringify (engine)', `${figures.parseStringifyMs.toFixed(0)} ms`, `dhcpd -t ${figures.dhcpdTestMs.toFixed(0)} ms`, ratio(figures.parseStringifyMs, figures.dhcpdTestMs)],
    [
      'createScope into the relationship, after a first one (median of 9)',
      `${figures.createScopeMs.toFixed(0)} ms`,
      `the two dhcpd -t it needs, in parallel, as it runs them (median of 9) ${figures.twoValidationsMs.toFixed(0)} ms`,
      `${ratio(figures.createScopeMs, figures.twoValidationsMs)} (target ≤ 1.2×)`,
    ],
    [
      'the first createScope after the import (omapi-port added too)',
      `${figures.createScopeFirstMs.toFixed(0)} ms`,
      `its two dhcpd -t ${figures.twoValidationsFirstMs.toFixed(0)} ms`,
      ratio(figures.createScopeFirstMs, figures.twoValidationsFirstMs),
    ],
    ['the journal in it (entry opened and closed, both file states recorded; all but the closing done while dhcpd -t runs)', `${figures.journalMs.toFixed(0)} ms`, `createScope ${figures.createScopeMs.toFixed(0)} ms`, `${((100 * figures.journalMs) / figures.createScopeMs).toFixed(1)} % of it`],
  ];
}

/** On the service as npm start runs it, in a process of its own, on each database: the nested query and, on SQLite, the lease figures. */
async function serviceFigures(n: number, figures: Record<string, number>, say: (line: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  const measured: string[] = [];
  for (const database of DATABASES) {
    const why = await database.unavailable();
    if (why) {
      say(`${database.name} not measured: ${why}`);
      rows.push([`nested query on ${database.name}`, 'not measured', why, '']);
      continue;
    }
    say(`the nested query on ${database.name}, the service in a process of its own…`);
    const f = await nestedFigures(database, n, database.prefix === '' ? (sp, more) => (say(`generating two lease files of ${LEASES.toLocaleString('en')} records each…`), leaseFigures(sp, LEASES, n, more)) : undefined);
    for (const [k, v] of Object.entries(f)) figures[database.prefix ? database.prefix + k[0].toUpperCase() + k.slice(1) : k] = v;
    measured.push(database.name);
    const on = `on ${database.name}`;
    rows.push(
      [
        `nested query ${on}, ${f.scopes} scopes / ${f.pools} pools, ${(f.answerBytes / 1e6).toFixed(1)} MB, answered as npm start answers it (written from the rows; median of 5 after a first one, to the answer's last byte, the client's parse not counted)`,
        `${f.nestedQueryMs.toFixed(0)} ms (the first after the import: ${f.nestedQueryFirstMs.toFixed(0)} ms)`,
        `JSON.stringify of the answer ${f.serialiseAnswerMs.toFixed(0)} ms; one SQL join over the same rows ${f.sqlJoinMs.toFixed(0)} ms`,
        `${ratio(f.nestedQueryMs, f.serialiseAnswerMs)} of the serialisation (target ≤ 10×: ${met(f.nestedQueryMs <= 10 * f.serialiseAnswerMs)}); ${ratio(f.nestedQueryMs, f.sqlJoinMs)} of the join`,
      ],
      ...(
        [
          ['json', 'written from the prefetched rows', f.jsonQueryMs],
          ['jit', 'built by graphql-jit and serialised by Apollo', f.jitQueryMs],
          ['graphql-js', 'built by graphql-js and serialised by Apollo', f.graphqlJsQueryMs],
        ] as const
      ).map(([executor, how, ms]): Row => [
        `route side by side ${on}: the answer ${how} (GRAPHQL_EXECUTOR=${executor}, a fresh service process, the same prefetch; median of 5)`,
        `${ms.toFixed(0)} ms`,
        `JSON.stringify of the answer ${f.serialiseAnswerMs.toFixed(0)} ms`,
        `${ratio(ms, f.serialiseAnswerMs)} of the serialisation; ${ratio(ms, f.jsonQueryMs)} of the written answer's`,
      ]),
      [`longest /healthz wait during that query ${on}`, `${f.healthzDuringQueryMs.toFixed(0)} ms`, `idle ${f.healthzIdleMs.toFixed(0)} ms`, `target < 200 ms: ${met(f.healthzDuringQueryMs < 200)}`],
      [
        `SQL statements for that query ${on}`,
        `${f.statementsAtN} at ${n} subnets`,
        `${f.statementsAt10} at 10 subnets`,
        f.statementsAtN === f.statementsAt10 && f.statementsAtN <= 10 ? 'equal, ≤ 10: met' : '**DIFFERENT or > 10: not met**',
      ],
      [`peak RSS of the service process ${on} (VmHWM: start, import of both files, the nested queries)`, `${f.peakRssNestedMB.toFixed(0)} MB`, '—', `target ≤ 300 MB: ${met(f.peakRssNestedMB <= 300)}`],
    );
  }
  if (measured.includes('SQLite')) {
    rows.push(
      [
        `utilisation of all ${figures.utilizationScopes} scopes in one query on SQLite, both lease files read (median of 3)`,
        `${figures.utilizationQueryMs.toFixed(0)} ms (cached: ${figures.utilizationWarmMs.toFixed(0)} ms)`,
        `parsing both lease files alone ${figures.leaseParseMs.toFixed(0)} ms`,
        `${ratio(figures.utilizationQueryMs, figures.leaseParseMs)} (target ≤ 2×)`,
      ],
      [
        'longest /healthz wait during that query',
        `${figures.healthzDuringUtilizationMs.toFixed(0)} ms`,
        `idle ${figures.healthzIdleMs.toFixed(0)} ms; during the nested query ${figures.healthzDuringQueryMs.toFixed(0)} ms`,
        `target < 200 ms: ${met(figures.healthzDuringUtilizationMs < 200)}`,
      ],
      ['peak RSS of the service process on SQLite, lease figures included', `${figures.peakRssMB.toFixed(0)} MB`, '—', ''],
    );
  }
  return rows;
}

if (require.main === module) main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
