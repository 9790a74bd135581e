import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DHCPD } from './dhcpd';
import { holdingHook, type GatewayProcess } from './gateway-process';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { journalFileOf } from '../../src/db/data-source';
import { createTestDatabase } from './postgres';

const SEEDS = path.join(__dirname, '..', '..', 'seeds', 'failover-pair');

export type DatabaseKind = 'SQLite' | 'PostgreSQL';

/**
 * A folder for gateway processes: the demo pair's files (dhcp-a, dhcp-b, and with `servers` more copies
 * of them renumbered) under CONFIG_ROOT, a holding reload hook per server (holdingHook), and a fresh
 * database of the given kind. `env` is what every process of the folder is started with.
 */
export class PairDir {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'gw-proc-'));
  readonly configRoot = path.join(this.dir, 'servers');
  env: Record<string, string> = {};
  private dropDatabase: () => Promise<void> = async () => {};

  static async create(kind: DatabaseKind, names: string[] = ['dhcp-a', 'dhcp-b']): Promise<PairDir> {
    const d = new PairDir();
    mkdirSync(d.configRoot);
    for (const name of names) copyFileSync(path.join(SEEDS, `${name === 'dhcp-a' || name === 'dhcp-c' ? 'dhcp-a' : 'dhcp-b'}.conf`), d.file(name));
    const servers = Object.fromEntries(names.map((n) => [n, { reload: holdingHook(d.dir, n) }]));
    writeFileSync(path.join(d.dir, 'servers.json'), JSON.stringify({ servers }));
    let url = `sqlite:${path.join(d.dir, 'gateway.db')}`;
    if (kind === 'PostgreSQL') {
      const db = await createTestDatabase();
      url = db.url;
      d.dropDatabase = db.drop;
    }
    d.env = { DATABASE_URL: url, CONFIG_ROOT: d.configRoot, GATEWAY_SERVERS_FILE: path.join(d.dir, 'servers.json'), DHCPD_BIN: DHCPD ?? '' };
    return d;
  }

  file(name: string): string {
    return path.join(this.configRoot, `${name}.conf`);
  }

  read(name: string): string {
    return readFileSync(this.file(name), 'utf8');
  }

  /** Journal entries still open in the folder's database (src/config-sync/apply/journal.ts: on SQLite a file of its own). */
  async openJournalEntries(): Promise<number> {
    const url = this.env.DATABASE_URL;
    if (url.startsWith('sqlite:')) {
      const db = new Database(journalFileOf(url.slice('sqlite:'.length)), { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM journal_entry').get() as { n: number }).n;
      } finally {
        db.close();
      }
    }
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return Number((await client.query('SELECT COUNT(*) AS n FROM journal_entry')).rows[0].n);
    } finally {
      await client.end();
    }
  }

  /** Path of a hook's control file (hold-, reached-, fill-, fail-<server>). */
  control(kind: 'hold' | 'reached' | 'fill' | 'fail', server: string): string {
    return path.join(this.dir, `${kind}-${server}`);
  }

  async remove(): Promise<void> {
    await this.dropDatabase();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const ADD_SERVER = `mutation($input: AddServerInput!) { addServer(input: $input) { id } }`;
export const ADD_SCOPES = `mutation($ids: [ID!]!) { addScopesToFailoverRelationship(name: "ab", scopeIds: $ids) { status } }`;

/** dhcp-a and dhcp-b registered, relationship "ab" EMPTY; returns the id of dhcp-a's office scope. */
export async function registerPair(gw: Pick<GatewayProcess, 'ok'>): Promise<string> {
  await gw.ok(ADD_SERVER, { input: { name: 'dhcp-a', address: '192.0.2.10', configPath: 'dhcp-a.conf' } });
  await gw.ok(ADD_SERVER, { input: { name: 'dhcp-b', address: '192.0.2.11', configPath: 'dhcp-b.conf' } });
  await gw.ok(`mutation { createFailoverRelationship(input: { name: "ab", primaryServer: "dhcp-a", secondaryServer: "dhcp-b" }) { id } }`);
  const { server } = await gw.ok(`{ server(name: "dhcp-a") { scopes { id network } } }`);
  return server.scopes.find((s: { network: string }) => s.network === '198.51.100.0/24').id;
}

