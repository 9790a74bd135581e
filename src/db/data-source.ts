import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AbstractLogger, DataSource, LogLevel, LogMessage } from 'typeorm';
import { entities, JournalEntry } from '../entities';
import { journalMigrations, migrations } from './migrations';

/** Counts every statement TypeORM sends, for `gateway_sql_statements_total`. */
class StatementCountingLogger extends AbstractLogger {
  constructor(private readonly onStatement: () => void) {
    super();
  }
  logQuery(): void {
    this.onStatement();
  }
  protected writeLog(_level: LogLevel, _message: LogMessage | string | number | (LogMessage | string | number)[]): void {
    // statements are counted, not printed; errors surface through the exceptions TypeORM throws
  }
}

export interface DataSourceOptions {
  url: string;
  onStatement?: () => void;
  /** a second, read-only SQLite connection (see openReadDatabase) */
  readonly?: boolean;
}

function createDataSource({ url, onStatement = () => {}, readonly = false }: DataSourceOptions): DataSource {
  const logger = new StatementCountingLogger(onStatement);
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return new DataSource({
      type: 'better-sqlite3',
      database: file,
      readonly,
      entities,
      migrations,
      logger,
      // Writers of several processes wait for each other (src/db/writers.ts) rather than fail with
      // "database is locked": a mutation holds the write lock while dhcpd -t runs, seconds on big files.
      timeout: SQLITE_BUSY_TIMEOUT_MS,
      // SQLite only enforces foreign keys when asked to, per connection
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('foreign_keys = ON');
        if (readonly) return;
        db.pragma('journal_mode = WAL');
        db.pragma(DURABLE_COMMITS);
      },
    });
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return new DataSource({ type: 'postgres', url, entities, migrations: [...migrations, ...journalMigrations], logger });
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://`);
}

/** How long a SQLite writer waits for another process's write to finish before it gives up. */
const SQLITE_BUSY_TIMEOUT_MS = 120_000;

export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const ds = createDataSource(options);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'all' });
  return ds;
}

/**
 * The connection GraphQL reads go through. TypeORM's better-sqlite3 driver has ONE connection, so reads on
 * it would see a mutation's uncommitted rows while dhcpd -t and the reload hooks run (and rows that are then
 * rolled back). A second, read-only connection sees only committed data (WAL). PostgreSQL's pool already
 * gives every read its own connection.
 */
export async function openReadDatabase(db: DataSource, options: DataSourceOptions): Promise<DataSource> {
  if (db.options.type !== 'better-sqlite3' || options.url === 'sqlite::memory:') return db;
  const reader = createDataSource({ ...options, readonly: true });
  await reader.initialize();
  return reader;
}

/**
 * In WAL mode SQLite's default (NORMAL) syncs only at checkpoints: after a power cut the last commits can be
 * gone while the files they wrote survive, so a change the client was told of, or a journal entry written before
 * its files, could vanish. FULL syncs the log at every commit: one fsync per mutation.
 */
const DURABLE_COMMITS = 'synchronous = FULL';

/** The journal's database file beside the gateway's SQLite file: `gateway.db` → `gateway.journal.db`. */
export function journalFileOf(file: string): string {
  return path.join(path.dirname(file), `${path.basename(file).replace(/\.db$/, '')}.journal.db`);
}

/**
 * Where the write-ahead journal of file changes lives (src/config-sync/apply/journal.ts). An entry must be
 * committed while the change's own transaction is still open: on PostgreSQL that is another connection of
 * the same database; SQLite has one writer per file, so the journal gets a database file of its own beside
 * the gateway's (`gateway.db` → `gateway.journal.db`).
 */
export async function openJournalDatabase(db: DataSource, options: DataSourceOptions): Promise<DataSource> {
  if (db.options.type !== 'better-sqlite3') return db;
  const file = String(db.options.database);
  const journalFile = file === ':memory:' ? file : journalFileOf(file);
  const journal = new DataSource({
    type: 'better-sqlite3',
    database: journalFile,
    entities: [JournalEntry],
    migrations: journalMigrations,
    logger: new StatementCountingLogger(options.onStatement ?? (() => {})),
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    prepareDatabase: (raw: { pragma(s: string): unknown }) => {
      raw.pragma('journal_mode = WAL');
      raw.pragma(DURABLE_COMMITS);
    },
  });
  await journal.initialize();
  await journal.runMigrations({ transaction: 'all' });
  return journal;
}
