import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A server's config file as the gateway last read or wrote it: its SHA-256 and its text. A file that no
 * longer hashes the same has drifted (someone else changed it); the text is what the drift diff starts from.
 */
@Entity('file_state')
export class FileState {
  @PrimaryColumn({ name: 'server_id', type: 'integer' })
  serverId: number;

  @PrimaryColumn({ type: 'varchar', length: 4096 })
  path: string;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  /** null: the file did not exist */
  @Column({ type: 'text', nullable: true })
  content: string | null;

  @Column({ name: 'seen_at', type: Date })
  seenAt: Date;
}
