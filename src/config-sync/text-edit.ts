/** Offsets into a text, `end` exclusive. */
export interface TextRange {
  start: number;
  end: number;
}

/** Replace `length` characters at `offset` with `content` (an insert when `length` is 0). */
export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

/**
 * Applies edits made against `text` in one pass. Edits are ordered by offset;
 * at the same offset inserts come before a replacement (an insert "at X" lands
 * in front of whatever starts at X) and otherwise keep their array order, so
 * several inserts at one point read in the order they were produced.
 * Overlapping edits mean two changes disagree about the same bytes, which is a
 * bug in the caller, so they throw instead of guessing.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  for (const edit of edits) {
    if (
      !Number.isInteger(edit.offset) ||
      !Number.isInteger(edit.length) ||
      edit.offset < 0 ||
      edit.length < 0 ||
      edit.offset + edit.length > text.length
    ) {
      throw new RangeError(`Edit out of bounds: offset ${edit.offset}, length ${edit.length}, text length ${text.length}`);
    }
  }
  const order = edits
    .map((edit, index) => ({ edit, index }))
    .sort(
      (a, b) =>
        a.edit.offset - b.edit.offset ||
        Number(a.edit.length > 0) - Number(b.edit.length > 0) ||
        a.index - b.index,
    );
  const parts: string[] = [];
  let position = 0;
  for (const { edit } of order) {
    if (edit.offset < position) {
      throw new RangeError(`Overlapping edits at offset ${edit.offset} (previous edit ends at ${position})`);
    }
    parts.push(text.slice(position, edit.offset), edit.content);
    position = edit.offset + edit.length;
  }
  parts.push(text.slice(position));
  return parts.join('');
}
