import { pairSubnets, bothRead } from './pair-subnets';
import { scopeOf, Severity, type ConfigProblem, type PairCheck } from './problem';

/** A failover subnet declared (and enabled) on one partner only: clients there lose service when that server is down. */
export const scopeOnOneSide: PairCheck = (input) => {
  if (!bothRead(input)) return [];
  const problems: ConfigProblem[] = [];
  for (const s of pairSubnets(input)) {
    if (!!s.primary === !!s.secondary) continue;
    const [has, lacks] = s.primary ? [input.primary, input.secondary] : [input.secondary, input.primary];
    problems.push({
      code: 'SCOPE_ON_ONE_SIDE',
      severity: Severity.ERROR,
      server: lacks.server,
      scope: scopeOf(has, s.network),
      message: `subnet ${s.network} of failover peer "${input.relationship.name}" is declared on server "${has.server.name}" but not (or only disabled) on "${lacks.server.name}": its clients get no address while "${has.server.name}" is down. Add the scope to the relationship again (addScopesToFailoverRelationship mirrors it), or remove it from the relationship.`,
    });
  }
  return problems;
};
