/**
 * Relay's global object ids, in one place: every Node's id is base64 of `<GraphQL type>:<row id>`, so an id names
 * one object of one type across the whole API ("8" could be a scope or a pool; "U2NvcGU6OA==" is scope 8 only).
 * Clients treat them as opaque; Query.node(id:) and every argument that takes an id decode them here.
 */

export const NODE_TYPES = ['DhcpServer', 'FailoverRelationship', 'Scope', 'Pool', 'AuditEntry'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

// btoa: the text is ASCII, and a big answer has 60,000 ids; btoa takes half the time of a Buffer round trip.
export const toGlobalId = (type: NodeType, id: number): string => btoa(`${type}:${id}`);

/**
 * The type and row id a global id names, or null when it is not one this API hands out. Only the exact text
 * toGlobalId makes is taken (base64 decoding alone would also accept missing padding, whitespace and
 * leading zeros), so one object has one id.
 */
export function fromGlobalId(globalId: unknown): { type: NodeType; id: number } | null {
  if (typeof globalId !== 'string' || globalId.length > 64) return null;
  const match = /^([A-Za-z]+):([1-9]\d*)$/.exec(Buffer.from(globalId, 'base64').toString('utf8'));
  const type = NODE_TYPES.find((t) => t === match?.[1]);
  if (!match || !type) return null;
  const id = Number(match[2]);
  return Number.isSafeInteger(id) && toGlobalId(type, id) === globalId ? { type, id } : null;
}

/** The row id of a `type` global id; null for a malformed id or one of another type: both name nothing of `type`. */
export function rowIdOf(type: NodeType, globalId: unknown): number | null {
  const decoded = fromGlobalId(globalId);
  return decoded?.type === type ? decoded.id : null;
}
