/**
 * The parameters of a subnet or pool (`option routers …;`, lease times,
 * `authoritative;`, `deny unknown-clients;`, …): what a partner's copy of a
 * scope must carry so that both servers answer a client alike. Read on demand
 * (the model does not keep them), each with a key that says which setting it
 * is, so two files can be compared setting by setting.
 */
import type { TextRange } from '../text-edit';
import { children, findNode, headTokens, isKeyword, keywordAt, tokenAt, type Cst, type CstStatement } from './cst';
import { findPoolMarker } from './disabled-marker';
import { TokenKind } from './lexer';
import type { ConfigModel, PoolModel, SubnetModel } from './model';

export interface ScopeStatement {
  /** The setting it makes: `option routers`, `default-lease-time`, `permit unknown-clients`, `authoritative`. */
  key: string;
  /** Its meaning in one form: significant tokens joined by one space, words in lower case. */
  value: string;
  /** As written, continuation lines relative to the first line's indentation, joined by `\n`. */
  source: string;
  range: TextRange;
}

/**
 * The statements directly in a subnet or pool, in file order. Left out: what
 * the gateway models on its own (`range`, a pool's `failover peer`), the
 * gateway's disabled marker, and declarations (hosts, groups, nested pools).
 */
export function scopeStatements(model: ConfigModel, node: SubnetModel | PoolModel): ScopeStatement[] {
  const { cst } = model;
  const block = findNode(cst, node.range.start, node.range.end);
  if (block?.kind !== 'block') throw new Error(`No subnet or pool at ${node.range.start}-${node.range.end}: the model node belongs to another text`);
  const marker = findPoolMarker(cst, block);
  const result: ScopeStatement[] = [];
  for (const child of children(cst, block)) {
    if (child.kind !== 'statement' || child.start === marker?.statement.start) continue;
    const head = headTokens(cst, child);
    if (head.length === 0 || isKeyword(cst, head[0], 'range')) continue;
    if (isKeyword(cst, head[0], 'failover') && isKeyword(cst, head[1], 'peer')) continue;
    result.push({ key: keyOf(cst, head), value: valueOf(cst, head), source: sourceOf(cst.text, child), range: { start: child.start, end: child.end } });
  }
  return result;
}

const PERMITS = new Set(['allow', 'deny', 'ignore']);

function keyOf(cst: Cst, head: number[]): string {
  const first = keywordAt(cst, head[0]);
  if (first === 'option' && head.length > 1) return `option ${tokenAt(cst, head[1]).toLowerCase()}`;
  if (PERMITS.has(first)) return `permit ${head.slice(1).map((t) => normalized(cst, t)).join(' ')}`;
  if (first === 'not' && head.length > 1) return keywordAt(cst, head[1]);
  return first || tokenAt(cst, head[0]);
}

function valueOf(cst: Cst, head: number[]): string {
  return head.map((t) => normalized(cst, t)).join(' ');
}

/** dhcpd words (keywords, host names, hex) are case-insensitive; quoted strings are not. */
function normalized(cst: Cst, token: number): string {
  const text = tokenAt(cst, token);
  return cst.tokens.kinds[token] === TokenKind.Word ? text.toLowerCase() : text;
}

function sourceOf(text: string, statement: CstStatement): string {
  const lines = text.slice(statement.start, statement.end).split(/\r?\n/);
  const lineStart = text.lastIndexOf('\n', statement.start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, statement.start))?.[0] ?? '';
  return lines.map((line, i) => (i > 0 && line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n');
}

/** One setting two statement lists both make, with other values (each side's values joined by `; `). */
export interface StatementDifference {
  key: string;
  wanted: string;
  have: string;
}

/**
 * Compares the settings of one side (`wanted`) with another's (`have`), setting by setting: those `have`
 * lacks entirely are `missing`, those it makes with other values are `differing`. Settings only `have`
 * makes are not reported (compare the other way round to see them). The one rule for "the same scope"
 * on two servers, used when a scope is mirrored and when a pair is reviewed.
 */
export function compareStatements(wanted: ScopeStatement[], have: ScopeStatement[]): { missing: ScopeStatement[]; differing: StatementDifference[] } {
  const missing: ScopeStatement[] = [];
  const differing: StatementDifference[] = [];
  const values = (list: ScopeStatement[]) => list.map((s) => s.value).sort().join('; ');
  for (const key of new Set(wanted.map((s) => s.key))) {
    const ours = wanted.filter((s) => s.key === key);
    const theirs = have.filter((s) => s.key === key);
    if (theirs.length === 0) missing.push(...ours);
    else if (values(ours) !== values(theirs)) differing.push({ key, wanted: values(ours), have: values(theirs) });
  }
  return { missing, differing };
}
