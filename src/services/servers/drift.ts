import { readOrFail, type ChangeSetDeps } from '../../config-sync/apply/change-set';
import { readTree } from '../../config-sync/apply/config-tree';
import { sha256 } from '../../config-sync/apply/model-cache';
import type { DhcpServer, FileState } from '../../entities';
import type { ConfigDrift } from '../../entities/file-diff';
import { unifiedDiff } from '../../config-sync/apply/unified-diff';

/**
 * Whether a server's files are as the gateway last read or wrote them: each file is read now (over the
 * server's transport) and hashed; one that differs comes with a unified diff, last seen → now.
 */
export class DriftService {
  constructor(private readonly files: ChangeSetDeps) {}

  async drift(server: DhcpServer, seen: FileState[]): Promise<ConfigDrift | null> {
    const files = this.files.filesOf(server);
    const diffs = [];
    for (const state of seen) {
      const now = await readOrFail(files, server, state.path);
      if (sha256(now ?? '') === state.sha256) continue;
      diffs.push({ path: state.path, diff: unifiedDiff(state.path, state.content ?? '', now?.toString('utf8') ?? '') });
    }
    return diffs.length === 0 ? null : { detectedAt: new Date(), files: diffs };
  }

  /** Every file of the server as it is now: the main file first, then every file reached through `include`, in dhcpd's reading order. */
  async configFiles(server: DhcpServer): Promise<string[]> {
    const files = this.files.filesOf(server);
    const tree = await readTree(server, files, this.files.models, (path) => readOrFail(files, server, path));
    return tree.files.map((f) => f.path);
  }
}
