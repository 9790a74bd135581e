import type { DataSource } from 'typeorm';
import { AuditEntry } from '../entities/audit-entry';
import { pageOf, type Page } from '../pagination';
import { writeQueue } from '../services/mutation-runner';
import { recordFailure, recordSuccess } from './record';
import type { AuditScope } from './scope';

/** The audit log: rows written outside a mutation's transaction, and the newest-first read side. */
export class AuditLog {
  constructor(private readonly db: DataSource) {}

  /** For a mutation that never reached its transaction (refused by the auth check or its argument checks). */
  recordFailure(scope: AuditScope, error: unknown): Promise<void> {
    return writeQueue(this.db).run(() => recordFailure(this.db.manager, scope, error));
  }

  /** For a mutation that succeeded without a transaction of its own (none does today; kept for the next one). */
  recordSuccess(scope: AuditScope): Promise<void> {
    return writeQueue(this.db).run(() => this.db.transaction((tx) => recordSuccess(tx, scope)));
  }

  /** Newest first; the cursor is the last id seen. */
  page(first: number | null | undefined, after: string | null | undefined): Promise<Page<AuditEntry>> {
    const qb = this.db.getRepository(AuditEntry).createQueryBuilder('a');
    return pageOf(first, 'audit', after, () => qb.getCount(), (afterId, limit) => {
      if (afterId !== null) qb.where('a.id < :after', { after: afterId });
      return qb.orderBy('a.id', 'DESC').take(limit).getMany();
    });
  }
}
