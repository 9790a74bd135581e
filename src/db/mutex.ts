/**
 * One queue for every mutation. Mutations of one server must never interleave edits of its file, and on
 * SQLite one connection cannot hold two transactions; dhcpd -t dominates a mutation's time anyway.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
