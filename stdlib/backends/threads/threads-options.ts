/**
 * Options of the `threads` backend, merged over one defaults constant and
 * checked when the backend is created (each documented where it is declared).
 */
import type { ResourceLimits } from "node:worker_threads";
import { countOption, durationOption } from "../../kit/options.js";

export interface ThreadsOptions {
  /**
   * Most threads the pool runs at once. It starts with as many as the plan's
   * parallel methods need at the same time (their `min_worker_count`), grows
   * while shards wait, and shrinks back after `idleTimeoutMs`. A value below
   * what the plan needs is raised to it: a stage never runs on fewer threads
   * than its `min_worker_count` (cap a run with the runner's `workers`
   * instead). More threads than cores is allowed, and a value above the
   * machine's bound on threads raises that bound (see `threadBound`).
   * Bounds: integer from 1 to 2^31 − 1.
   * Example: `{ maxThreads: 4 }`.
   * @default max(CPU cores, the runner's `workers`)
   */
  readonly maxThreads?: number | undefined;
  /**
   * How long a thread above the minimum may stay idle before it stops, in
   * milliseconds. Starting a thread costs tens of milliseconds of CPU (far
   * more when its methods are TypeScript compiled on the fly), so the default
   * keeps threads through the pauses between runs of a busy runner.
   * Bounds: 0 to 2^31 − 1 (Node's longest timer). Example: `{ idleTimeoutMs: 60_000 }`.
   * @default 10000
   */
  readonly idleTimeoutMs?: number | undefined;
  /**
   * How many times threads may die (exit, uncaught error, out of memory) on
   * the same item before the run fails naming it; each time the item is run
   * again on a fresh thread, and no output is lost or duplicated. Bounds:
   * integer ≥ 1. Example: `{ maxCrashes: 1 }` to fail at the first.
   * @default 3
   */
  readonly maxCrashes?: number | undefined;
  /**
   * When a run fails or is cancelled, or a call outlives its `timeout`, how
   * long calls still running on threads get to end after their signal
   * aborts, in milliseconds, before their threads are terminated (and
   * replaced); a call stopped at its timeout this way counts as a timed-out
   * attempt. Bounds: 0 to 2^31 − 1 (Node's longest timer).
   * Example: `{ cancelGraceMs: 100 }`.
   * @default 1000
   */
  readonly cancelGraceMs?: number | undefined;
  /**
   * Memory limits of each thread (`worker_threads` `resourceLimits`); a
   * thread that exceeds them dies and counts as a crash of its item.
   * Example: `{ resourceLimits: { maxOldGenerationSizeMb: 256 } }`.
   * @default Node's defaults
   */
  readonly resourceLimits?: ResourceLimits | undefined;
  /**
   * Node options of the threads. Example: `{ execArgv: ["--enable-source-maps"] }`.
   * @default the process's own `execArgv`, less tsx's loader when every methods module the threads
   *   import is JavaScript (compiled by flowc, or written so): threads then need no loader.
   */
  readonly execArgv?: readonly string[] | undefined;
}

export const DEFAULT_THREADS_OPTIONS = {
  idleTimeoutMs: 10_000,
  maxCrashes: 3,
  cancelGraceMs: 1000,
} as const satisfies Partial<ThreadsOptions>;

/** {@link ThreadsOptions} with defaults applied (`maxThreads` stays open: it depends on the runner). */
export interface ThreadsSettings {
  readonly maxThreads: number | undefined;
  readonly idleTimeoutMs: number;
  readonly maxCrashes: number;
  readonly cancelGraceMs: number;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly execArgv: readonly string[] | undefined;
}

/** How messages name these options. */
const OWNER = "threads()";

/** Applies defaults and checks bounds; throws a `PlanError` (`InvalidOption`) for a bad value. */
export function resolveThreadsOptions(options: ThreadsOptions = {}): ThreadsSettings {
  const d = DEFAULT_THREADS_OPTIONS;
  const { maxThreads } = options;
  return {
    maxThreads: maxThreads === undefined ? undefined : countOption(OWNER, "maxThreads", maxThreads, 1, 1),
    idleTimeoutMs: durationOption(OWNER, "idleTimeoutMs", options.idleTimeoutMs, d.idleTimeoutMs, 0),
    maxCrashes: countOption(OWNER, "maxCrashes", options.maxCrashes, d.maxCrashes, 1),
    cancelGraceMs: durationOption(OWNER, "cancelGraceMs", options.cancelGraceMs, d.cancelGraceMs, 0),
    resourceLimits: options.resourceLimits,
    execArgv: options.execArgv,
  };
}
