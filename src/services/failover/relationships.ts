import type { Settings } from '../../config';
import { DhcpServer, FailoverRelationship, Scope } from '../../entities';
import { DeconfigureAction, FailoverStatus, roleIn, statusOf, type CreateRelationshipInput, type ModifyRelationshipInput } from '../../domain';
import { BadUserInputError, ConflictError, NotFoundError } from '../../errors';
import { checkName } from '../input';
import { DEFAULTS, FailoverValues, checkValues } from './values';
import { checkCanJoin, joinRelationship, leaveRelationship, loadPair, writeDeclarations } from './membership';
import { relationshipByName, scopeById, serverByName } from '../lookup';
import type { MutationRunner } from '../mutation/runner';

/** Failover relationships: their lifecycle, and which scopes are in them. */
export class RelationshipService {
  constructor(
    private readonly runner: MutationRunner,
    private readonly settings: Settings,
  ) {}

  /** Stored as EMPTY; nothing is written until a scope joins. */
  create(input: CreateRelationshipInput): Promise<FailoverRelationship> {
    checkName(input.name, 'name');
    const values = checkValues({ ...DEFAULTS, ...definedOnly(input) });
    return this.runner.run(async ({ tx }) => {
      const primary = await serverByName(tx, input.primaryServer);
      const secondary = await serverByName(tx, input.secondaryServer);
      if (primary.id === secondary.id) throw new BadUserInputError('primaryServer and secondaryServer must be two different servers');
      if (await tx.existsBy(FailoverRelationship, { name: input.name })) throw new ConflictError(`a failover relationship named "${input.name}" already exists`);
      // A peer of that name declared for an unregistered partner, on any registered server, is the operator's.
      for (const server of await tx.find(DhcpServer, { order: { id: 'ASC' } })) {
        if (server.unmatchedFailoverPeers.includes(input.name)) {
          throw new ConflictError(`the file of server "${server.name}" already declares failover peer "${input.name}" for a partner that is not registered`);
        }
      }
      return tx.save(FailoverRelationship, tx.create(FailoverRelationship, { name: input.name, primaryServerId: primary.id, secondaryServerId: secondary.id, ...values }));
    });
  }

  /** Rewrites both declarations; swapping roles is always allowed, other servers only while EMPTY. */
  modify(input: ModifyRelationshipInput): Promise<FailoverRelationship> {
    const values = checkValues(definedOnly(input));
    return this.runner.run(async (m) => {
      const rel = await relationshipByName(m.tx, input.name);
      // The pair's locks before its scopes are read: a change to it under way (another replica's) is waited for.
      await loadPair(m, rel);
      const primaryId = input.primaryServer != null ? (await serverByName(m.tx, input.primaryServer)).id : rel.primaryServerId;
      const secondaryId = input.secondaryServer != null ? (await serverByName(m.tx, input.secondaryServer)).id : rel.secondaryServerId;
      if (primaryId === secondaryId) throw new BadUserInputError('primaryServer and secondaryServer must be two different servers');
      const swapped = primaryId === rel.secondaryServerId && secondaryId === rel.primaryServerId;
      const moved = !swapped && (primaryId !== rel.primaryServerId || secondaryId !== rel.secondaryServerId);
      const scopes = await m.tx.findBy(Scope, { failoverRelationshipId: rel.id });
      if (moved && statusOf(scopes.length) !== FailoverStatus.EMPTY) {
        throw new ConflictError(`failover relationship "${rel.name}" has scopes; only an EMPTY relationship can move to other servers (swapping primary and secondary is allowed)`);
      }
      Object.assign(rel, values, { primaryServerId: primaryId, secondaryServerId: secondaryId });
      await m.tx.save(FailoverRelationship, rel);
      if (swapped) {
        for (const s of scopes) await m.tx.update(Scope, s.id, { failoverRole: roleIn(rel, s.serverId) });
      }
      if (scopes.length > 0) await writeDeclarations(m, await loadPair(m, rel), this.settings);
      return rel;
    });
  }

  addScopes(name: string, scopeIds: string[]): Promise<FailoverRelationship> {
    return this.runner.run(async (m) => {
      const rel = await relationshipByName(m.tx, name);
      const pair = await loadPair(m, rel);
      for (const id of unique(scopeIds)) {
        const scope = await scopeById(m.tx, id);
        if (scope.failoverRelationshipId === rel.id) continue;
        await checkCanJoin(m, pair, scope);
        await joinRelationship(m, pair, scope);
      }
      await writeDeclarations(m, pair, this.settings);
      return rel;
    });
  }

  removeScopes(name: string, scopeIds: string[], action: DeconfigureAction): Promise<FailoverRelationship> {
    return this.runner.run(async (m) => {
      const rel = await relationshipByName(m.tx, name);
      const networks = new Set<string>();
      for (const id of unique(scopeIds)) {
        const scope = await scopeById(m.tx, id);
        if (scope.failoverRelationshipId !== rel.id) throw new ConflictError(`scope ${id} (${scope.network}) is not in failover relationship "${rel.name}"`);
        networks.add(scope.network);
      }
      const halves = (await m.tx.findBy(Scope, { failoverRelationshipId: rel.id })).filter((s) => networks.has(s.network));
      await leaveRelationship(m, await loadPair(m, rel), halves, action);
      return rel;
    });
  }

  /** Removes every scope of each relationship as removeScopes does, then the relationships themselves. */
  remove(serverName: string, names: string[], action: DeconfigureAction): Promise<string[]> {
    return this.runner.run(async (m) => {
      const server = await serverByName(m.tx, serverName);
      const removed: string[] = [];
      for (const name of unique(names)) {
        const rel = await relationshipByName(m.tx, name);
        if (rel.primaryServerId !== server.id && rel.secondaryServerId !== server.id) {
          throw new NotFoundError(`failover relationship "${name}" is not on server "${server.name}"`);
        }
        const halves = await m.tx.findBy(Scope, { failoverRelationshipId: rel.id });
        await leaveRelationship(m, await loadPair(m, rel), halves, action);
        await m.tx.delete(FailoverRelationship, rel.id);
        removed.push(rel.name);
      }
      return removed;
    });
  }
}

/** One mutation takes at most this many scopes or relationships: it holds the write queue while it runs. */
const MAX_ITEMS = 1000;

function unique(values: string[]): string[] {
  if (values.length > MAX_ITEMS) throw new BadUserInputError(`at most ${MAX_ITEMS} items per call; split the list`);
  return [...new Set(values)];
}

function definedOnly<T extends object>(input: T): Partial<FailoverValues> {
  const out: Partial<FailoverValues> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof FailoverValues)[]) {
    const v = (input as Partial<FailoverValues>)[key];
    if (v !== undefined && v !== null) out[key] = v;
  }
  return out;
}
