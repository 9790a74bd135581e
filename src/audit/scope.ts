/**
 * The mutation being carried out: who asked, which field, with what. The resolver hands it to its service
 * (Context.auditScope), and the MutationRunner uses it to write the audit row inside the mutation's own transaction (on success)
 * or right after its rollback (on failure), so a change and its audit row commit together.
 */
export class AuditScope {
  /** set once a row was written for it, so it is written exactly once */
  recorded = false;

  constructor(
    readonly actor: string,
    readonly operation: string,
    readonly args: unknown,
  ) {}
}
