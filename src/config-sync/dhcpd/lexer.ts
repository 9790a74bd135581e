/**
 * dhcpd.conf lexer. It never throws: every character of the input lands in
 * exactly one token, so the tokens tile the text and the CST built on them can
 * give back every byte. Tokens live in two typed arrays instead of one object
 * each, because a 2 MB file has hundreds of thousands of them.
 */

import { grown } from './columns';

export const TokenKind = {
  /** A run of spaces, tabs, form feeds, carriage returns and line breaks. */
  Whitespace: 0,
  /** `#` up to (not including) the line break, `\r\n` or `\n`. */
  Comment: 1,
  /** Anything dhcpd reads as a name, number, address or hex list. */
  Word: 2,
  /** `"…"` with backslash escapes; may span lines, as in dhcpd. */
  String: 3,
  OpenBrace: 4,
  CloseBrace: 5,
  Semicolon: 6,
  Equals: 7,
  /** `,`, `(` and `)`: they separate words but carry no structure. */
  Punctuation: 8,
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

export interface TokenTable {
  readonly count: number;
  readonly kinds: Uint8Array;
  /** `starts[count]` is the text length, so token `i` ends at `starts[i + 1]`. */
  readonly starts: Uint32Array;
}

export interface LexError {
  code: 'unterminated-string';
  message: string;
  offset: number;
}

export interface LexResult {
  tokens: TokenTable;
  errors: LexError[];
}

const CHAR_WORD = 0;
const CHAR_SPACE = 1;
const CHAR_HASH = 2;
const CHAR_QUOTE = 3;
const CHAR_SINGLE = 4;

/** Character classes for ASCII; everything at or above 128 is part of a word. */
const charClass = new Uint8Array(128);
const singleKind = new Uint8Array(128);
for (const c of ' \t\f\v\r\n') charClass[c.charCodeAt(0)] = CHAR_SPACE;
charClass['#'.charCodeAt(0)] = CHAR_HASH;
charClass['"'.charCodeAt(0)] = CHAR_QUOTE;
for (const [c, kind] of [
  ['{', TokenKind.OpenBrace],
  ['}', TokenKind.CloseBrace],
  [';', TokenKind.Semicolon],
  ['=', TokenKind.Equals],
  [',', TokenKind.Punctuation],
  ['(', TokenKind.Punctuation],
  [')', TokenKind.Punctuation],
] as const) {
  charClass[c.charCodeAt(0)] = CHAR_SINGLE;
  singleKind[c.charCodeAt(0)] = kind;
}

const CR = 13;
const BACKSLASH = 92;
const QUOTE = 34;

export function lex(text: string): LexResult {
  const length = text.length;
  // Real configs average several characters per token; the arrays grow when a text has more.
  let kinds = new Uint8Array(Math.ceil(length / 3) + 16);
  let starts = new Uint32Array(kinds.length + 1);
  const errors: LexError[] = [];
  let count = 0;
  let i = 0;
  while (i < length) {
    const start = i;
    const code = text.charCodeAt(i);
    let kind: TokenKind;
    switch (code < 128 ? charClass[code] : CHAR_WORD) {
      case CHAR_SPACE:
        kind = TokenKind.Whitespace;
        i++;
        while (i < length) {
          const c = text.charCodeAt(i);
          if (c >= 128 || charClass[c] !== CHAR_SPACE) break;
          i++;
        }
        break;
      case CHAR_HASH:
        kind = TokenKind.Comment;
        i = endOfLine(text, i);
        break;
      case CHAR_QUOTE:
        kind = TokenKind.String;
        i = endOfString(text, i);
        if (i < 0) {
          errors.push({ code: 'unterminated-string', message: 'String is not closed before the end of the file', offset: start });
          i = length;
        }
        break;
      case CHAR_SINGLE:
        kind = singleKind[code] as TokenKind;
        i++;
        break;
      default:
        kind = TokenKind.Word;
        i++;
        while (i < length) {
          const c = text.charCodeAt(i);
          if (c < 128 && charClass[c] !== CHAR_WORD) break;
          i++;
        }
        break;
    }
    if (count === kinds.length) {
      kinds = grown(kinds, kinds.length * 2);
      starts = grown(starts, kinds.length + 1);
    }
    kinds[count] = kind;
    starts[count] = start;
    count++;
  }
  starts[count] = length;
  return { tokens: { count, kinds: kinds.subarray(0, count), starts: starts.subarray(0, count + 1) }, errors };
}

/** End of a comment: before `\n`, or before the `\r` of a `\r\n`. */
function endOfLine(text: string, from: number): number {
  let lf = text.indexOf('\n', from);
  if (lf < 0) return text.length;
  if (lf > from && text.charCodeAt(lf - 1) === CR) lf--;
  return lf;
}

/** Offset after the closing quote, or -1 when the string runs to the end of the text. */
function endOfString(text: string, open: number): number {
  let i = open + 1;
  const length = text.length;
  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) return i + 1;
    i += code === BACKSLASH ? 2 : 1;
  }
  return -1;
}

/**
 * Whether token `index` is the word `keyword` (given in lower case), compared
 * case-insensitively as dhcpd does, without allocating a string.
 */
export function isWord(text: string, tokens: TokenTable, index: number, keyword: string): boolean {
  if (index < 0 || index >= tokens.count || tokens.kinds[index] !== TokenKind.Word) return false;
  const start = tokens.starts[index];
  if (tokens.starts[index + 1] - start !== keyword.length) return false;
  for (let i = 0; i < keyword.length; i++) {
    let c = text.charCodeAt(start + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== keyword.charCodeAt(i)) return false;
  }
  return true;
}

/** Whitespace, line breaks and comments: tokens that never change what a statement means. */
export function isTrivia(kind: number): boolean {
  return kind === TokenKind.Whitespace || kind === TokenKind.Comment;
}
