import { bothRead, pairSubnets, rangesKey } from './pair-subnets';
import { scopeOf, Severity, type ConfigProblem, type PairCheck } from './problem';
import type { SubnetModel } from '../config-sync';

/** The pools of a failover subnet must be the same ranges on both partners, each pool in the peer. */
export const poolsDiffer: PairCheck = (input) => {
  if (!bothRead(input)) return [];
  const peer = input.relationship.name;
  const problems: ConfigProblem[] = [];
  for (const s of pairSubnets(input)) {
    if (!s.primary || !s.secondary) continue;
    const describe = (subnet: SubnetModel) => subnet.pools.map((p) => rangesKey(p.ranges)).sort().join('; ') || 'no pool';
    const details: string[] = [];
    const p = describe(s.primary);
    const q = describe(s.secondary);
    if (p !== q) details.push(`"${input.primary.server.name}" has ${p}, "${input.secondary.server.name}" has ${q}`);
    for (const [side, subnet] of [[input.primary, s.primary], [input.secondary, s.secondary]] as const) {
      for (const pool of subnet.pools) {
        if (pool.failoverPeer !== peer) details.push(`on "${side.server.name}" the pool ${rangesKey(pool.ranges)} ${pool.failoverPeer ? `is in failover peer "${pool.failoverPeer}"` : 'has no failover peer statement'}`);
      }
    }
    if (details.length === 0) continue;
    problems.push({
      code: 'POOLS_DIFFER',
      severity: Severity.ERROR,
      server: null,
      scope: scopeOf(input.primary, s.network) ?? scopeOf(input.secondary, s.network),
      message: `the pools of subnet ${s.network} differ between the partners of failover peer "${peer}": ${details.join('; ')}. The two servers would hand out the same addresses twice or not at all; make the pools the same ranges in both files, each with \`failover peer "${peer}";\`, then run syncServer on both.`,
    });
  }
  return problems;
};
