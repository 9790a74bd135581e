import type { EntityManager } from 'typeorm';
import type { PeerLiveState, PeerStateHistory } from '../domain';
import { PeerStateHistoryRow } from '../entities/peer-state-history';

type Stored = Pick<PeerStateHistoryRow, 'state' | 'stateSince' | 'lastPartnerDownAt' | 'seenAt'>;

/**
 * Folds one answer into what is remembered. Only answers count: while a server cannot be reached its last
 * state, and since when, stay as they were. Returns null when there is nothing to store.
 */
export function foldAnswer(stored: Stored | null, answer: PeerLiveState): Stored | null {
  if (!answer.reachable || answer.state === null) return null;
  const at = new Date(answer.checkedAt);
  // An answer older than the one stored (a slow poll, another replica) changes nothing.
  if (stored && stored.seenAt.getTime() >= at.getTime()) return null;
  return {
    state: answer.state,
    stateSince: stored?.state === answer.state ? stored.stateSince : at,
    lastPartnerDownAt: answer.state === 'partner-down' ? at : (stored?.lastPartnerDownAt ?? null),
    seenAt: at,
  };
}

const historyOf = (row: Pick<Stored, 'stateSince' | 'lastPartnerDownAt'> | null): PeerStateHistory => ({
  stateSince: row?.stateSince ?? null,
  lastPartnerDownAt: row?.lastPartnerDownAt ?? null,
});

/** Records one answer of `serverId` about `peerName` and returns the history as it now stands. */
export async function recordAnswer(manager: EntityManager, serverId: number, peerName: string, answer: PeerLiveState): Promise<PeerStateHistory> {
  const row = await manager.findOneBy(PeerStateHistoryRow, { serverId, peerName });
  const next = foldAnswer(row, answer);
  if (!next) return historyOf(row);
  await manager.upsert(PeerStateHistoryRow, { serverId, peerName, ...next }, ['serverId', 'peerName']);
  return historyOf(next);
}
