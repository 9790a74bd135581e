import Database, { type Statement } from 'better-sqlite3';
import type { Pool as PgPool } from 'pg';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DataSource } from 'typeorm';

/** One row as the database gives it: the column values in the SELECT's order. */
export type Row = readonly unknown[];

/** One SELECT in its parts, so that each database can be asked for the rows in the form it hands them over fastest. */
export interface RowQuery {
  /** the column list, e.g. `id, name` (expressions allowed) */
  columns: string;
  /** FROM, joins and WHERE */
  from: string;
  orderBy?: string;
}

/** How many rows are handled between two hand-backs of the event loop: a few milliseconds of work. */
const ROWS_PER_SLICE = 2000;

/**
 * The reads of the big GraphQL answers (src/loaders): one SELECT, its rows handed to `each` as arrays (no object
 * per row to build and throw away), ROWS_PER_SLICE at a time with the event loop handed back in between, so that
 * mapping 40,000 pools never holds /healthz or another request (reading them is one block of about 25 ms on
 * SQLite; pg parses rows between socket reads). It is ONE statement, counted once like every statement TypeORM
 * sends.
 */
export interface RowReader {
  each(query: RowQuery, params: readonly unknown[], each: (row: Row) => void): Promise<void>;
}

/** ` ORDER BY …`, or nothing. */
const orderClause = (orderBy: string | undefined): string => (orderBy ? ` ORDER BY ${orderBy}` : '');

/** The query as one plain SELECT. */
function sqlOf({ columns, from, orderBy }: RowQuery): string {
  return `SELECT ${columns} ${from}${orderClause(orderBy)}`;
}

/**
 * The query as ONE value: a JSON array of the rows, each an array of its columns. better-sqlite3 builds a JS array
 * and a value per column for every row it steps, which costs twice what SQLite spends finding the rows (40,000
 * pools: 43 ms stepped, 24 ms as one JSON text parsed by JSON.parse). SQLite's JSON keeps what the rows hold here:
 * integers, text and NULL (a BLOB is refused by json_array).
 */
function asJsonArray({ columns, from, orderBy }: RowQuery): string {
  return `SELECT json_group_array(json_array(${columns})${orderClause(orderBy)}) ${from}`;
}

const readers = new WeakMap<DataSource, RowReader>();

/** The reader of `db`, made once per data source. */
export function rowReader(db: DataSource): RowReader {
  let reader = readers.get(db);
  if (!reader) readers.set(db, (reader = newReader(db)));
  return reader;
}

function newReader(db: DataSource): RowReader {
  const count = (sql: string, params: readonly unknown[]) => db.logger.logQuery(sql, [...params]);
  if (db.options.type === 'postgres') return postgresReader((db.driver as unknown as { master: PgPool }).master, count);
  return sqliteReader(() => (db.driver as unknown as { databaseConnection: Database.Database }).databaseConnection, count);
}

/**
 * On the data source's own connection (for the API's reads, the read-only one of src/db/data-source.ts), taken at
 * each read: one statement that returns one value holds no cursor open, so it shares the connection with
 * TypeORM's statements. Statements are prepared once per connection.
 */
function sqliteReader(connection: () => Database.Database, count: (sql: string, params: readonly unknown[]) => void): RowReader {
  const prepared = new WeakMap<Database.Database, Map<string, Statement>>();
  return {
    async each(query, params, each) {
      const db = connection();
      const sql = asJsonArray(query);
      let statements = prepared.get(db);
      if (!statements) prepared.set(db, (statements = new Map()));
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = db.prepare(sql).pluck()));
      count(sql, params);
      await inSlices(JSON.parse(statement.get(...params) as string) as Row[], each);
    },
  };
}

/** pg parses the rows as they arrive, between socket reads; only handing them on needs slicing. */
function postgresReader(pool: PgPool, count: (sql: string, params: readonly unknown[]) => void): RowReader {
  return {
    async each(query, params, each) {
      const sql = sqlOf(query);
      count(sql, params);
      const result = await pool.query<unknown[]>({ text: sql, values: [...params], rowMode: 'array' });
      await inSlices(result.rows, each);
    },
  };
}

/**
 * Hands each row on and lets go of it: a row the array still held would be copied by every young-generation
 * collection until the last row is handed on (40,000 pools: that is most of what those collections copy).
 */
async function inSlices(rows: (Row | undefined)[], each: (row: Row) => void): Promise<void> {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    rows[i] = undefined;
    each(row);
    if ((i + 1) % ROWS_PER_SLICE === 0) await nextTurn();
  }
}
