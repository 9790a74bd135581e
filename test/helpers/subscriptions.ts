import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { LiveState } from '../../demo/pair-scenario';
import { ADMIN_TOKEN } from './site';

export const LIVE_STATE_CHANGED = `subscription LiveStateChanged($name: String!) {
  liveStateChanged(relationship: $name) {
    primary { reachable state partnerState error checkedAt }
    secondary { reachable state partnerState error checkedAt }
  }
}`;

type Result = { data?: { liveStateChanged: LiveState } | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };

/**
 * One subscription through a real graphql-ws client over a real socket, its results collected so a test can wait
 * for the next one, or see that none came.
 */
export class Subscriber {
  readonly results: Result[] = [];
  private taken = 0;
  private waiting?: () => void;
  private stop: () => void;
  private failure?: unknown;
  readonly client: Client;

  constructor(httpUrl: string, name: string, opts: { token?: string; query?: string } = {}) {
    this.client = createClient({
      url: `${httpUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${opts.token ?? ADMIN_TOKEN}` },
      retryAttempts: 0,
    });
    this.stop = this.client.subscribe<Result['data']>(
      { query: opts.query ?? LIVE_STATE_CHANGED, variables: { name } },
      {
        next: (result) => {
          this.results.push(result as Result);
          this.waiting?.();
        },
        error: (e) => {
          this.failure = e;
          this.waiting?.();
        },
        complete: () => this.waiting?.(),
      },
    );
  }

  /** The next result not yet taken, or an error after `withinMs`. */
  async next(withinMs = 10_000): Promise<Result> {
    const deadline = Date.now() + withinMs;
    while (this.results.length <= this.taken) {
      if (this.failure) throw new Error(`subscription failed: ${describe(this.failure)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${withinMs} ms (had ${this.results.length})`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
    return this.results[this.taken++];
  }

  /** The next event's live state, skipping those that do not satisfy `until` (for real servers that pass through states). */
  async nextState(until: (live: LiveState) => boolean = () => true, withinMs = 10_000): Promise<LiveState> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const result = await this.next(Math.max(deadline - Date.now(), 1));
      if (result.errors) throw new Error(`errors: ${JSON.stringify(result.errors)}`);
      const live = result.data!.liveStateChanged;
      if (until(live)) return live;
    }
  }

  get pending(): number {
    return this.results.length - this.taken;
  }

  async close(): Promise<void> {
    this.stop();
    await this.client.dispose();
  }
}

function describe(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e) return `close ${(e as { code: number }).code} ${(e as { reason?: string }).reason ?? ''}`;
  return JSON.stringify(e);
}
