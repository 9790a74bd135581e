import { toGlobalId } from '../global-id';

/**
 * The mutation being carried out: who asked, which field, with what. The audit wrapper (instrument.ts) puts
 * it on the request's context for each mutation field; the MutationRunner takes it from there and writes
 * the row inside the mutation's own transaction (on success) or right after its rollback (on failure), so a
 * change and its audit row commit together.
 */
export class AuditRecord {
  /** set once a row was written for it, so it is written exactly once */
  recorded = false;
  /** the id of that row, for `extensions.auditEntryId` */
  entryId: number | null = null;

  constructor(
    readonly actor: string,
    readonly operation: string,
    readonly args: unknown,
  ) {}
}

/** Whoever runs mutations: a request carries the audit record and the dryRun of the mutation field being resolved. */
export interface MutationCaller {
  auditRecord?: AuditRecord;
  /** validate everything, write and commit nothing */
  dryRun?: boolean;
  /** the audit entries of the request's mutations so far, for `extensions.auditEntryId` */
  auditEntryIds?: number[];
}

/** What `extensions.auditEntryId` holds: the entry's global id, for auditEntry(id:) or node(id:). */
export const auditEntryId = (entryId: number): string => toGlobalId('AuditEntry', entryId);
