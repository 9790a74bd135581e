import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One file a change replaces: what it held before (to put back) and the hashes before and after. */
export interface JournalFile {
  serverId: number;
  server: string;
  path: string;
  /** the bytes before the change (UTF-8 text), null when the file did not exist */
  before: string | null;
  beforeHash: string;
  afterHash: string;
}

/**
 * Write-ahead record of a change to servers' files, committed before the first file is replaced and
 * deleted (closed) once the change's own transaction committed (see src/config-sync/apply/journal.ts).
 */
@Entity('journal_entry')
export class JournalEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;

  /** the mutation field that made the change */
  @Column({ type: 'varchar', length: 63 })
  operation: string;

  @Column({ type: 'simple-json' })
  files: JournalFile[];
}

/** Written in the change's own transaction: its presence says the change committed. */
@Entity('journal_commit')
export class JournalCommit {
  @Column({ name: 'journal_id', type: 'integer', primary: true })
  journalId: number;
}
