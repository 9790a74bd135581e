import { ConfigApplyFailedError, ConfigInvalidError, ConflictError, GatewayError, ServerUnreachableError } from '../../errors';
import type { Metrics } from '../../metrics';
import { TransportError, type ServerFiles } from '../../transport/server-files';
import { parseConfig, type ConfigModel } from '../dhcpd/model';
import { ConfigEditor } from '../edit/config-editor';
import { readTree, treeTexts, type ConfigTree } from './config-tree';
import { driftedFiles, type LastSeen } from './drifted-files';
import { sha256, type ModelCache } from './model-cache';
import { TreeEditor } from './tree-editor';
import { readingPlaces, treeModel, type TreeModel } from './tree-model';

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
  /** The hash of each of the server's files as the gateway last read or wrote it (src/db/file-states.ts). */
  lastSeen(server: ServerRef): Promise<LastSeen>;
  /** Refuses (CONFLICT) to write files of the server that another registered server's tree holds too. */
  refuseShared(server: ServerRef, paths: string[]): Promise<void>;
}

/** One file of a server's tree in this change. */
interface FileEdit {
  path: string;
  /** the bytes read at the start of the change, null when the (main) file did not exist */
  original: Buffer | null;
  /** their SHA-256 (of no bytes when the file did not exist) */
  hash: string;
  /** the model as read, and as this change leaves it so far (re-read after a composition) */
  read: ConfigModel;
  model: ConfigModel;
  /** made when the tree editor first needs it; null again once its edits were applied and re-read */
  editor: ConfigEditor | null;
}

interface ServerEdit {
  server: ServerRef;
  files: ServerFiles;
  /** every file of the server as read at the start of the change */
  tree: ConfigTree;
  /** each file of the tree once, by path, in reading order */
  edits: Map<string, FileEdit>;
  /** the tree as this change leaves it so far, and its editor; null after a composition, made again on demand */
  view: TreeModel | null;
  editor: TreeEditor | null;
}

/** One file a change replaces: its text before (null: it did not exist) and after. */
export interface FileChange {
  server: ServerRef;
  path: string;
  before: string | null;
  after: string;
  /** SHA-256 of the bytes read and of `after`, each computed once: the journal entry, the file state and the model cache need them (2 MB each) */
  readonly beforeHash: string;
  readonly afterHash: string;
}

export interface Written {
  changes: FileChange[];
  /** puts every written file back (used when the database commit fails after the files were replaced) */
  restore(): Promise<void>;
}

/**
 * The editors of `files` retired and the files' new texts read: the server's models then show this change's
 * edits, and a new editor starts from them.
 */
function settle(e: ServerEdit, files: { file: FileEdit; text: string }[]): void {
  if (files.length === 0) return;
  e.editor?.retire();
  e.editor = null;
  e.view = null;
  for (const { file, text } of files) {
    file.editor!.retire();
    file.editor = null;
    file.model = parseConfig(text);
  }
}

/** The file's text as read ('' when it did not exist): the model's, decoded once (a file that is not UTF-8 is never edited). */
function textBefore(file: FileEdit): string {
  return file.original === null ? '' : file.read.text;
}

function throwFirstFailure(verdicts: PromiseSettledResult<void>[]): void {
  const failed = verdicts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
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

/** A file that changes: its edit, and its change; `bytes`, the new text encoded while dhcpd runs. */
interface CandidateFile {
  file: FileEdit;
  change: FileChange;
  bytes?: Buffer;
}

/** A server whose files change, with each file that changes. */
interface Candidate {
  edit: ServerEdit;
  files: CandidateFile[];
}

/**
 * The file side of one mutation, the one place a server's files are replaced: per affected server, an
 * editor per file of its tree behind one TreeEditor; then validate every server's candidate tree (in
 * parallel), write every changed file (secondaries first, as ISC advises for a failover pair) with a
 * compare-and-swap against the bytes read, reload each server once its files are written; on any failure
 * every written file is put back and its server reloaded.
 */
export class ChangeSet {
  private readonly edits = new Map<number, ServerEdit>();
  private readonly first = new Set<number>();

  constructor(
    private readonly deps: ChangeSetDeps,
    private readonly guard: MutationGuard,
  ) {}

  /**
   * The server's configuration, every file of its tree, as this change leaves it so far. Edits that build
   * on each other compose here: the files whose editors hold changes are applied and re-read (the editors
   * are retired), so the model always shows them. Between two calls, the editors collect changes cheaply.
   */
  async model(server: ServerRef): Promise<TreeModel> {
    return this.current(await this.entry(server));
  }

  /**
   * The server's files as they were read at the start of this change, without its edits (what an operator's
   * files declare), read without taking the server into the change; null when its main file is missing. Cheap
   * for a server in the change: its edits are not applied and nothing is parsed again.
   */
  async asRead(server: ServerRef): Promise<TreeModel | null> {
    const edit = this.edits.get(server.id);
    if (edit) return edit.tree.files[0].bytes === null ? null : treeModel([...edit.edits.values()].map(({ path, read }) => ({ path, model: read })));
    const files = this.deps.filesOf(server);
    const tree = await readTree(server, files, this.deps.models, (path) => readOrFail(files, server, path));
    return tree.files[0].bytes === null ? null : treeModel(tree.files);
  }

  /** The editor of the server's tree; valid until the next model() of that server. */
  async editor(server: ServerRef): Promise<TreeEditor> {
    const e = await this.entry(server);
    e.editor ??= new TreeEditor(this.view(e), (path) => {
      const file = e.edits.get(path)!;
      return (file.editor ??= new ConfigEditor(file.model));
    });
    return e.editor;
  }

  private current(e: ServerEdit): TreeModel {
    e.editor?.place();
    settle(e, [...e.edits.values()].filter((f) => f.editor?.hasEdits()).map((file) => ({ file, text: file.editor!.apply() })));
    return this.view(e);
  }

  private view(e: ServerEdit): TreeModel {
    return (e.view ??= treeModel([...e.edits.values()]));
  }

  /**
   * The files of the server's tree as this change leaves it: an edit can take files out (an `include` deleted
   * with its subnet), never add one. The last-seen states of the others are forgotten once it is written.
   */
  treeAfter(server: ServerRef): string[] {
    const e = this.edits.get(server.id)!;
    if (e.edits.size === 1) return [e.tree.main];
    return [...readingPlaces(this.current(e).files).keys()];
  }

  /** This server's files are written before the others' (the secondary of a pair). */
  writeFirst(server: ServerRef): void {
    this.first.add(server.id);
  }

  /** Per server whose files change, the new text of each changed file; those to write first first. */
  private candidates(): Candidate[] {
    const candidates: Candidate[] = [];
    for (const edit of this.edits.values()) {
      edit.editor?.place();
      const files = [];
      for (const file of edit.edits.values()) {
        if (!file.editor?.hasEdits() && file.model === file.read) continue;
        const text = file.editor?.hasEdits() ? file.editor.apply() : file.model.text;
        if (text !== textBefore(file)) files.push({ file, change: fileChange(edit.server, file, text) });
      }
      if (files.length > 0) candidates.push({ edit, files });
    }
    return candidates.sort((a, b) => Number(this.first.has(b.edit.server.id)) - Number(this.first.has(a.edit.server.id)));
  }

  /** Every candidate tree validated by its server's dhcpd -t (in parallel), nothing written: what a dry run stops at. */
  async validate(): Promise<FileChange[]> {
    const candidates = await this.guarded();
    throwFirstFailure(await Promise.allSettled(candidates.map((c) => this.check(c))));
    return changesOf(candidates);
  }

  /** The candidates, once no server's are refused for a file another server's tree holds too. */
  private async guarded(): Promise<Candidate[]> {
    const candidates = this.candidates();
    for (const { edit, files } of candidates) await this.guard.refuseShared(edit.server, files.map((c) => c.file.path));
    return candidates;
  }

  /**
   * Validates and, while dhcpd runs, reads the new texts (the written files' models, so the next change parses
   * nothing), encodes them and calls `hooks.beside` (the journal entry and the change's rows): the two dhcpd -t keep the
   * machine's cores busy for seconds, and this work needs no verdict. A check that failed before that point (its
   * dhcpd never ran) skips it. Once every check passed, `hooks.validated`; then writes every changed file with a
   * compare-and-swap against the bytes read, reloading each server once its files are written; on any failure
   * every written file is put back.
   */
  async apply(hooks: { beside(changes: FileChange[]): Promise<void>; validated(changes: FileChange[]): void }): Promise<Written> {
    const { metrics } = this.deps;
    // the validated candidates themselves: rendering every file again would cost time for the same text
    const candidates = await this.guarded();
    const changes = changesOf(candidates);
    if (candidates.length === 0) return { changes, restore: async () => {} };
    const running: Promise<void>[] = [];
    let failed = false;
    // Settled as one promise that never rejects: a check failing while this waits for the others must not count as unhandled.
    const verdicts = Promise.allSettled(
      candidates.map((c) => {
        let started!: () => void;
        running.push(new Promise((resolve) => (started = resolve)));
        return this.check(c, started)
          .catch((e: unknown) => {
            failed = true;
            throw e;
          })
          .finally(started);
      }),
    );
    try {
      await Promise.all(running);
      if (!failed) {
        // candidates() placed the peer changes already: the editors hold every edit.
        for (const { edit, files } of candidates) {
          settle(edit, files.filter((c) => c.file.editor?.hasEdits()).map((c) => ({ file: c.file, text: c.change.after })));
          for (const c of files) bytesOf(c);
        }
        await hooks.beside(changes);
      }
    } finally {
      // Every dhcpd run (and its temp folder) is waited for before the first failure is reported.
      throwFirstFailure(await verdicts);
    }
    hooks.validated(changes);
    const written: Candidate[] = [];
    const restore = async () => {
      metrics.rollbacks.inc();
      // Every file gets its chance even when one cannot be put back; the caller hears of the first failure.
      let failure: unknown = null;
      for (const { edit, files } of written.reverse()) {
        for (const { file } of [...files].reverse()) {
          try {
            await edit.files.replace(file.path, file.original);
          } catch (e) {
            failure ??= applyFailed(edit.server, e);
          }
        }
        // Best effort: the server should run the configuration it had.
        await edit.files.reload().catch(() => undefined);
      }
      if (failure) throw failure;
    };
    for (const { edit, files } of candidates) {
      const done: Candidate = { edit, files: [] };
      try {
        for (const c of files) {
          // Compare and swap: an edit someone saved while dhcpd -t ran must not be overwritten unseen. The file
          // is read back while the new bytes are staged beside it, and swapped in as soon as they compare equal.
          const bytes = bytesOf(c);
          const [staged, now] = await Promise.allSettled([edit.files.stage(c.file.path, bytes), edit.files.read(c.file.path)]);
          const unchanged = now.status === 'fulfilled' && sameBytes(now.value, c.file.original);
          if (staged.status === 'fulfilled' && !unchanged) await staged.value.discard();
          if (now.status === 'rejected') throw now.reason;
          if (!unchanged) {
            throw new ConflictError(`the file ${c.file.path} of server "${edit.server.name}" changed outside the gateway during this change; nothing was applied, run syncServer and try again`);
          }
          if (staged.status === 'rejected') throw staged.reason;
          await staged.value.swap();
          // A server is put back (and reloaded) only once one of its files was replaced.
          if (done.files.length === 0) written.push(done);
          done.files.push(c);
          // The candidate's model, read while dhcpd ran (settle): the next change starts from it.
          this.deps.models.remember(c.file.path, bytes, c.change.afterHash, c.file.model);
        }
        await edit.files.reload();
      } catch (e) {
        const failure = e instanceof GatewayError ? e : applyFailed(edit.server, e);
        // A restore that fails too is named with the first failure; the journal entry stays open for recovery.
        await restore().catch((r: unknown) => {
          throw new RestoreFailedError(failure, r);
        });
        throw failure;
      }
    }
    const now = Date.now() / 1000;
    for (const { edit } of written) {
      metrics.applies.inc({ server: edit.server.name });
      metrics.lastApply.set({ server: edit.server.name }, now);
    }
    return { changes, restore };
  }

  /** dhcpd -t once on the server's whole candidate tree: every file as read, the changed ones replaced. */
  private async check({ edit, files }: Candidate, started?: () => void): Promise<void> {
    const { server, tree } = edit;
    const end = this.deps.metrics.validations.startTimer();
    let result;
    try {
      result = await edit.files.validate(tree.main, new Map([...treeTexts(tree), ...files.map((c): [string, string] => [c.file.path, c.change.after])]), started);
    } catch (e) {
      end({ outcome: 'error' });
      throw applyFailed(server, e);
    }
    if (result === null) {
      end({ outcome: 'unvalidated' });
      return;
    }
    end({ outcome: result.ok ? 'valid' : 'invalid' });
    if (result.ok) return;
    // Blame the change only when the files as they are pass: else say that dhcpd refuses the current files.
    if (tree.files[0].bytes !== null) await checkCurrentFile(edit.files, server, tree);
    throw new ConfigInvalidError(server.name, result.messages.length ? result.messages : [result.output.trim()]);
  }

  private async entry(server: ServerRef): Promise<ServerEdit> {
    let e = this.edits.get(server.id);
    if (!e) {
      await this.guard.lock(server);
      const files = this.deps.filesOf(server);
      // Each file is read once: for the drift check, then for the tree.
      const reads = new Map<string, Promise<Buffer | null>>();
      const read = (path: string) => {
        if (!reads.has(path)) reads.set(path, readOrFail(files, server, path));
        return reads.get(path)!;
      };
      // Drift first, before any include is followed: an operator's edit is never overwritten or half-merged,
      // it is taken over by syncServer first (an include they added or removed is theirs too).
      const [drifted] = await driftedFiles(await this.guard.lastSeen(server), read);
      if (drifted) {
        throw new ConflictError(`the configuration of server "${server.name}" (${drifted.path}) was changed outside the gateway since it was last read (see its drift); run syncServer to take the change over, then try again`, { server: server.name });
      }
      const tree = await readTree(server, files, this.deps.models, read);
      // Editing a file the parser cannot fully read (or that is not UTF-8) could change bytes it did not understand.
      const unreadable = tree.files.find((f) => f.model.errors.length > 0);
      if (unreadable) throw unreadableFile(server, unreadable.model);
      const edits = new Map(tree.files.map((f): [string, FileEdit] => [f.path, { path: f.path, original: f.bytes, hash: f.hash, read: f.model, model: f.model, editor: null }]));
      e = { server, files, tree, edits, view: null, editor: null };
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

/** The new text as the bytes to write, encoded once. */
function bytesOf(c: CandidateFile): Buffer {
  return (c.bytes ??= Buffer.from(c.change.after, 'utf8'));
}

function changesOf(candidates: Candidate[]): FileChange[] {
  return candidates.flatMap(({ files }) => files.map((c) => c.change));
}

function fileChange(server: ServerRef, file: FileEdit, after: string): FileChange {
  let afterHash: string | undefined;
  return {
    server,
    path: file.path,
    before: file.original === null ? null : textBefore(file),
    after,
    beforeHash: file.hash,
    get afterHash() {
      return (afterHash ??= sha256(after));
    },
  };
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
