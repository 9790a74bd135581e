import { Arg, Authorized, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { DataSource } from 'typeorm';
import type { Context } from '../context';
import { FailoverStatus, statusOf, type PeerLiveState } from '../domain';
import { FailoverRelationship } from '../entities';
import { createLoaders } from '../loaders';
import { LiveStateFeed, type Deliver, type LiveStateTransport, type RelationshipLiveState } from '../live-state';
import type { LiveStateService } from '../services/failover/live-state';
import { relationshipByName } from '../services/lookup';
import { FailoverLiveState } from './types/graph-types';

@Resolver()
export class SubscriptionResolver {
  @Authorized('viewer')
  @Subscription(() => FailoverLiveState, {
    description:
      'Live state of a relationship over graphql-ws (`graphql-transport-ws` at /graphql): the state at once, then every change ' +
      'of either side (reachable, state, partnerState, error; checkedAt alone is no change). NOT_FOUND for an unknown ' +
      'relationship; while it is EMPTY (or once removed) both sides read reachable: false with the reason in error',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { relationship: string }, Context>) => context.liveStateChanges.subscribe(args.relationship),
  })
  liveStateChanged(@Root() state: RelationshipLiveState, @Arg('relationship', { description: 'Name of the relationship' }) _relationship: string): RelationshipLiveState {
    return state;
  }
}

export interface LiveStateChanges {
  /** NOT_FOUND for an unknown relationship; else its state now, then each change */
  subscribe(relationship: string): Promise<AsyncIterableIterator<RelationshipLiveState>>;
  close(): Promise<void>;
}

export interface LiveStateChangesOptions {
  intervalMs: number;
  /** in-process, or across replicas (src/db/live-state-notify.ts) */
  transport: (deliver: Deliver) => LiveStateTransport;
  log(line: string): void;
}

/** The changes `liveStateChanged` streams: a LiveStateFeed polling relationships from the database. */
export function liveStateChanges(readDb: DataSource, liveState: LiveStateService, options: LiveStateChangesOptions): LiveStateChanges {
  const feed = new LiveStateFeed({ read: relationshipLiveState(readDb, liveState), intervalMs: options.intervalMs, log: options.log }, options.transport);
  return {
    async subscribe(relationship) {
      await relationshipByName(readDb.manager, relationship);
      return feed.subscribe(relationship);
    },
    close: () => feed.close(),
  };
}

/**
 * A relationship's state as a poll reads it: what `FailoverRelationship.liveState` reads, through fresh loaders each
 * time (a poll must see the relationship as it is now), and a state saying why for a relationship that is EMPTY or
 * gone, rather than an end of the stream: it may gain a scope, or be created again.
 */
function relationshipLiveState(readDb: DataSource, liveState: LiveStateService) {
  return async (name: string, maxAgeMs: number): Promise<RelationshipLiveState> => {
    const loaders = createLoaders(readDb);
    const rel = await readDb.manager.findOneBy(FailoverRelationship, { name });
    if (!rel) return unread(`there is no relationship "${name}"`);
    if (statusOf(await loaders.scopeCountByRelationship.load(rel.id)) === FailoverStatus.EMPTY) {
      return unread(`relationship "${name}" is EMPTY: no server declares the peer yet`);
    }
    const [primary, secondary] = await Promise.all([loaders.server.load(rel.primaryServerId), loaders.server.load(rel.secondaryServerId)]);
    return liveState.read(name, primary!, secondary!, maxAgeMs);
  };
}

function unread(error: string): RelationshipLiveState {
  const side: PeerLiveState = { reachable: false, state: null, partnerState: null, error, checkedAt: new Date().toISOString() };
  return { primary: side, secondary: { ...side } };
}
