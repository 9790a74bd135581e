/**
 * A server's configuration over every file of its tree (config-tree.ts), as the services and the review read
 * it: the subnets, failover peers and OMAPI settings of all its files, and which file holds a node, which is
 * the file an edit of that node goes to (tree-editor.ts).
 */
import type { FailoverPeerModel } from '../dhcpd/failover-peer';
import type { ConfigModel, PoolModel, SubnetModel } from '../dhcpd/model';
import { scopeStatements, type ScopeStatement } from '../dhcpd/statements';
import { includesOf, includeTarget } from './config-tree';

/** One file of the tree and its model. */
export interface TreeFileModel {
  path: string;
  model: ConfigModel;
}

export interface TreeModel {
  /** every file, the main file first, then each in the order dhcpd opens them */
  readonly files: readonly TreeFileModel[];
  /** the subnets and peers of every file, file by file in that order */
  readonly subnets: SubnetModel[];
  readonly peers: FailoverPeerModel[];
  /** what any file declares of OMAPI (the first file that sets one) */
  readonly omapiPort: number | null;
  readonly omapiKey: string | null;
  readonly keys: string[];
  findSubnet(network: string): SubnetModel | undefined;
  findPeer(name: string): FailoverPeerModel | undefined;
  /** The file holding a subnet, pool or peer of this tree; refuses a node of another model. */
  fileOf(node: SubnetModel | PoolModel | FailoverPeerModel): TreeFileModel;
  /** The statements of a subnet or pool (scopeStatements), read from the file holding it. */
  statements(node: SubnetModel | PoolModel): ScopeStatement[];
}

type Node = SubnetModel | PoolModel | FailoverPeerModel;

export function treeModel(input: readonly TreeFileModel[]): TreeModel {
  // A view of the files as they are now: the records passed in may be given a new model later (the change set
  // re-reads a file after a composition), and a view must never mix one model's nodes with another's text.
  const files: readonly TreeFileModel[] = input.map(({ path, model }) => ({ path, model }));
  const models = files.map((f) => f.model);
  const first = <T>(pick: (m: ConfigModel) => T | null | undefined): T | undefined => {
    for (const m of models) {
      const value = pick(m);
      if (value !== null && value !== undefined) return value;
    }
    return undefined;
  };
  // Built on the first question only. A tree of one file needs none: every node is taken to be the main file's,
  // and a node of another text is refused only where its offsets name no declaration of that file (by the
  // file's ConfigEditor, or by scopeStatements for statements()).
  let holders: Map<Node, TreeFileModel> | null = null;
  const fileOf = (node: Node): TreeFileModel => {
    if (files.length === 1) return files[0];
    if (holders === null) {
      holders = new Map();
      for (const f of files) {
        for (const subnet of f.model.subnets) {
          holders.set(subnet, f);
          for (const pool of subnet.pools) holders.set(pool, f);
        }
        for (const peer of f.model.peers) holders.set(peer, f);
      }
    }
    const holder = holders.get(node);
    if (holder === undefined) throw new Error('This node belongs to no file of this tree (a model from before the last composition?); take the current model of the server');
    return holder;
  };
  return {
    files,
    subnets: models.length === 1 ? models[0].subnets : models.flatMap((m) => m.subnets),
    peers: models.length === 1 ? models[0].peers : models.flatMap((m) => m.peers),
    omapiPort: first((m) => m.omapiPort) ?? null,
    omapiKey: first((m) => m.omapiKey) ?? null,
    keys: models.flatMap((m) => m.keys),
    findSubnet: (network) => first((m) => m.findSubnet(network)),
    findPeer: (name) => first((m) => m.findPeer(name)),
    fileOf,
    statements: (node) => scopeStatements(fileOf(node).model, node),
  };
}

/**
 * Where dhcpd reads each file of the tree: the offsets of the `include` statements that lead to it, from
 * the main file down (the main file: none). A node at offset `o` of file `f` is read at `[...at(f), o]`;
 * two such places compare element by element (readBefore). A file no include leads to any more is left out.
 */
export function readingPlaces(files: readonly TreeFileModel[]): Map<string, number[]> {
  const main = files[0].path;
  const models = new Map(files.map((f) => [f.path, f.model]));
  const places = new Map<string, number[]>([[main, []]]);
  const visit = (path: string) => {
    for (const include of includesOf(models.get(path)!.cst)) {
      const target = includeTarget(main, include.name);
      if (!models.has(target) || places.has(target)) continue;
      places.set(target, [...places.get(path)!, include.start]);
      visit(target);
    }
  };
  visit(main);
  return places;
}

/** Whether dhcpd reads place `a` (see readingPlaces) before place `b`. */
export function readBefore(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i];
  return a.length < b.length;
}
