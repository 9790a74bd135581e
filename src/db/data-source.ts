import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AbstractLogger, DataSource, LogLevel, LogMessage } from 'typeorm';
import { entities } from '../entities';
import { migrations } from './migrations';

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

export function createDataSource({ url, onStatement = () => {}, readonly = false }: DataSourceOptions): DataSource {
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
      // SQLite only enforces foreign keys when asked to, per connection
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('foreign_keys = ON');
        if (!readonly) db.pragma('journal_mode = WAL');
      },
    });
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return new DataSource({ type: 'postgres', url, entities, migrations, logger });
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://`);
}

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
