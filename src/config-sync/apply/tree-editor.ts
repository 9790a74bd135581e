/**
 * Edits a server's configuration over every file of its tree: each change goes to the editor of the file
 * holding the node it changes (ConfigEditor stays per file), new declarations go to the main file, and a
 * failover peer declaration is placed where dhcpd reads it before its first referrer, across includes.
 */
import type { OmapiKey } from '../../domain';
import type { PoolModel, SubnetModel } from '../dhcpd/model';
import type { ConfigEditor } from '../edit/config-editor';
import { peerLines, type PeerDeclaration, type PoolSpec, type SubnetSpec } from '../edit/render';
import { readBefore, readingPlaces, type TreeModel } from './tree-model';

export class TreeEditor {
  /** null: remove every declaration of that name. Placed when the change set renders (place()). */
  private readonly peerChanges = new Map<string, PeerDeclaration | null>();
  private retired = false;

  constructor(
    private readonly tree: TreeModel,
    /** the editor of a file of the tree, made on first use */
    private readonly editorOf: (path: string) => ConfigEditor,
  ) {}

  /**
   * Rewrites the declaration named `decl.name`, or adds one; where is decided once every change of the
   * tree is known (place()).
   */
  upsertFailoverPeer(decl: PeerDeclaration): this {
    this.check();
    peerLines(decl);
    this.peerChanges.set(decl.name, decl);
    return this;
  }

  removeFailoverPeer(name: string): this {
    this.check();
    this.peerChanges.set(name, null);
    return this;
  }

  setPoolFailoverPeer(pool: PoolModel, name: string | null): this {
    this.at(pool).setPoolFailoverPeer(pool, name);
    return this;
  }

  /** A new subnet goes to the main file. */
  addSubnet(spec: SubnetSpec): this {
    this.main().addSubnet(spec);
    return this;
  }

  addPool(subnet: SubnetModel, spec: PoolSpec): this {
    this.at(subnet).addPool(subnet, spec);
    return this;
  }

  addStatements(target: SubnetModel | PoolModel, statements: string[]): this {
    this.at(target).addStatements(target, statements);
    return this;
  }

  removePool(pool: PoolModel): this {
    this.at(pool).removePool(pool);
    return this;
  }

  removeSubnet(subnet: SubnetModel): this {
    this.at(subnet).removeSubnet(subnet);
    return this;
  }

  disableSubnet(subnet: SubnetModel): this {
    this.at(subnet).disableSubnet(subnet);
    return this;
  }

  enableSubnet(subnet: SubnetModel): this {
    this.at(subnet).enableSubnet(subnet);
    return this;
  }

  /** OMAPI lines no file of the tree has go to the main file. */
  ensureOmapi(port: number, key?: OmapiKey): this {
    this.main().ensureOmapi(port, key, this.tree);
    return this;
  }

  /** After this, every change is refused (the change set re-read the files this editor's nodes came from). */
  retire(): void {
    this.retired = true;
  }

  /**
   * Hands every peer change to the editors of the files, now that the other changes are known: a
   * removal to every file declaring the name; a declaration as place() decides.
   */
  place(): void {
    for (const [name, decl] of this.peerChanges) {
      if (decl !== null) this.placePeer(decl);
      else for (const f of this.tree.files) if (f.model.findPeer(name)) this.editorOf(f.path).removeFailoverPeer(name);
    }
    this.peerChanges.clear();
  }

  /**
   * dhcpd needs a declaration before the first pool that refers to it, in reading order across includes.
   * An existing declaration read before every referrer is rewritten where it is. Otherwise it goes before
   * the first referrer: within the declaration's own file when that referrer is read through it, else into
   * the main file (the declaration moves there, rewritten, keeping the statements the gateway does not
   * manage), before the top-level node that holds the referrer or the include leading to it. A new one
   * goes into the main file by the same rule; ConfigEditor places it within the file.
   */
  private placePeer(decl: PeerDeclaration): void {
    const main = this.tree.files[0].path;
    if (this.tree.files.length === 1) {
      this.editorOf(main).upsertFailoverPeer(decl);
      return;
    }
    const places = readingPlaces(this.tree.files);
    const first = (found: { path: string; offset: number }[]) => {
      const read = found.map((f) => ({ path: f.path, place: [...places.get(f.path)!, f.offset] }));
      return read.reduce<(typeof read)[number] | null>((a, b) => (a === null || readBefore(b.place, a.place) ? b : a), null);
    };
    const anchored = this.tree.files.filter((f) => places.has(f.path));
    const declared = first(anchored.flatMap((f) => f.model.peers.filter((p) => p.name === decl.name).map((p) => ({ path: f.path, offset: p.range.start }))));
    const referrer = first(
      anchored.flatMap((f) => {
        const offset = this.editorOf(f.path).firstReferrerAt(decl.name);
        return offset === null ? [] : [{ path: f.path, offset }];
      }),
    );
    if (declared !== null && (referrer === null || readBefore(declared.place, referrer.place))) {
      this.editorOf(declared.path).upsertFailoverPeer(decl);
      return;
    }
    const readThrough = (path: string) => referrer !== null && places.get(path)!.every((offset, i) => referrer.place[i] === offset);
    const holder = declared !== null && readThrough(declared.path) ? declared.path : main;
    const referredAt = referrer?.place[places.get(holder)!.length];
    if (declared === null || declared.path === holder) {
      this.editorOf(holder).upsertFailoverPeer(decl, { referredAt });
      return;
    }
    const source = this.editorOf(declared.path);
    const lines = source.rewrittenPeer(decl)!;
    source.removeFailoverPeer(decl.name);
    this.editorOf(holder).upsertFailoverPeer(decl, { referredAt, lines });
  }

  private at(node: SubnetModel | PoolModel): ConfigEditor {
    this.check();
    return this.editorOf(this.tree.fileOf(node).path);
  }

  private main(): ConfigEditor {
    this.check();
    return this.editorOf(this.tree.files[0].path);
  }

  private check(): void {
    if (this.retired) throw new Error('This editor was retired after its edits were applied; take the current editor of the server');
  }
}
