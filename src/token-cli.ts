import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { TokenError, TokenStore } from './auth/tokens';
import { loadSettings } from './config';
import { openDatabase } from './db/data-source';

const USAGE = `usage: npm run token -- <command>

  create --name <name> --role viewer|admin   create a token; it is printed once, only its hash is kept
  list                                       tokens with role, creation, last use and revocation
  revoke --name <name>                       revoke a token; refused from the next request on

The database is DATABASE_URL's (default sqlite:./data/gateway.db), as for npm start.`;

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** `npm run token -- …` on an open database; returns the exit code. */
export async function runTokenCommand(argv: string[], db: DataSource, io: Output): Promise<number> {
  const [command, ...rest] = argv;
  let options: Record<string, string>;
  try {
    options = parseOptions(rest);
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const store = new TokenStore(db);
  try {
    switch (command) {
      case 'create': {
        if (!options.name || !options.role) throw new UsageError('create needs --name and --role');
        const created = await store.create(options.name, options.role);
        io.err(`created ${created.role} token "${created.name}"; it is shown only this once, store it now:`);
        io.out(created.token);
        return 0;
      }
      case 'list': {
        const rows = await store.list();
        if (rows.length === 0) {
          io.out('no tokens (GATEWAY_ADMIN_TOKEN, when set, is an admin token of its own)');
          return 0;
        }
        const table = [['NAME', 'ROLE', 'CREATED', 'LAST USED', 'REVOKED']];
        for (const t of rows) {
          table.push([t.name, t.role, iso(t.createdAt), iso(t.lastUsedAt), t.revokedAt ? iso(t.revokedAt) : 'active']);
        }
        const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
        for (const r of table) io.out(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
        return 0;
      }
      case 'revoke': {
        if (!options.name) throw new UsageError('revoke needs --name');
        const row = await store.revoke(options.name);
        io.out(`revoked token "${row.name}" (${row.role}); requests with it are refused from now on`);
        return 0;
      }
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'a command is needed');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof TokenError) {
      io.err(e.message);
      return 1;
    }
    throw e;
  }
}

class UsageError extends Error {}

function parseOptions(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const match = /^--(name|role)(?:=(.*))?$/.exec(args[i]);
    if (!match) throw new UsageError(`unexpected argument "${args[i]}"`);
    const value = match[2] ?? args[++i];
    if (value === undefined) throw new UsageError(`--${match[1]} needs a value`);
    out[match[1]] = value;
  }
  return out;
}

function iso(d: Date | null): string {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

async function main(): Promise<void> {
  const settings = loadSettings();
  const db = await openDatabase({ url: settings.databaseUrl });
  try {
    process.exitCode = await runTokenCommand(process.argv.slice(2), db, {
      out: (line) => console.log(line),
      err: (line) => console.error(line),
    });
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
