import type { DataSource, EntityManager } from 'typeorm';
import type { MutationCaller } from '../audit/audit-record';
import { recordFailure, recordSuccess } from '../audit/record';
import { ChangeSet, type ChangeSetDeps } from '../config-sync/apply/change-set';
import { writeQueue } from '../db/write-queue';

/** What a mutation's work gets: its transaction and the file side of its change. */
export interface MutationTx {
  tx: EntityManager;
  changes: ChangeSet;
}

/**
 * All or nothing across the database and the files: one transaction, the ChangeSet's candidate files
 * validated and written before the commit, every file restored when anything after the first write fails.
 * The audit row of the caller's mutation is written in the transaction on success, right after the
 * rollback on failure.
 */
export class MutationRunner {
  constructor(
    private readonly db: DataSource,
    private readonly files: ChangeSetDeps,
    private readonly caller: MutationCaller = {},
  ) {}

  /** The same runner, recording the mutations of `caller` (a request) in the audit log. */
  for(caller: MutationCaller): MutationRunner {
    return new MutationRunner(this.db, this.files, caller);
  }

  run<T>(work: (m: MutationTx) => Promise<T>): Promise<T> {
    const audit = this.caller.auditRecord;
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
