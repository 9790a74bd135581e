import { performance } from 'node:perf_hooks';

/** How many items of a list the executor completes in one turn of the event loop (each with its subtree). */
const ITEMS_PER_SLICE = 1000;

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
   * A list as the executor should complete it: the first ITEMS_PER_SLICE items as they are, each later slice as
   * promises that resolve one turn of the event loop after the previous slice's. An executor completes plain
   * values at once, so 20,000 prefetched scopes with their pools would otherwise be one synchronous block;
   * every list of the request queues its slices in the same line of turns.
   */
  slices = <T>(items: readonly T[]): readonly (T | Promise<T>)[] => {
    if (items.length <= ITEMS_PER_SLICE) return items;
    const out: (T | Promise<T>)[] = items.slice(0, ITEMS_PER_SLICE);
    for (let start = ITEMS_PER_SLICE; start < items.length; start += ITEMS_PER_SLICE) {
      const turn = this.nextTurn();
      for (let i = start; i < Math.min(start + ITEMS_PER_SLICE, items.length); i++) {
        const item = items[i];
        out.push(turn.then(() => item));
      }
    }
    return out;
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
