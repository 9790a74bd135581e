import Database, { type Statement } from 'better-sqlite3';
import type { Pool as PgPool } from 'pg';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DataSource } from 'typeorm';

/** One row as the database gives it: the column values in the SELECT's order. */
export type Row = readonly unknown[];

/** How many rows are handled between two hand-backs of the event loop: a few milliseconds of work. */
const ROWS_PER_SLICE = 2000;

/**
 * The reads of the big GraphQL answers (src/loaders): one SELECT, its rows handed to `each` as arrays (no object
 * per row to build and throw away), ROWS_PER_SLICE at a time with the event loop handed back in between, so that
 * 40,000 pools never hold /healthz or another request. It is ONE statement, counted once like every statement
 * TypeORM sends, however many slices it takes.
 */
export interface RowReader {
  each(sql: string, params: readonly unknown[], each: (row: Row) => void): Promise<void>;
  close(): void;
}

const readers = new WeakMap<DataSource, RowReader>();

/** The reader of `db`, made once per data source; closed with it (Gateway.stop). */
export function rowReader(db: DataSource): RowReader {
  let reader = readers.get(db);
  if (!reader) readers.set(db, (reader = newReader(db)));
  return reader;
}

function newReader(db: DataSource): RowReader {
  const count = (sql: string, params: readonly unknown[]) => db.logger.logQuery(sql, [...params]);
  if (db.options.type === 'postgres') return postgresReader((db.driver as unknown as { master: PgPool }).master, count);
  const file = String(db.options.database);
  // An in-memory database exists on its one connection only: read there, all rows at once.
  if (file === ':memory:') return sharedConnectionReader((db.driver as unknown as { databaseConnection: Database.Database }).databaseConnection, count);
  return sqliteReader(file, count);
}

/**
 * better-sqlite3 steps a statement lazily (`iterate`), but a connection with an open iterator refuses every other
 * statement, and TypeORM's read connection serves every request. Each read takes a connection of its own
 * (read-only, kept for the next read), which also gives it one consistent snapshot across its slices.
 */
function sqliteReader(file: string, count: (sql: string, params: readonly unknown[]) => void): RowReader {
  const idle: { db: Database.Database; statements: Map<string, Statement> }[] = [];
  return {
    async each(sql, params, each) {
      const connection = idle.pop() ?? { db: new Database(file, { readonly: true, fileMustExist: true }), statements: new Map<string, Statement>() };
      try {
        let statement = connection.statements.get(sql);
        if (!statement) connection.statements.set(sql, (statement = connection.db.prepare(sql).raw(true)));
        count(sql, params);
        let n = 0;
        for (const row of statement.iterate(...params) as IterableIterator<Row>) {
          each(row);
          if (++n % ROWS_PER_SLICE === 0) await nextTurn();
        }
      } finally {
        idle.push(connection);
      }
    },
    close() {
      for (const c of idle.splice(0)) c.db.close();
    },
  };
}

function sharedConnectionReader(db: Database.Database, count: (sql: string, params: readonly unknown[]) => void): RowReader {
  return {
    async each(sql, params, each) {
      count(sql, params);
      await inSlices(db.prepare(sql).raw(true).all(...params) as Row[], each);
    },
    close() {},
  };
}

/** pg parses the rows as they arrive, between socket reads; only handing them on needs slicing. */
function postgresReader(pool: PgPool, count: (sql: string, params: readonly unknown[]) => void): RowReader {
  return {
    async each(sql, params, each) {
      count(sql, params);
      const result = await pool.query<unknown[]>({ text: sql, values: [...params], rowMode: 'array' });
      await inSlices(result.rows, each);
    },
    close() {},
  };
}

async function inSlices(rows: Row[], each: (row: Row) => void): Promise<void> {
  for (let i = 0; i < rows.length; i++) {
    each(rows[i]);
    if ((i + 1) % ROWS_PER_SLICE === 0) await nextTurn();
  }
}
