/** A FIFO async mutex: callers of run() take turns, in the order they arrived. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private busy = 0;

  /** Runs `fn` once every earlier caller has finished; the lock is released even when `fn` throws. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.busy++;
    // Fast path: nobody holds or waits for the lock, so start at once instead of after a microtask hop.
    // Promise.resolve adopts a thenable exactly once (a Drizzle query runs again on every then()).
    const result = this.busy === 1 ? Promise.resolve(fn()) : this.tail.then(fn);
    const release = () => {
      this.busy--;
    };
    this.tail = result.then(release, release);
    return result;
  }
}
