import { Not, In, type EntityManager } from 'typeorm';
import { FileState } from '../entities';

/** The last-seen hash and text of servers' files (drift), read and written in a mutation's transaction. */
export class FileStates {
  constructor(private readonly tx: EntityManager) {}

  /** The file's hash as last seen, or null when the gateway has no record of it yet (its text is not read: 2 MB). */
  async hash(serverId: number, path: string): Promise<string | null> {
    return (await this.tx.findOne(FileState, { select: { sha256: true }, where: { serverId, path } }))?.sha256 ?? null;
  }

  forServer(serverId: number): Promise<FileState[]> {
    return this.tx.findBy(FileState, { serverId });
  }

  /** The file as the gateway just read or wrote it. */
  async record(serverId: number, path: string, sha256: string, content: string | null): Promise<void> {
    await this.tx.upsert(FileState, { serverId, path, sha256, content, seenAt: new Date() }, ['serverId', 'path']);
  }

  /** Forgets the server's files other than `paths` (a file no longer included). */
  async forgetOthers(serverId: number, paths: string[]): Promise<void> {
    await this.tx.delete(FileState, { serverId, path: Not(In(paths)) });
  }
}
