import { performance } from 'node:perf_hooks';

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
  private waiting = 0;

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

  /** DataLoader's batchScheduleFn. */
  schedule = (dispatch: () => void): void => {
    const check = () => (this.waiting > 0 ? setImmediate(check) : dispatch());
    setImmediate(check);
  };

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
