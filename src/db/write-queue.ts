import type { DataSource } from 'typeorm';
import { Mutex } from './mutex';

const queues = new WeakMap<DataSource, Mutex>();

/**
 * The one write queue of a database in this process: every mutation, and the writes that must never land
 * inside a mutation's open transaction (SQLite has a single connection), such as the audit row of a refusal.
 */
export function writeQueue(db: DataSource): Mutex {
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = new Mutex()));
  return queue;
}
