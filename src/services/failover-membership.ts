import type { ConfigModel, SubnetModel } from '../config-sync';
import type { Settings } from '../config';
import { DhcpServer, FailoverRelationship, Pool, Scope } from '../entities';
import { FailoverRole } from '../domain';
import { BadUserInputError, ConflictError } from '../errors';
import { cidrInput } from './input';
import { DeconfigureAction, type IpRange } from '../domain';
import { checkNetworkFree } from './networks';
import { poolsOf, serverById } from './lookup';
import type { MutationTx } from './mutation-runner';
import { peerDeclarations } from './failover-values';

/** The two servers of a relationship, loaded once per mutation. */
export interface Pair {
  rel: FailoverRelationship;
  primary: DhcpServer;
  secondary: DhcpServer;
}

export async function loadPair({ tx }: MutationTx, rel: FailoverRelationship): Promise<Pair> {
  return { rel, primary: await serverById(tx, rel.primaryServerId), secondary: await serverById(tx, rel.secondaryServerId) };
}

export const roleOn = (pair: Pair, server: DhcpServer): FailoverRole => (server.id === pair.rel.primaryServerId ? FailoverRole.PRIMARY : FailoverRole.SECONDARY);
export const partnerOf = (pair: Pair, server: DhcpServer): DhcpServer => (server.id === pair.primary.id ? pair.secondary : pair.primary);

const rangesKey = (ranges: IpRange[]): string => ranges.map((r) => `${r.start}-${r.end}`).join(',');

/** The subnet of a scope in the server's current file; a scope the file lost was changed outside the gateway. */
export function subnetIn(model: ConfigModel, scope: Scope, server: DhcpServer): SubnetModel {
  const subnet = model.findSubnet(scope.network);
  if (!subnet) throw new ConflictError(`scope ${scope.network} is no longer in the file of server "${server.name}"; run syncServer first`);
  return subnet;
}

/** The spec's rules for a scope joining a relationship, checked before anything is edited. */
export async function checkCanJoin({ tx }: MutationTx, pair: Pair, scope: Scope): Promise<void> {
  const label = `scope ${scope.id} (${scope.network})`;
  if (scope.serverId !== pair.primary.id && scope.serverId !== pair.secondary.id) {
    throw new ConflictError(`${label} is on neither server of failover relationship "${pair.rel.name}"`);
  }
  if (scope.failoverRelationshipId !== null && scope.failoverRelationshipId !== pair.rel.id) {
    throw new ConflictError(`${label} is already in another failover relationship`);
  }
  if ((await tx.countBy(Pool, { scopeId: scope.id })) === 0) {
    throw new BadUserInputError(`${label} has no pool; a failover scope needs at least one`);
  }
}

/** Writes both peer declarations from the relationship's values, and makes sure both servers speak OMAPI. */
export async function writeDeclarations(m: MutationTx, pair: Pair, settings: Settings): Promise<void> {
  const decl = peerDeclarations(pair.rel, pair.primary, pair.secondary);
  for (const [server, d] of [[pair.primary, decl.primary], [pair.secondary, decl.secondary]] as const) {
    const hooks = settings.hooksFor(server.name);
    (await m.changes.editor(server)).upsertFailoverPeer(d).ensureOmapi(hooks.omapiPort, hooks.omapiKey);
  }
  m.changes.writeFirst(pair.secondary);
}

/**
 * Puts an existing scope (already in its server's file) into the relationship: every pool gets the peer
 * statement, and the scope is mirrored onto the partner (an existing subnet there is linked and its pools
 * brought in line with this scope's). The caller writes the declarations once (writeDeclarations).
 */
export async function joinRelationship(m: MutationTx, pair: Pair, scope: Scope): Promise<void> {
  const server = scope.serverId === pair.primary.id ? pair.primary : pair.secondary;
  let model = await m.changes.model(server);
  let subnet = subnetIn(model, scope, server);
  if (subnet.disabled) {
    (await m.changes.editor(server)).enableSubnet(subnet);
    model = await m.changes.rebase(server);
    subnet = subnetIn(model, scope, server);
  }
  const pools = (await poolsOf(m.tx, scope.id)).map((p) => p.ranges);
  // The pools mirrored are the gateway's; the file must hold the same ones, or the partner would get others.
  if (subnet.pools.map((p) => rangesKey(p.ranges)).join('|') !== pools.map(rangesKey).join('|')) {
    throw new ConflictError(`the pools of scope ${scope.network} in the file of server "${server.name}" changed outside the gateway; run syncServer first`);
  }
  const editor = await m.changes.editor(server);
  for (const pool of subnet.pools) editor.setPoolFailoverPeer(pool, pair.rel.name);
  await m.tx.update(Scope, scope.id, { enabled: true, failoverRelationshipId: pair.rel.id, failoverRole: roleOn(pair, server) });
  await mirror(m, pair, partnerOf(pair, server), scope, pools);
}

/** Makes the partner hold the same subnet with the same pools, each carrying the peer statement. */
async function mirror(m: MutationTx, pair: Pair, partner: DhcpServer, scope: Scope, pools: IpRange[][]): Promise<void> {
  const peer = pair.rel.name;
  const role = roleOn(pair, partner);
  let copy = await m.tx.findOneBy(Scope, { serverId: partner.id, network: scope.network });
  if (copy && copy.failoverRelationshipId !== null && copy.failoverRelationshipId !== pair.rel.id) {
    throw new ConflictError(`scope ${scope.network} on server "${partner.name}" is already in another failover relationship`);
  }
  await checkNetworkFree(m.tx, partner.id, partner.name, cidrInput(scope.network, 'network'), true);
  let model = await m.changes.model(partner);
  let subnet = model.findSubnet(scope.network);
  if (subnet?.disabled) {
    (await m.changes.editor(partner)).enableSubnet(subnet);
    model = await m.changes.rebase(partner);
    subnet = model.findSubnet(scope.network);
  }
  const editor = await m.changes.editor(partner);
  let finalPools: IpRange[][];
  if (!subnet) {
    editor.addSubnet({ network: scope.network, pools: pools.map((ranges) => ({ ranges, failoverPeer: peer })) });
    finalPools = pools;
  } else {
    const wanted = new Set(pools.map(rangesKey));
    const kept: IpRange[][] = [];
    for (const pool of subnet.pools) {
      const ranges = pool.ranges.map((r) => ({ start: r.start, end: r.end }));
      if (wanted.has(rangesKey(ranges))) {
        editor.setPoolFailoverPeer(pool, peer);
        kept.push(ranges);
      } else {
        editor.removePool(pool);
      }
    }
    const have = new Set(kept.map(rangesKey));
    const added = pools.filter((ranges) => !have.has(rangesKey(ranges)));
    for (const ranges of added) editor.addPool(subnet, { ranges, failoverPeer: peer });
    finalPools = [...kept, ...added];
  }
  if (!copy) {
    copy = await m.tx.save(Scope, m.tx.create(Scope, { serverId: partner.id, network: scope.network, name: scope.name, enabled: true, failoverRelationshipId: pair.rel.id, failoverRole: role }));
  } else {
    await m.tx.update(Scope, copy.id, { enabled: true, failoverRelationshipId: pair.rel.id, failoverRole: role, name: copy.name ?? scope.name });
    await m.tx.delete(Pool, { scopeId: copy.id });
  }
  const copyId = copy.id;
  await m.tx.insert(Pool, finalPools.map((ranges, position) => ({ scopeId: copyId, position, ranges })));
}


/**
 * Takes scopes (both halves of each) out of the relationship: peer statements cleared on the primary's
 * copy, the secondary's copy deleted or disabled, and the peer declaration removed from a server where no
 * pool refers to it any more.
 */
export async function leaveRelationship(m: MutationTx, pair: Pair, halves: Scope[], action: DeconfigureAction): Promise<void> {
  for (const half of halves) {
    const server = half.serverId === pair.primary.id ? pair.primary : pair.secondary;
    const model = await m.changes.model(server);
    const subnet = model.findSubnet(half.network);
    const editor = await m.changes.editor(server);
    const secondaryHalf = server.id === pair.secondary.id;
    if (secondaryHalf && action === DeconfigureAction.DELETE_SECONDARY_SCOPE) {
      if (subnet) editor.removeSubnet(subnet);
      await m.tx.delete(Scope, half.id);
      continue;
    }
    if (subnet) for (const pool of subnet.pools) if (pool.failoverPeer === pair.rel.name) editor.setPoolFailoverPeer(pool, null);
    await m.tx.update(Scope, half.id, { failoverRelationshipId: null, failoverRole: null, enabled: secondaryHalf ? false : half.enabled });
    if (secondaryHalf && subnet) {
      const rebased = await m.changes.rebase(server);
      (await m.changes.editor(server)).disableSubnet(subnetIn(rebased, half, server));
    }
  }
  for (const server of [pair.primary, pair.secondary]) {
    const model = await m.changes.rebase(server);
    const stillUsed = model.subnets.some((s) => s.pools.some((p) => p.failoverPeer === pair.rel.name));
    if (!stillUsed && model.findPeer(pair.rel.name)) (await m.changes.editor(server)).removeFailoverPeer(pair.rel.name);
  }
  m.changes.writeFirst(pair.secondary);
}
