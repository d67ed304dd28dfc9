/**
 * The items of a parallel stage, read a bounded number at a time from an
 * array, an iterable or an async iterable. Backends pull items only as lanes
 * free up, so a stage over a long stream never holds more than what is in
 * flight (a million-item generator must not become a million pending calls).
 */
import type { ItemStream } from "./api.js";

/** What `next()` returns once the source is exhausted. */
export const END: unique symbol = Symbol("flowc.end-of-items");

/**
 * The iterable a parallel method may receive instead of an array, or
 * `undefined`. Strings are iterable but are not lists of items: a parallel
 * method given one keeps failing with `ParallelInputError`.
 */
export function asItemStream(value: unknown): ItemStream | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  const candidate = value as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
  if (typeof candidate[Symbol.asyncIterator] === "function" || typeof candidate[Symbol.iterator] === "function") {
    return value as ItemStream;
  }
  return undefined;
}

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

/** Reads items in order; never reads ahead of what is asked for. */
export class ItemReader {
  /** Number of items when known in advance (arrays), else `undefined`. */
  readonly length: number | undefined;
  readonly #array: readonly unknown[] | undefined;
  readonly #source: ItemStream | undefined;
  #iterator: AnyIterator | undefined;
  #async = false;
  #read = 0;
  #done = false;
  /** Serialises pulls from an async iterator whose callers do not wait for each other. */
  #pulling: Promise<unknown> | undefined;

  constructor(items: readonly unknown[] | ItemStream) {
    if (Array.isArray(items)) {
      this.#array = items;
      this.length = items.length;
      this.#done = items.length === 0;
    } else {
      this.#source = items as ItemStream;
      this.length = undefined;
    }
  }

  /** Items handed out so far: the index the next item will have. */
  get read(): number {
    return this.#read;
  }

  /** True once the source is known to be exhausted (or closed). */
  get done(): boolean {
    return this.#done;
  }

  /** Whether reads may be asynchronous (the source is an async iterable). */
  get isAsync(): boolean {
    if (this.#array !== undefined) return false;
    this.#open();
    return this.#async;
  }

  /**
   * The next item, or {@link END}; a promise only for an async source.
   * Throws (or rejects with) what the source throws.
   */
  next(): unknown {
    if (this.#done) return END;
    const array = this.#array;
    if (array !== undefined) {
      const item = array[this.#read++];
      if (this.#read >= array.length) this.#done = true;
      return item;
    }
    const iterator = this.#open();
    if (!this.#async) return this.#accept((iterator as Iterator<unknown>).next());
    const pull = (this.#pulling ?? Promise.resolve()).then(() =>
      this.#done ? { done: true, value: undefined } : (iterator as AsyncIterator<unknown>).next(),
    );
    this.#pulling = pull.then(
      () => undefined,
      () => undefined,
    );
    return pull.then((result) => this.#accept(result));
  }

  /**
   * Up to `max` items (fewer only at the end of the source); a promise only
   * for an async source, which also stops early once `deadlineMs`
   * (`performance.now()`) has passed, so that a slow source does not hold
   * back the items it has already produced.
   */
  take(max: number, deadlineMs = Number.POSITIVE_INFINITY): unknown[] | Promise<unknown[]> {
    const array = this.#array;
    if (array !== undefined) {
      const start = this.#read;
      const end = Math.min(array.length, start + max);
      this.#read = end;
      if (end >= array.length) this.#done = true;
      return array.slice(start, end);
    }
    this.#open();
    if (!this.#async) {
      const items: unknown[] = [];
      while (items.length < max) {
        const item = this.next();
        if (item === END) break;
        items.push(item);
      }
      return items;
    }
    return this.#takeAsync(max, deadlineMs);
  }

  /** Stops reading: closes the iterator (`return()`) unless it is exhausted. Idempotent. */
  close(): void {
    if (this.#done) return;
    this.#done = true;
    const iterator = this.#iterator;
    if (iterator === undefined || typeof iterator.return !== "function") return;
    try {
      const closing = iterator.return() as unknown;
      // A rejection while closing a source that already failed or was abandoned has no one to report to.
      if (closing instanceof Promise) closing.catch(() => undefined);
    } catch {
      // Same: closing is best effort.
    }
  }

  async #takeAsync(max: number, deadlineMs: number): Promise<unknown[]> {
    // Pulls straight from the iterator, one after the other: cheaper than `next()`, which queues each pull.
    if (this.#pulling !== undefined) await this.#pulling;
    const iterator = this.#iterator as AsyncIterator<unknown>;
    const items: unknown[] = [];
    while (items.length < max && !this.#done) {
      const result = await iterator.next();
      if (result.done === true) {
        this.#done = true;
        break;
      }
      this.#read++;
      items.push(result.value);
      if (performance.now() > deadlineMs) break;
    }
    return items;
  }

  #open(): AnyIterator {
    if (this.#iterator !== undefined) return this.#iterator;
    const source = this.#source as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
    const asyncIterator = source[Symbol.asyncIterator];
    if (typeof asyncIterator === "function") {
      this.#iterator = asyncIterator.call(source);
      this.#async = true;
    } else {
      this.#iterator = (source[Symbol.iterator] as () => Iterator<unknown>).call(source);
    }
    return this.#iterator;
  }

  #accept(result: IteratorResult<unknown>): unknown {
    if (result.done === true) {
      this.#done = true;
      return END;
    }
    this.#read++;
    return result.value;
  }
}
