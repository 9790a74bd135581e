import type { EntityManager } from 'typeorm';
import { AuditEntry } from '../entities/audit-entry';
import { argumentsJson, outcomeOf } from './outcome';
import type { AuditRecord } from './audit-record';
import type { FileChange } from '../entities/file-change';

/** Writes the row of a mutation that succeeded: called inside its transaction, so it commits with the change. */
export async function recordSuccess(tx: EntityManager, record: AuditRecord, changes: FileChange[]): Promise<void> {
  await insert(tx, record, 'ok', null, changes);
}

/** Writes the row of a dry run: what it would have changed, after its rollback. */
export async function recordDryRun(manager: EntityManager, record: AuditRecord, changes: FileChange[]): Promise<void> {
  await insert(manager, record, 'DRY_RUN', null, changes);
}

/**
 * Writes the row of a refused or failed mutation: called after its rollback, and never while another
 * mutation's transaction is open (on SQLite that transaction would take the row with it).
 */
export async function recordFailure(manager: EntityManager, record: AuditRecord, error: unknown, changes: FileChange[] = []): Promise<void> {
  const { outcome, message } = outcomeOf(error);
  await insert(manager, record, outcome, message, changes);
}

async function insert(manager: EntityManager, record: AuditRecord, outcome: string, message: string | null, changes: FileChange[]): Promise<void> {
  const result = await manager.insert(AuditEntry, {
    at: new Date(),
    actor: record.actor.slice(0, 63),
    operation: record.operation.slice(0, 63),
    arguments: argumentsJson(record.args),
    outcome,
    message,
    changes,
  });
  record.recorded = true;
  record.entryId = Number(result.identifiers[0]?.id);
}
