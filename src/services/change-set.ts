import { readFile } from 'node:fs/promises';
import { ConfigEditor, ConfigFileCache, ConfigModel, DhcpdNotFoundError, parseConfig, restoreFile, validateConfig, writeFileAtomic } from '../config-sync';
import type { Settings } from '../config';
import type { DhcpServer } from '../entities';
import { ConfigApplyFailedError, ConfigInvalidError, ConflictError, GatewayError } from '../errors';
import type { Metrics } from '../metrics';
import { runReloadHook } from './reload';

interface ServerEdit {
  server: DhcpServer;
  original: string;
  model: ConfigModel;
  editor: ConfigEditor;
}

export interface Written {
  /** puts every written file back (used when the database commit fails after the files were replaced) */
  restore(): Promise<void>;
}

/**
 * The file side of one mutation: an editor per affected server, then validate-all, write-all (secondaries
 * first, as ISC advises for a failover pair), reload; on any failure every written file is restored.
 */
export class ChangeSet {
  private readonly edits = new Map<number, ServerEdit>();
  private readonly first = new Set<number>();

  constructor(
    private readonly files: ConfigFileCache,
    private readonly settings: Settings,
    private readonly metrics: Metrics,
    private readonly dhcpdAvailable: boolean,
  ) {}

  async model(server: DhcpServer): Promise<ConfigModel> {
    return (await this.entry(server)).model;
  }

  /** The file as this change would leave it so far, read without taking the server into the change; null when missing. */
  async peek(server: DhcpServer): Promise<ConfigModel | null> {
    return this.edits.get(server.id)?.model ?? (await this.files.read(server.configPath));
  }

  async editor(server: DhcpServer): Promise<ConfigEditor> {
    return (await this.entry(server)).editor;
  }

  /** Applies the pending edits of a server and starts a fresh editor on the result, for edits that build on each other. */
  async rebase(server: DhcpServer): Promise<ConfigModel> {
    const e = await this.entry(server);
    e.model = parseConfig(e.editor.apply());
    e.editor = new ConfigEditor(e.model);
    return e.model;
  }

  /** This server's file is written before the others (the secondary of a pair). */
  writeFirst(server: DhcpServer): void {
    this.first.add(server.id);
  }

  /** Candidate text per server that changes. */
  private candidates(): { server: DhcpServer; text: string; original: string }[] {
    return [...this.edits.values()]
      .map((e) => ({ server: e.server, text: e.editor.apply(), original: e.original }))
      .filter((c) => c.text !== c.original)
      .sort((a, b) => Number(this.first.has(b.server.id)) - Number(this.first.has(a.server.id)));
  }

  async apply(): Promise<Written> {
    const candidates = this.candidates();
    // Both candidates are checked in parallel; wait for every dhcpd run (and its temp file) before reporting.
    const checks = await Promise.allSettled(candidates.map((c) => this.validate(c.server, c.text)));
    const failed = checks.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const written: { server: DhcpServer; previous: Buffer | null }[] = [];
    const restore = async () => {
      this.metrics.rollbacks.inc();
      // Every file gets its chance even when one cannot be put back; the caller hears of the first failure.
      let failure: unknown = null;
      for (const w of written.reverse()) {
        this.files.invalidate(w.server.configPath);
        try {
          await restoreFile(w.server.configPath, w.previous);
          // Best effort: the server should run the configuration it had.
          await runReloadHook(this.settings.hooksFor(w.server.name)).catch(() => undefined);
        } catch (e) {
          failure ??= e;
        }
      }
      if (failure) throw failure;
    };
    for (const c of candidates) {
      // Compare and swap: an edit someone saved while dhcpd -t ran must not be overwritten unseen.
      if ((await readIfExists(c.server.configPath)) !== c.original) {
        await restore();
        throw new ConflictError(`the file of server "${c.server.name}" changed outside the gateway during this change; nothing was applied, run syncServer and try again`);
      }
      let previous: Buffer | null;
      try {
        previous = await writeFileAtomic(c.server.configPath, c.text);
      } catch (e) {
        await restore();
        throw new ConfigApplyFailedError(c.server.name, `the file could not be written (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      } finally {
        this.files.invalidate(c.server.configPath);
      }
      written.push({ server: c.server, previous });
      try {
        await runReloadHook(this.settings.hooksFor(c.server.name));
      } catch (e) {
        await restore();
        throw new ConfigApplyFailedError(c.server.name, (e as Error).message);
      }
    }
    const now = Date.now() / 1000;
    for (const w of written) {
      this.metrics.applies.inc({ server: w.server.name });
      this.metrics.lastApply.set({ server: w.server.name }, now);
    }
    return { restore };
  }

  private async validate(server: DhcpServer, text: string): Promise<void> {
    if (!this.dhcpdAvailable) return;
    const end = this.metrics.validations.startTimer();
    let result;
    try {
      result = await validateConfig(text, { dhcpdBin: this.settings.dhcpdBin ?? undefined, dir: dirOf(server.configPath) });
    } catch (e) {
      end({ outcome: 'error' });
      if (e instanceof DhcpdNotFoundError) throw new ConfigApplyFailedError(server.name, 'dhcpd is no longer available to validate the file');
      throw e;
    }
    end({ outcome: result.ok ? 'valid' : 'invalid' });
    if (!result.ok) throw new ConfigInvalidError(server.name, result.messages.length ? result.messages : [result.output.trim()]);
  }

  private async entry(server: DhcpServer): Promise<ServerEdit> {
    let e = this.edits.get(server.id);
    if (!e) {
      const model = (await this.files.read(server.configPath)) ?? parseConfig('');
      // Editing a file the parser cannot fully read (or that is not UTF-8) could change bytes it did not understand.
      if (model.errors.length > 0) throw unreadableFile(server, model);
      e = { server, original: model.text, model, editor: new ConfigEditor(model) };
      this.edits.set(server.id, e);
    }
    return e;
  }
}

function dirOf(p: string): string {
  return p.slice(0, Math.max(p.lastIndexOf('/'), 1));
}

async function readIfExists(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/** CONFIG_INVALID listing the parser's problems with a server's file (import refuses such a file the same way). */
export function unreadableFile(server: DhcpServer, model: ConfigModel): GatewayError {
  const problems = model.errors.slice(0, 20).map((e) => `line ${e.line}:${e.column}: ${e.message}`);
  return new GatewayError('CONFIG_INVALID', `the configuration file of server "${server.name}" cannot be read: ${problems.join('; ')}`, { server: server.name, problems });
}
