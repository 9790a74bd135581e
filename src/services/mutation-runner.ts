import type { DataSource, EntityManager } from 'typeorm';
import { recordFailure, recordSuccess } from '../audit/record';
import type { AuditScope } from '../audit/scope';
import { ChangeSet, type ChangeSetDeps } from '../config-sync/apply/change-set';
import { Mutex } from './mutex';

const queues = new WeakMap<DataSource, Mutex>();

/**
 * The one write queue of a database: every mutation, and the writes that must never land inside a
 * mutation's open transaction (SQLite has a single connection), such as the audit row of a refusal.
 */
export function writeQueue(db: DataSource): Mutex {
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = new Mutex()));
  return queue;
}

export interface MutationScope {
  tx: EntityManager;
  changes: ChangeSet;
}

/**
 * All or nothing across the database and the files: one transaction, the ChangeSet's candidate files
 * validated and written before the commit, every file restored when anything after the first write fails.
 */
export class MutationRunner {
  constructor(
    private readonly db: DataSource,
    private readonly files: ChangeSetDeps,
  ) {}

  /** `audit`: the mutation's audit row (src/audit), written in the transaction on success, right after the rollback on failure. */
  run<T>(work: (scope: MutationScope) => Promise<T>, audit?: AuditScope): Promise<T> {
    return writeQueue(this.db).run(async () => {
      const qr = this.db.createQueryRunner();
      await qr.startTransaction();
      try {
        const changes = new ChangeSet(this.files);
        const result = await work({ tx: qr.manager, changes });
        if (audit) await recordSuccess(qr.manager, audit);
        const written = await changes.apply();
        try {
          await qr.commitTransaction();
        } catch (e) {
          await written.restore();
          throw e;
        }
        return result;
      } catch (e) {
        if (qr.isTransactionActive) await qr.rollbackTransaction();
        if (audit) await recordFailure(this.db.manager, audit, e).catch(() => undefined);
        throw e;
      } finally {
        await qr.release();
      }
    });
  }
}
