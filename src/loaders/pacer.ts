import { performance } from 'node:perf_hooks';

/** A list longer than this is completed in a turn of the event loop of its own. */
const LONG_LIST = 100;
/**
 * Of a long list, the executor completes at most this many items (each with its subtree) in one turn. A scope with
 * its pools is about 6 µs: 10,000 per turn held /healthz (a request, then its database answer: two turns) up to
 * 230–300 ms on PostgreSQL; 2,500 kept it at 120–160 ms, for 10–15 % more time on the whole nested query.
 */
const ITEMS_PER_TURN = 2_500;

/**
 * graphql-js completes every resolved field in one microtask drain, so an answer with 60,000 objects would hold
 * the event loop for its whole assembly. List resolvers pass their values through `pace`, which hands the loop
 * back (setImmediate) whenever the current slice has run longer than `sliceMs`, so /healthz and other requests
 * are answered in between. The request's loaders dispatch through `schedule`, which waits until no paced value
 * is still queued: the children of all slices still go out as one batch, one statement.
 */
export class Pacer {
  private sliceStart = performance.now();
  private gate: Promise<void> | null = null;
  /** paced values and list slices still queued */
  private waiting = 0;
  /** the turn the last slice handed out waits for */
  private turns: Promise<void> = Promise.resolve();

  constructor(private readonly sliceMs = 50) {}

  pace = async <T>(value: Promise<T>): Promise<T> => {
    const result = await value;
    // Waiters wake together and re-check: those the new slice has no room for wait for the next one.
    while (performance.now() - this.sliceStart > this.sliceMs) {
      this.waiting++;
      await this.nextSlice();
      this.waiting--;
    }
    return result;
  };

  /**
   * A list as the executor should complete it. An executor completes plain values at once, so 20,000 prefetched
   * scopes with their pools would be one synchronous block: a long list waits for a turn of the event loop of its
   * own (one promise for the whole list), and of a very long one each further ITEMS_PER_TURN items wait for
   * another turn (a promise per item: graphql-jit takes twice as long to complete an item that arrives as a
   * promise, so only what must wait does). Every list of the request queues in the same line of turns.
   */
  slices = <T>(items: readonly T[]): readonly T[] | Promise<readonly (T | Promise<T>)[]> => {
    if (items.length <= LONG_LIST) return items;
    return this.nextTurn().then(() => {
      if (items.length <= ITEMS_PER_TURN) return items;
      const out: (T | Promise<T>)[] = items.slice(0, ITEMS_PER_TURN);
      for (let start = ITEMS_PER_TURN; start < items.length; start += ITEMS_PER_TURN) {
        const turn = this.nextTurn();
        for (let i = start; i < Math.min(start + ITEMS_PER_TURN, items.length); i++) {
          const item = items[i];
          out.push(turn.then(() => item));
        }
      }
      return out;
    });
  };

  /** DataLoader's batchScheduleFn. */
  schedule = (dispatch: () => void): void => {
    const check = () => (this.waiting > 0 ? setImmediate(check) : dispatch());
    setImmediate(check);
  };

  private nextTurn(): Promise<void> {
    this.waiting++;
    return (this.turns = this.turns.then(
      () =>
        new Promise((resolve) =>
          setImmediate(() => {
            this.waiting--;
            resolve();
          }),
        ),
    ));
  }

  private nextSlice(): Promise<void> {
    return (this.gate ??= new Promise((resolve) =>
      setImmediate(() => {
        this.gate = null;
        this.sliceStart = performance.now();
        resolve();
      }),
    ));
  }
}
