import { Not, In, type EntityManager } from 'typeorm';
import { FileState } from '../entities';

/** The last-seen hash and text of servers' files (drift), read and written in a mutation's transaction. */
export class FileStates {
  constructor(private readonly tx: EntityManager) {}

  /** Path → hash of each of the server's files as last seen, by path (their texts are not read: 2 MB each). */
  async lastSeen(serverId: number): Promise<Map<string, string>> {
    const rows = await this.tx.find(FileState, { select: { path: true, sha256: true }, where: { serverId }, order: { path: 'ASC' } });
    return new Map(rows.map((r) => [r.path, r.sha256]));
  }

  /** The paths of the files of these servers (server id, path), texts not read. */
  paths(serverIds: number[]): Promise<Pick<FileState, 'serverId' | 'path'>[]> {
    return this.tx.find(FileState, { select: { serverId: true, path: true }, where: { serverId: In(serverIds) } });
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
