import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, type Stats } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createGateway, Gateway } from '../../src/app';
import { loadSettings, Settings } from '../../src/config';
import { seedScenario } from '../../src/seed';
import { sha256 } from '../../src/config-sync';
import { ADD_SCOPES, CREATE_REL } from './operations';
import { createTestDatabase, type DatabaseName } from './postgres';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

/**
 * A gateway on a real SQLite file (or DATABASE_URL's PostgreSQL) and a real CONFIG_ROOT in a temp folder,
 * served over real HTTP.
 */
export class Site {
  gateway!: Gateway;
  url!: string;
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'gw-site-'));
  readonly configRoot = path.join(this.dir, 'servers');
  settings!: Settings;
  private dropDatabase = async () => {};

  static async start(env: Record<string, string> = {}, log: (line: string) => void = () => {}): Promise<Site> {
    const site = new Site();
    site.settings = loadSettings({
      DATABASE_URL: `sqlite:${path.join(site.dir, 'gateway.db')}`,
      CONFIG_ROOT: site.configRoot,
      GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
      ...env,
    });
    mkdirSync(site.configRoot, { recursive: true });
    site.gateway = await createGateway(site.settings, { log });
    await new Promise<void>((resolve) => {
      site.gateway.server.listen(0, '127.0.0.1', () => resolve());
    });
    site.url = `http://127.0.0.1:${(site.gateway.server.address() as AddressInfo).port}`;
    return site;
  }

  /** A site on the embedded SQLite, or on a fresh PostgreSQL database that stop() drops. */
  static async startOn(database: DatabaseName): Promise<Site> {
    if (database === 'SQLite') return Site.start();
    const db = await createTestDatabase();
    const site = await Site.start({ DATABASE_URL: db.url });
    site.dropDatabase = db.drop;
    return site;
  }

  /**
   * The demo pair of seeds/failover-pair with relationship "ab" (dhcp-a primary, dhcp-b secondary) holding
   * dhcp-a's office scope 198.51.100.0/24: the state most mutation tests start from.
   */
  static async withFailoverPair(env: Record<string, string> = {}): Promise<Site> {
    const site = await Site.start(env);
    await site.seed('failover-pair');
    await site.ok(CREATE_REL, { input: { name: 'ab', primaryServer: 'dhcp-a', secondaryServer: 'dhcp-b' } });
    await site.ok(ADD_SCOPES, { name: 'ab', ids: [(await site.ids())['dhcp-a 198.51.100.0/24']] });
    return site;
  }

  async stop(): Promise<void> {
    await this.gateway.stop(); // drains and closes the HTTP server
    rmSync(this.dir, { recursive: true, force: true });
    await this.dropDatabase();
  }

  /** The demo scenario of seeds/ (the same that `npm run seed` loads). */
  seed(name: string) {
    return seedScenario(this.gateway.services({}), this.configRoot, name);
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token: string | null = ADMIN_TOKEN): Promise<GraphQLResponse<T>> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GraphQLResponse<T>;
  }

  /** Runs an operation that must succeed and returns its data. */
  async ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await this.gql<T>(query, variables);
    if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data as T;
  }

  /** Runs an operation that must be refused and returns the error's code (and the input field it names, if any). */
  async refused(query: string, variables: Record<string, unknown> = {}, token: string | null = ADMIN_TOKEN): Promise<{ code: string; message: string; field?: unknown }> {
    const res = await this.gql(query, variables, token);
    if (!res.errors?.length) throw new Error(`expected a refusal, got ${JSON.stringify(res.data)}`);
    return { code: String(res.errors[0].extensions?.code), message: res.errors[0].message, field: res.errors[0].extensions?.field };
  }

  /** Records a server's file as the gateway's last-seen state, as if it had been registered that way (no drift). */
  async markSeen(name: string): Promise<void> {
    const [server] = await this.gateway.db.query(`SELECT id, config_path FROM dhcp_server WHERE name = '${name}'`);
    const content = readFileSync(server.config_path, 'utf8');
    await this.gateway.db.query(`UPDATE file_state SET sha256 = '${sha256(content)}', content = ? WHERE server_id = ${server.id}`, [content]);
  }

  /** ids['<server> <network>'] of every scope, ids['pool <server> <network>'] of its first pool. */
  async ids(): Promise<Record<string, string>> {
    const ids: Record<string, string> = {};
    const { servers } = await this.ok(`{ servers { id name scopes { id network pools { id } } } }`);
    for (const s of servers) {
      ids[s.name] = s.id;
      for (const sc of s.scopes) {
        ids[`${s.name} ${sc.network}`] = sc.id;
        if (sc.pools.length) ids[`pool ${s.name} ${sc.network}`] = sc.pools[0].id;
      }
    }
    return ids;
  }

  /** The path of a server's file as the seeds and tests name it: `<name>.conf` in CONFIG_ROOT. */
  path(name: string): string {
    return path.join(this.configRoot, `${name}.conf`);
  }

  file(name: string): string {
    return readFileSync(this.path(name), 'utf8');
  }

  /**
   * Every entry under CONFIG_ROOT, to compare before and after a refused mutation: a file with its bytes, a
   * link with its target, anything else (a FIFO, a device) with its mode and mtime, never opened.
   */
  snapshotFiles(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [p, st] of walkTree(this.configRoot)) {
      const rel = path.relative(this.configRoot, p);
      if (st.isFile()) out[rel] = readFileSync(p).toString('base64');
      else if (st.isSymbolicLink()) out[rel] = `symlink -> ${readlinkSync(p)}`;
      else out[rel] = `special file, mode ${st.mode.toString(8)}, mtime ${st.mtimeMs}`;
    }
    return out;
  }

  /** Every row of the gateway's tables, to compare before and after a refused mutation. */
  async snapshotDatabase(): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const table of ['dhcp_server', 'failover_relationship', 'scope', 'pool']) {
      out[table] = await this.gateway.db.query(`SELECT * FROM ${table} ORDER BY id`);
    }
    return out;
  }

  async snapshot() {
    return { files: this.snapshotFiles(), db: await this.snapshotDatabase() };
  }
}

/**
 * Every entry below `dir` but folders, with its lstat: links are listed, never followed (a link may point
 * back up, or out of the tree), and nothing is opened. `skip` leaves out an entry, and all below it.
 */
export function walkTree(dir: string, skip: (p: string) => boolean = () => false): [string, Stats][] {
  const out: [string, Stats][] = [];
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (skip(p)) continue;
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...walkTree(p, skip));
    else out.push([p, st]);
  }
  return out;
}
