import type { FailoverPeerModel } from '../config-sync';
import { Severity, type ConfigProblem, type PairCheck, type ServerSide } from './problem';

/**
 * The two `failover peer` declarations must describe one connection: each side's `address`/`port` is the
 * other's `peer address`/`peer port`, the roles are the relationship's, and `mclt`/`split` (primary-only in
 * dhcpd) are on the primary alone.
 */
export const peerDeclarationsDiffer: PairCheck = (input) => {
  const name = input.relationship.name;
  const problems: ConfigProblem[] = [];
  const problem = (server: ServerSide | null, message: string) =>
    problems.push({ code: 'PEER_DECLARATIONS_DIFFER', severity: Severity.ERROR, server: server?.server ?? null, scope: null, message });
  const peers: (FailoverPeerModel | undefined)[] = [];
  for (const [side, role] of [[input.primary, 'primary'], [input.secondary, 'secondary']] as const) {
    if (!side.model) return [];
    const peer = side.model.findPeer(name);
    peers.push(peer);
    if (!peer) {
      problem(side, `the file of server "${side.server.name}" declares no failover peer "${name}" (a peer of another name does not count): dhcpd there cannot take part in the relationship. Run modifyFailoverRelationship to write the declaration again.`);
    } else if (peer.role !== role) {
      problem(side, `failover peer "${name}" on server "${side.server.name}" says ${peer.role ?? 'neither primary nor secondary'}; the relationship has it as the ${role}. Fix the file, or swap the roles with modifyFailoverRelationship.`);
    }
  }
  const [p, s] = peers;
  if (!p || !s) return problems;
  const [ps, ss] = [input.primary.server.name, input.secondary.server.name];
  const mismatch = (what: string, a: unknown, aWhere: string, b: unknown, bWhere: string) => {
    if (a !== b) problem(null, `failover peer "${name}": ${what} — ${aWhere} is ${a ?? 'not set'} but ${bWhere} is ${b ?? 'not set'}; the two servers will not connect. Make them match (modifyFailoverRelationship rewrites both).`);
  };
  mismatch('addresses', p.address, `the \`address\` on "${ps}"`, s.peerAddress, `the \`peer address\` on "${ss}"`);
  mismatch('addresses', s.address, `the \`address\` on "${ss}"`, p.peerAddress, `the \`peer address\` on "${ps}"`);
  mismatch('ports', p.port, `the \`port\` on "${ps}"`, s.peerPort, `the \`peer port\` on "${ss}"`);
  mismatch('ports', s.port, `the \`port\` on "${ss}"`, p.peerPort, `the \`peer port\` on "${ps}"`);
  const primaryOnly = (['mclt', 'split', 'hba'] as const).filter((k) => s[k] !== null);
  if (primaryOnly.length > 0) {
    problem(input.secondary, `failover peer "${name}" on the secondary "${ss}" sets ${primaryOnly.join(', ')}, which dhcpd takes from the primary only; remove ${primaryOnly.length > 1 ? 'them' : 'it'} from the secondary's file and set the value on "${ps}".`);
  }
  return problems;
};
