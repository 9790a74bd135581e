import type { DataSource } from 'typeorm';
import { AuditEntry } from '../entities/audit-entry';
import { BadUserInputError } from '../errors';
import { writeQueue } from '../services/mutation-runner';
import { pageSize } from '../services/queries';
import { recordFailure, recordSuccess } from './record';
import type { AuditScope } from './scope';

export interface AuditPage {
  entries: AuditEntry[];
  totalCount: number;
  hasNextPage: boolean;
}

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
  async page(first: number | null | undefined, after: string | null | undefined): Promise<AuditPage> {
    const size = pageSize(first);
    const qb = this.db.getRepository(AuditEntry).createQueryBuilder('a');
    const totalCount = await qb.getCount();
    if (after != null) qb.where('a.id < :after', { after: decodeAuditCursor(after) });
    const rows = await qb.orderBy('a.id', 'DESC').take(size + 1).getMany();
    return { entries: rows.slice(0, size), totalCount, hasNextPage: rows.length > size };
  }
}

export const encodeAuditCursor = (id: number): string => Buffer.from(`audit:${id}`).toString('base64');

function decodeAuditCursor(cursor: string): number {
  const match = /^audit:(\d{1,15})$/.exec(Buffer.from(String(cursor), 'base64').toString('utf8'));
  if (!match) throw new BadUserInputError('after is not a cursor this API returned', 'after');
  return Number(match[1]);
}
