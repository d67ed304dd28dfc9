/**
 * Synchronisation helpers for runtime tests: they make concurrency observable
 * through promises that only some interleavings can resolve, never through
 * sleeps and clocks.
 */

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Counts calls in flight and remembers the most seen at once. `atLeast(n)`
 * resolves the first time `n` calls are in flight together and stays resolved,
 * so calls that wait on it prove that `n` of them overlapped.
 */
export class Gauge {
  current = 0;
  max = 0;
  readonly #waiters: { count: number; deferred: Deferred<void> }[] = [];

  enter(): void {
    this.current++;
    this.max = Math.max(this.max, this.current);
    for (const waiter of this.#waiters) if (this.current >= waiter.count) waiter.deferred.resolve();
  }

  leave(): void {
    this.current--;
  }

  atLeast(count: number): Promise<void> {
    if (this.max >= count) return Promise.resolve();
    const waiter = { count, deferred: deferred() };
    this.#waiters.push(waiter);
    return waiter.deferred.promise;
  }
}

/** Settles only when `signal` aborts: rejects with its reason. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** Lets every queued promise reaction and I/O callback run (a few event-loop turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
