import { GraphQLError } from 'graphql';
import { isDeliberate } from '../errors';

const MAX_MESSAGE = 1000;


/**
 * How a mutation ended, for the audit log: "ok", or the code the caller was refused with and its message.
 * An internal error is recorded without its message, which may hold SQL or file paths (the audit log is
 * read over the API); the service log has the details under the request id.
 */
export function outcomeOf(error: unknown): { outcome: string; message: string } {
  if (error instanceof GraphQLError && isDeliberate(error)) return { outcome: String(error.extensions.code), message: cut(error.message, MAX_MESSAGE) };
  return { outcome: 'INTERNAL_SERVER_ERROR', message: 'internal error (details in the service log)' };
}

const MAX_STRING = 200;
const MAX_ITEMS = 50;
const MAX_DEPTH = 6;
const MAX_JSON = 8192;

/** Arguments as JSON, with long strings and lists cut short so a hostile request cannot bloat the log. */
export function argumentsJson(args: unknown): string {
  for (const [maxString, maxItems] of [
    [MAX_STRING, MAX_ITEMS],
    [40, 5],
  ]) {
    const text = JSON.stringify(shorten(args, maxString, maxItems, 0)) ?? 'null';
    if (text.length <= MAX_JSON) return text;
  }
  return JSON.stringify({ truncated: 'arguments too large to record' });
}

function shorten(value: unknown, maxString: number, maxItems: number, depth: number): unknown {
  if (typeof value === 'string') return value.length > maxString ? `${value.slice(0, maxString)}…(+${value.length - maxString} chars)` : value;
  if (value === null || typeof value !== 'object') return value === undefined ? null : value;
  if (depth >= MAX_DEPTH) return '…';
  if (Array.isArray(value)) {
    const items = value.slice(0, maxItems).map((v) => shorten(v, maxString, maxItems, depth + 1));
    if (value.length > maxItems) items.push(`…(+${value.length - maxItems} more)`);
    return items;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = shorten(v, maxString, maxItems, depth + 1);
  return out;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
