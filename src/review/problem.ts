import type { TreeModel, ValidationResult } from '../config-sync';
import type { PeerLiveState, PeerStateHistory } from '../domain';
import type { DhcpServer, FailoverRelationship, Scope } from '../entities';

export enum Severity {
  /** the pair works, but not as an operator would expect (clients may get different answers, no live state) */
  WARNING = 'WARNING',
  /** failover cannot work as configured, or a file dhcpd would refuse */
  ERROR = 'ERROR',
}

/** One finding of the review: what is wrong, where, and what to do about it. */
export interface ConfigProblem {
  code: string;
  severity: Severity;
  /** the server whose file holds the problem; null when it lies between the two files */
  server: DhcpServer | null;
  scope: Scope | null;
  message: string;
}

/** One server as the review sees it: its current files, how dhcpd judges them, and its scopes in the database. */
export interface ServerSide {
  server: DhcpServer;
  /** every file of the server's tree; null when they could not be read (`readError` says why) */
  model: TreeModel | null;
  readError: string | null;
  /** `dhcpd -t` on the current files; null when no dhcpd is available or the files could not be read */
  verdict: ValidationResult | null;
  /** the files that differ from how the gateway last read or wrote them (a file it has no record of does not count) */
  drifted: string[];
  scopes: Scope[];
}

/** What a check of one server gets: the server and the non-empty relationships it is in. */
export interface ServerInput {
  side: ServerSide;
  relationships: FailoverRelationship[];
}

/** What a check of a relationship gets: both sides and, when read, what they say over OMAPI. */
export interface PairInput {
  relationship: FailoverRelationship;
  primary: ServerSide;
  secondary: ServerSide;
  live: { primary: PeerLiveState & PeerStateHistory; secondary: PeerLiveState & PeerStateHistory } | null;
  now: Date;
}

export type ServerCheck = (input: ServerInput) => ConfigProblem[];
export type PairCheck = (input: PairInput) => ConfigProblem[];

/** The database scope of a network on a server, to point a problem at. */
export function scopeOf(side: ServerSide, network: string): Scope | null {
  return side.scopes.find((s) => s.network === network) ?? null;
}
