import type { OmapiKey, PeerLiveState } from '../domain';
import { OmapiConnection, OmapiError, queryFailoverState } from '../omapi';


export interface LiveStateServer {
  address: string;
  omapiPort: number;
  omapiKey?: OmapiKey | null;
}

export type PollOutcome = 'ok' | 'unreachable';

export interface LiveStateReaderOptions {
  /** bound on connecting and on each OMAPI answer */
  timeoutMs?: number;
  /** how long an answer (or a failure) is served from memory */
  ttlMs?: number;
  /** called once per relationship actually polled (cache hits are not polls) */
  onPoll?: (outcome: PollOutcome) => void;
}

export interface LiveStateReader {
  /**
   * Never rejects: failures come back as `reachable: false` with `error`. `maxAgeMs` bounds, below the ttl, the age of a
   * cached answer this caller accepts: a subscription's poller asks for one younger than its interval.
   */
  read(server: LiveStateServer, peerName: string, maxAgeMs?: number): Promise<PeerLiveState>;
  /** Drops the cached answer, after a change of the state (partner-down): the next read polls. */
  forget(server: LiveStateServer, peerName: string): void;
}

interface CacheEntry {
  result: Promise<PeerLiveState>;
  /** when the answer came in; unset while the poll is in flight: concurrent readers share it */
  answeredAt?: number;
}

interface Batch {
  server: LiveStateServer;
  peers: Map<string, (state: PeerLiveState) => void>;
}

/**
 * Reads failover state over OMAPI with a per-(address, port, peer) cache. Reads asked for in the same turn of the
 * event loop (a GraphQL response resolving many relationships) are batched per server: one connection per server,
 * one `open failover-state` per peer on it — dhcpd's OMAPI listener has a backlog of one and handles connections
 * one at a time, so hundreds of simultaneous connections to it would mostly time out.
 */
export function createLiveStateReader(opts: LiveStateReaderOptions = {}): LiveStateReader {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const ttlMs = opts.ttlMs ?? 5000;
  const cache = new Map<string, CacheEntry>();
  let batches = new Map<string, Batch>();
  let lastSweep = Date.now();

  const record = (outcome: PollOutcome) => {
    try {
      opts.onPoll?.(outcome);
    } catch {
      // metrics must never turn a read into a failure
    }
  };

  const flush = () => {
    const current = batches;
    batches = new Map();
    for (const batch of current.values()) void pollServer(batch, timeoutMs, record);
  };

  // Entries are only dropped lazily, at most once per ttl, so reads stay O(1) and the map cannot grow forever.
  const sweep = (now: number) => {
    if (now - lastSweep < ttlMs) return;
    lastSweep = now;
    for (const [key, entry] of cache) if (entry.answeredAt !== undefined && now - entry.answeredAt >= ttlMs) cache.delete(key);
  };

  return {
    read(server, peerName, maxAgeMs = ttlMs) {
      const now = Date.now();
      sweep(now);
      const key = cacheKey(server, peerName);
      const cached = cache.get(key);
      if (cached && (cached.answeredAt === undefined || now - cached.answeredAt < Math.min(ttlMs, maxAgeMs))) return cached.result;

      let settle!: (state: PeerLiveState) => void;
      const entry: CacheEntry = { result: new Promise<PeerLiveState>((resolve) => (settle = resolve)) };
      cache.set(key, entry);
      const batchKey = serverKey(server);
      let batch = batches.get(batchKey);
      if (!batch) {
        if (batches.size === 0) setImmediate(flush);
        batch = { server, peers: new Map() };
        batches.set(batchKey, batch);
      }
      batch.peers.set(peerName, (state) => {
        entry.answeredAt = Date.now();
        settle(state);
      });
      return entry.result;
    },
    forget(server, peerName) {
      cache.delete(cacheKey(server, peerName));
    },
  };
}

const cacheKey = (server: LiveStateServer, peerName: string): string => `${server.address}|${server.omapiPort}|${peerName}`;

/** One connection for all peers asked of this server; a failure to connect answers for all of them. */
async function pollServer(batch: Batch, timeoutMs: number, record: (outcome: PollOutcome) => void): Promise<void> {
  const { server } = batch;
  const waiting = new Map(batch.peers);
  const answer = (peerName: string, state: PeerLiveState) => {
    const settle = waiting.get(peerName);
    if (!settle) return;
    waiting.delete(peerName);
    record(state.reachable ? 'ok' : 'unreachable');
    settle(state);
  };
  let conn: OmapiConnection | undefined;
  try {
    conn = await OmapiConnection.connect({ host: server.address, port: server.omapiPort, key: server.omapiKey, timeoutMs });
    for (const peerName of batch.peers.keys()) {
      try {
        const s = await queryFailoverState(conn, peerName);
        answer(peerName, { reachable: true, state: s.localState, partnerState: s.partnerState, error: null, checkedAt: isoNow() });
      } catch (err) {
        // A missing peer leaves the connection usable; after a timeout or a close the rest fail at once with it.
        answer(peerName, unreachable(errorText(err)));
      }
    }
  } catch (err) {
    for (const peerName of [...waiting.keys()]) answer(peerName, unreachable(errorText(err)));
  } finally {
    conn?.close();
  }
}

function serverKey(server: LiveStateServer): string {
  const key = server.omapiKey;
  return `${server.address}|${server.omapiPort}|${key ? `${key.name}|${key.algorithm}|${key.secret}` : ''}`;
}

function unreachable(error: string): PeerLiveState {
  return { reachable: false, state: null, partnerState: null, error, checkedAt: isoNow() };
}

function errorText(err: unknown): string {
  return err instanceof OmapiError ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
}

function isoNow(): string {
  return new Date().toISOString();
}
