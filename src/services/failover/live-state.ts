import type { DataSource } from 'typeorm';
import type { Settings } from '../../config';
import type { Writers } from '../../db/writers';
import type { PeerStateHistory } from '../../domain';
import type { DhcpServer } from '../../entities';
import { createLiveStateReader, LiveStateReader, PeerLiveState, recordAnswer } from '../../live-state';
import type { Metrics } from '../../metrics';

/** One side as the API shows it: what it says now, and what the gateway remembers of it. */
export type PeerLiveStateWithHistory = PeerLiveState & PeerStateHistory;

/** What both partners of a relationship say over OMAPI, with each server's operator-set port and key. */
export class LiveStateService {
  private readonly reader: LiveStateReader;

  constructor(
    private readonly settings: Settings,
    metrics: Metrics,
    private readonly db: DataSource,
    private readonly writers: Writers,
  ) {
    this.reader = createLiveStateReader({ timeoutMs: 2000, ttlMs: 5000, onPoll: (outcome) => metrics.livePolls.inc({ outcome }) });
  }

  /** `maxAgeMs`: the oldest cached answer accepted (a subscription's poll interval); the cache's 5 s otherwise */
  async read(peerName: string, primary: DhcpServer, secondary: DhcpServer, maxAgeMs?: number): Promise<{ primary: PeerLiveStateWithHistory; secondary: PeerLiveStateWithHistory }> {
    const [p, s] = await Promise.all([primary, secondary].map((server) => this.readOne(peerName, server, maxAgeMs)));
    return { primary: p, secondary: s };
  }

  private async readOne(peerName: string, server: DhcpServer, maxAgeMs: number | undefined): Promise<PeerLiveStateWithHistory> {
    const state = await this.reader.read(this.target(server), peerName, maxAgeMs);
    // Every poll's answer goes into the history (a cached answer changes nothing there); as a write of its
    // own, so never inside a mutation's transaction.
    const history = await this.writers.run(() => recordAnswer(this.db.manager, server.id, peerName, state));
    return { ...state, ...history };
  }

  /** After the server's state was changed: its next read asks it again. */
  forget(peerName: string, server: DhcpServer): void {
    this.reader.forget(this.target(server), peerName);
  }

  private target(server: DhcpServer) {
    const hooks = this.settings.hooksFor(server.name);
    return { address: server.address, omapiPort: hooks.omapiPort, omapiKey: hooks.omapiKey ?? null };
  }
}
