/**
 * The runs this process's workers know to be over, and the attempts of each
 * run in flight here: a run's end, heard on the cancel channel (or seen in a
 * failure a worker reports), aborts its attempts and keeps its other shards
 * from starting in this process.
 */

/** Aborts one attempt in flight with the run's reason. */
export type Abort = (reason: unknown) => void;

/** Attempts in flight in this process's workers, by run id. */
const inFlight = new Map<string, Set<Abort>>();

/** Runs known to be over (cancelled or failed), with the reason; oldest forgotten first. */
const ended = new Map<string, unknown>();
const ENDED_KEPT = 10_000;

/** Registers an attempt of `run`; returns the function that removes it. */
export function watchRun(run: string, abort: Abort): () => void {
  let set = inFlight.get(run);
  if (set === undefined) {
    set = new Set();
    inFlight.set(run, set);
  }
  set.add(abort);
  return () => {
    set.delete(abort);
    if (set.size === 0 && inFlight.get(run) === set) inFlight.delete(run);
  };
}

/** Marks `run` over, so that no shard of it starts here any more. */
export function markEnded(run: string, reason: unknown): void {
  if (ended.has(run)) return;
  ended.set(run, reason);
  if (ended.size > ENDED_KEPT) {
    const oldest = ended.keys().next();
    if (oldest.done !== true) ended.delete(oldest.value);
  }
}

/** Marks `run` over and aborts its attempts in flight in this process with `reason`. */
export function endRun(run: string, reason: unknown): void {
  markEnded(run, reason);
  const set = inFlight.get(run);
  if (set === undefined) return;
  inFlight.delete(run);
  for (const abort of set) abort(reason);
}

/** Whether `run` is known here to be over. */
export function runEnded(run: string): boolean {
  return ended.has(run);
}
