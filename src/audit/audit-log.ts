import type { DataSource } from 'typeorm';
import { AuditEntry } from '../entities/audit-entry';
import { pageOf, type Page } from '../pagination';
import type { Writers } from '../db/writers';
import { recordFailure } from './record';
import type { AuditRecord } from './audit-record';

/** The audit log: rows written outside a mutation's transaction, and the newest-first read side. */
export class AuditLog {
  constructor(
    private readonly db: DataSource,
    private readonly writers: Writers,
  ) {}

  /** For a mutation that never reached its transaction (refused by the auth check or its argument checks). */
  recordFailure(record: AuditRecord, error: unknown): Promise<void> {
    return this.writers.run(() => recordFailure(this.db.manager, record, error));
  }

  /** Newest first; the cursor is the last id seen. */
  entry(id: number): Promise<AuditEntry | null> {
    return this.db.getRepository(AuditEntry).findOneBy({ id });
  }

  page(first: number | null | undefined, after: string | null | undefined): Promise<Page<AuditEntry>> {
    const qb = this.db.getRepository(AuditEntry).createQueryBuilder('a');
    return pageOf(first, 'audit', after, () => qb.getCount(), (afterId, limit) => {
      if (afterId !== null) qb.where('a.id < :after', { after: afterId });
      return qb.orderBy('a.id', 'DESC').take(limit).getMany();
    });
  }
}
