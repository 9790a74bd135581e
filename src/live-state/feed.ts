import type { PeerLiveState } from '../domain';

/** What `Subscription.liveStateChanged` emits: both partners of one relationship. */
export interface RelationshipLiveState {
  primary: PeerLiveState;
  secondary: PeerLiveState;
}

/** Hands a published state to this process's subscribers of the relationship. */
export type Deliver = (relationship: string, state: RelationshipLiveState) => void;

/**
 * How one process's polls reach the subscribers of every process. In-process (SQLite): this process polls and
 * delivers to itself. PostgreSQL (src/db/live-state-notify.ts): the process holding a relationship's advisory lock
 * polls and NOTIFYs; every process LISTENs and delivers.
 */
export interface LiveStateTransport {
  /** whether this process may poll the relationship now */
  claim(relationship: string): Promise<boolean>;
  /** this process stops polling the relationship */
  release(relationship: string): Promise<void>;
  /** sends a changed state to the relationship's subscribers everywhere */
  publish(relationship: string, state: RelationshipLiveState): Promise<void>;
  close(): Promise<void>;
}

export function inProcessTransport(deliver: Deliver): LiveStateTransport {
  return {
    claim: async () => true,
    release: async () => undefined,
    publish: async (relationship, state) => deliver(relationship, state),
    close: async () => undefined,
  };
}

export interface LiveStateFeedOptions {
  /**
   * The relationship's state now, through the reader's cache (an answer younger than `maxAgeMs` may be reused).
   * Never rejects for OMAPI failures: those are states (`reachable: false`).
   */
  read(relationship: string, maxAgeMs: number): Promise<RelationshipLiveState>;
  intervalMs: number;
  log(line: string): void;
}

/** Two states are the same event when neither side's reachability, states or error changed (checkedAt does not count). */
function eventKey(state: RelationshipLiveState): string {
  const side = (p: PeerLiveState) => [p.reachable, p.state, p.partnerState, p.error];
  return JSON.stringify([side(state.primary), side(state.secondary)]);
}

/**
 * Fan-out of live state to subscriptions: one poller per relationship, shared by every subscriber of this process,
 * started by the first and stopped when the last one leaves.
 */
export class LiveStateFeed {
  private readonly subscribers = new Map<string, Set<(state: RelationshipLiveState) => void>>();
  private readonly pollers = new Map<string, LiveStatePoller>();
  private readonly transport: LiveStateTransport;

  constructor(
    private readonly opts: LiveStateFeedOptions,
    transport: (deliver: Deliver) => LiveStateTransport,
  ) {
    this.transport = transport((relationship, state) => {
      for (const receive of this.subscribers.get(relationship) ?? []) receive(state);
    });
  }

  /**
   * The state now, then each change. A slow consumer gets the latest state, not a backlog. A hand-written iterator
   * rather than an async generator: `return()` must end a subscription that is waiting for a change, and a
   * generator's `finally` would only run at its next `yield`, i.e. never while nothing changes.
   */
  subscribe(relationship: string): AsyncIterableIterator<RelationshipLiveState> {
    let latest: RelationshipLiveState | undefined;
    let wake: (() => void) | undefined;
    let emitted: string | undefined;
    let done = false;
    const receive = (state: RelationshipLiveState) => {
      latest = state;
      wake?.();
    };
    let receivers = this.subscribers.get(relationship);
    if (!receivers) this.subscribers.set(relationship, (receivers = new Set()));
    receivers.add(receive);
    if (!this.pollers.has(relationship)) this.pollers.set(relationship, new LiveStatePoller(relationship, this.opts, this.transport));
    let first: Promise<RelationshipLiveState> | undefined = this.opts.read(relationship, this.opts.intervalMs).catch((e: unknown) => {
      // graphql-ws would send the message of this error to the client: it stays in our log
      this.opts.log(`live state of "${relationship}": ${(e as Error)?.stack ?? String(e)}`);
      throw new Error('Internal server error');
    });
    first.catch(() => undefined); // awaited by next(), which may come a turn later

    const finish = () => {
      if (done) return;
      done = true;
      receivers.delete(receive);
      wake?.();
      if (receivers.size > 0) return;
      this.subscribers.delete(relationship);
      const poller = this.pollers.get(relationship);
      this.pollers.delete(relationship);
      void poller?.stop();
    };
    const emit = (state: RelationshipLiveState): IteratorResult<RelationshipLiveState> => {
      emitted = eventKey(state);
      return { value: state, done: false };
    };

    return {
      next: async () => {
        if (first) {
          const state = await first;
          first = undefined;
          if (!done) return emit(state);
        }
        while (!done) {
          const state = latest;
          latest = undefined;
          if (state && eventKey(state) !== emitted) return emit(state);
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        return { value: undefined, done: true };
      },
      return: async () => {
        finish();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  async close(): Promise<void> {
    const pollers = [...this.pollers.values()];
    this.pollers.clear();
    await Promise.all(pollers.map((p) => p.stop()));
    await this.transport.close();
  }
}

/** Polls one relationship every interval while the transport lets this process, and publishes each change. */
class LiveStatePoller {
  private timer?: NodeJS.Timeout;
  private running: Promise<void>;
  private stopped = false;
  /** the event last published by this poller; reset whenever another process may have published since */
  private published: string | null = null;

  constructor(
    private readonly relationship: string,
    private readonly opts: LiveStateFeedOptions,
    private readonly transport: LiveStateTransport,
  ) {
    this.running = this.tick();
  }

  private async tick(): Promise<void> {
    try {
      if (await this.transport.claim(this.relationship)) {
        const state = await this.opts.read(this.relationship, this.opts.intervalMs);
        const key = eventKey(state);
        if (key !== this.published && !this.stopped) {
          await this.transport.publish(this.relationship, state);
          this.published = key;
        }
      } else {
        this.published = null;
      }
    } catch (e) {
      this.published = null;
      this.opts.log(`live state of "${this.relationship}": ${(e as Error)?.stack ?? String(e)}`);
    }
    if (!this.stopped) this.timer = setTimeout(() => (this.running = this.tick()), this.opts.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.transport.release(this.relationship).catch((e: unknown) => this.opts.log(`live state of "${this.relationship}": release: ${String(e)}`));
  }
}
