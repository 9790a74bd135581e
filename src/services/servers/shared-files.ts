import type { EntityManager } from 'typeorm';
import type { Settings } from '../../config';
import { FileStates } from '../../db/file-states';
import { Transport } from '../../domain';
import { DhcpServer } from '../../entities';
import { ConflictError } from '../../errors';
import { realPath } from './config-path';

/**
 * Two servers never edit one file: no file of a server's tree may be a file of another registered server's
 * tree, as the gateway last read or wrote it (its file_state rows, and its main file). Checked when a tree is
 * taken (addServer, syncServer) and, as a last guard, before a change writes a file (a database from before
 * this rule, or two registrations at once). Files are compared on one machine: on the gateway's disk after
 * resolving every symlink, over SSH by host, port and path (symlinks on the server are not resolved).
 */
export class SharedFiles {
  constructor(private readonly settings: Settings) {}

  /** CONFLICT, naming both servers and the file, when one of `paths` of the server is another server's file too. */
  async refuse(tx: EntityManager, server: { id: number }, paths: readonly string[]): Promise<void> {
    const servers = await tx.find(DhcpServer);
    const self = servers.find((s) => s.id === server.id)!;
    const others = servers.filter((s) => s.id !== self.id && this.machineOf(s) === this.machineOf(self));
    if (others.length === 0) return;
    const key = self.transport === Transport.LOCAL ? realPath : (p: string) => p;
    const mine = new Map(paths.map((p) => [key(p), p]));
    const rows = await new FileStates(tx).paths(others.map((s) => s.id));
    for (const other of others) {
      for (const theirs of [other.configPath, ...rows.filter((r) => r.serverId === other.id).map((r) => r.path)]) {
        const path = mine.get(key(theirs));
        if (path === undefined) continue;
        const named = theirs === path ? '' : ` as ${theirs}`;
        throw new ConflictError(`the file ${path} of server "${self.name}" is also a file of server "${other.name}"${named}; two servers never edit the same file (paths are compared after resolving symlinks)`);
      }
    }
  }

  /** Which machine holds a server's files. */
  private machineOf(server: DhcpServer): string {
    if (server.transport === Transport.LOCAL) return 'local';
    const { ssh } = this.settings.hooksFor(server.name);
    return `ssh:${ssh?.host ?? server.address}:${ssh?.port ?? 22}`;
  }
}
