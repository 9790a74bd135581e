import { compareStatements, type PoolModel, type SubnetModel, type TreeModel } from '../config-sync';
import { bothRead, pairSubnets, rangesKey } from './pair-subnets';
import { scopeOf, Severity, type ConfigProblem, type PairCheck } from './problem';

/**
 * The options and parameters of a failover subnet (and of its pools, matched by their ranges) must be the
 * same on both partners, or a client's answer depends on which server gives it. The rule for "the same" is
 * the one used when a scope is mirrored (compareStatements), applied both ways.
 */
export const subnetStatementsDiffer: PairCheck = (input) => {
  if (!bothRead(input)) return [];
  const [a, b] = [input.primary, input.secondary];
  const problems: ConfigProblem[] = [];
  for (const s of pairSubnets(input)) {
    if (!s.primary || !s.secondary) continue;
    const details = differences(a.model!, b.model!, s.primary, s.secondary, `subnet ${s.network}`, a.server.name, b.server.name);
    for (const pool of s.primary.pools) {
      const key = rangesKey(pool.ranges);
      const other = s.secondary.pools.find((p) => rangesKey(p.ranges) === key);
      if (other) details.push(...differences(a.model!, b.model!, pool, other, `pool ${key}`, a.server.name, b.server.name));
    }
    if (details.length === 0) continue;
    problems.push({
      code: 'SUBNET_STATEMENTS_DIFFER',
      severity: Severity.WARNING,
      server: null,
      scope: scopeOf(a, s.network) ?? scopeOf(b, s.network),
      message: `subnet ${s.network} is declared differently on the two partners, so a client's answer depends on which server gives it: ${details.join('; ')}. Make both files say the same, then run syncServer on both.`,
    });
  }
  return problems;
};

function differences(ma: TreeModel, mb: TreeModel, na: SubnetModel | PoolModel, nb: SubnetModel | PoolModel, where: string, a: string, b: string): string[] {
  const sa = ma.statements(na);
  const sb = mb.statements(nb);
  const there = compareStatements(sa, sb);
  const back = compareStatements(sb, sa);
  return [
    ...there.differing.map((d) => `${where}: "${d.wanted}" on "${a}" but "${d.have}" on "${b}"`),
    ...there.missing.map((st) => `${where}: "${st.value}" only on "${a}"`),
    ...back.missing.map((st) => `${where}: "${st.value}" only on "${b}"`),
  ];
}
