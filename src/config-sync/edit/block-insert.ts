/**
 * Placing new lines inside an existing block. A block laid out over several
 * lines gets whole new lines at the sibling indentation; a block written on
 * one line (`pool { range A B; }`) gets the new text on that line.
 */
import { children, type Cst, type CstBlock, type CstNode } from '../dhcpd/cst';
import type { TextEdit } from '../text-edit';
import { afterLineEnd, indentBefore, lineStart, restOfLineIsEmpty } from './lines';
import { childIndent, type FileStyle } from './style';

export interface EditContext {
  cst: Cst;
  text: string;
  /** Detected on first use: edits that only remove or replace text never need it. */
  readonly style: FileStyle;
  /** Token start offsets, `starts[i + 1]` being the end of token `i`. */
  starts: Uint32Array;
}

/** `lines` become the last children of `block`; nested lines already carry their extra indentation. */
export function insertAsLastChild(context: EditContext, block: CstBlock, lines: readonly string[]): TextEdit {
  const { text, style, starts } = context;
  const indent = childIndent(context.cst, style, block);
  const multiLine = lines.map((line) => style.eol + indent + line).join('');
  if (block.closeToken < 0) return { offset: block.end, length: 0, content: multiLine };
  const closeStart = starts[block.closeToken];
  if (indentBefore(text, closeStart) !== null) {
    return { offset: lineStart(text, closeStart), length: 0, content: lines.map((line) => indent + line + style.eol).join('') };
  }
  const last = children(context.cst, block).pop();
  const offset = last === undefined ? starts[block.openToken + 1] : last.end;
  return { offset, length: 0, content: lines.length === 1 ? ` ${lines[0]}` : multiLine };
}

/** `lines` become the first children of `block`. */
export function insertAsFirstChild(context: EditContext, block: CstBlock, lines: string | readonly string[]): TextEdit {
  const { text, style, starts } = context;
  const openEnd = starts[block.openToken + 1];
  if (!restOfLineIsEmpty(text, openEnd)) return { offset: openEnd, length: 0, content: ` ${asLines(lines).join(' ')}` };
  return insertOnNextLine(context, openEnd, childIndent(context.cst, style, block), lines);
}

/** `lines` go right after `node`, as siblings at `indent`. */
export function insertLineAfter(context: EditContext, node: CstNode, indent: string, lines: string | readonly string[]): TextEdit {
  if (!restOfLineIsEmpty(context.text, node.end)) return { offset: node.end, length: 0, content: ` ${asLines(lines).join(' ')}` };
  return insertOnNextLine(context, node.end, indent, lines);
}

/**
 * `lines` go after the last statement among the children of `block` (next to
 * the settings already there), or first when it has none.
 */
export function insertAfterStatements(context: EditContext, block: CstBlock, lines: readonly string[]): TextEdit {
  const last = children(context.cst, block).filter((child) => child.kind === 'statement').pop();
  if (last === undefined) return insertAsFirstChild(context, block, lines);
  return insertLineAfter(context, last, childIndent(context.cst, context.style, block), lines);
}

/** `line` goes right before `node`, as a sibling at `indent`. */
export function insertLineBefore(context: EditContext, node: CstNode, indent: string, line: string): TextEdit {
  const { text, style } = context;
  if (indentBefore(text, node.start) === null) return { offset: node.start, length: 0, content: `${line} ` };
  return { offset: lineStart(text, node.start), length: 0, content: indent + line + style.eol };
}

/** New lines after the line containing `offset`; at the end of a file without a final line break, one is added first. */
function insertOnNextLine(context: EditContext, offset: number, indent: string, lines: string | readonly string[]): TextEdit {
  const { text, style } = context;
  const next = afterLineEnd(text, offset);
  const indented = asLines(lines).map((line) => indent + line);
  if (next === text.length && !text.endsWith('\n')) return { offset: next, length: 0, content: indented.map((line) => style.eol + line).join('') };
  return { offset: next, length: 0, content: indented.map((line) => line + style.eol).join('') };
}

function asLines(lines: string | readonly string[]): readonly string[] {
  return typeof lines === 'string' ? [lines] : lines;
}
