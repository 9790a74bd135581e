import { formatPatch, structuredPatch } from 'diff';

/**
 * A unified diff (before → after) of one file, as `diff -u` shows it. A change touches a few lines of a
 * file that may have 50,000: the lines both texts share at the start and at the end are cut off before the
 * diff runs (it would take hundreds of milliseconds over the whole file), and the hunks are moved back to
 * their real line numbers. The result is the diff of the whole texts.
 */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  const a = lines(before);
  const b = lines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const from = Math.max(0, start - context);
  const patch = structuredPatch(path, path, a.slice(from, Math.min(a.length, endA + context)).join(''), b.slice(from, Math.min(b.length, endB + context)).join(''), 'before', 'after', { context });
  for (const hunk of patch.hunks) {
    hunk.oldStart += from;
    hunk.newStart += from;
  }
  return formatPatch(patch);
}

/** The lines of a text, each with its line break. */
function lines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}
