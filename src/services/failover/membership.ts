import { compareStatements, type ScopeStatement, type SubnetModel, type TreeEditor, type TreeModel } from '../../config-sync';
import type { Settings } from '../../config';
import { DhcpServer, FailoverRelationship, Pool, Scope } from '../../entities';
import { BadUserInputError, ConflictError } from '../../errors';
import { cidrInput } from '../input';
import { DeconfigureAction, roleIn, type FailoverRole, type IpRange } from '../../domain';
import { checkNetworkFree } from '../scopes/networks';
import { poolsOf, serverById } from '../lookup';
import type { MutationTx } from '../mutation/runner';
import { peerDeclarations } from './values';

/** The two servers of a relationship, loaded once per mutation. */
export interface Pair {
  rel: FailoverRelationship;
  primary: DhcpServer;
  secondary: DhcpServer;
}

/**
 * Also takes both servers' locks, in id order, before either file is read: pair mutations never deadlock.
 * `rel` is read again once they are held (in place, for the caller's copy too): read before, it may miss
 * what another replica's change committed while this one waited (PostgreSQL reads committed rows).
 */
export async function loadPair(m: MutationTx, rel: FailoverRelationship): Promise<Pair> {
  const pair = { rel, primary: await serverById(m.tx, rel.primaryServerId), secondary: await serverById(m.tx, rel.secondaryServerId) };
  await m.lock(pair.primary, pair.secondary);
  Object.assign(rel, await m.tx.findOneByOrFail(FailoverRelationship, { id: rel.id }));
  return pair;
}

const roleOn = (pair: Pair, server: DhcpServer): FailoverRole => roleIn(pair.rel, server.id);
export const partnerOf = (pair: Pair, server: DhcpServer): DhcpServer => (server.id === pair.primary.id ? pair.secondary : pair.primary);

const rangesKey = (ranges: IpRange[]): string => ranges.map((r) => `${r.start}-${r.end}`).join(',');

/** The subnet of a scope in the server's current files; a scope the files lost was changed outside the gateway. */
export function subnetIn(model: TreeModel, scope: Scope, server: DhcpServer): SubnetModel {
  const subnet = model.findSubnet(scope.network);
  if (subnet) return subnet;
  throw new ConflictError(`scope ${scope.network} is no longer in the files of server "${server.name}"; run syncServer first`);
}

/** The spec's rules for a scope joining a relationship, checked before anything is edited. */
export async function checkCanJoin({ tx }: MutationTx, pair: Pair, scope: Scope): Promise<void> {
  const label = `scope ${scope.globalId} (${scope.network})`;
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
  await checkPeerNameFree(m, pair);
  const decl = peerDeclarations(pair.rel, pair.primary, pair.secondary);
  for (const [server, d] of [[pair.primary, decl.primary], [pair.secondary, decl.secondary]] as const) {
    const hooks = settings.hooksFor(server.name);
    (await m.changes.editor(server)).upsertFailoverPeer(d).ensureOmapi(hooks.omapiPort, hooks.omapiKey);
  }
  m.changes.writeFirst(pair.secondary);
}

/**
 * A relationship never takes over a `failover peer` an operator declared for another partner: on the two
 * servers a declaration of its name must point at each other, and no other registered server may declare
 * it. Checked against the files as they were read (this change writes peer declarations only after it), which
 * may have changed since the relationship was created.
 */
async function checkPeerNameFree(m: MutationTx, pair: Pair): Promise<void> {
  const name = pair.rel.name;
  for (const server of await m.tx.find(DhcpServer, { order: { id: 'ASC' } })) {
    const declared = (await m.changes.asRead(server))?.findPeer(name);
    if (!declared) continue;
    const inPair = server.id === pair.primary.id || server.id === pair.secondary.id;
    const partner = server.id === pair.primary.id ? pair.secondary : pair.primary;
    if (inPair && (declared.peerAddress === null || declared.peerAddress === partner.address)) continue;
    const other = declared.peerAddress === null ? 'another partner' : `partner ${declared.peerAddress}`;
    throw new ConflictError(`the file of server "${server.name}" already declares failover peer "${name}" for ${other}; failover relationship "${name}" cannot take it over`);
  }
}

/**
 * Puts an existing scope (already in its server's file) into the relationship: every pool gets the peer
 * statement, and the whole subnet is mirrored onto the partner (an existing subnet there is linked: see
 * linkCopy). The caller writes the declarations once (writeDeclarations).
 */
export async function joinRelationship(m: MutationTx, pair: Pair, scope: Scope): Promise<void> {
  const server = scope.serverId === pair.primary.id ? pair.primary : pair.secondary;
  let model = await m.changes.model(server);
  let subnet = subnetIn(model, scope, server);
  if (subnet.disabled) {
    (await m.changes.editor(server)).enableSubnet(subnet);
    model = await m.changes.model(server);
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
  const source: SubnetContent = {
    statements: model.statements(subnet),
    pools: subnet.pools.map((pool, i) => ({ ranges: pools[i], statements: model.statements(pool) })),
  };
  await mirror(m, pair, partnerOf(pair, server), scope, source);
}

/** What a copy of a scope must hold: the subnet's statements, and each pool's ranges and statements. */
export interface SubnetContent {
  statements: ScopeStatement[];
  pools: { ranges: IpRange[]; statements: ScopeStatement[] }[];
}

/** Makes the partner hold the same subnet, statements and pools, each pool carrying the peer statement. */
export async function mirror(m: MutationTx, pair: Pair, partner: DhcpServer, scope: Scope, source: SubnetContent): Promise<void> {
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
    model = await m.changes.model(partner);
    subnet = model.findSubnet(scope.network);
  }
  const editor = await m.changes.editor(partner);
  let finalPools: IpRange[][];
  if (!subnet) {
    editor.addSubnet({
      network: scope.network,
      statements: source.statements.map((s) => s.source),
      pools: source.pools.map((p) => ({ ranges: p.ranges, failoverPeer: peer, statements: p.statements.map((s) => s.source) })),
    });
    finalPools = source.pools.map((p) => p.ranges);
  } else {
    finalPools = linkCopy(editor, model, subnet, source, peer, partner);
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
 * Links the partner's own declaration of the subnet, never overwriting it: it gets the statements it lacks
 * and, when it has no pool, the scope's pools; its pools get the peer statement. Pools that differ from the
 * scope's, or a statement with another value, refuse the change, naming every difference. Returns the pools.
 */
function linkCopy(editor: TreeEditor, model: TreeModel, subnet: SubnetModel, source: SubnetContent, peer: string, partner: DhcpServer): IpRange[][] {
  const label = `subnet ${subnet.network}`;
  const differences: string[] = [];
  const missing = missingStatements(source.statements, model.statements(subnet), label, differences);
  const missingInPools: string[][] = [];
  if (subnet.ranges.length > 0) differences.push(`${label} has ranges outside any pool (${rangesKey(subnet.ranges)})`);
  const wanted = source.pools.map((p) => rangesKey(p.ranges));
  const have = subnet.pools.map((p) => rangesKey(p.ranges));
  if (have.length > 0 && [...have].sort().join('|') !== [...wanted].sort().join('|')) {
    differences.push(`${label} has the pools ${have.join('; ')} where the scope has ${wanted.join('; ')}`);
  } else {
    subnet.pools.forEach((pool, i) => {
      const where = `pool ${have[i]} of ${label}`;
      if (pool.failoverPeer !== null && pool.failoverPeer !== peer) differences.push(`${where} is in failover peer "${pool.failoverPeer}"`);
      const wantedPool = source.pools[wanted.indexOf(have[i])];
      missingInPools.push(missingStatements(wantedPool.statements, model.statements(pool), where, differences));
    });
  }
  if (differences.length > 0) {
    throw new ConflictError(`server "${partner.name}" already declares ${label} differently; nothing was changed: ${differences.join('; ')}`, { server: partner.name, differences });
  }
  editor.addStatements(subnet, missing);
  if (subnet.pools.length === 0) {
    for (const p of source.pools) editor.addPool(subnet, { ranges: p.ranges, failoverPeer: peer, statements: p.statements.map((s) => s.source) });
    return source.pools.map((p) => p.ranges);
  }
  subnet.pools.forEach((pool, i) => editor.setPoolFailoverPeer(pool, peer).addStatements(pool, missingInPools[i]));
  return subnet.pools.map((p) => p.ranges.map((r) => ({ start: r.start, end: r.end })));
}

/**
 * The wanted statements for settings the partner lacks (their source text); a setting it has with other
 * values is a difference. Settings only the partner has are its own and stay.
 */
function missingStatements(wanted: ScopeStatement[], have: ScopeStatement[], where: string, differences: string[]): string[] {
  const { missing, differing } = compareStatements(wanted, have);
  for (const d of differing) differences.push(`${where} has "${d.have}" where the scope has "${d.wanted}"`);
  return missing.map((s) => s.source);
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
      const cleared = await m.changes.model(server);
      (await m.changes.editor(server)).disableSubnet(subnetIn(cleared, half, server));
    }
  }
  for (const server of [pair.primary, pair.secondary]) {
    const model = await m.changes.model(server);
    const stillUsed = model.subnets.some((s) => s.pools.some((p) => p.failoverPeer === pair.rel.name));
    if (!stillUsed && model.findPeer(pair.rel.name)) (await m.changes.editor(server)).removeFailoverPeer(pair.rel.name);
  }
  m.changes.writeFirst(pair.secondary);
}
