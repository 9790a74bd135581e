import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { parseIpv4 } from '../net/ipv4';

/**
 * A streaming reader of dhcpd.leases (man dhcpd.leases). The file is a log: dhcpd appends a whole `lease` record
 * whenever a lease changes, so the same address appears many times and the last record wins. The reader hands
 * every complete, well-formed `lease` record to a callback; everything else (`failover peer … state`, `host`,
 * `server-duid`, `authoring-byte-order`, DHCPv6 `ia-na`, `on commit { … }` inside a lease) is skipped by brace depth.
 *
 * It has its own tokenizer, not the dhcpd.conf lexer: that one keeps every byte for a round trip, which a 100 MB
 * file read only for counts does not need. Chunks may split a file anywhere (inside a word, a string, a comment).
 * A record that cannot be read (bad address, unknown binding state, bad date, a missing `;` or `}`, cut off at the
 * end of the file) is skipped and counted in `malformed`, never fatal: a `lease <address> {` inside an unclosed
 * record starts a new record, so one broken record costs only itself.
 */

/** dhcpd 4.x's binding states (binding_state_names in common/tables.c). */
export const BINDING_STATES = ['free', 'active', 'expired', 'released', 'abandoned', 'reset', 'backup', 'reserved', 'bootp'] as const;
export type BindingState = (typeof BINDING_STATES)[number];
const KNOWN_STATES: ReadonlySet<string> = new Set(BINDING_STATES);

export interface LeaseRecord {
  address: string;
  /** the address as an unsigned 32-bit number */
  ip: number;
  bindingState: BindingState;
  /** ms since the epoch; null when absent (or `never`, for ends) */
  starts: number | null;
  ends: number | null;
  cltt: number | null;
  /** e.g. "ethernet 52:54:00:12:34:56" */
  hardware: string | null;
  uid: string | null;
  clientHostname: string | null;
}

export interface ReadSummary {
  /** well-formed lease records, repeats of an address included */
  records: number;
  /** records (or other top-level statements) that could not be read and were skipped */
  malformed: number;
}

/** A record being read: its binding state may not have come yet, and `bad` marks a statement that could not be read. */
interface Draft extends Omit<LeaseRecord, 'ip' | 'bindingState'> {
  bad: boolean;
  bindingState: BindingState | null;
}

const SPACE = 32, TAB = 9, LF = 10, CR = 13, FF = 12, VT = 11;
const HASH = 35, QUOTE = 34, BACKSLASH = 92, LBRACE = 123, RBRACE = 125, SEMI = 59;

function isDelimiter(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR || c === SEMI || c === LBRACE || c === RBRACE || c === QUOTE || c === HASH || c === FF || c === VT;
}

/** Push text in as it comes (`push`), then `end()`. */
export class LeaseParser {
  private readonly summary: ReadSummary = { records: 0, malformed: 0 };
  /** a word cut off by the end of the last chunk */
  private partialWord = '';
  private inComment = false;
  /** raw text of a quoted string still open at the end of the last chunk, or null */
  private openString: string | null = null;
  private escapeNext = false;
  private tokens: string[] = [];
  private depth = 0;
  private draft: Draft | null = null;

  constructor(private readonly onRecord: (record: LeaseRecord) => void) {}

  push(text: string): void {
    const data = this.partialWord + text;
    this.partialWord = '';
    this.scan(data, false);
  }

  end(): ReadSummary {
    if (this.partialWord) this.scan(this.partialWord, true);
    this.partialWord = '';
    // Cut off inside a string, a record or a block, or a statement without its `;`: dhcpd died mid-write.
    if (this.openString !== null || this.depth > 0 || this.tokens.length > 0) this.summary.malformed++;
    this.openString = null;
    this.depth = 0;
    this.tokens = [];
    this.draft = null;
    return { ...this.summary };
  }

  private scan(data: string, final: boolean): void {
    const n = data.length;
    let i = 0;
    if (this.inComment) {
      const nl = data.indexOf('\n');
      if (nl < 0) return;
      this.inComment = false;
      i = nl + 1;
    }
    if (this.openString !== null) {
      i = this.continueString(data, i);
      if (this.openString !== null) return;
    }
    while (i < n) {
      const c = data.charCodeAt(i);
      if (c === SPACE || c === LF || c === TAB || c === CR || c === FF || c === VT) {
        i++;
      } else if (c === HASH) {
        const nl = data.indexOf('\n', i);
        if (nl < 0) {
          this.inComment = true;
          return;
        }
        i = nl + 1;
      } else if (c === QUOTE) {
        this.openString = '';
        i = this.continueString(data, i + 1);
        if (this.openString !== null) return;
      } else if (c === SEMI) {
        this.semicolon();
        i++;
      } else if (c === LBRACE) {
        this.open();
        i++;
      } else if (c === RBRACE) {
        this.close();
        i++;
      } else {
        let j = i + 1;
        while (j < n && !isDelimiter(data.charCodeAt(j))) j++;
        if (j === n && !final) {
          this.partialWord = data.slice(i);
          return;
        }
        this.tokens.push(data.slice(i, j));
        i = j;
      }
    }
  }

  /** Reads a quoted string's raw text up to its closing quote; returns where scanning goes on. */
  private continueString(data: string, from: number): number {
    const n = data.length;
    let j = from;
    while (j < n) {
      const c = data.charCodeAt(j);
      if (this.escapeNext) this.escapeNext = false;
      else if (c === BACKSLASH) this.escapeNext = true;
      else if (c === QUOTE) break;
      j++;
    }
    const raw = this.openString + data.slice(from, j);
    if (j === n) {
      this.openString = raw;
      return n;
    }
    this.openString = null;
    this.tokens.push(raw.includes('\\') ? unescape(raw) : raw);
    return j + 1;
  }

  private semicolon(): void {
    if (this.draft && this.depth === 1) this.apply(this.draft, this.tokens);
    this.tokens = [];
  }

  private open(): void {
    const t = this.tokens;
    this.tokens = [];
    if (t.length === 2 && t[0] === 'lease') {
      // Inside an unclosed record or block, a new lease record means the one before was cut short.
      if (this.depth > 0) this.summary.malformed++;
      this.depth = 1;
      this.draft = { address: t[1], bad: false, bindingState: null, starts: null, ends: null, cltt: null, hardware: null, uid: null, clientHostname: null };
      return;
    }
    // `lease {` or `lease a b {`: not a record we can read; its block is skipped like any other.
    if (this.depth === 0 && t[0] === 'lease') this.summary.malformed++;
    this.depth++;
  }

  private close(): void {
    const pending = this.tokens.length > 0;
    this.tokens = [];
    if (this.depth === 0) {
      this.summary.malformed++;
      return;
    }
    if (this.draft && this.depth === 1) {
      // `binding state active }`: a statement without its `;` makes the whole record unreliable.
      if (pending) this.draft.bad = true;
      this.finish(this.draft);
      this.draft = null;
    }
    this.depth--;
  }

  private finish(d: Draft): void {
    const ip = parseIpv4(d.address);
    if (d.bad || ip === null || d.bindingState === null) {
      this.summary.malformed++;
      return;
    }
    this.summary.records++;
    this.onRecord({ address: d.address, ip, bindingState: d.bindingState, starts: d.starts, ends: d.ends, cltt: d.cltt, hardware: d.hardware, uid: d.uid, clientHostname: d.clientHostname });
  }

  private apply(d: Draft, t: string[]): void {
    switch (t[0]) {
      case 'starts':
      case 'ends':
      case 'cltt': {
        const at = parseDate(t);
        if (at === undefined) d.bad = true;
        else d[t[0]] = at;
        break;
      }
      case 'binding':
        if (t.length === 3 && t[1] === 'state' && KNOWN_STATES.has(t[2])) d.bindingState = t[2] as BindingState;
        else d.bad = true;
        break;
      case 'hardware':
        if (t.length === 3) d.hardware = `${t[1]} ${t[2]}`;
        else d.bad = true;
        break;
      case 'uid':
        d.uid = t.length === 2 ? t[1] : null;
        break;
      case 'client-hostname':
        d.clientHostname = t.length === 2 ? t[1] : null;
        break;
      default:
      // tstp, tsfp, atsfp, next/rewind binding state, set, option, bootp, reserved, …: not needed for the counts
    }
  }
}

/**
 * `<keyword> <weekday> YYYY/MM/DD HH:MM:SS` (UTC), `<keyword> epoch <seconds>` (db-time-format local) or
 * `<keyword> never`: ms since the epoch, null for never, undefined when it is none of these.
 */
function parseDate(t: string[]): number | null | undefined {
  if (t.length === 2 && t[1] === 'never') return null;
  if (t.length === 3 && t[1] === 'epoch') {
    const s = Number(t[2]);
    return Number.isInteger(s) && s >= 0 ? s * 1000 : undefined;
  }
  if (t.length !== 4 || t[1].length !== 1 || t[1] < '0' || t[1] > '6') return undefined;
  // Digits by hand: three dates per record, 600,000 in a 200,000-record file.
  const date = fields(t[2], 47 /* / */), time = fields(t[3], 58 /* : */);
  if (!date || !time) return undefined;
  const [y, mo, day] = date, [h, mi, s] = time;
  if (mo < 1 || mo > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  return Date.UTC(y, mo - 1, day, h, mi, s);
}

/** `a<sep>b<sep>c`, each 1–4 digits, as three numbers; null otherwise. */
function fields(text: string, sep: number): [number, number, number] | null {
  const out: [number, number, number] = [0, 0, 0];
  let field = 0, digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === sep) {
      if (digits === 0 || ++field > 2) return null;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 4) {
      out[field] = out[field] * 10 + (c - 48);
      digits++;
    } else {
      return null;
    }
  }
  return field === 2 && digits > 0 ? out : null;
}

const SIMPLE_ESCAPES: Record<string, number> = { t: 9, r: 13, n: 10, b: 8 };
const isOctal = (c: string | undefined) => c !== undefined && c >= '0' && c <= '7';
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/**
 * dhcpd's string escapes (common/conflex.c): \t \r \n \b, up to three octal digits, \x and up to two hex digits,
 * anything else stands for itself. Octal and hex escapes are bytes (a hostname in UTF-8 is written as octets).
 */
function unescape(raw: string): string {
  const parts: Buffer[] = [];
  const bytes: number[] = [];
  const flush = () => {
    if (bytes.length > 0) parts.push(Buffer.from(bytes.splice(0)));
  };
  let i = 0;
  while (i < raw.length) {
    const slash = raw.indexOf('\\', i);
    const end = slash < 0 || slash === raw.length - 1 ? raw.length : slash;
    if (end > i) {
      flush();
      parts.push(Buffer.from(raw.slice(i, end), 'utf8'));
    }
    if (end === raw.length) break;
    const next = raw[end + 1];
    i = end + 2;
    if (next in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[next]);
    } else if (isOctal(next)) {
      let value = Number(next);
      for (let n = 1; n < 3 && isOctal(raw[i]); n++) value = value * 8 + Number(raw[i++]);
      bytes.push(value & 255);
    } else if (next === 'x' && isHex(raw[i])) {
      let value = 0;
      for (let n = 0; n < 2 && isHex(raw[i]); n++) value = value * 16 + parseInt(raw[i++], 16);
      bytes.push(value);
    } else {
      // the escaped character stands for itself (a whole code point, for one outside the BMP)
      const char = String.fromCodePoint(raw.codePointAt(end + 1)!);
      flush();
      parts.push(Buffer.from(char, 'utf8'));
      i = end + 1 + char.length;
    }
  }
  flush();
  return Buffer.concat(parts).toString('utf8');
}

/** Largest piece handed to the parser at once, so one big chunk cannot hold the event loop either. */
const SLICE_CHARS = 64 * 1024;

/**
 * Reads a whole lease file from its chunks. Between chunks it hands the event loop back (setImmediate) whenever it
 * has run for `sliceMs`: chunks already buffered by a stream arrive as resolved promises, which alone would let no
 * timer and no other request run until the file is done.
 */
export async function readLeases(chunks: AsyncIterable<Buffer | string>, onRecord: (record: LeaseRecord) => void, sliceMs = 10): Promise<ReadSummary> {
  const parser = new LeaseParser(onRecord);
  const decoder = new StringDecoder('utf8');
  let sliceStart = performance.now();
  const breathe = async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    for (let i = 0; i < text.length; i += SLICE_CHARS) {
      parser.push(text.slice(i, i + SLICE_CHARS));
      await breathe();
    }
  }
  parser.push(decoder.end());
  return parser.end();
}
