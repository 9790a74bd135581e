/**
 * How a disabled scope looks in the file. dhcpd's `deny all clients;` permit
 * holds a pool in reserve (dhcpd.conf(5), "all clients"): the scope stays
 * declared and hands out nothing. A marker comment tells the gateway's own
 * `deny all clients;` apart from one an operator wrote, so enabling removes
 * exactly what disabling added.
 *
 * - A pool gets `deny all clients; # dhcp-failover-gateway: disabled` as its
 *   first line.
 * - A `range` written directly in the subnet cannot take a permit, so it is
 *   wrapped in a pool of its own:
 *   `pool { deny all clients; # dhcp-failover-gateway: disabled range⏎<indent>range …; }`.
 *   The wrapper is recognised only when its text is exactly that, so
 *   unwrapping deletes the two inserted pieces and nothing else.
 */
import { children, isKeyword, type Cst, type CstBlock, type CstComment, type CstNode, type CstStatement } from './cst';

const DENY_ALL_CLIENTS = 'deny all clients;';
const POOL_MARKER_COMMENT = '# dhcp-failover-gateway: disabled';
const RANGE_WRAPPER_COMMENT = '# dhcp-failover-gateway: disabled range';
/** What a pool's first line reads once the pool is disabled. */
export const POOL_MARKER_LINE = `${DENY_ALL_CLIENTS} ${POOL_MARKER_COMMENT}`;
const WRAPPER_HEAD = `pool { ${DENY_ALL_CLIENTS} ${RANGE_WRAPPER_COMMENT}`;
export const WRAPPER_CLOSE = ' }';

/** The text put in front of a wrapped range; `indent` repeats the range line's indentation. */
export function wrapperOpening(eol: string, indent: string): string {
  return `${WRAPPER_HEAD}${eol}${indent}`;
}

export interface MarkerStatement {
  statement: CstStatement;
  comment: CstComment;
}

/** The gateway's `deny all clients; # …disabled` pair among a pool's children, or null. */
export function findPoolMarker(cst: Cst, pool: CstBlock, body = children(cst, pool)): MarkerStatement | null {
  for (let i = 0; i + 1 < body.length; i++) {
    const marker = markerAt(cst, body, i, POOL_MARKER_COMMENT);
    if (marker !== null) return marker;
  }
  return null;
}

/** For a wrapper pool made by disabling a subnet's direct range: the wrapped `range` statement. */
export function wrappedRange(cst: Cst, block: CstBlock, body = children(cst, block)): CstStatement | null {
  if (body.length !== 3) return null;
  const range = body[2];
  if (range.kind !== 'statement') return null;
  if (markerAt(cst, body, 0, RANGE_WRAPPER_COMMENT) === null) return null;
  if (!isKeyword(cst, range.firstToken, 'range')) return null;
  const opening = cst.text.slice(block.start, range.start);
  if (!opening.startsWith(WRAPPER_HEAD)) return null;
  const rest = opening.slice(WRAPPER_HEAD.length);
  const eolLength = rest.startsWith('\r\n') ? 2 : rest.startsWith('\n') ? 1 : 0;
  if (eolLength === 0 || !/^[ \t]*$/.test(rest.slice(eolLength))) return null;
  return cst.text.slice(range.end, block.end) === WRAPPER_CLOSE ? range : null;
}

function markerAt(cst: Cst, body: CstNode[], index: number, commentText: string): MarkerStatement | null {
  const statement = body[index];
  const comment = body[index + 1];
  if (statement?.kind !== 'statement' || comment?.kind !== 'comment') return null;
  const { text } = cst;
  if (statement.end - statement.start !== DENY_ALL_CLIENTS.length || !text.startsWith(DENY_ALL_CLIENTS, statement.start)) return null;
  if (comment.end - comment.start !== commentText.length || !text.startsWith(commentText, comment.start)) return null;
  // Same line: only spaces or tabs between the statement and its comment.
  return /^[ \t]*$/.test(text.slice(statement.end, comment.start)) ? { statement, comment } : null;
}
