/**
 * Disabling and enabling a subnet in place; see dhcpd/disabled-marker.ts for
 * what the markers look like. Disabling inserts text only and enabling
 * deletes exactly that text, so enable(disable(text)) === text.
 */
import { children, isBareBlock, isKeyword, type CstBlock } from '../dhcpd/cst';
import { findPoolMarker, POOL_MARKER_LINE, WRAPPER_CLOSE, wrappedRange, wrapperOpening } from '../dhcpd/disabled-marker';
import type { TextEdit } from '../text-edit';
import { insertAsFirstChild, type EditContext } from './block-insert';
import { afterLineEnd, indentBefore, lineStart, restOfLineIsEmpty, spacesBefore } from './lines';

export function disableSubnetEdits(context: EditContext, subnet: CstBlock): TextEdit[] {
  const { cst, text, style } = context;
  const edits: TextEdit[] = [];
  for (const child of children(cst, subnet)) {
    if (child.kind === 'block' && isBareBlock(cst, child, 'pool')) {
      if (wrappedRange(cst, child) === null && findPoolMarker(cst, child) === null) edits.push(poolMarkerInsertion(context, child));
    } else if (child.kind === 'statement' && isKeyword(cst, child.firstToken, 'range')) {
      edits.push(
        { offset: child.start, length: 0, content: wrapperOpening(style.eol, indentBefore(text, child.start) ?? '') },
        { offset: child.end, length: 0, content: WRAPPER_CLOSE },
      );
    }
  }
  return edits;
}

/**
 * The marker becomes the pool's first line. When the pool's `{` is followed by
 * more on the same line, the marker goes right after the `{` and its comment
 * is closed by a line break, which enabling removes with it.
 */
function poolMarkerInsertion(context: EditContext, pool: CstBlock): TextEdit {
  const { text, style, starts } = context;
  const openEnd = starts[pool.openToken + 1];
  if (!restOfLineIsEmpty(text, openEnd)) return { offset: openEnd, length: 0, content: ` ${POOL_MARKER_LINE}${style.eol}` };
  return insertAsFirstChild(context, pool, POOL_MARKER_LINE);
}

export function enableSubnetEdits(context: EditContext, subnet: CstBlock): TextEdit[] {
  const { cst, text } = context;
  const edits: TextEdit[] = [];
  for (const child of children(cst, subnet)) {
    if (child.kind !== 'block' || !isBareBlock(cst, child, 'pool')) continue;
    const range = wrappedRange(cst, child);
    if (range !== null) {
      edits.push(
        { offset: child.start, length: range.start - child.start, content: '' },
        { offset: range.end, length: child.end - range.end, content: '' },
      );
      continue;
    }
    const marker = findPoolMarker(cst, child);
    if (marker === null) continue;
    const from = indentBefore(text, marker.statement.start) !== null ? lineStart(text, marker.statement.start) : spacesBefore(text, marker.statement.start);
    edits.push({ offset: from, length: afterLineEnd(text, marker.comment.end) - from, content: '' });
  }
  return edits;
}
