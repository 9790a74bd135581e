import { readOrFail, type ChangeSetDeps } from '../../config-sync/apply/change-set';
import { readTree } from '../../config-sync/apply/config-tree';
import { driftedFiles } from '../../config-sync/apply/drifted-files';
import type { DhcpServer, FileState } from '../../entities';
import type { ConfigDrift } from '../../entities/file-diff';
import { unifiedDiff } from '../../config-sync/apply/unified-diff';

/**
 * Whether a server's files are as the gateway last read or wrote them (driftedFiles): each file is read now
 * (over the server's transport) and hashed; one that differs comes with a unified diff, last seen → now.
 */
export class DriftService {
  constructor(private readonly files: ChangeSetDeps) {}

  async drift(server: DhcpServer, seen: FileState[]): Promise<ConfigDrift | null> {
    const files = this.files.filesOf(server);
    const drifted = await driftedFiles(new Map(seen.map((s) => [s.path, s.sha256])), (path) => readOrFail(files, server, path));
    if (drifted.length === 0) return null;
    const before = new Map(seen.map((s) => [s.path, s.content ?? '']));
    return { detectedAt: new Date(), files: drifted.map((f) => ({ path: f.path, diff: unifiedDiff(f.path, before.get(f.path)!, f.now?.toString('utf8') ?? '') })) };
  }

  /** Every file of the server as it is now: the main file first, then every file reached through `include`, in dhcpd's reading order. */
  async configFiles(server: DhcpServer): Promise<string[]> {
    const files = this.files.filesOf(server);
    const tree = await readTree(server, files, this.files.models, (path) => readOrFail(files, server, path));
    return tree.files.map((f) => f.path);
  }
}
