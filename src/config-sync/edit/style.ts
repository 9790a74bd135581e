/**
 * The formatting conventions a file already follows, so new text blends in:
 * its line break (CRLF or LF) and the unit one nesting level adds to the
 * indentation (a tab, or N spaces).
 */
import { children, type Cst, type CstBlock, type CstNode } from '../dhcpd/cst';
import { indentBefore, lineIndent } from './lines';

export interface FileStyle {
  eol: '\n' | '\r\n';
  indentUnit: string;
}

/** Used when the file has no nested lines to learn from; the layout SPEC.md shows. */
const DEFAULT_INDENT_UNIT = '  ';
/** A file's habits show within its first lines; sampling keeps a 2 MB file's first edit fast. */
const SAMPLE_LINES = 1000;

export function detectStyle(cst: Cst): FileStyle {
  return { eol: detectEol(cst.text), indentUnit: detectIndentUnit(cst) };
}

function detectEol(text: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0 && crlf + lf < SAMPLE_LINES; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** The most frequent step from a block's line indentation to its children's. */
function detectIndentUnit(cst: Cst): string {
  const { text } = cst;
  const counts = new Map<string, number>();
  let samples = 0;
  const pending: CstNode[] = children(cst).reverse();
  for (let node = pending.pop(); node !== undefined && samples < SAMPLE_LINES; node = pending.pop()) {
    if (node.kind !== 'block') continue;
    const parentIndent = lineIndent(text, node.start);
    for (const child of children(cst, node)) {
      if (child.kind === 'block') pending.push(child);
      if (child.kind === 'comment') continue;
      const indent = indentBefore(text, child.start);
      if (indent !== null && indent.length > parentIndent.length && indent.startsWith(parentIndent)) {
        const step = indent.slice(parentIndent.length);
        counts.set(step, (counts.get(step) ?? 0) + 1);
        samples++;
      }
    }
  }
  let best = DEFAULT_INDENT_UNIT;
  let bestCount = 0;
  for (const [step, count] of counts) {
    if (count > bestCount) {
      best = step;
      bestCount = count;
    }
  }
  return best;
}

/**
 * The indentation for a new line inside `block`: the same as its existing
 * statements, or one unit deeper than the block's own line.
 */
export function childIndent(cst: Cst, style: FileStyle, block: CstBlock): string {
  const { text } = cst;
  for (const child of children(cst, block)) {
    if (child.kind === 'comment') continue;
    const indent = indentBefore(text, child.start);
    if (indent !== null) return indent;
  }
  return lineIndent(text, block.start) + style.indentUnit;
}

/**
 * The indentation step inside `block`: from its line to its children, where
 * it has indented children, else the file's unit. New nested lines use it so
 * they match the block they land in.
 */
export function blockIndentUnit(cst: Cst, style: FileStyle, block: CstBlock): string {
  const own = lineIndent(cst.text, block.start);
  const child = childIndent(cst, style, block);
  return child.length > own.length && child.startsWith(own) ? child.slice(own.length) : style.indentUnit;
}
