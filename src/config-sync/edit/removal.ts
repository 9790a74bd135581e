/**
 * Removing a statement or block. When it is alone on its line(s), the whole
 * line goes: leading indentation, a trailing comment and the line break, so
 * no empty or orphaned fragment is left. When it shares a line, only the node
 * and the spaces that separated it go.
 */
import type { TextEdit } from '../text-edit';
import { afterLineEnd, indentBefore, lineStart, restOfLineIsEmpty, spacesAfter, spacesBefore } from './lines';

export function removalEdit(text: string, start: number, end: number): TextEdit {
  const aloneBefore = indentBefore(text, start) !== null;
  const aloneAfter = restOfLineIsEmpty(text, end);
  if (aloneBefore && aloneAfter) {
    const from = lineStart(text, start);
    return { offset: from, length: afterLineEnd(text, end) - from, content: '' };
  }
  if (aloneAfter) {
    const from = spacesBefore(text, start);
    return { offset: from, length: end - from, content: '' };
  }
  return { offset: start, length: spacesAfter(text, end) - start, content: '' };
}

/**
 * Removing a top-level declaration set apart by empty lines: one of the two
 * empty lines around it goes too, so its neighbours keep a single one.
 */
export function removalWithSeparator(text: string, start: number, end: number): TextEdit {
  const edit = removalEdit(text, start, end);
  const after = edit.offset + edit.length;
  const emptyAfter = /^[ \t]*\r?\n/.exec(text.slice(after, afterLineEnd(text, after)));
  const emptyBefore = edit.offset === 0 || /^[ \t]*\r?\n$/.test(text.slice(lineStart(text, edit.offset - 1), edit.offset));
  return emptyAfter && emptyBefore && edit.content === '' && edit.offset === lineStart(text, edit.offset) ? { ...edit, length: edit.length + emptyAfter[0].length } : edit;
}
