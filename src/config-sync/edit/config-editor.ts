/**
 * Collects changes against one parsed file and turns them into text edits
 * against its original text. Operations only record intent; `edits()`
 * resolves them together, which lets a new peer declaration be placed before
 * the pools this same editor makes refer to it, and lets a removal swallow
 * edits inside what it removes. For the same target the last call wins.
 */
import {
  children,
  findNode,
  headTokens,
  isKeyword,
  previousSibling,
  topLevelAncestor,
  type Cst,
  type CstBlock,
  type CstNode,
  type CstStatement,
} from '../dhcpd/cst';
import type { ConfigModel, PoolModel, SubnetModel } from '../dhcpd/model';
import type { OmapiKey } from '../../domain';
import { applyEdits, type TextEdit, type TextRange } from '../text-edit';
import { insertAfterStatements, insertAsFirstChild, insertAsLastChild, type EditContext } from './block-insert';
import { disableSubnetEdits, enableSubnetEdits } from './disable';
import { indentBefore, lineStart } from './lines';
import { rewritePeer } from './peer-rewrite';
import { removalEdit, removalWithSeparator } from './removal';
import {
  failoverPeerStatement,
  peerLines,
  renderPeer,
  renderPool,
  renderSubnet,
  statementLines,
  type PeerDeclaration,
  type PoolSpec,
  type SubnetSpec,
} from './render';
import { blockIndentUnit, detectStyle, type FileStyle } from './style';
import { checkBase64, checkIdentifier, checkInteger, ConfigValueError, quoteString } from './values';


/** Placement of a new peer declaration: before a top-level node, or appended at the end. */
type PeerPlacement = { kind: 'before'; node: CstNode } | { kind: 'end' };

/**
 * What a file of a tree must know of the others to place a peer declaration (ChangeSet's TreeEditor):
 * `referredAt`, an offset in this file (an `include` statement) through which a referrer in another file
 * is read; `lines`, the declaration as another file held it, rewritten, to move here when this file has none.
 */
export interface PeerContext {
  referredAt?: number;
  lines?: string[];
}

/** What a configuration already declares of OMAPI (this file, or every file of its tree). */
export type OmapiDeclared = Pick<ConfigModel, 'omapiPort' | 'omapiKey' | 'keys'>;

interface PeerChange extends PeerContext {
  decl: PeerDeclaration;
}

export class ConfigEditor {
  private readonly cst: Cst;
  private readonly context: EditContext;
  /** null: remove the declaration. */
  private readonly peerChanges = new Map<string, PeerChange | null>();
  private readonly poolPeers = new Map<number, { pool: PoolModel; name: string | null }>();
  private readonly addedPools: { subnet: SubnetModel; spec: PoolSpec }[] = [];
  private readonly addedStatements: { target: SubnetModel | PoolModel; lines: string[] }[] = [];
  private readonly addedSubnets: SubnetSpec[] = [];
  private readonly removedPools = new Map<number, PoolModel>();
  private readonly removedSubnets = new Map<number, SubnetModel>();
  private readonly subnetStates = new Map<number, { subnet: SubnetModel; disabled: boolean }>();
  private omapi: { port: number; key?: OmapiKey; declared: OmapiDeclared } | null = null;
  private recorded = 0;
  private retired = false;

  constructor(private readonly model: ConfigModel) {
    this.cst = model.cst;
    let style: FileStyle | null = null;
    this.context = {
      cst: model.cst,
      text: model.text,
      get style(): FileStyle {
        style ??= detectStyle(model.cst);
        return style;
      },
      starts: model.cst.tokens.starts,
    };
  }

  /**
   * Rewrites the declaration named `decl.name` in place (see peer-rewrite.ts),
   * or adds one; an existing one that a referring pool would come before is
   * moved ahead of that pool, rewritten the same way. `context`: what the
   * other files of the tree add (a referrer read through an include, the
   * declaration moved from another file).
   */
  upsertFailoverPeer(decl: PeerDeclaration, context: PeerContext = {}): this {
    this.record();
    peerLines(decl);
    this.peerChanges.set(decl.name, { decl, ...context });
    return this;
  }

  removeFailoverPeer(name: string): this {
    this.record();
    this.peerChanges.set(name, null);
    return this;
  }

  setPoolFailoverPeer(pool: PoolModel, name: string | null): this {
    this.record();
    this.blockAt(pool.range, 'pool');
    if (name !== null) quoteString(name);
    this.poolPeers.set(pool.range.start, { pool, name });
    return this;
  }

  addSubnet(spec: SubnetSpec): this {
    this.record();
    renderSubnet(spec, '');
    this.addedSubnets.push(spec);
    return this;
  }

  addPool(subnet: SubnetModel, spec: PoolSpec): this {
    this.record();
    this.blockAt(subnet.range, 'subnet');
    renderPool(spec, '');
    this.addedPools.push({ subnet, spec });
    return this;
  }

  /**
   * Statements (ScopeStatement.source text) added to a subnet or pool, after
   * the statements it has, at their indentation.
   */
  addStatements(target: SubnetModel | PoolModel, statements: string[]): this {
    this.record();
    this.blockAt(target.range, 'subnet', 'pool');
    if (statements.length > 0) this.addedStatements.push({ target, lines: statementLines(statements) });
    return this;
  }

  removePool(pool: PoolModel): this {
    this.record();
    this.blockAt(pool.range, 'pool');
    this.removedPools.set(pool.range.start, pool);
    return this;
  }

  removeSubnet(subnet: SubnetModel): this {
    this.record();
    this.blockAt(subnet.range, 'subnet');
    this.removedSubnets.set(subnet.range.start, subnet);
    return this;
  }

  /** Every pool gets `deny all clients;` and every direct range a disabled pool of its own (dhcpd/disabled-marker.ts). */
  disableSubnet(subnet: SubnetModel): this {
    this.record();
    this.blockAt(subnet.range, 'subnet');
    this.subnetStates.set(subnet.range.start, { subnet, disabled: true });
    return this;
  }

  /** Removes exactly what disableSubnet added. */
  enableSubnet(subnet: SubnetModel): this {
    this.record();
    this.blockAt(subnet.range, 'subnet');
    this.subnetStates.set(subnet.range.start, { subnet, disabled: false });
    return this;
  }

  /**
   * Adds `omapi-port N;`, and with a key, the `key` declaration and
   * `omapi-key NAME;`, each only when the file has none. Existing values are
   * left as the operator set them. `declared`: what the configuration has,
   * when it is more than this file (a tree: the OMAPI lines of any file count).
   */
  ensureOmapi(port: number, key?: OmapiKey, declared: OmapiDeclared = this.model): this {
    this.record();
    checkInteger(port, 1, 65535, 'OMAPI port');
    if (key !== undefined) {
      checkIdentifier(key.name, 'OMAPI key name');
      checkBase64(key.secret, 'OMAPI key secret');
      if (key.algorithm !== 'hmac-md5') throw new ConfigValueError(`Unsupported OMAPI key algorithm ${JSON.stringify(key.algorithm)}`);
    }
    this.omapi = { port, key, declared };
    return this;
  }

  /** Whether any change was asked for since this editor was made. */
  hasEdits(): boolean {
    return this.recorded > 0;
  }

  /**
   * After this, every change is refused: the owner has applied this editor's edits and re-read the result,
   * so a change here would be lost (ChangeSet.model() does this when a server's edits build on each other).
   */
  retire(): void {
    this.retired = true;
  }

  private record(): void {
    if (this.retired) throw new Error('This editor was retired after its edits were applied; take the current editor of the file');
    this.recorded++;
  }

  edits(): TextEdit[] {
    const edits: TextEdit[] = [];
    const appended: string[][] = [];
    for (const [name, change] of this.peerChanges) {
      const existing = this.model.peers.filter((peer) => peer.name === name);
      if (change === null) {
        for (const peer of existing) edits.push(this.removal(peer.range));
      } else if (existing.length > 0) {
        const block = this.blockAt(existing[0].range, 'failover');
        const referrer = this.firstReferrer(name);
        if (referrer === null || referrer.start > block.start) {
          edits.push(...rewritePeer(this.context, block, change.decl));
        } else {
          // dhcpd needs the declaration before its first use: the rewritten text moves there.
          edits.push(removalWithSeparator(this.model.text, block.start, block.end), this.insertBeforeTopLevel(referrer, this.rewritten(block, change.decl)));
        }
      } else {
        const lines = change.lines ?? renderPeer(change.decl, this.context.style.indentUnit);
        const placement = this.peerPlacement(name);
        if (placement.kind === 'end') appended.push(lines);
        else edits.push(this.insertBeforeTopLevel(placement.node, lines));
      }
    }
    for (const { pool, name } of this.poolPeers.values()) edits.push(...this.poolPeerEdits(pool, name));
    // Before added pools: at one offset (an empty subnet), the settings come first.
    for (const { target, lines } of this.addedStatements) edits.push(insertAfterStatements(this.context, this.blockAt(target.range, 'subnet', 'pool'), lines));
    for (const { subnet, spec } of this.addedPools) {
      const block = this.blockAt(subnet.range, 'subnet');
      edits.push(insertAsLastChild(this.context, block, renderPool(spec, blockIndentUnit(this.cst, this.context.style, block))));
    }
    for (const { subnet, disabled } of this.subnetStates.values()) {
      const block = this.blockAt(subnet.range, 'subnet');
      edits.push(...(disabled ? disableSubnetEdits(this.context, block) : enableSubnetEdits(this.context, block)));
    }
    for (const spec of this.addedSubnets) appended.push(renderSubnet(spec, this.context.style.indentUnit));
    const omapiLines = this.omapiLines();
    if (omapiLines.length > 0) appended.push(omapiLines);
    if (appended.length > 0) edits.push(this.appendAtEnd(appended));

    const removals = [...this.removedPools.values(), ...this.removedSubnets.values()].map((node) => this.removal(node.range));
    return mergeOverlappingDeletions([...withoutEditsInside(edits, removals), ...withoutEditsInside(removals, removals)]);
  }

  apply(): string {
    return applyEdits(this.model.text, this.edits());
  }

  /** This file's declaration of peer `decl.name` rewritten to `decl`, as lines (to move it into another file), or null. */
  rewrittenPeer(decl: PeerDeclaration): string[] | null {
    const existing = this.model.findPeer(decl.name);
    return existing ? this.rewritten(this.blockAt(existing.range, 'failover'), decl) : null;
  }

  /**
   * The offset of the first pool of this file that will refer to peer `name` (pools this editor sets or
   * adds included, removed ones not; an added pool counts at its subnet), or null.
   */
  firstReferrerAt(name: string): number | null {
    return this.earliestReferrer(name)?.start ?? null;
  }

  private rewritten(block: CstBlock, decl: PeerDeclaration): string[] {
    const rewrite = rewritePeer(this.context, block, decl);
    const text = applyEdits(this.model.text.slice(block.start, block.end), rewrite.map((e) => ({ ...e, offset: e.offset - block.start })));
    return text.split(/\r?\n/);
  }

  /** The block of a model node; refuses nodes from another model. */
  private blockAt(range: TextRange, ...keywords: string[]): CstBlock {
    const node = findNode(this.cst, range.start, range.end);
    if (node?.kind !== 'block' || !keywords.some((keyword) => isKeyword(this.cst, node.firstToken, keyword))) {
      throw new Error(`No ${keywords.join(' or ')} declaration at ${range.start}-${range.end} in this file: the model passed in belongs to another text`);
    }
    return node;
  }

  private removal(range: TextRange): TextEdit {
    return removalEdit(this.model.text, range.start, range.end);
  }

  private poolPeerEdits(pool: PoolModel, name: string | null): TextEdit[] {
    const block = this.blockAt(pool.range, 'pool');
    const statements = children(this.cst, block).filter((child): child is CstStatement => this.isFailoverPeerStatement(child));
    if (name === null) return statements.map((statement) => this.removal(statement));
    const [first, ...others] = statements;
    if (first === undefined) return [insertAsFirstChild(this.context, block, failoverPeerStatement(name))];
    const edits = others.map((statement) => this.removal(statement));
    if (pool.failoverPeer !== name) {
      const nameToken = headTokens(this.cst, first)[2];
      const { starts } = this.context;
      edits.push({ offset: starts[nameToken], length: starts[nameToken + 1] - starts[nameToken], content: quoteString(name) });
    }
    return edits;
  }

  private isFailoverPeerStatement(node: CstNode): node is CstStatement {
    if (node.kind !== 'statement') return false;
    const head = headTokens(this.cst, node);
    return head.length === 3 && isKeyword(this.cst, head[0], 'failover') && isKeyword(this.cst, head[1], 'peer');
  }

  /**
   * Before the first referrer (firstReferrer); at the end when only subnets
   * this editor appends refer to it; with no referrer, before the first
   * top-level declaration holding a subnet; else at the end.
   */
  private peerPlacement(name: string): PeerPlacement {
    const first = this.firstReferrer(name);
    if (first !== null) return { kind: 'before', node: first };
    const referredByAppended = this.addedSubnets.some((spec) => spec.pools.some((pool) => pool.failoverPeer === name));
    if (!referredByAppended && this.model.subnets.length > 0) return { kind: 'before', node: topLevelAncestor(this.cst, this.blockAt(this.model.subnets[0].range, 'subnet')) };
    return { kind: 'end' };
  }

  /**
   * The first top-level declaration with a pool that will refer to the peer
   * (see earliestReferrer(); appended subnets come last and never are), or the one
   * holding the include another file's referrer is read through, or null.
   */
  private firstReferrer(name: string): CstNode | null {
    // Top-level declarations follow the text's order: the earliest referrer's is the first (a pair has 20,000 referrers).
    const earliest = this.earliestReferrer(name);
    const nodes = earliest === null ? [] : [topLevelAncestor(this.cst, this.blockAt(earliest, 'subnet', 'pool'))];
    const through = this.peerChanges.get(name)?.referredAt;
    if (through !== undefined) nodes.push(children(this.cst).find((node) => node.start <= through && through < node.end)!);
    return nodes.length === 0 ? null : nodes.reduce((a, b) => (b.start < a.start ? b : a));
  }

  /**
   * The earliest of the pools that will refer to the peer: those this editor sets or adds included (an added
   * one as its subnet), removed ones not. The model's subnets are in text order, so the search stops at the
   * first of the file's (a pair's file has 10,000 referrers).
   */
  private earliestReferrer(name: string): TextRange | null {
    let earliest: TextRange | null = null;
    search: for (const subnet of this.model.subnets) {
      if (this.removedSubnets.has(subnet.range.start)) continue;
      for (const pool of subnet.pools) {
        if (this.removedPools.has(pool.range.start)) continue;
        const change = this.poolPeers.get(pool.range.start);
        if ((change === undefined ? pool.failoverPeer : change.name) === name) {
          earliest = pool.range;
          break search;
        }
      }
    }
    for (const { subnet, spec } of this.addedPools) {
      if (spec.failoverPeer !== name || this.removedSubnets.has(subnet.range.start)) continue;
      if (earliest === null || subnet.range.start < earliest.start) earliest = subnet.range;
    }
    return earliest;
  }

  /**
   * New top-level lines go in front of `node` and of the comment lines right
   * above it (they describe it), followed by an empty line.
   */
  private insertBeforeTopLevel(node: CstNode, lines: string[]): TextEdit {
    const { text, style } = this.context;
    const indent = indentBefore(text, node.start);
    const block = lines.map((line) => (indent ?? '') + line).join(style.eol);
    if (indent === null) return { offset: node.start, length: 0, content: block + style.eol };
    let offset = lineStart(text, node.start);
    for (let comment = previousSibling(this.cst, node); comment?.kind === 'comment'; comment = previousSibling(this.cst, comment)) {
      if (indentBefore(text, comment.start) === null || !/^[ \t]*\r?\n$/.test(text.slice(comment.end, offset))) break;
      offset = lineStart(text, comment.start);
    }
    return { offset, length: 0, content: block + style.eol + style.eol };
  }

  private omapiLines(): string[] {
    if (this.omapi === null) return [];
    const { port, key, declared } = this.omapi;
    const unit = this.context.style.indentUnit;
    const lines: string[] = [];
    if (key !== undefined && !declared.keys.includes(key.name)) {
      lines.push(`key ${key.name} {`, `${unit}algorithm ${key.algorithm};`, `${unit}secret ${quoteString(key.secret)};`, '}');
    }
    if (declared.omapiPort === null) lines.push(`omapi-port ${port};`);
    if (key !== undefined && declared.omapiKey === null) lines.push(`omapi-key ${key.name};`);
    return lines;
  }

  /**
   * One edit for everything appended, so the separators are decided once: a
   * line break when the file lacks a final one (its last line may be a
   * comment), then an empty line before each new declaration.
   */
  private appendAtEnd(chunks: string[][]): TextEdit {
    const { text, style } = this.context;
    let prefix = '';
    if (text.length > 0) {
      const terminated = text.endsWith('\n');
      const lastLine = text.slice(lineStart(text, terminated ? text.length - 1 : text.length), text.length);
      if (!terminated) prefix += style.eol;
      if (!/^[ \t\r\n]*$/.test(lastLine)) prefix += style.eol;
    }
    return { offset: text.length, length: 0, content: prefix + chunks.map((lines) => lines.join(style.eol) + style.eol).join(style.eol) };
  }
}

/** Drops edits that fall inside a removed range (they would change text that is going away). */
function withoutEditsInside(edits: TextEdit[], removals: TextEdit[]): TextEdit[] {
  return edits.filter(
    (edit) =>
      !removals.some((removal) => {
        if (removal === edit) return false;
        const end = edit.offset + edit.length;
        const removalEnd = removal.offset + removal.length;
        if (edit.length === 0) return edit.offset > removal.offset && edit.offset < removalEnd;
        return edit.offset >= removal.offset && end <= removalEnd;
      }),
  );
}

/**
 * Two removals on one line can both claim the whitespace between them
 * (`a; b;` with both removed); deleting the union is what both meant.
 */
function mergeOverlappingDeletions(edits: TextEdit[]): TextEdit[] {
  const isDeletion = (edit: TextEdit): boolean => edit.length > 0 && edit.content === '';
  const merged: TextEdit[] = [];
  for (const deletion of edits.filter(isDeletion).sort((a, b) => a.offset - b.offset)) {
    const last = merged[merged.length - 1];
    if (last !== undefined && deletion.offset < last.offset + last.length) {
      last.length = Math.max(last.length, deletion.offset + deletion.length - last.offset);
    } else {
      merged.push({ ...deletion });
    }
  }
  return [...edits.filter((edit) => !isDeletion(edit)), ...merged];
}
