/**
 * Reads the statements of a `failover peer "name" { … }` declaration. Every
 * statement is kept with its keyword (the words dhcpd uses to name it, e.g.
 * `peer address` or `load balance max seconds`) and its value as written.
 */
import type { TextRange } from '../text-edit';
import { children, headTokens, keywordAt, tokenAt, type Cst, type CstBlock, type CstStatement } from './cst';

export interface PeerStatement {
  keyword: string;
  /** Null for statements without a value (`primary;`, `secondary;`). */
  value: string | null;
  range: TextRange;
}

export interface FailoverPeerModel {
  name: string;
  range: TextRange;
  /** Declared at the top of the file rather than inside a `shared-network`. */
  topLevel: boolean;
  role: 'primary' | 'secondary' | null;
  address: string | null;
  port: number | null;
  peerAddress: string | null;
  peerPort: number | null;
  maxResponseDelay: number | null;
  maxUnackedUpdates: number | null;
  mclt: number | null;
  split: number | null;
  hba: string | null;
  loadBalanceMaxSeconds: number | null;
  statements: PeerStatement[];
}

/** Multi-word keywords of the peer declaration, longest first so `peer address` wins over a one-word guess. */
const MULTI_WORD_KEYWORDS = [['load', 'balance', 'max', 'seconds'], ['peer', 'address'], ['peer', 'port']];

/** A statement with the CST details an edit needs. */
export interface PeerStatementTokens {
  statement: PeerStatement;
  node: CstStatement;
  /** Token indices of the keyword words. */
  keywordTokens: number[];
  /** Token indices of the value, empty for `primary;`. */
  valueTokens: number[];
}

export function readPeerStatements(cst: Cst, block: CstBlock): PeerStatementTokens[] {
  const result: PeerStatementTokens[] = [];
  for (const child of children(cst, block)) {
    if (child.kind !== 'statement') continue;
    const head = headTokens(cst, child);
    if (head.length === 0) continue;
    const words = head.map((index) => keywordAt(cst, index));
    const multi = MULTI_WORD_KEYWORDS.find((keyword) => keyword.every((word, i) => words[i] === word));
    const keywordLength = multi?.length ?? 1;
    const keywordTokens = head.slice(0, keywordLength);
    const valueTokens = head.slice(keywordLength);
    // An hba list may be broken over lines; its pieces join without separators.
    const separator = words[0] === 'hba' ? '' : ' ';
    result.push({
      statement: {
        keyword: keywordTokens.map((index) => tokenAt(cst, index)).join(' ').toLowerCase(),
        value: valueTokens.length === 0 ? null : valueTokens.map((index) => tokenAt(cst, index)).join(separator),
        range: { start: child.start, end: child.end },
      },
      node: child,
      keywordTokens,
      valueTokens,
    });
  }
  return result;
}

export function buildPeerModel(name: string, block: CstBlock, topLevel: boolean, statements: PeerStatement[]): FailoverPeerModel {
  const peer: FailoverPeerModel = {
    name,
    range: { start: block.start, end: block.end },
    topLevel,
    role: null,
    address: null,
    port: null,
    peerAddress: null,
    peerPort: null,
    maxResponseDelay: null,
    maxUnackedUpdates: null,
    mclt: null,
    split: null,
    hba: null,
    loadBalanceMaxSeconds: null,
    statements,
  };
  // The first occurrence of a statement counts, like the first pool's peer does for a scope.
  const seen = new Set<string>();
  for (const { keyword, value } of statements) {
    if (seen.has(keyword)) continue;
    seen.add(keyword);
    switch (keyword) {
      case 'primary':
      case 'secondary':
        if (peer.role === null) peer.role = keyword;
        break;
      case 'address':
        peer.address = value;
        break;
      case 'port':
        peer.port = integerOrNull(value);
        break;
      case 'peer address':
        peer.peerAddress = value;
        break;
      case 'peer port':
        peer.peerPort = integerOrNull(value);
        break;
      case 'max-response-delay':
        peer.maxResponseDelay = integerOrNull(value);
        break;
      case 'max-unacked-updates':
        peer.maxUnackedUpdates = integerOrNull(value);
        break;
      case 'mclt':
        peer.mclt = integerOrNull(value);
        break;
      case 'split':
        peer.split = integerOrNull(value);
        break;
      case 'hba':
        peer.hba = value;
        break;
      case 'load balance max seconds':
        peer.loadBalanceMaxSeconds = integerOrNull(value);
        break;
      default:
        // Kept in `statements` only (auto-partner-down, max-lease-misbalance, …).
        break;
    }
  }
  return peer;
}

function integerOrNull(value: string | null): number | null {
  return value !== null && /^\d{1,10}$/.test(value) ? Number(value) : null;
}
