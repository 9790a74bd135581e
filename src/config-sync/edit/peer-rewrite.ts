/**
 * Brings an existing `failover peer` declaration in line with a
 * PeerDeclaration by editing it in place: a managed statement whose value
 * differs gets only its value replaced (keeping the operator's alignment),
 * a missing one is added next to its neighbours in SPEC.md's order, and
 * duplicates or statements the role forbids (mclt, split and hba on a
 * secondary; hba next to a split) are removed. Statements the gateway does
 * not manage (auto-partner-down, max-lease-misbalance, …) and comments stay.
 * mclt and split left out of a primary's declaration are left as they are.
 */
import type { CstBlock } from '../dhcpd/cst';
import { readPeerStatements, type PeerStatementTokens } from '../dhcpd/failover-peer';
import type { TextEdit } from '../text-edit';
import { insertAsLastChild, insertLineAfter, insertLineBefore, type EditContext } from './block-insert';
import { removalEdit } from './removal';
import { peerLines, peerStatementText, type PeerDeclaration, type PeerLine } from './render';
import { childIndent } from './style';

/** `primary` and `secondary` fill the same slot. */
function slotOf(keyword: string): string {
  return keyword === 'primary' || keyword === 'secondary' ? 'role' : keyword;
}

export function rewritePeer(context: EditContext, block: CstBlock, decl: PeerDeclaration): TextEdit[] {
  const { cst, text, starts } = context;
  const wanted = peerLines(decl);
  const wantedSlots = new Set(wanted.map((line) => slotOf(line.keyword)));
  const forbidden = new Set(decl.role === 'secondary' ? ['mclt', 'split', 'hba'] : decl.split !== undefined ? ['hba'] : []);
  const edits: TextEdit[] = [];
  const kept = new Map<string, PeerStatementTokens>();
  for (const existing of readPeerStatements(cst, block)) {
    const slot = slotOf(existing.statement.keyword);
    if (forbidden.has(slot) || (wantedSlots.has(slot) && kept.has(slot))) {
      edits.push(removalEdit(text, existing.node.start, existing.node.end));
    } else if (wantedSlots.has(slot)) {
      kept.set(slot, existing);
    }
  }
  const indent = childIndent(cst, context.style, block);
  wanted.forEach((line, index) => {
    const existing = kept.get(slotOf(line.keyword));
    if (existing !== undefined) {
      const edit = valueEdit(starts, existing, line);
      if (edit !== null) edits.push(edit);
      return;
    }
    const statement = peerStatementText(line);
    const before = wanted.slice(0, index).reverse().find((other) => kept.has(slotOf(other.keyword)));
    const after = wanted.slice(index + 1).find((other) => kept.has(slotOf(other.keyword)));
    if (before !== undefined) {
      edits.push(insertLineAfter(context, (kept.get(slotOf(before.keyword)) as PeerStatementTokens).node, indent, statement));
    } else if (after !== undefined) {
      edits.push(insertLineBefore(context, (kept.get(slotOf(after.keyword)) as PeerStatementTokens).node, indent, statement));
    } else {
      edits.push(insertAsLastChild(context, block, [statement]));
    }
  });
  return edits;
}

/** Replaces what differs: the role word, or the value tokens (the whole statement when it has no value). */
function valueEdit(starts: Uint32Array, existing: PeerStatementTokens, line: PeerLine): TextEdit | null {
  const { statement, keywordTokens, valueTokens, node } = existing;
  if (line.value === null) {
    if (statement.keyword === line.keyword) return null;
    const first = keywordTokens[0];
    return { offset: starts[first], length: starts[first + 1] - starts[first], content: line.keyword };
  }
  if (statement.value === line.value) return null;
  if (valueTokens.length === 0) return { offset: node.start, length: node.end - node.start, content: peerStatementText(line) };
  const from = starts[valueTokens[0]];
  const to = starts[valueTokens[valueTokens.length - 1] + 1];
  return { offset: from, length: to - from, content: line.value };
}
