import type { DataSource, EntityManager } from 'typeorm';
import { AuditEntry, DhcpServer, JournalCommit, JournalEntry } from '../../entities';
import type { JournalFile } from '../../entities/journal-entry';
import type { Writers } from '../../db/writers';
import type { ServerFiles } from '../../transport/server-files';
import { sha256 } from './model-cache';
import type { ServerRef } from './change-set';

/**
 * The write-ahead journal of file changes. Before the first file of a change is replaced, an entry with
 * every file's previous bytes and its hashes before and after is committed; the change's own transaction
 * writes a commit marker for it, and the entry is closed once that transaction committed. An entry still
 * open later belongs to a change that never committed (its process died, or putting files back failed):
 * resolving it puts back every file that still holds the change's bytes, so files and database agree again.
 * Closing deletes the entry: nothing reads a closed one, and kept, each would hold the previous bytes of
 * every file of its change (4 MB on a pair of 2 MB files) and be scanned before every mutation.
 */
export class Journal {
  constructor(
    /** where entries live: the gateway's database on PostgreSQL, a file of its own beside it on SQLite */
    private readonly store: DataSource,
  ) {}

  /** Commits the entry (outside the change's transaction) and returns its id. */
  async open(operation: string, files: JournalFile[]): Promise<number> {
    const inserted = await this.store.getRepository(JournalEntry).insert({ createdAt: new Date(), operation: operation.slice(0, 63), files });
    return Number(inserted.identifiers[0].id);
  }

  /** Marks the change committed, inside its own transaction. */
  markCommitted(tx: EntityManager, id: number): Promise<unknown> {
    return tx.insert(JournalCommit, { journalId: id });
  }

  async close(id: number): Promise<void> {
    await this.store.getRepository(JournalEntry).delete(id);
  }

  isOpen(id: number): Promise<boolean> {
    return this.store.getRepository(JournalEntry).existsBy({ id });
  }

  openEntries(): Promise<JournalEntry[]> {
    return this.store.getRepository(JournalEntry).find({ order: { id: 'ASC' } });
  }
}

export interface RecoveryDeps {
  journal: Journal;
  writers: Writers;
  filesOf(server: ServerRef): ServerFiles;
  log(line: string): void;
}

/**
 * Resolves every open journal entry; run at start-up before serving, and before each mutation. Each entry
 * is resolved holding the locks of its servers. An entry whose locks are held belongs to a change still
 * under way in a live process (on PostgreSQL, another replica's or another request's): it is skipped, not
 * waited for, so a mutation on another pair never waits behind it (on SQLite the database's one write lock
 * is waited for, and the change then found committed or not). A file that no longer holds the change's
 * bytes is left alone (it shows as drift). Returns the entries put back; one whose files could not all be
 * put back stays open and is tried again next time.
 */
export async function recoverOpenChanges(deps: RecoveryDeps): Promise<number> {
  let recovered = 0;
  for (const entry of await deps.journal.openEntries()) {
    const outcome = await deps.writers.transaction(async (qr) => {
      const tx = qr.manager;
      if (!(await deps.writers.tryLockServers(tx, entry.files.map((f) => f.serverId)))) return 'under way';
      // Its own change may have ended while this waited for the locks: refused by dhcpd -t (its entry is written
      // while the checks run) and closed, or committed.
      if (!(await deps.journal.isOpen(entry.id))) return 'closed';
      if (await tx.existsBy(JournalCommit, { journalId: entry.id })) return 'committed';
      const restored: string[] = [];
      const leftAlone: string[] = [];
      // A server is reloaded once, after every file of its own was put back: never on a half-restored tree.
      const toReload = new Map<number, { name: string; files: ServerFiles }>();
      for (const file of entry.files) {
        const server = (await tx.findOneBy(DhcpServer, { id: file.serverId })) ?? { id: file.serverId, name: file.server, configPath: file.path };
        const files = deps.filesOf(server);
        const now = await files.read(file.path);
        if (now !== null && sha256(now) === file.afterHash) {
          await files.replace(file.path, file.before === null ? null : Buffer.from(file.before, 'utf8'));
          toReload.set(file.serverId, { name: file.server, files });
          restored.push(`${file.server}:${file.path}`);
        } else if ((now === null ? null : sha256(now)) !== (file.before === null ? null : file.beforeHash)) {
          leftAlone.push(`${file.server}:${file.path}`);
        }
      }
      for (const { name, files } of toReload.values()) {
        await files.reload().catch((e: unknown) => deps.log(`recovery: reload of server "${name}" failed: ${(e as Error).message}`));
      }
      await tx.insert(AuditEntry, {
        at: new Date(),
        actor: 'gateway',
        operation: entry.operation,
        arguments: JSON.stringify({ journalEntry: entry.id }),
        outcome: 'RECOVERED',
        message: `an unfinished change (journal entry ${entry.id}) was undone: ${restored.length ? `put back ${restored.join(', ')}` : 'no file held its bytes'}${leftAlone.length ? `; left alone (changed since): ${leftAlone.join(', ')}` : ''}`,
        changes: [],
      });
      return 'recovered';
    }).catch((e: unknown) => {
      deps.log(`recovery of journal entry ${entry.id} failed, it stays open and is tried again: ${(e as Error).message}`);
      return 'failed' as const;
    });
    if (outcome === 'failed' || outcome === 'under way' || outcome === 'closed') continue;
    await deps.journal.close(entry.id);
    if (outcome === 'recovered') recovered++;
  }
  return recovered;
}
