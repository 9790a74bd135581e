import { execFile } from 'node:child_process';
import { createReadStream, promises as fs, realpathSync } from 'node:fs';
import path from 'node:path';
import { replaceFileAtomic, type ValidationResult } from '../config-sync';
import { stageReplacement } from '../config-sync/apply/atomic-write';
import { validateTree } from '../config-sync/apply/validate';
import type { ServerHooks } from '../config';
import { errnoOf, TransportError, type FileStat, type ServerFiles, type StagedFile } from './server-files';

/** A server whose files are on the gateway's own disk (under CONFIG_ROOT). */
export class LocalFiles implements ServerFiles {
  constructor(
    private readonly hooks: ServerHooks,
    /** the dhcpd found at start-up, or null: files are then written unvalidated */
    private readonly dhcpd: string | null,
    /** CONFIG_ROOT; configPath lies under its real path (src/services/servers/config-path.ts), so includes must too */
    configRoot = '/',
  ) {
    this.root = realOrResolved(configRoot);
  }

  readonly root: string;

  async read(file: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(file);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return null;
      throw failure(`cannot read ${path.basename(file)}`, e);
    }
  }

  async validate(main: string, texts: ReadonlyMap<string, string>, started?: () => void): Promise<ValidationResult | null> {
    if (this.dhcpd === null) return null;
    try {
      return await validateTree(this.dhcpd, main, texts, started);
    } catch (e) {
      throw failure('the candidate for dhcpd -t could not be written or checked', e);
    }
  }

  async replace(file: string, content: Buffer | null): Promise<void> {
    try {
      await replaceFileAtomic(file, content);
    } catch (e) {
      throw failure('the file could not be written', e);
    }
  }

  async stage(file: string, content: Buffer): Promise<StagedFile> {
    const written = await stageReplacement(file, content).catch((e: unknown) => {
      throw failure('the file could not be written', e);
    });
    return {
      swap: () => written.swap().catch((e: unknown) => {
        throw failure('the file could not be written', e);
      }),
      // best effort: a temp file is a dotfile nothing reads
      discard: () => written.discard().catch(() => undefined),
    };
  }

  async stat(file: string): Promise<FileStat | null> {
    try {
      const st = await fs.stat(file);
      return { size: st.size, mtimeMs: st.mtimeMs };
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return null;
      throw failure(`cannot read ${path.basename(file)}`, e);
    }
  }

  async *stream(file: string): AsyncIterable<Buffer> {
    try {
      for await (const chunk of createReadStream(file)) yield chunk as Buffer;
    } catch (e) {
      throw failure(`cannot read ${path.basename(file)}`, e);
    }
  }

  /** argv without a shell, bounded by a timeout. */
  reload(): Promise<void> {
    const { reload: argv, reloadTimeoutSeconds } = this.hooks;
    if (!argv) return Promise.resolve();
    return new Promise((resolve, reject) => {
      execFile(argv[0], argv.slice(1), { timeout: reloadTimeoutSeconds * 1000, shell: false }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        const why = error.killed ? `timed out after ${reloadTimeoutSeconds}s` : `exited with ${error.code ?? error.signal}`;
        reject(new TransportError(`reload hook ${why}${stderr.trim() ? `: ${stderr.trim().slice(0, 500)}` : ''}`, why));
      });
    });
  }
}

function failure(what: string, e: unknown): TransportError {
  const code = errnoOf(e) ?? 'error';
  return new TransportError(`${what} (${code})`, code);
}

function realOrResolved(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}
