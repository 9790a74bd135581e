import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { Mutex } from './mutex';
import { isPostgres } from './rows';

/** The namespace of the gateway's advisory locks (the first key of pg_advisory_xact_lock(int, int)). */
const LOCK_NAMESPACE = 0x64666777;

/**
 * Who may write when, across every gateway process on one database.
 *
 * - PostgreSQL: mutations run in parallel, each in its own transaction; one that touches a server takes
 *   that server's transaction-scoped advisory lock (lockServers, in id order), so changes to one server
 *   never interleave, changes to different pairs do not wait, and a lock can never outlive its transaction.
 * - SQLite: one writer at a time. In this process a queue; across processes every writing transaction
 *   first updates the writer_lock row, which takes the database's write lock for the whole transaction
 *   (BEGIN IMMEDIATE, in effect), and other processes wait for it (busy timeout) instead of failing.
 */
export class Writers {
  private readonly queue: Mutex | null;

  constructor(private readonly db: DataSource) {
    this.queue = isPostgres(db) ? null : new Mutex();
  }

  /** `fn` in a transaction of its own that holds the right to write; committed when `fn` resolves, else rolled back. */
  transaction<T>(fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const qr = this.db.createQueryRunner();
      await qr.startTransaction();
      try {
        if (!this.queue) return await this.finish(qr, fn);
        await qr.query('UPDATE writer_lock SET taken = taken + 1 WHERE id = 1');
        return await this.finish(qr, fn);
      } finally {
        if (qr.isTransactionActive) await qr.rollbackTransaction();
        await qr.release();
      }
    });
  }

  /** A single write outside any transaction of ours (the audit row of a refusal). */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial(fn);
  }

  /** Takes the locks of these servers for the rest of the transaction (PostgreSQL; SQLite's lock covers all). */
  async lockServers(tx: EntityManager, serverIds: number[]): Promise<void> {
    if (this.queue) return;
    for (const id of inIdOrder(serverIds)) await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, id]);
  }

  /**
   * The same without waiting: false when another transaction holds one of them, i.e. a live process is
   * in the middle of a change to that server (a process that died holds no lock: PostgreSQL releases a
   * transaction's locks with its connection).
   */
  async tryLockServers(tx: EntityManager, serverIds: number[]): Promise<boolean> {
    if (this.queue) return true;
    for (const id of inIdOrder(serverIds)) {
      const [row] = (await tx.query('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [LOCK_NAMESPACE, id])) as { ok: boolean }[];
      if (!row.ok) return false;
    }
    return true;
  }

  private async finish<T>(qr: QueryRunner, fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
    const result = await fn(qr);
    if (qr.isTransactionActive) await qr.commitTransaction();
    return result;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue ? this.queue.run(fn) : fn();
  }
}

/** Each server once, lowest id first: every process takes locks in the same order, so none deadlocks. */
function inIdOrder(serverIds: number[]): number[] {
  return [...new Set(serverIds)].sort((a, b) => a - b);
}
