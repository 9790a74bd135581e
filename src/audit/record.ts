import type { EntityManager } from 'typeorm';
import { AuditEntry } from '../entities/audit-entry';
import { argumentsJson, outcomeOf } from './outcome';
import type { AuditRecord } from './audit-record';

/** Writes the row of a mutation that succeeded: called inside its transaction, so it commits with the change. */
export async function recordSuccess(tx: EntityManager, record: AuditRecord): Promise<void> {
  await insert(tx, record, 'ok', null);
  record.recorded = true;
}

/**
 * Writes the row of a refused or failed mutation: called after its rollback, and never while another
 * mutation's transaction is open (on SQLite that transaction would take the row with it).
 */
export async function recordFailure(manager: EntityManager, record: AuditRecord, error: unknown): Promise<void> {
  const { outcome, message } = outcomeOf(error);
  await insert(manager, record, outcome, message);
  record.recorded = true;
}

async function insert(manager: EntityManager, record: AuditRecord, outcome: string, message: string | null): Promise<void> {
  await manager.insert(AuditEntry, {
    at: new Date(),
    actor: record.actor.slice(0, 63),
    operation: record.operation.slice(0, 63),
    arguments: argumentsJson(record.args),
    outcome,
    message,
  });
}
