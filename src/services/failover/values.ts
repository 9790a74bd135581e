import type { PeerDeclaration, FailoverPeerModel } from '../../config-sync';
import { FAILOVER_BOUNDS, type FailoverValues } from '../../domain';
import type { DhcpServer, FailoverRelationship } from '../../entities';

export type { FailoverValues };
import { BadUserInputError } from '../../errors';

/** Defaults of a relationship's knobs (docs/api.md) and their bounds. */

export const DEFAULTS: FailoverValues = {
  percentage: 50,
  mclt: 3600,
  port: 647,
  loadBalanceMaxSeconds: 3,
  maxResponseDelay: 60,
  maxUnackedUpdates: 10,
};

export function checkValues<T extends Partial<FailoverValues>>(values: T): T {
  for (const key of Object.keys(FAILOVER_BOUNDS) as (keyof FailoverValues)[]) {
    const v = values[key];
    if (v === undefined || v === null) continue;
    const [min, max] = FAILOVER_BOUNDS[key];
    if (!Number.isInteger(v) || v < min || v > max) throw new BadUserInputError(`${key} must be an integer in ${min}..${max}, got ${v}`, key);
  }
  return values;
}

/** dhcpd's `split` is out of 256 hash buckets; the API speaks percent. */
const splitOf = (percentage: number): number => Math.round((percentage * 256) / 100);
const percentageOf = (split: number): number => Math.min(100, Math.max(0, Math.round((split * 100) / 256)));

/** The two `failover peer` declarations of a relationship, in SPEC.md's format. */
export function peerDeclarations(rel: FailoverRelationship, primary: DhcpServer, secondary: DhcpServer): { primary: PeerDeclaration; secondary: PeerDeclaration } {
  const common = {
    name: rel.name,
    port: rel.port,
    peerPort: rel.port,
    maxResponseDelay: rel.maxResponseDelay,
    maxUnackedUpdates: rel.maxUnackedUpdates,
    loadBalanceMaxSeconds: rel.loadBalanceMaxSeconds,
  };
  return {
    primary: { ...common, role: 'primary', address: primary.address, peerAddress: secondary.address, mclt: rel.mclt, split: splitOf(rel.percentage) },
    secondary: { ...common, role: 'secondary', address: secondary.address, peerAddress: primary.address },
  };
}

/** What a declaration found in a file says about the relationship; absent statements say nothing. */
export function valuesFromDeclaration(peer: FailoverPeerModel): Partial<FailoverValues> {
  const values: Partial<FailoverValues> = {};
  if (peer.port !== null) values.port = peer.port;
  if (peer.maxResponseDelay !== null) values.maxResponseDelay = peer.maxResponseDelay;
  if (peer.maxUnackedUpdates !== null) values.maxUnackedUpdates = peer.maxUnackedUpdates;
  if (peer.loadBalanceMaxSeconds !== null) values.loadBalanceMaxSeconds = peer.loadBalanceMaxSeconds;
  if (peer.role === 'primary') {
    if (peer.mclt !== null) values.mclt = peer.mclt;
    if (peer.split !== null) values.percentage = percentageOf(peer.split);
  }
  return values;
}
