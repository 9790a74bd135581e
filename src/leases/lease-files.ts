import { setImmediate } from 'node:timers/promises';
import type { ServerFiles } from '../transport/server-files';
import { readLeases } from './reader';
import { TableBuilder, type LeaseTable } from './table';

interface Entry {
  /** size and mtime of the file the table was read from */
  key: string;
  table: Promise<LeaseTable>;
}

/**
 * Lease tables per server and file, kept while the file's size and mtime stay the same: dhcpd appends to the file
 * and rewrites it by rename, and either changes both or at least the mtime. Callers asking while a read is under
 * way share it. Process-wide; one entry per (server, path), replaced when the file changes.
 */
export class LeaseFileCache {
  private readonly entries = new Map<string, Entry>();

  /** The table of the file, or null when it does not exist; a TransportError when it cannot be read. */
  async read(server: string, files: ServerFiles, path: string): Promise<LeaseTable | null> {
    const id = `${server}\0${path}`;
    const stat = await files.stat(path);
    if (!stat) {
      this.entries.delete(id);
      return null;
    }
    const key = `${stat.size}:${stat.mtimeMs}`;
    const cached = this.entries.get(id);
    if (cached?.key === key) return cached.table;
    const table = parse(files, path);
    const entry = { key, table };
    this.entries.set(id, entry);
    // A failed read is not kept: the next request tries again.
    table.catch(() => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    });
    return table;
  }
}

/**
 * Building a table (sorting 200,000 addresses) is one synchronous block, and both servers' files end in the same
 * turn of the event loop: the builds take turns, each one in a turn of its own.
 */
let builds: Promise<unknown> = Promise.resolve();

async function parse(files: ServerFiles, path: string): Promise<LeaseTable> {
  // The figures are as of the start of the read: records appended after it may be missing.
  const readAt = new Date();
  const builder = new TableBuilder();
  const summary = await readLeases(files.stream(path), builder.add);
  const table = builds.then(() => setImmediate()).then(() => builder.build(summary, readAt));
  builds = table.catch(() => {});
  return table;
}
