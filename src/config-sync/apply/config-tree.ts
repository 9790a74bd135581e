/**
 * A server's configuration as dhcpd reads it: the main file and every file reached through
 * `include "<file>";`, in dhcpd's reading order (an included file where its include stands, depth first).
 * dhcpd opens an include's name as given, so a relative one resolves against its working directory; the
 * gateway runs dhcpd -t in the main file's folder and resolves relative includes against that same folder
 * (one rule). Files are confined to the server's root (CONFIG_ROOT, or remoteRoot on an SSH server).
 */
import path from 'node:path';
import { GatewayError } from '../../errors';
import { children, headTokens, isKeyword, parse, tokenAt, type Cst, type CstNode } from '../dhcpd/cst';
import { TokenKind } from '../dhcpd/lexer';
import { LineIndex } from '../dhcpd/parse-error';
import type { ConfigModel } from '../dhcpd/model';
import type { ServerFiles } from '../../transport/server-files';
import { sha256, type ModelCache } from './model-cache';

/** dhcpd itself has no limit; these keep a runaway include from reading a whole disk. */
export const MAX_INCLUDE_DEPTH = 8;
export const MAX_TREE_FILES = 256;

/** One `include "<file>";` statement: the name as written, its line, and the offsets of its string token. */
export interface IncludeRef {
  name: string;
  line: number;
  start: number;
  end: number;
}

export interface TreeFile {
  path: string;
  /** null: the main file does not exist (yet) */
  bytes: Buffer | null;
  hash: string;
  model: ConfigModel;
}

/** The files of one server in reading order, the main file first, each file once. */
export interface ConfigTree {
  main: string;
  files: TreeFile[];
}

/** Every include of a file, at any depth, in text order (the order dhcpd reads them). */
export function includesOf(cst: Cst): IncludeRef[] {
  const found: IncludeRef[] = [];
  // Walking the tree of a 2 MB file took 20 ms on every read; most files have no include at all.
  if (!/include/i.test(cst.text)) return found;
  const lines = new LineIndex(cst.text);
  const walk = (nodes: CstNode[]) => {
    for (const node of nodes) {
      if (node.kind === 'block') walk(children(cst, node));
      if (node.kind !== 'statement' || !isKeyword(cst, node.firstToken, 'include')) continue;
      const head = headTokens(cst, node);
      if (head.length !== 2 || cst.tokens.kinds[head[1]] !== TokenKind.String) continue;
      const raw = tokenAt(cst, head[1]).trimEnd();
      const start = cst.tokens.starts[head[1]];
      found.push({ name: raw.slice(1, -1).replace(/\\(.)/gs, '$1'), line: lines.position(start).line, start, end: start + raw.length });
    }
  };
  walk(children(cst));
  return found;
}

/** Where an include of the server whose main file is `main` points (a relative name: from the main file's folder). */
export function includeTarget(main: string, name: string): string {
  return path.posix.resolve(path.posix.dirname(main), name);
}

/**
 * Reads the server's tree over its transport. Refused as CONFIG_INVALID for the configuration as it is
 * (currentFile: true), naming the file, the include and its line: an include that leads outside the root,
 * a cycle, more than MAX_INCLUDE_DEPTH levels or MAX_TREE_FILES files, an included file that does not
 * exist. `read` turns a transport failure into the caller's error (and may refuse a file, e.g. as drift,
 * before its includes are followed).
 */
export async function readTree(
  server: { name: string; configPath: string },
  files: ServerFiles,
  models: ModelCache,
  read: (path: string) => Promise<Buffer | null>,
): Promise<ConfigTree> {
  const main = server.configPath;
  const tree: TreeFile[] = [];
  // Files are named relative to the root: messages do not show where the gateway's disk keeps them.
  const shown = (file: string) => path.posix.relative(path.posix.resolve('/', files.root), file);
  const visit = async (file: string, bytes: Buffer | null, chain: string[]) => {
    const hash = sha256(bytes ?? '');
    const model = models.model(file, bytes ?? Buffer.alloc(0), hash);
    tree.push({ path: file, bytes, hash, model });
    for (const include of includesOf(model.cst)) {
      const target = includeTarget(main, include.name);
      const where = `include "${include.name}" at line ${include.line} of ${shown(file)}`;
      if (!inside(files.root, target)) throw invalid(server.name, `${where} leads outside the server's root (CONFIG_ROOT, or remoteRoot over SSH), where the gateway reads no file`);
      if (chain.includes(target)) throw invalid(server.name, `${where} includes ${shown(target)} again (a cycle)`);
      // A file included twice is one file of the tree, listed where dhcpd first reads it: its subnets are one model's.
      if (tree.some((f) => f.path === target)) continue;
      if (chain.length >= MAX_INCLUDE_DEPTH) throw invalid(server.name, `${where} goes deeper than ${MAX_INCLUDE_DEPTH} levels of include`);
      if (tree.length >= MAX_TREE_FILES) throw invalid(server.name, `${where} makes more than ${MAX_TREE_FILES} files`);
      const content = await read(target);
      if (content === null) throw invalid(server.name, `${where}: ${shown(target)} does not exist`);
      await visit(target, content, [...chain, target]);
    }
  };
  await visit(main, await read(main), [main]);
  return { main, files: tree };
}

/** CONFIG_INVALID for a configuration that is refused as it is, before any change (as checkCurrentFile says it). */
function invalid(server: string, message: string): GatewayError {
  return new GatewayError('CONFIG_INVALID', `the gateway refuses the current configuration of server "${server}" as it is (nothing was changed): ${message}`, { server, currentFile: true });
}

function inside(root: string, file: string): boolean {
  const rel = path.posix.relative(path.posix.resolve('/', root), file);
  return rel !== '' && !rel.startsWith('..') && !path.posix.isAbsolute(rel);
}

/** The text of every file of the tree, by path (what ServerFiles.validate checks). */
export function treeTexts(tree: ConfigTree): Map<string, string> {
  return new Map(tree.files.map((f) => [f.path, f.bytes?.toString('utf8') ?? '']));
}

/**
 * The tree staged in folder `dir` for dhcpd -t: each file under a name of its own, and every include that
 * points at a file of the tree rewritten to that file's staged copy (the real files keep theirs). Offsets
 * change but lines do not, so dhcpd's line numbers are the real files' lines.
 */
export function stageTree(dir: string, main: string, texts: ReadonlyMap<string, string>): { path: string; real: string; text: string }[] {
  const staged = new Map([...texts.keys()].map((real, i) => [real, path.posix.join(dir, `${i}-${path.posix.basename(real)}`)]));
  return [...texts].map(([real, text]) => {
    // Only a text that can hold an include is parsed for them: parsing a 2 MB file took 40 ms per check.
    if (!/include/i.test(text)) return { path: staged.get(real)!, real, text };
    let out = '';
    let at = 0;
    for (const include of includesOf(parse(text))) {
      const copy = staged.get(includeTarget(main, include.name));
      if (copy === undefined) continue;
      out += `${text.slice(at, include.start)}"${copy.replace(/(["\\])/g, '\\$1')}"`;
      at = include.end;
    }
    return { path: staged.get(real)!, real, text: out + text.slice(at) };
  });
}
