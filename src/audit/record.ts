import type { EntityManager } from 'typeorm';
import { AuditEntry } from '../entities/audit-entry';
import { argumentsJson, outcomeOf } from './outcome';
import type { AuditScope } from './scope';

/** Writes the row of a mutation that succeeded: called inside its transaction, so it commits with the change. */
export async function recordSuccess(tx: EntityManager, scope: AuditScope): Promise<void> {
  await insert(tx, scope, 'ok', null);
  scope.recorded = true;
}

/**
 * Writes the row of a refused or failed mutation: called after its rollback, and never while another
 * mutation's transaction is open (on SQLite that transaction would take the row with it).
 */
export async function recordFailure(manager: EntityManager, scope: AuditScope, error: unknown): Promise<void> {
  const { outcome, message } = outcomeOf(error);
  await insert(manager, scope, outcome, message);
  scope.recorded = true;
}

async function insert(manager: EntityManager, scope: AuditScope, outcome: string, message: string | null): Promise<void> {
  await manager.insert(AuditEntry, {
    at: new Date(),
    actor: scope.actor.slice(0, 63),
    operation: scope.operation.slice(0, 63),
    arguments: argumentsJson(scope.args),
    outcome,
    message,
  });
}
