import type { EntityManager } from 'typeorm';
import type { TreeModel } from '../../config-sync';
import { insertScopes, replacePoolsOfServer, type ScopeRow } from '../../db/rows';
import { DhcpServer, FailoverRelationship, Scope } from '../../entities';
import { FailoverRole, roleIn, type IpRange } from '../../domain';
import { DEFAULTS, valuesFromDeclaration } from '../failover/values';

/** What a server's files declare that the gateway imports (of the main file and every included one). */
export type Declarations = Pick<TreeModel, 'subnets' | 'peers'>;

/**
 * Reads what a server's files declare into the database: its subnets (as scopes), their pools and ranges,
 * and its failover peers. A peer whose `peer address` is another registered server's address is a
 * relationship; any other is listed in the server's unmatchedFailoverPeers. Writes no file.
 */
export async function importModel(tx: EntityManager, server: DhcpServer, model: Declarations): Promise<void> {
  const others = (await tx.find(DhcpServer)).filter((s) => s.id !== server.id);
  const relByPeer = new Map<string, FailoverRelationship>();
  const unmatched: string[] = [];
  for (const peer of model.peers) {
    const partner = others.find((s) => s.address === peer.peerAddress);
    let rel = await tx.findOneBy(FailoverRelationship, { name: peer.name });
    const ours = rel && [rel.primaryServerId, rel.secondaryServerId].includes(server.id);
    const theirs = rel && partner && [rel.primaryServerId, rel.secondaryServerId].includes(partner.id);
    if (!partner || !peer.role || (rel && !(ours && theirs))) {
      unmatched.push(peer.name);
      continue;
    }
    const [primaryServerId, secondaryServerId] = peer.role === 'primary' ? [server.id, partner.id] : [partner.id, server.id];
    const swapped = rel !== null && rel.primaryServerId !== primaryServerId;
    // Values shared by both declarations come from the primary's once the relationship exists, so the two
    // registration orders give the same relationship even where the declarations disagree.
    const values = rel && peer.role === 'secondary' ? {} : valuesFromDeclaration(peer);
    rel = tx.merge(FailoverRelationship, rel ?? tx.create(FailoverRelationship, { name: peer.name, ...DEFAULTS }), { primaryServerId, secondaryServerId, ...values });
    relByPeer.set(peer.name, await tx.save(FailoverRelationship, rel));
    // The file says the roles are the other way round: every scope of the relationship, on both servers, follows.
    if (swapped) {
      for (const [serverId, role] of [[primaryServerId, FailoverRole.PRIMARY], [secondaryServerId, FailoverRole.SECONDARY]] as const) {
        await tx.update(Scope, { failoverRelationshipId: rel.id, serverId }, { failoverRole: role });
      }
    }
  }
  await tx.update(DhcpServer, server.id, { unmatchedFailoverPeers: unmatched });
  server.unmatchedFailoverPeers = unmatched;

  const existing = new Map((await tx.findBy(Scope, { serverId: server.id })).map((s) => [s.network, s]));
  const fresh: ScopeRow[] = [];
  const poolsByNetwork = new Map<string, IpRange[][]>();
  for (const subnet of model.subnets) {
    const network = subnet.network;
    if (poolsByNetwork.has(network)) continue; // dhcpd itself refuses a second declaration of one subnet
    poolsByNetwork.set(network, subnet.pools.map((p) => p.ranges.map((r) => ({ start: r.start, end: r.end }))));
    // Where a scope's pools name different peers, the first pool's peer counts.
    const rel = subnet.pools[0]?.failoverPeer ? relByPeer.get(subnet.pools[0].failoverPeer) : undefined;
    const values = {
      enabled: !subnet.disabled,
      failoverRelationshipId: rel?.id ?? null,
      failoverRole: rel ? roleIn(rel, server.id) : null,
    };
    const prior = existing.get(network);
    existing.delete(network);
    if (!prior) fresh.push({ serverId: server.id, network, name: null, ...values });
    else if (prior.enabled !== values.enabled || prior.failoverRelationshipId !== values.failoverRelationshipId || prior.failoverRole !== values.failoverRole) {
      await tx.update(Scope, prior.id, values);
    }
  }
  if (existing.size) await tx.delete(Scope, [...existing.values()].map((s) => s.id));
  await insertScopes(tx, fresh);
  // Pools are replaced wholesale: a file's pools have no identity beyond their place in the subnet.
  await replacePoolsOfServer(tx, server.id, poolsByNetwork);
}
