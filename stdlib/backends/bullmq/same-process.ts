/**
 * What callers and workers of one process share without Redis.
 *
 * A service that embeds workers (`createWorker`) and also runs plans gets
 * the behaviour of the in-process backends where it is observable: a
 * method's error reaches the caller as the very object it threw, and
 * cancelling a run aborts that process's calls of the run synchronously,
 * with the run's own reason. Everything here is an addition to the Redis
 * path (a worker still reports through Redis), never a replacement for it.
 * The record of runs that are over also serves runs of other processes,
 * whose ends arrive on the cancel channel.
 */
import { randomUUID } from "node:crypto";

/** Tells this process apart from every other caller and worker. */
export const PROCESS_TOKEN = randomUUID();

/** Errors a worker threw for a caller of this process, until that caller reads the reply naming them. */
const handedOver = new Map<string, { readonly error: unknown; readonly at: number }>();
let handles = 0;
/** A reply the caller never read (its run ended first) leaves its error here; such errors go after this long. */
const HANDOVER_KEPT_MS = 60_000;

/** Keeps `error` for a caller of this process; returns the handle its reply carries. */
export function handOver(error: unknown): string {
  const now = Date.now();
  if (handedOver.size >= 1024) {
    for (const [handle, kept] of handedOver) if (now - kept.at > HANDOVER_KEPT_MS) handedOver.delete(handle);
  }
  const handle = `${PROCESS_TOKEN}.${++handles}`;
  handedOver.set(handle, { error, at: now });
  return handle;
}

/** The error kept under `handle`, once; `undefined` when it was never here. */
export function takeOver(handle: string | undefined): { readonly error: unknown } | undefined {
  if (handle === undefined) return undefined;
  const kept = handedOver.get(handle);
  if (kept === undefined) return undefined;
  handedOver.delete(handle);
  return { error: kept.error };
}

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
