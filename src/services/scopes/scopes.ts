import { MoreThan } from 'typeorm';
import type { Settings } from '../../config';
import { roleIn, sameRanges, type AddPoolInput, type CreateScopeInput, type IpRange } from '../../domain';
import { FailoverRelationship, Pool, Scope } from '../../entities';
import { BadUserInputError, ConflictError } from '../../errors';
import type { Cidr } from '../../net/ipv4';
import { checkName, checkRanges, cidrInput } from '../input';
import { checkCanJoin, loadPair, mirror, partnerOf, subnetIn, writeDeclarations } from '../failover/membership';
import { checkNetworkFree, checkNetworkFreeInFile } from './networks';
import { poolById, poolsOf, relationshipByName, scopeById, serverById, serverByName } from '../lookup';
import type { MutationRunner } from '../mutation/runner';

/** Scopes (subnets) and their pools. */
export class ScopeService {
  constructor(
    private readonly runner: MutationRunner,
    private readonly settings: Settings,
  ) {}

  createScope(input: CreateScopeInput): Promise<Scope> {
    const cidr = cidrInput(input.network, 'network');
    if (input.name != null) checkName(input.name, 'name');
    const pools = checkPools(cidr, input.pools ?? []);
    return this.runner.run(async (m) => {
      const server = await serverByName(m.tx, input.server);
      const rel = input.failoverRelationship != null ? await relationshipByName(m.tx, input.failoverRelationship) : null;
      if (rel && pools.length === 0) throw new BadUserInputError('a scope in a failover relationship needs at least one pool', 'pools');
      const pair = rel ? await loadPair(m, rel) : null;
      await checkNetworkFree(m.tx, server.id, server.name, cidr);
      checkNetworkFreeInFile(await m.changes.model(server), server.name, cidr);
      // A scope created in a relationship is written with the peer statement in every pool at once: joining it
      // afterwards would parse the whole file again to find the subnet just added.
      (await m.changes.editor(server)).addSubnet({ network: cidr.text, pools: pools.map((ranges) => ({ ranges, failoverPeer: pair?.rel.name ?? null })) });
      const scope = await m.tx.save(
        Scope,
        m.tx.create(Scope, { serverId: server.id, network: cidr.text, name: input.name ?? null, enabled: true, failoverRelationshipId: pair?.rel.id ?? null, failoverRole: pair ? roleIn(pair.rel, server.id) : null }),
      );
      if (pools.length) await m.tx.insert(Pool, pools.map((ranges, position) => ({ scopeId: scope.id, position, ranges })));
      if (pair) {
        await checkCanJoin(m, pair, scope);
        await mirror(m, pair, partnerOf(pair, server), scope, { statements: [], pools: pools.map((ranges) => ({ ranges, statements: [] })) });
        await writeDeclarations(m, pair, this.settings);
      }
      return (await m.tx.findOneBy(Scope, { id: scope.id }))!;
    });
  }

  /** A pool of a failover scope carries the peer statement and is mirrored onto the partner's copy. */
  addPool(input: AddPoolInput): Promise<Pool> {
    return this.runner.run(async (m) => {
      const scope = await scopeById(m.tx, input.scopeId);
      if (!scope.enabled) throw new ConflictError(`scope ${scope.globalId} (${scope.network}) is disabled; add it to a failover relationship to enable it again`);
      const server = await serverById(m.tx, scope.serverId);
      const rel = scope.failoverRelationshipId !== null ? await m.tx.findOneByOrFail(FailoverRelationship, { id: scope.failoverRelationshipId }) : null;
      const pair = rel ? await loadPair(m, rel) : null;
      const model = await m.changes.model(server);
      const subnet = subnetIn(model, scope, server);
      const existing = [...subnet.ranges, ...subnet.pools.flatMap((p) => p.ranges)].map((r) => ({ start: r.start, end: r.end }));
      const ranges = checkRanges(cidrInput(scope.network, 'network'), input.ranges ?? [], existing);
      const targets: { scope: Scope; server: typeof server }[] = [{ scope, server }];
      if (rel && pair) {
        const partner = partnerOf(pair, server);
        const copy = await m.tx.findOneBy(Scope, { serverId: partner.id, network: scope.network, failoverRelationshipId: rel.id });
        if (!copy) throw new ConflictError(`the partner copy of scope ${scope.network} on server "${partner.name}" is missing; run syncServer first`);
        targets.push({ scope: copy, server: partner });
        m.changes.writeFirst(pair.secondary);
      }
      let created: Pool | null = null;
      for (const t of targets) {
        const subnetThere = subnetIn(await m.changes.model(t.server), t.scope, t.server);
        (await m.changes.editor(t.server)).addPool(subnetThere, { ranges, failoverPeer: rel?.name ?? null });
        const position = (await poolsOf(m.tx, t.scope.id)).length;
        const pool = await m.tx.save(Pool, m.tx.create(Pool, { scopeId: t.scope.id, position, ranges }));
        created ??= pool;
      }
      return created!;
    });
  }

  /** Removes a scope that is in no relationship: its subnet declaration leaves the file. Returns its id. */
  deleteScope(id: string): Promise<string> {
    return this.runner.run(async (m) => {
      const scope = await scopeById(m.tx, id);
      if (scope.failoverRelationshipId !== null) {
        const rel = await m.tx.findOneByOrFail(FailoverRelationship, { id: scope.failoverRelationshipId });
        throw new ConflictError(`scope ${scope.globalId} (${scope.network}) is in failover relationship "${rel.name}"; take it out first (removeScopesFromFailoverRelationship)`);
      }
      const server = await serverById(m.tx, scope.serverId);
      (await m.changes.editor(server)).removeSubnet(subnetIn(await m.changes.model(server), scope, server));
      // Its pools go with it (ON DELETE CASCADE).
      await m.tx.delete(Scope, scope.id);
      return scope.globalId;
    });
  }

  /**
   * Removes a pool block. In a failover scope the partner's copy of the pool (the one with the same ranges)
   * goes too, and the last pool cannot go: a failover scope needs one. Returns the pool's id.
   */
  removePool(id: string): Promise<string> {
    return this.runner.run(async (m) => {
      const pool = await poolById(m.tx, id);
      const scope = await m.tx.findOneByOrFail(Scope, { id: pool.scopeId });
      const server = await serverById(m.tx, scope.serverId);
      const targets = [{ pool, scope, server }];
      if (scope.failoverRelationshipId !== null) {
        const rel = await m.tx.findOneByOrFail(FailoverRelationship, { id: scope.failoverRelationshipId });
        if ((await m.tx.countBy(Pool, { scopeId: scope.id })) === 1) {
          throw new ConflictError(`pool ${pool.globalId} is the last pool of scope ${scope.network}, which is in failover relationship "${rel.name}"; take the scope out of it first`);
        }
        const pair = await loadPair(m, rel);
        const partner = partnerOf(pair, server);
        const copy = await m.tx.findOneBy(Scope, { serverId: partner.id, network: scope.network, failoverRelationshipId: rel.id });
        const twin = copy && (await poolsOf(m.tx, copy.id)).find((p) => sameRanges(p.ranges, pool.ranges));
        if (!copy || !twin) throw new ConflictError(`the partner copy of pool ${pool.globalId} (${scope.network}) on server "${partner.name}" is missing; run syncServer first`);
        targets.push({ pool: twin, scope: copy, server: partner });
        m.changes.writeFirst(pair.secondary);
      }
      for (const t of targets) {
        const block = subnetIn(await m.changes.model(t.server), t.scope, t.server).pools.find((p) => sameRanges(p.ranges, t.pool.ranges));
        if (!block) throw new ConflictError(`pool ${t.pool.globalId} of scope ${t.scope.network} is no longer in the files of server "${t.server.name}"; run syncServer first`);
        (await m.changes.editor(t.server)).removePool(block);
        await m.tx.delete(Pool, t.pool.id);
        // Positions stay 0..n-1 in file order (addPool appends at the count).
        await m.tx.decrement(Pool, { scopeId: t.scope.id, position: MoreThan(t.pool.position) }, 'position', 1);
      }
      return pool.globalId;
    });
  }
}

/** Ranges of new pools: inside the subnet, not reversed, and no overlap between any two of them. */
function checkPools(cidr: Cidr, pools: { ranges: IpRange[] }[]): IpRange[][] {
  const seen: IpRange[] = [];
  return pools.map((p, i) => {
    const ranges = checkRanges(cidr, p?.ranges ?? [], seen, `pools[${i}].`);
    seen.push(...ranges);
    return ranges;
  });
}
