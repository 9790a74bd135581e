/**
 * Line arithmetic on the original text, used to place new lines and to
 * remove whole lines. Lines end at `\n`; a `\r` before it is part of the
 * line break, so CRLF files are handled without special cases.
 */

export function lineStart(text: string, offset: number): number {
  return offset === 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
}

/** The spaces and tabs between the start of the line and `offset`, or null when something else precedes it. */
export function indentBefore(text: string, offset: number): string | null {
  const start = lineStart(text, offset);
  for (let i = start; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return null;
  }
  return text.slice(start, offset);
}

/** The leading spaces and tabs of the line containing `offset`. */
export function lineIndent(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return text.slice(start, spacesAfter(text, start));
}

/** The offset just after the line break that ends the line containing `offset`, or the text length. */
export function afterLineEnd(text: string, offset: number): number {
  const lf = text.indexOf('\n', offset);
  return lf < 0 ? text.length : lf + 1;
}

/** Only spaces, tabs and perhaps a comment follow `offset` on its line. */
export function restOfLineIsEmpty(text: string, offset: number): boolean {
  const i = spacesAfter(text, offset);
  if (i === text.length) return true;
  const c = text.charCodeAt(i);
  return c === 35 /* # */ || c === 10 || (c === 13 && text.charCodeAt(i + 1) === 10);
}

/** The end of the run of spaces and tabs starting at `offset`. */
export function spacesAfter(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i;
}

/** The start of the run of spaces and tabs ending at `offset`. */
export function spacesBefore(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) i--;
  return i;
}
