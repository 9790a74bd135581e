import { ConfigApplyFailedError, ConfigInvalidError, ConflictError, GatewayError, ServerUnreachableError } from '../../errors';
import type { Metrics } from '../../metrics';
import { TransportError, type ServerFiles } from '../../transport/server-files';
import { parseConfig, type ConfigModel } from '../dhcpd/model';
import { ConfigEditor } from '../edit/config-editor';
import { readTree, treeTexts, type ConfigTree } from './config-tree';
import { sha256, type ModelCache } from './model-cache';

/** What the change set needs to know of a server. */
export interface ServerRef {
  id: number;
  name: string;
  configPath: string;
}

export interface ChangeSetDeps {
  filesOf(server: ServerRef): ServerFiles;
  models: ModelCache;
  metrics: Metrics;
}

/** What the change set needs of the mutation it belongs to. */
export interface MutationGuard {
  /** Takes the server's lock for the rest of the mutation (src/db/writers.ts); called before its files are read. */
  lock(server: ServerRef): Promise<void>;
  /** The hash the file had when the gateway last read or wrote it (src/db/file-states.ts); null: no record. */
  lastSeen(server: ServerRef, path: string): Promise<string | null>;
}

interface ServerEdit {
  server: ServerRef;
  files: ServerFiles;
  /** every file of the server as read at the start of the change; only the main file is edited */
  tree: ConfigTree;
  /** the main file's bytes read at the start of the change, null when it did not exist */
  original: Buffer | null;
  model: ConfigModel;
  editor: ConfigEditor;
}

/** One file a change replaces: its text before (null: it did not exist) and after. */
export interface FileChange {
  server: ServerRef;
  path: string;
  before: string | null;
  after: string;
}

export interface Written {
  changes: FileChange[];
  /** puts every written file back (used when the database commit fails after the files were replaced) */
  restore(): Promise<void>;
}

/** Putting files back failed after the change itself failed: both are named; the journal entry stays open. */
export class RestoreFailedError extends Error {
  constructor(
    readonly failure: GatewayError,
    readonly restoreFailure: unknown,
  ) {
    super(failure.message);
  }
}

type Candidate = ServerEdit & { text: string };

/**
 * The file side of one mutation, the one place a server's file is replaced: an editor per affected
 * server, then validate all (in parallel), write all (secondaries first, as ISC advises for a failover
 * pair) with a compare-and-swap against the bytes read, reload; on any failure every written file is put
 * back and reloaded.
 */
export class ChangeSet {
  private readonly edits = new Map<number, ServerEdit>();
  private readonly first = new Set<number>();

  constructor(
    private readonly deps: ChangeSetDeps,
    private readonly guard: MutationGuard,
  ) {}

  /**
   * The server's file as this change leaves it so far. Edits that build on each other compose here: when
   * the editor holds changes, they are applied and the result re-read (the old editor is retired), so the
   * model always shows them. Between two calls, one editor collects changes cheaply.
   */
  async model(server: ServerRef): Promise<ConfigModel> {
    return this.current(await this.entry(server));
  }

  /** The same as model(), read without taking the server into the change; null when the file is missing. */
  async peek(server: ServerRef): Promise<ConfigModel | null> {
    const edit = this.edits.get(server.id);
    if (edit) return this.current(edit);
    const content = await readOrFail(this.deps.filesOf(server), server);
    return content === null ? null : this.deps.models.model(server.configPath, content);
  }

  /**
   * The included file (not the main one) that declares subnet `network` or failover peer `peer`, or null.
   * The gateway edits only the main file; a change of a declaration held in an included file is refused.
   */
  async includedFileDeclaring(server: ServerRef, what: { network: string } | { peer: string }): Promise<string | null> {
    const included = (await this.entry(server)).tree.files.slice(1);
    const found = included.find((f) => ('network' in what ? f.model.findSubnet(what.network) : f.model.findPeer(what.peer)));
    return found?.path ?? null;
  }

  /** The editor of the server's file; valid until the next model() of that server. */
  async editor(server: ServerRef): Promise<ConfigEditor> {
    return (await this.entry(server)).editor;
  }

  private current(e: ServerEdit): ConfigModel {
    if (e.editor.hasEdits()) {
      e.editor.retire();
      e.model = parseConfig(e.editor.apply());
      e.editor = new ConfigEditor(e.model);
    }
    return e.model;
  }

  /** This server's file is written before the others (the secondary of a pair). */
  writeFirst(server: ServerRef): void {
    this.first.add(server.id);
  }

  /** Candidate text per server whose file changes, those to write first first. */
  private candidates(): Candidate[] {
    return [...this.edits.values()]
      .map((e) => ({ ...e, text: e.editor.apply() }))
      .filter((c) => c.text !== (c.original?.toString('utf8') ?? ''))
      .sort((a, b) => Number(this.first.has(b.server.id)) - Number(this.first.has(a.server.id)));
  }

  /** Every candidate validated by its server's dhcpd -t (in parallel), nothing written: what a dry run stops at. */
  async validate(): Promise<FileChange[]> {
    return changesOf(await this.checked());
  }

  /** The candidates, each validated. */
  private async checked(): Promise<Candidate[]> {
    const candidates = this.candidates();
    // Wait for every dhcpd run (and its temp file) before reporting the first failure.
    const checks = await Promise.allSettled(candidates.map((c) => this.check(c)));
    const failed = checks.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return candidates;
  }

  /**
   * Validates, then `beforeWrite` (the journal entry) and writes every file with a compare-and-swap
   * against the bytes read, reloading each server; on any failure every written file is put back.
   */
  async apply(beforeWrite: (changes: FileChange[]) => Promise<void>): Promise<Written> {
    const { metrics } = this.deps;
    // the validated candidates themselves: rendering every file again would cost time for the same text
    const candidates = await this.checked();
    const changes = changesOf(candidates);
    if (candidates.length === 0) return { changes, restore: async () => {} };
    await beforeWrite(changes);
    const written: ServerEdit[] = [];
    const restore = async () => {
      metrics.rollbacks.inc();
      // Every file gets its chance even when one cannot be put back; the caller hears of the first failure.
      let failure: unknown = null;
      for (const w of written.reverse()) {
        try {
          await w.files.replace(w.server.configPath, w.original);
          // Best effort: the server should run the configuration it had.
          await w.files.reload().catch(() => undefined);
        } catch (e) {
          failure ??= applyFailed(w.server, e);
        }
      }
      if (failure) throw failure;
    };
    for (const c of candidates) {
      try {
        // Compare and swap: an edit someone saved while dhcpd -t ran must not be overwritten unseen. The file
        // is read back while the new bytes are staged beside it, and swapped in as soon as they compare equal.
        const bytes = Buffer.from(c.text, 'utf8');
        const [staged, now] = await Promise.allSettled([c.files.stage(c.server.configPath, bytes), c.files.read(c.server.configPath)]);
        const unchanged = now.status === 'fulfilled' && sameBytes(now.value, c.original);
        if (staged.status === 'fulfilled' && !unchanged) await staged.value.discard();
        if (now.status === 'rejected') throw now.reason;
        if (!unchanged) {
          throw new ConflictError(`the file of server "${c.server.name}" changed outside the gateway during this change; nothing was applied, run syncServer and try again`);
        }
        if (staged.status === 'rejected') throw staged.reason;
        await staged.value.swap();
        written.push(c);
        // The model read last is the candidate's when no edit came after it: the next change starts from it.
        if (c.text === c.model.text) this.deps.models.remember(c.server.configPath, bytes, c.model);
        await c.files.reload();
      } catch (e) {
        const failure = e instanceof GatewayError ? e : applyFailed(c.server, e);
        // A restore that fails too is named with the first failure; the journal entry stays open for recovery.
        await restore().catch((r: unknown) => {
          throw new RestoreFailedError(failure, r);
        });
        throw failure;
      }
    }
    const now = Date.now() / 1000;
    for (const w of written) {
      metrics.applies.inc({ server: w.server.name });
      metrics.lastApply.set({ server: w.server.name }, now);
    }
    return { changes, restore };
  }

  private async check(c: Candidate): Promise<void> {
    const end = this.deps.metrics.validations.startTimer();
    let result;
    try {
      result = await c.files.validate(c.server.configPath, new Map([...treeTexts(c.tree), [c.server.configPath, c.text]]));
    } catch (e) {
      end({ outcome: 'error' });
      throw applyFailed(c.server, e);
    }
    if (result === null) {
      end({ outcome: 'unvalidated' });
      return;
    }
    end({ outcome: result.ok ? 'valid' : 'invalid' });
    if (result.ok) return;
    // Blame the change only when the file as it is passes: else say that dhcpd refuses the current file.
    if (c.original !== null) await checkCurrentFile(c.files, c.server, c.tree);
    throw new ConfigInvalidError(c.server.name, result.messages.length ? result.messages : [result.output.trim()]);
  }

  private async entry(server: ServerRef): Promise<ServerEdit> {
    let e = this.edits.get(server.id);
    if (!e) {
      await this.guard.lock(server);
      const files = this.deps.filesOf(server);
      // Each file is checked for drift as it is read, before its includes are followed: an operator's edit
      // is never overwritten or half-merged, it is taken over by syncServer first.
      const tree = await readTree(server, files, this.deps.models, async (path) => {
        const bytes = await readOrFail(files, server, path);
        const seen = await this.guard.lastSeen(server, path);
        if (seen !== null && seen !== sha256(bytes ?? '')) {
          throw new ConflictError(`the configuration of server "${server.name}" (${path}) was changed outside the gateway since it was last read (see its drift); run syncServer to take the change over, then try again`, { server: server.name });
        }
        return bytes;
      });
      // Editing a file the parser cannot fully read (or that is not UTF-8) could change bytes it did not understand.
      const unreadable = tree.files.find((f) => f.model.errors.length > 0);
      if (unreadable) throw unreadableFile(server, unreadable.model);
      const original = tree.files[0].bytes;
      const model = tree.files[0].model;
      e = { server, files, tree, original, model, editor: new ConfigEditor(model) };
      this.edits.set(server.id, e);
    }
    return e;
  }
}

/**
 * dhcpd -t on a server's current files, as they are: a configuration it already refuses is reported as
 * such, never as if a change had broken it.
 */
export async function checkCurrentFile(files: ServerFiles, server: ServerRef, tree: ConfigTree): Promise<void> {
  let result;
  try {
    result = await files.validate(tree.main, treeTexts(tree));
  } catch (e) {
    throw applyFailed(server, e);
  }
  if (result && !result.ok) {
    const messages = result.messages.length ? result.messages : [result.output.trim()];
    throw new GatewayError('CONFIG_INVALID', `dhcpd -t refuses the current configuration of server "${server.name}" as it is (nothing was changed): ${messages.join('; ')}`, { server: server.name, dhcpdMessages: messages, currentFile: true });
  }
}

/** A file of the server (default: its main file), refused as CONFIG_APPLY_FAILED (naming the cause) when it cannot be read. */
export async function readOrFail(files: ServerFiles, server: ServerRef, path = server.configPath): Promise<Buffer | null> {
  try {
    return await files.read(path);
  } catch (e) {
    throw applyFailed(server, e);
  }
}

function changesOf(candidates: Candidate[]): FileChange[] {
  return candidates.map((c) => ({ server: c.server, path: c.server.configPath, before: c.original?.toString('utf8') ?? null, after: c.text }));
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

function applyFailed(server: ServerRef, e: unknown): GatewayError {
  if (e instanceof GatewayError) return e;
  if (e instanceof TransportError && e.kind === 'unreachable') return new ServerUnreachableError(server.name, e.message);
  if (e instanceof TransportError) return new ConfigApplyFailedError(server.name, e.message, e.cause);
  return new ConfigApplyFailedError(server.name, (e as Error)?.message ?? String(e));
}

/** CONFIG_INVALID listing the parser's problems with a server's file (import refuses such a file the same way). */
export function unreadableFile(server: ServerRef, model: ConfigModel): GatewayError {
  const problems = model.errors.slice(0, 20).map((e) => `line ${e.line}:${e.column}: ${e.message}`);
  return new GatewayError('CONFIG_INVALID', `the configuration file of server "${server.name}" cannot be read: ${problems.join('; ')}`, { server: server.name, problems });
}
