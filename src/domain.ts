/**
 * The types every layer shares (engine, services, GraphQL, live state), defined once. GraphQL classes in
 * src/resolvers/types and src/entities implement these; nothing here knows about GraphQL or the database.
 */

/** An inclusive range of IPv4 addresses, as in a dhcpd `range` statement. */
export interface IpRange {
  start: string;
  end: string;
}

/** Two pools are the same pool when their ranges are (a file's pools have no other identity). */
export function sameRanges(a: readonly IpRange[], b: readonly IpRange[]): boolean {
  return a.length === b.length && a.every((r, i) => r.start === b[i].start && r.end === b[i].end);
}

export enum FailoverRole {
  PRIMARY = 'PRIMARY',
  SECONDARY = 'SECONDARY',
}

/** How the gateway reaches a server's files: its own disk, or the server's machine over SSH/SFTP. */
export enum Transport {
  LOCAL = 'LOCAL',
  SSH = 'SSH',
}

/** EMPTY while no scope is in a relationship, NORMAL once one is. */
export enum FailoverStatus {
  EMPTY = 'EMPTY',
  NORMAL = 'NORMAL',
}

/** What happens to the secondary server's copy of a scope taken out of a relationship. */
export enum DeconfigureAction {
  DELETE_SECONDARY_SCOPE = 'DELETE_SECONDARY_SCOPE',
  DISABLE_SECONDARY_SCOPE = 'DISABLE_SECONDARY_SCOPE',
}

/** A key as declared in dhcpd.conf (`key <name> { algorithm hmac-md5; secret "<base64>"; }` + `omapi-key <name>;`). */
export interface OmapiKey {
  name: string;
  algorithm: 'hmac-md5';
  /** base64, as in dhcpd.conf */
  secret: string;
}

/** What one server says about one failover relationship over OMAPI. */
export interface PeerLiveState {
  /** true when the state was read; false when it could not be, for whatever reason `error` gives */
  reachable: boolean;
  state: string | null;
  partnerState: string | null;
  error: string | null;
  /** ISO 8601 time the answer (or the failure) came in */
  checkedAt: string;
}

/**
 * What the gateway remembers of one server's state in one relationship (kept in the database, so it
 * survives a restart of the gateway and a server that is down): taken from its own polls, so a time is
 * when the gateway first saw it, at most one poll late.
 */
export interface PeerStateHistory {
  /** when the state the server last reported began; null until the server has answered once */
  stateSince: Date | null;
  /** the last time the server was seen in partner-down; null if never */
  lastPartnerDownAt: Date | null;
}

/** The knobs of a relationship (their defaults and bounds: services/failover/values.ts). */
export interface FailoverValues {
  percentage: number;
  mclt: number;
  port: number;
  loadBalanceMaxSeconds: number;
  maxResponseDelay: number;
  maxUnackedUpdates: number;
}

const MAX_INT32 = 2 ** 31 - 1;

/**
 * What each knob may be, for the API and for the engine that writes it: dhcpd reads these as 32-bit
 * integers, and a `max-response-delay` or `max-unacked-updates` of 0 would make failover unusable.
 */
export const FAILOVER_BOUNDS: Record<keyof FailoverValues, readonly [min: number, max: number]> = {
  percentage: [0, 100],
  mclt: [0, MAX_INT32],
  port: [1, 65535],
  loadBalanceMaxSeconds: [0, MAX_INT32],
  maxResponseDelay: [1, MAX_INT32],
  maxUnackedUpdates: [1, MAX_INT32],
};

/** A server's role in a relationship (the server is one of its two). */
export function roleIn(rel: { primaryServerId: number }, serverId: number): FailoverRole {
  return serverId === rel.primaryServerId ? FailoverRole.PRIMARY : FailoverRole.SECONDARY;
}

/** A relationship is NORMAL once a scope is in it. */
export function statusOf(scopeCount: number): FailoverStatus {
  return scopeCount > 0 ? FailoverStatus.NORMAL : FailoverStatus.EMPTY;
}

export interface AddServerInput {
  name: string;
  address: string;
  configPath: string;
  /** default LOCAL */
  transport?: Transport | null;
}

export interface CreateScopeInput {
  server: string;
  network: string;
  name?: string | null;
  pools?: { ranges: IpRange[] }[] | null;
  failoverRelationship?: string | null;
}

export interface AddPoolInput {
  scopeId: string;
  ranges: IpRange[];
}

export interface CreateRelationshipInput extends Partial<FailoverValues> {
  name: string;
  primaryServer: string;
  secondaryServer: string;
}

export interface ModifyRelationshipInput extends Partial<FailoverValues> {
  name: string;
  primaryServer?: string | null;
  secondaryServer?: string | null;
}
