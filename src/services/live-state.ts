import type { DataSource } from 'typeorm';
import type { Settings } from '../config';
import { writeQueue } from '../db/write-queue';
import type { PeerStateHistory } from '../domain';
import type { DhcpServer } from '../entities';
import { createLiveStateReader, LiveStateReader, PeerLiveState, recordAnswer } from '../live-state';
import type { Metrics } from '../metrics';

/** One side as the API shows it: what it says now, and what the gateway remembers of it. */
export type PeerLiveStateWithHistory = PeerLiveState & PeerStateHistory;

/** What both partners of a relationship say over OMAPI, with each server's operator-set port and key. */
export class LiveStateService {
  private readonly reader: LiveStateReader;
  /** the last answer folded into the history per server and peer, so a cached answer is recorded once */
  private readonly recorded = new Map<string, { checkedAt: string; history: Promise<PeerStateHistory> }>();

  constructor(
    private readonly settings: Settings,
    metrics: Metrics,
    private readonly db: DataSource,
  ) {
    this.reader = createLiveStateReader({ timeoutMs: 2000, ttlMs: 5000, onPoll: (outcome) => metrics.livePolls.inc({ outcome }) });
  }

  async read(peerName: string, primary: DhcpServer, secondary: DhcpServer): Promise<{ primary: PeerLiveStateWithHistory; secondary: PeerLiveStateWithHistory }> {
    const [p, s] = await Promise.all([primary, secondary].map((server) => this.readOne(peerName, server)));
    return { primary: p, secondary: s };
  }

  private async readOne(peerName: string, server: DhcpServer): Promise<PeerLiveStateWithHistory> {
    const hooks = this.settings.hooksFor(server.name);
    const state = await this.reader.read({ address: server.address, omapiPort: hooks.omapiPort, omapiKey: hooks.omapiKey ?? null }, peerName);
    return { ...state, ...(await this.history(server.id, peerName, state)) };
  }

  /** Every poll's answer goes into the database (through the write queue: never inside a mutation's transaction). */
  private history(serverId: number, peerName: string, state: PeerLiveState): Promise<PeerStateHistory> {
    const key = `${serverId}|${peerName}`;
    const last = this.recorded.get(key);
    if (last?.checkedAt === state.checkedAt) return last.history;
    const history = writeQueue(this.db).run(() => recordAnswer(this.db.manager, serverId, peerName, state));
    this.recorded.set(key, { checkedAt: state.checkedAt, history });
    history.catch(() => this.recorded.delete(key));
    return history;
  }
}
