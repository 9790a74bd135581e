import { Severity, type PairCheck } from './problem';

/** How long one side may be `normal` while the other is not before it is a problem (a state change takes seconds). */
const DISAGREE_AFTER_MS = 60_000;

/**
 * Live: one partner says `normal` and the other something else, and neither side's state changed for over a
 * minute. Both must have answered; an unreachable side is shown by liveState itself.
 */
export const statesDisagree: PairCheck = ({ relationship, primary, secondary, live, now }) => {
  if (!live?.primary.reachable || !live.secondary.reachable) return [];
  const [p, s] = [live.primary, live.secondary];
  if ((p.state === 'normal') === (s.state === 'normal')) return [];
  const since = Math.max(p.stateSince?.getTime() ?? now.getTime(), s.stateSince?.getTime() ?? now.getTime());
  if (now.getTime() - since <= DISAGREE_AFTER_MS) return [];
  const [odd, oddState, normal] = p.state === 'normal' ? [secondary, s.state, primary] : [primary, p.state, secondary];
  return [
    {
      code: 'STATES_DISAGREE',
      severity: Severity.ERROR,
      server: odd.server,
      scope: null,
      message: `for failover peer "${relationship.name}", server "${normal.server.name}" has been normal and "${odd.server.name}" ${oddState} since ${new Date(since).toISOString()}: the two do not see each other alike. Check dhcpd's log on "${odd.server.name}", the failover port between the two, and that both peer declarations match.`,
    },
  ];
};
