import { diffArrays, formatPatch, type ArrayChange, type StructuredPatchHunk } from 'diff';

/**
 * A unified diff (before → after) of one file, as `diff -u` shows it. A change touches a few lines of a
 * file that may have 50,000: the lines both texts share at the start and at the end are cut off before the
 * diff runs (it would take hundreds of milliseconds over the whole file), and the hunks are moved back to
 * their real line numbers. The result is the diff of the whole texts.
 *
 * The shared head and tail are found on the characters, and only the lines between them (with their
 * context) are split and compared, by the `diff` package's own algorithm over the lines (diffArrays): its
 * structuredPatch splits, joins and splits again every line of the span, 100 ms when a change at the top
 * and one at the end make the span the whole file. The hunks are built from that as structuredPatch builds
 * them (hunksOf), so the text is the same.
 */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  // The shared head ends where the first line that differs starts.
  const head = lineStart(before, sharedHead(before, after));
  // The shared tail starts at a line start of both texts, and does not reach into the head in either.
  let tail = sharedTail(before, after, Math.min(before.length, after.length) - head);
  if (tail > 0 && !(atLineStart(before, before.length - tail, head) && atLineStart(after, after.length - tail, head))) {
    const lineEnd = before.indexOf('\n', before.length - tail);
    tail = lineEnd < 0 ? 0 : before.length - lineEnd - 1;
  }
  // The context around the lines that differ, in whole lines.
  let from = head;
  for (let n = 0; n < context && from > 0; n++) from = lineStart(before, from - 1);
  let tailA = before.length - tail;
  let tailB = after.length - tail;
  for (let n = 0; n < context && tailA < before.length; n++) {
    const next = before.indexOf('\n', tailA) + 1 || before.length;
    tailB += next - tailA;
    tailA = next;
  }
  const hunks = hunksOf(diffArrays(lines(before.slice(from, tailA)), lines(after.slice(from, tailB))), context);
  const offset = linesIn(before, from);
  for (const hunk of hunks) {
    hunk.oldStart += offset;
    hunk.newStart += offset;
  }
  return formatPatch({ oldFileName: path, newFileName: path, oldHeader: 'before', newHeader: 'after', hunks });
}

/**
 * The hunks of a line diff, exactly as the `diff` package's structuredPatch makes them from its diffLines
 * result: changes at most 2 × context equal lines apart share a hunk; lines lose their line break, and one
 * without is followed by "\ No newline at end of file".
 */
function hunksOf(parts: ArrayChange<string>[], context: number): StructuredPatchHunk[] {
  const hunks: StructuredPatchHunk[] = [];
  const unchanged = (lines: string[]) => lines.map((line) => ` ${line}`);
  let oldStart = 0;
  let newStart = 0;
  let oldLine = 1;
  let newLine = 1;
  let lines: string[] = [];
  // an empty last part closes the last hunk
  parts = [...parts, { value: [], count: 0, added: false, removed: false }];
  for (const [i, part] of parts.entries()) {
    if (part.added || part.removed) {
      if (!oldStart) {
        const previous = parts[i - 1];
        oldStart = oldLine;
        newStart = newLine;
        if (previous) {
          lines = context > 0 ? unchanged(previous.value.slice(-context)) : [];
          oldStart -= lines.length;
          newStart -= lines.length;
        }
      }
      for (const line of part.value) lines.push((part.added ? '+' : '-') + line);
      if (part.added) newLine += part.value.length;
      else oldLine += part.value.length;
      continue;
    }
    if (oldStart) {
      if (part.value.length <= context * 2 && i < parts.length - 2) {
        lines.push(...unchanged(part.value));
      } else {
        const shown = Math.min(part.value.length, context);
        lines.push(...unchanged(part.value.slice(0, shown)));
        hunks.push({ oldStart, oldLines: oldLine - oldStart + shown, newStart, newLines: newLine - newStart + shown, lines });
        oldStart = 0;
        newStart = 0;
        lines = [];
      }
    }
    oldLine += part.value.length;
    newLine += part.value.length;
  }
  for (const hunk of hunks) {
    hunk.lines = hunk.lines.flatMap((line) => (line.endsWith('\n') ? [line.slice(0, -1)] : [line, '\\ No newline at end of file']));
  }
  return hunks;
}

/** The lines of a text, each with its line break. */
function lines(text: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; ) {
    const end = text.indexOf('\n', at) + 1 || text.length;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

/** The length of the longest common prefix, compared a block at a time (string equality is native code). */
function sharedHead(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let at = 0;
  for (let block = 4096; block >= 1; block >>= 3) {
    while (at + block <= max && a.slice(at, at + block) === b.slice(at, at + block)) at += block;
  }
  return at;
}

/** The length of the longest common suffix, at most `max`. */
function sharedTail(a: string, b: string, max: number): number {
  let n = 0;
  for (let block = 4096; block >= 1; block >>= 3) {
    while (n + block <= max && a.slice(a.length - n - block, a.length - n) === b.slice(b.length - n - block, b.length - n)) n += block;
  }
  return n;
}

/** The start of the line holding offset `at`. */
function lineStart(text: string, at: number): number {
  // lastIndexOf reads a negative start as 0, which would find a line break at offset 0
  return at === 0 ? 0 : text.lastIndexOf('\n', at - 1) + 1;
}

function atLineStart(text: string, at: number, head: number): boolean {
  return at === head || text.charCodeAt(at - 1) === 0x0a;
}

/** Line breaks in the first `end` characters. */
function linesIn(text: string, end: number): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) n++;
  return n;
}
