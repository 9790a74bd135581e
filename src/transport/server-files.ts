import type { ValidationResult } from '../config-sync';

/**
 * The files of one DHCP server, wherever they live: read them (the lease file as a stream), check a candidate with that server's own
 * `dhcpd -t`, replace one atomically, run the operator's reload command. The config engine and the change
 * set only ever reach a server's files through this interface; local.ts is the gateway's own disk.
 * Failures are TransportErrors naming their cause, so callers can say which server failed and why.
 */
export interface ServerFiles {
  /** The file's bytes, or null when it does not exist. */
  read(path: string): Promise<Buffer | null>;
  /** The folder every file of the server must lie under (CONFIG_ROOT, or the SSH server's remoteRoot). */
  readonly root: string;
  /**
   * `dhcpd -t` on a candidate tree: `texts` holds every file of the server by path (the main file `main`
   * first), staged in a private temporary folder with its includes pointing at the staged copies; null
   * when this server has no dhcpd to validate with. `started` is called once dhcpd is running (not at all
   * without one), so the caller can use the time it takes.
   */
  validate(main: string, texts: ReadonlyMap<string, string>, started?: () => void): Promise<ValidationResult | null>;
  /** Replaces the file atomically (temp file, fsync, rename); `null` removes it. */
  replace(path: string, content: Buffer | null): Promise<void>;
  /**
   * replace() in two steps: the temp file written and flushed beside the file, which stays untouched until
   * `swap()` renames it over it (`discard()` removes it instead). The compare-and-swap reads the file back
   * meanwhile.
   */
  stage(path: string, content: Buffer): Promise<StagedFile>;
  /** Runs the reload command the operator configured for this server, if any. */
  reload(): Promise<void>;
  /** Size and modification time of a file (the lease file's cache key), or null when it does not exist. */
  stat(path: string): Promise<FileStat | null>;
  /** The file's bytes a chunk at a time, so a 100 MB lease file is never held whole; fails with a TransportError. */
  stream(path: string): AsyncIterable<Buffer>;
}

/** New content beside its file, not in place yet. */
export interface StagedFile {
  /** Renames it over the file; fails with a TransportError. */
  swap(): Promise<void>;
  /** Removes it, best effort (a temp file is a dotfile nothing reads); never fails. */
  discard(): Promise<void>;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
}

/**
 * A transport failure with its cause: an errno code such as ENOSPC or EACCES, or what the command said.
 * `unreachable`: the machine itself could not be reached (SERVER_UNREACHABLE), as opposed to an operation on it failing.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly cause: string,
    readonly kind: 'failed' | 'unreachable' = 'failed',
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** The errno code of a Node system error, if it is one. */
export function errnoOf(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}
