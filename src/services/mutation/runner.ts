import type { DataSource, EntityManager } from 'typeorm';
import type { MutationCaller } from '../../audit/audit-record';
import { recordDryRun, recordFailure, recordSuccess } from '../../audit/record';
import { ChangeSet, RestoreFailedError, type ChangeSetDeps, type FileChange, type ServerRef } from '../../config-sync/apply/change-set';
import { Journal, recoverOpenChanges } from '../../config-sync/apply/journal';
import { unifiedDiff } from '../../config-sync/apply/unified-diff';
import { FileStates } from '../../db/file-states';
import type { Writers } from '../../db/writers';
import type { FileChange as AuditedChange } from '../../entities/file-change';
import type { SharedFiles } from '../servers/shared-files';

/** What a mutation's work gets: its transaction, the file side of its change, and the servers' locks. */
export interface MutationTx {
  tx: EntityManager;
  changes: ChangeSet;
  /** Takes the locks of these servers now, in id order (call it first when a mutation touches a pair). */
  lock(...servers: ServerRef[]): Promise<void>;
}

export interface RunnerDeps {
  db: DataSource;
  writers: Writers;
  journal: Journal;
  files: ChangeSetDeps;
  sharedFiles: SharedFiles;
  log(line: string): void;
}

/**
 * All or nothing across the database and the files of every server: one transaction holding the touched
 * servers' locks; the ChangeSet's candidates validated, a journal entry committed before the first file is
 * replaced, the files written, then the commit (which closes the entry). On any failure every written file
 * is put back. The caller's audit row is written with the change, or right after the rollback; a dry run
 * stops after validation and records what it would have changed.
 */
export class MutationRunner {
  constructor(
    private readonly deps: RunnerDeps,
    private readonly caller: MutationCaller = {},
  ) {}

  /** The same runner, running the mutations of `caller` (a request): its audit record, its dryRun. */
  for(caller: MutationCaller): MutationRunner {
    return new MutationRunner(this.deps, caller);
  }

  async run<T>(work: (m: MutationTx) => Promise<T>): Promise<T> {
    const { db, writers, journal, files, sharedFiles, log } = this.deps;
    const audit = this.caller.auditRecord;
    const dryRun = this.caller.dryRun === true;
    let changes: FileChange[] = [];
    try {
      // An unfinished change of a process that died is undone before anything else reads the files.
      await recoverOpenChanges({ journal, writers, filesOf: files.filesOf, log });
      const result = await writers.transaction(async (qr) => {
        const tx = qr.manager;
        const locked = new Set<number>();
        const lock = async (...servers: ServerRef[]) => {
          const fresh = servers.filter((s) => !locked.has(s.id));
          await writers.lockServers(tx, fresh.map((s) => s.id));
          for (const s of fresh) locked.add(s.id);
        };
        const states = new FileStates(tx);
        const changeSet = new ChangeSet(files, { lock: (s) => lock(s), lastSeen: (s) => states.lastSeen(s.id), refuseShared: (s, paths) => sharedFiles.refuse(tx, s, paths) });
        const value = await work({ tx, changes: changeSet, lock });
        if (dryRun) {
          changes = await changeSet.validate();
          await qr.rollbackTransaction();
          return value;
        }
        let entry: number | null = null;
        let audited: AuditedChange[] = [];
        let written;
        try {
          written = await changeSet.apply({
            // While dhcpd -t runs. The rows are the transaction's: it commits them only once every file is written.
            beside: async (planned) => {
              entry = await journal.open(audit?.operation ?? 'change', planned.map(journalFile));
              for (const c of planned) await states.record(c.server.id, c.path, c.afterHash, c.after);
              // A file the change takes out of a server's tree (an include deleted with its subnet) is that server's no more.
              for (const server of new Map(planned.map((c) => [c.server.id, c.server])).values()) await states.forgetOthers(server.id, changeSet.treeAfter(server));
              await journal.markCommitted(tx, entry);
              // The diffs the audit row shows, while dhcpd still runs (two 2 MB files take milliseconds).
              if (audit) audited = planned.map(auditedChange);
            },
            // A refusal by dhcpd -t is audited without diffs, as before a change is validated; a failure after, with them.
            validated: (planned) => (changes = planned),
          });
        } catch (e) {
          // Files are back as they were (unless putting them back failed: then the entry stays open for recovery). A
          // failure to close the entry must not hide the refusal: recovery closes it (its change never committed).
          if (entry !== null && !(e instanceof RestoreFailedError)) {
            const open = entry;
            await journal.close(open).catch((c: unknown) => log(`journal entry ${open} stays open (recovery will resolve it): ${(c as Error).message}`));
          }
          throw e instanceof RestoreFailedError ? e.failure : e;
        }
        if (audit) await recordSuccess(tx, audit, audited);
        try {
          await qr.commitTransaction();
        } catch (e) {
          if (audit) audit.recorded = false; // its row went with the rollback
          await written.restore();
          if (entry !== null) await journal.close(entry);
          throw e;
        }
        if (entry !== null) await journal.close(entry).catch((e: unknown) => log(`journal entry ${entry} stays open (recovery will close it): ${(e as Error).message}`));
        return value;
      });
      if (dryRun && audit) await writers.run(() => recordDryRun(db.manager, audit, changes.map(auditedChange)));
      return result;
    } catch (e) {
      if (audit && !audit.recorded) await writers.run(() => recordFailure(db.manager, audit, e, changes.map(auditedChange))).catch(() => undefined);
      throw e;
    }
  }
}

function journalFile(c: FileChange) {
  return { serverId: c.server.id, server: c.server.name, path: c.path, before: c.before, beforeHash: c.beforeHash, afterHash: c.afterHash };
}

/** A file change as the audit log shows it: a unified diff. */
function auditedChange(c: FileChange): AuditedChange {
  return { server: c.server.name, path: c.path, diff: unifiedDiff(c.path, c.before ?? '', c.after) };
}
