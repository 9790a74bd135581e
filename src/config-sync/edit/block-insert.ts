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

/** `line` becomes the first child of `block`. */
export function insertAsFirstChild(context: EditContext, block: CstBlock, line: string): TextEdit {
  const { text, style, starts } = context;
  const openEnd = starts[block.openToken + 1];
  if (!restOfLineIsEmpty(text, openEnd)) return { offset: openEnd, length: 0, content: ` ${line}` };
  return insertOnNextLine(context, openEnd, childIndent(context.cst, style, block), line);
}

/** `line` goes right after `node`, as a sibling at `indent`. */
export function insertLineAfter(context: EditContext, node: CstNode, indent: string, line: string): TextEdit {
  if (!restOfLineIsEmpty(context.text, node.end)) return { offset: node.end, length: 0, content: ` ${line}` };
  return insertOnNextLine(context, node.end, indent, line);
}

/** `line` goes right before `node`, as a sibling at `indent`. */
export function insertLineBefore(context: EditContext, node: CstNode, indent: string, line: string): TextEdit {
  const { text, style } = context;
  if (indentBefore(text, node.start) === null) return { offset: node.start, length: 0, content: `${line} ` };
  return { offset: lineStart(text, node.start), length: 0, content: indent + line + style.eol };
}

/** A new line after the line containing `offset`; at the end of a file without a final line break, one is added first. */
function insertOnNextLine(context: EditContext, offset: number, indent: string, line: string): TextEdit {
  const { text, style } = context;
  const next = afterLineEnd(text, offset);
  if (next === text.length && !text.endsWith('\n')) return { offset: next, length: 0, content: style.eol + indent + line };
  return { offset: next, length: 0, content: indent + line + style.eol };
}
