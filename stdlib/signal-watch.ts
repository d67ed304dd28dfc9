/**
 * The runs going on under each cancellation signal, process-wide. A signal
 * gets one listener, however many runs (of however many runners) share it:
 * adding and removing a listener on every run would cost more than a short
 * run itself, and many concurrent runs on one application-wide signal would
 * trip Node's listener-leak warning. Keys are weak, so a signal and its
 * listener are collected together.
 *
 * A signal's runs are a doubly linked list through the runs themselves, so
 * that joining and leaving it allocate nothing: a `Set` that one short run
 * after another joins and leaves reallocates its table every few runs, which
 * cost more than the rest of such a run.
 */

/** The runs of one signal. */
interface WatchList {
  first: SignalWatcher | undefined;
}

const lists = new WeakMap<AbortSignal, WatchList>();

/** A run that its signal's abort cancels, from `watch` until `unwatch`. */
export abstract class SignalWatcher {
  #list: WatchList | undefined;
  #previous: SignalWatcher | undefined;
  #next: SignalWatcher | undefined;

  /** Called when the watched signal aborts, with its reason. */
  abstract cancel(reason: unknown): void;

  /** Joins the runs that `signal` cancels (a watcher follows one signal at most). */
  protected watch(signal: AbortSignal): void {
    let list = lists.get(signal);
    if (list === undefined) {
      list = { first: undefined };
      lists.set(signal, list);
      signal.addEventListener("abort", SignalWatcher.#cancelAll(signal, list), { once: true });
    }
    const first = list.first;
    this.#next = first;
    if (first !== undefined) first.#previous = this;
    list.first = this;
    this.#list = list;
  }

  /** Leaves its signal's runs; nothing when it is in none. */
  protected unwatch(): void {
    const list = this.#list;
    if (list === undefined) return;
    const previous = this.#previous;
    const next = this.#next;
    if (previous === undefined) list.first = next;
    else previous.#next = next;
    if (next !== undefined) next.#previous = previous;
    this.#list = undefined;
    this.#previous = undefined;
    this.#next = undefined;
  }

  static #cancelAll(signal: AbortSignal, list: WatchList): () => void {
    return () => {
      // Taken first: cancelling a run makes it leave the list, and what a cancelled call does in turn is the user's.
      const going: SignalWatcher[] = [];
      for (let run = list.first; run !== undefined; run = run.#next) going.push(run);
      for (const run of going) run.cancel(signal.reason);
    };
  }
}
