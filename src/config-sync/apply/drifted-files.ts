import { sha256 } from './model-cache';

/** Path → the SHA-256 of each of a server's files as the gateway last read or wrote it (file_state). */
export type LastSeen = ReadonlyMap<string, string>;

/**
 * Which of a server's files drifted: the one rule behind DhcpServer.drift, the review's DRIFT and the change
 * set's refusal. Every file the gateway keeps a last-seen state of (each file of the tree as it last read or
 * wrote it) whose bytes now hash otherwise has; a file it keeps no state of has not. `read` gives a file's
 * bytes now (null: it does not exist).
 */
export async function driftedFiles(seen: LastSeen, read: (path: string) => Promise<Buffer | null>): Promise<{ path: string; now: Buffer | null }[]> {
  const drifted = [];
  for (const [path, hash] of seen) {
    const now = await read(path);
    if (sha256(now ?? '') !== hash) drifted.push({ path, now });
  }
  return drifted;
}
