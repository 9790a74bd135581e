import type { SubnetModel } from '../config-sync';
import type { PairInput, ServerSide } from './problem';

/** A network of the relationship and its enabled subnet on each side (undefined where that side lacks it). */
export interface PairSubnet {
  network: string;
  primary: SubnetModel | undefined;
  secondary: SubnetModel | undefined;
}

/**
 * The networks of a relationship: every subnet a pool of which names the peer in either file, and every
 * scope the database holds in it. Sides whose file could not be read are left out of the comparison.
 */
export function pairSubnets(input: PairInput): PairSubnet[] {
  const name = input.relationship.name;
  const networks = new Set<string>();
  for (const side of [input.primary, input.secondary]) {
    for (const s of side.model?.subnets ?? []) if (s.pools.some((p) => p.failoverPeer === name)) networks.add(s.network);
    for (const s of side.scopes) if (s.failoverRelationshipId === input.relationship.id) networks.add(s.network);
  }
  const enabled = (side: ServerSide, network: string) => {
    const subnet = side.model?.findSubnet(network);
    return subnet && !subnet.disabled ? subnet : undefined;
  };
  return [...networks].sort().map((network) => ({ network, primary: enabled(input.primary, network), secondary: enabled(input.secondary, network) }));
}

/** Both files were read, so a difference between them is real. */
export const bothRead = (input: PairInput): boolean => input.primary.model !== null && input.secondary.model !== null;

export const rangesKey = (ranges: { start: string; end: string }[]): string => ranges.map((r) => `${r.start}-${r.end}`).join(',');
