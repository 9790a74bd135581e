/**
 * Concrete syntax tree for dhcpd.conf. Nodes are statements (`…;`), blocks
 * (`head { … }`), comments, and stray closing braces. Every byte of the text
 * belongs to a node or to the whitespace between two siblings, so `stringify`
 * can rebuild the text by walking the tree.
 *
 * The tree is stored as columns of typed arrays indexed by node id, not as an
 * object per node: a 2 MB file has over a hundred thousand nodes, and objects
 * that live as long as the parsed file cost garbage-collector time on every
 * parse. Callers read nodes through small view objects (`nodeAt`, `children`)
 * made on demand and thrown away.
 */
import { grown } from './columns';
import { isTrivia, isWord, lex, TokenKind, type TokenTable } from './lexer';
import { UnreachableCaseError } from '../unreachable';
import { LineIndex, type ParseError } from './parse-error';

interface NodeView {
  /** Index into the node table; ids follow the order of the text. */
  id: number;
  start: number;
  end: number;
  firstToken: number;
  /** One past the node's last token. */
  endToken: number;
}

/** `…;`: the last token is the `;` unless the statement is unterminated. */
export interface CstStatement extends NodeView {
  kind: 'statement';
}

/** `head { children }`: the head is tokens `[firstToken, openToken)`, comments included. */
export interface CstBlock extends NodeView {
  kind: 'block';
  openToken: number;
  /** -1 when the text ends before the block is closed. */
  closeToken: number;
}

export interface CstComment extends NodeView {
  kind: 'comment';
}

/** A `}` that closes nothing. */
export interface CstStrayBrace extends NodeView {
  kind: 'stray-brace';
}

export type CstNode = CstStatement | CstBlock | CstComment | CstStrayBrace;

const KIND_STATEMENT = 0;
const KIND_BLOCK = 1;
const KIND_COMMENT = 2;
const KIND_STRAY_BRACE = 3;
const KIND_DOCUMENT = 4;

/** Node 0 is the document; its children are the top-level nodes. */
const ROOT = 0;
const NONE = -1;

export interface NodeTable {
  readonly count: number;
  readonly kinds: Uint8Array;
  readonly firstTokens: Uint32Array;
  readonly endTokens: Uint32Array;
  /** The `{` of a block, else -1. */
  readonly openTokens: Int32Array;
  /** The `}` of a closed block, else -1. */
  readonly closeTokens: Int32Array;
  readonly firstChildren: Int32Array;
  readonly nextSiblings: Int32Array;
  readonly parents: Int32Array;
}

export interface Cst {
  text: string;
  tokens: TokenTable;
  nodes: NodeTable;
  errors: ParseError[];
}

/** Appends nodes in text order, growing the columns as needed. */
class NodeTableBuilder {
  count = 0;
  kinds: Uint8Array;
  firstTokens: Uint32Array;
  endTokens: Uint32Array;
  openTokens: Int32Array;
  closeTokens: Int32Array;
  firstChildren: Int32Array;
  nextSiblings: Int32Array;
  parents: Int32Array;
  /** The last child added to each node, to link the next one after it. */
  private lastChildren: Int32Array;

  constructor(capacity: number) {
    this.kinds = new Uint8Array(capacity);
    this.firstTokens = new Uint32Array(capacity);
    this.endTokens = new Uint32Array(capacity);
    this.openTokens = new Int32Array(capacity);
    this.closeTokens = new Int32Array(capacity);
    this.firstChildren = new Int32Array(capacity);
    this.nextSiblings = new Int32Array(capacity);
    this.parents = new Int32Array(capacity);
    this.lastChildren = new Int32Array(capacity);
    this.add(KIND_DOCUMENT, NONE, 0, 0);
  }

  add(kind: number, parent: number, firstToken: number, endToken: number): number {
    if (this.count === this.kinds.length) this.grow();
    const id = this.count++;
    this.kinds[id] = kind;
    this.firstTokens[id] = firstToken;
    this.endTokens[id] = endToken;
    this.openTokens[id] = NONE;
    this.closeTokens[id] = NONE;
    this.firstChildren[id] = NONE;
    this.nextSiblings[id] = NONE;
    this.lastChildren[id] = NONE;
    this.parents[id] = parent;
    if (parent !== NONE) {
      const previous = this.lastChildren[parent];
      if (previous === NONE) this.firstChildren[parent] = id;
      else this.nextSiblings[previous] = id;
      this.lastChildren[parent] = id;
    }
    return id;
  }

  lastChild(id: number): number {
    return this.lastChildren[id];
  }

  table(): NodeTable {
    const n = this.count;
    return {
      count: n,
      kinds: this.kinds.subarray(0, n),
      firstTokens: this.firstTokens.subarray(0, n),
      endTokens: this.endTokens.subarray(0, n),
      openTokens: this.openTokens.subarray(0, n),
      closeTokens: this.closeTokens.subarray(0, n),
      firstChildren: this.firstChildren.subarray(0, n),
      nextSiblings: this.nextSiblings.subarray(0, n),
      parents: this.parents.subarray(0, n),
    };
  }

  private grow(): void {
    const size = this.kinds.length * 2;
    this.kinds = grown(this.kinds, size);
    this.firstTokens = grown(this.firstTokens, size);
    this.endTokens = grown(this.endTokens, size);
    this.openTokens = grown(this.openTokens, size);
    this.closeTokens = grown(this.closeTokens, size);
    this.firstChildren = grown(this.firstChildren, size);
    this.nextSiblings = grown(this.nextSiblings, size);
    this.parents = grown(this.parents, size);
    this.lastChildren = grown(this.lastChildren, size);
  }
}

/** Parses any text; problems become entries in `errors`. */
export function parse(text: string): Cst {
  const { tokens, errors: lexErrors } = lex(text);
  const lines = new LineIndex(text);
  const errors: ParseError[] = lexErrors.map((e) => lines.error(e.code, e.message, e.offset));
  const { count, kinds, starts } = tokens;
  // Real configs have a few tokens per node; the table grows when a text has fewer.
  const nodes = new NodeTableBuilder((count >> 2) + 16);
  /** The open blocks, innermost last; the document at the bottom. */
  const open: number[] = [ROOT];
  let i = 0;
  while (i < count) {
    const kind = kinds[i] as TokenKind;
    const parent = open[open.length - 1];
    switch (kind) {
      case TokenKind.Whitespace:
        i++;
        break;
      case TokenKind.Comment:
        nodes.add(KIND_COMMENT, parent, i, i + 1);
        i++;
        break;
      case TokenKind.CloseBrace:
        if (parent !== ROOT) {
          nodes.closeTokens[parent] = i;
          nodes.endTokens[parent] = i + 1;
          open.pop();
        } else {
          nodes.add(KIND_STRAY_BRACE, parent, i, i + 1);
          errors.push(lines.error('unexpected-close-brace', 'Closing brace without a matching opening brace', starts[i]));
        }
        i++;
        break;
      case TokenKind.Word:
      case TokenKind.String:
      case TokenKind.OpenBrace:
      case TokenKind.Semicolon:
      case TokenKind.Equals:
      case TokenKind.Punctuation:
        i = parseStatementOrBlockHead(text, tokens, i, nodes, open, errors, lines);
        break;
      default:
        throw new UnreachableCaseError(kind);
    }
  }
  // Blocks still open at the end of the text end with their last child, innermost first.
  for (let depth = open.length - 1; depth > 0; depth--) {
    const block = open[depth];
    const last = nodes.lastChild(block);
    nodes.endTokens[block] = last === NONE ? nodes.openTokens[block] + 1 : nodes.endTokens[last];
    errors.push(lines.error('unclosed-block', 'Block is not closed before the end of the file', starts[nodes.openTokens[block]]));
  }
  errors.sort((a, b) => a.offset - b.offset);
  return { text, tokens, nodes: nodes.table(), errors };
}

/**
 * Reads from a statement's first token to its `;` (a statement) or `{` (a
 * block head, whose body the main loop then fills). The braces of an option
 * record type, `option x code 1 = { string, string };`, belong to the
 * statement: they follow an `=` in an `option` statement. Returns the index of
 * the next token to read.
 */
function parseStatementOrBlockHead(
  text: string,
  tokens: TokenTable,
  first: number,
  nodes: NodeTableBuilder,
  open: number[],
  errors: ParseError[],
  lines: LineIndex,
): number {
  const { count, kinds, starts } = tokens;
  const parent = open[open.length - 1];
  const isOption = isWord(text, tokens, first, 'option');
  let recordDepth = 0;
  let previousKind = -1;
  let lastSignificant = first;
  for (let j = first; j < count; j++) {
    const kind = kinds[j];
    if (isTrivia(kind)) continue;
    if (kind === TokenKind.Semicolon) {
      if (recordDepth > 0) errors.push(lines.error('unclosed-record', 'Option record type is not closed', starts[j]));
      nodes.add(KIND_STATEMENT, parent, first, j + 1);
      return j + 1;
    }
    if (kind === TokenKind.OpenBrace) {
      if (isOption && (previousKind === TokenKind.Equals || recordDepth > 0)) {
        recordDepth++;
      } else {
        const block = nodes.add(KIND_BLOCK, parent, first, j + 1);
        nodes.openTokens[block] = j;
        open.push(block);
        return j + 1;
      }
    } else if (kind === TokenKind.CloseBrace) {
      if (recordDepth === 0) break;
      recordDepth--;
    }
    previousKind = kind;
    lastSignificant = j;
  }
  // Ended by a `}` of the enclosing block or by the end of the text.
  nodes.add(KIND_STATEMENT, parent, first, lastSignificant + 1);
  errors.push(lines.error('missing-semicolon', 'Statement does not end with a semicolon', starts[lastSignificant + 1]));
  return lastSignificant + 1;
}

/** A view of node `id`. */
function nodeAt(cst: Cst, id: number): CstNode {
  const { nodes, tokens } = cst;
  const firstToken = nodes.firstTokens[id];
  const endToken = nodes.endTokens[id];
  const start = tokens.starts[firstToken];
  const end = tokens.starts[endToken];
  const kind = nodes.kinds[id];
  switch (kind) {
    case KIND_STATEMENT:
      return { kind: 'statement', id, start, end, firstToken, endToken };
    case KIND_BLOCK:
      return { kind: 'block', id, start, end, firstToken, endToken, openToken: nodes.openTokens[id], closeToken: nodes.closeTokens[id] };
    case KIND_COMMENT:
      return { kind: 'comment', id, start, end, firstToken, endToken };
    case KIND_STRAY_BRACE:
      return { kind: 'stray-brace', id, start, end, firstToken, endToken };
    default:
      throw new Error(`Node ${id} has no view (kind ${kind})`);
  }
}

/** The children of `block`, or the top-level nodes when no block is given. */
export function children(cst: Cst, block?: CstBlock): CstNode[] {
  const result: CstNode[] = [];
  const { firstChildren, nextSiblings } = cst.nodes;
  for (let id = firstChildren[block?.id ?? ROOT]; id !== NONE; id = nextSiblings[id]) result.push(nodeAt(cst, id));
  return result;
}

/** The top-level node that is or contains `node`. */
export function topLevelAncestor(cst: Cst, node: CstNode): CstNode {
  const { parents } = cst.nodes;
  let id = node.id;
  while (parents[id] !== ROOT) id = parents[id];
  return nodeAt(cst, id);
}

/** The sibling right before `node`, if any. */
export function previousSibling(cst: Cst, node: CstNode): CstNode | undefined {
  const { parents } = cst.nodes;
  const parent = parents[node.id];
  // Ids follow the text: the node before `node` is its previous sibling or one of that sibling's descendants.
  for (let id = node.id - 1; id > parent; id = parents[id]) if (parents[id] === parent) return nodeAt(cst, id);
  return undefined;
}

/**
 * Rebuilds the text from the tree: node texts and the whitespace between
 * siblings, in order. It reads the node table directly rather than through
 * views, as it visits every node.
 */
export function stringify(cst: Cst): string {
  const { text, nodes } = cst;
  const { starts } = cst.tokens;
  const parts: string[] = [];
  interface Frame {
    next: number;
    position: number;
    bodyEnd: number;
    /** The closing brace's text, empty for the document and unclosed blocks. */
    close: string;
  }
  const stack: Frame[] = [{ next: nodes.firstChildren[ROOT], position: 0, bodyEnd: text.length, close: '' }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const id = frame.next;
    if (id === NONE) {
      parts.push(text.slice(frame.position, frame.bodyEnd), frame.close);
      stack.pop();
      continue;
    }
    frame.next = nodes.nextSiblings[id];
    const end = starts[nodes.endTokens[id]];
    // Each piece is the whitespace before a node and then the node (or a block's head), in one slice.
    if (nodes.kinds[id] === KIND_BLOCK) {
      const openEnd = starts[nodes.openTokens[id] + 1];
      const closeToken = nodes.closeTokens[id];
      const closeStart = closeToken === NONE ? end : starts[closeToken];
      parts.push(text.slice(frame.position, openEnd));
      stack.push({ next: nodes.firstChildren[id], position: openEnd, bodyEnd: closeStart, close: text.slice(closeStart, end) });
    } else {
      parts.push(text.slice(frame.position, end));
    }
    frame.position = end;
  }
  return parts.join('');
}

/** Indices of the tokens in `[from, to)` that carry meaning (no whitespace or comments). */
function significantTokens(tokens: TokenTable, from: number, to: number): number[] {
  const result: number[] = [];
  for (let i = from; i < to; i++) if (!isTrivia(tokens.kinds[i])) result.push(i);
  return result;
}

/** The meaningful tokens of a block's head or a statement, without its `;`. */
export function headTokens(cst: Cst, node: CstStatement | CstBlock): number[] {
  const { tokens } = cst;
  if (node.kind === 'block') return significantTokens(tokens, node.firstToken, node.openToken);
  const head = significantTokens(tokens, node.firstToken, node.endToken);
  if (head.length > 0 && tokens.kinds[head[head.length - 1]] === TokenKind.Semicolon) head.pop();
  return head;
}

/** The text of a token, as written. */
export function tokenAt(cst: Cst, index: number): string {
  return cst.text.slice(cst.tokens.starts[index], cst.tokens.starts[index + 1]);
}

/** dhcpd keywords are case-insensitive. */
export function keywordAt(cst: Cst, index: number | undefined): string {
  if (index === undefined || cst.tokens.kinds[index] !== TokenKind.Word) return '';
  return tokenAt(cst, index).toLowerCase();
}

/** Whether token `index` is the keyword `keyword` (lower case); dhcpd keywords are case-insensitive. */
export function isKeyword(cst: Cst, index: number | undefined, keyword: string): boolean {
  return index !== undefined && isWord(cst.text, cst.tokens, index, keyword);
}

/** A block whose head is the single word `keyword`, like `pool { … }` or `group { … }`. */
export function isBareBlock(cst: Cst, block: CstBlock, keyword: string): boolean {
  if (!isKeyword(cst, block.firstToken, keyword)) return false;
  for (let i = block.firstToken + 1; i < block.openToken; i++) if (!isTrivia(cst.tokens.kinds[i])) return false;
  return true;
}

/** The node whose range is exactly `[start, end)`. Node ids follow the text, so their starts are sorted. */
export function findNode(cst: Cst, start: number, end: number): CstNode | undefined {
  const { nodes, tokens } = cst;
  let low = 1;
  let high = nodes.count - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const midStart = tokens.starts[nodes.firstTokens[mid]];
    if (midStart < start) low = mid + 1;
    else if (midStart > start) high = mid - 1;
    else return tokens.starts[nodes.endTokens[mid]] === end ? nodeAt(cst, mid) : undefined;
  }
  return undefined;
}
