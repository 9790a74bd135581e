import type { Settings } from '../config';
import type { DhcpServer } from '../entities';
import { createLiveStateReader, LiveStateReader, PeerLiveState } from '../live-state';
import type { Metrics } from '../metrics';

/** What both partners of a relationship say over OMAPI, with each server's operator-set port and key. */
export class LiveStateService {
  private readonly reader: LiveStateReader;

  constructor(
    private readonly settings: Settings,
    metrics: Metrics,
  ) {
    this.reader = createLiveStateReader({ timeoutMs: 2000, ttlMs: 5000, onPoll: (outcome) => metrics.livePolls.inc({ outcome }) });
  }

  /** `maxAgeMs`: the oldest cached answer accepted (a subscription's poll interval); the cache's 5 s otherwise */
  async read(peerName: string, primary: DhcpServer, secondary: DhcpServer, maxAgeMs?: number): Promise<{ primary: PeerLiveState; secondary: PeerLiveState }> {
    const [p, s] = await Promise.all([primary, secondary].map((server) => this.readOne(peerName, server, maxAgeMs)));
    return { primary: p, secondary: s };
  }

  private readOne(peerName: string, server: DhcpServer, maxAgeMs: number | undefined): Promise<PeerLiveState> {
    const hooks = this.settings.hooksFor(server.name);
    return this.reader.read({ address: server.address, omapiPort: hooks.omapiPort, omapiKey: hooks.omapiKey ?? null }, peerName, maxAgeMs);
  }
}
