/**
 * The `threads` backend: parallel methods run on a pool of worker threads,
 * single methods in the calling thread.
 *
 * Each thread imports the parallel methods' modules itself (TypeScript compiled
 * once by esbuild, see compiled-methods.ts, or else through tsx; JavaScript
 * natively), from the URLs of `RunnerOptions.modules`, or
 * resolved against `RunnerOptions.moduleBase`. So a parallel method must be
 * exported by a module that can be imported on its own, and module-level
 * state is per thread. Inputs and outputs of parallel calls are
 * structured-cloned across threads.
 *
 * Why single methods stay in the calling thread: they usually take or make a
 * whole data set (read the files, write the report), which a thread would have
 * to copy both ways, and they do not scale out anyway. A CPU-heavy single
 * method does hold up the calling thread, and with it the dispatch of other
 * stages' shards: make it parallel, or move its work into one.
 *
 * Timeouts: a worker's own timer cannot fire while a call spins, so the
 * calling thread watches each timed attempt's deadline in shared memory and
 * terminates a thread still in it `cancelGraceMs` later (see pool-stage.ts);
 * single methods are interrupted in the calling thread (see interrupt.ts).
 *
 * Limits: a call that never yields and has no timeout runs until its run fails
 * or is cancelled; its thread is then terminated after `cancelGraceMs`. A thread
 * that crashes the process itself (a native fault) takes the process with it.
 * When a call fails, a shard already waiting on another thread may start
 * before that thread hears of the failure (a round trip later); what it
 * computes is discarded.
 */
import { availableParallelism } from "node:os";
import type { Backend } from "../../api.js";
import { resolveThreadsOptions, type ThreadsOptions } from "./threads-options.js";

export { DEFAULT_THREADS_OPTIONS, type ThreadsOptions } from "./threads-options.js";
export { NotCloneableError, WorkerCrashError } from "../../errors.js";
export { MAX_SHARD_ITEMS, TARGET_SHARD_MS } from "./shard-size.js";

/**
 * Creates the worker-thread backend. Throws a `PlanError` (`InvalidOption`)
 * for an option out of bounds.
 *
 * @example
 * createRunner(plan, methods, {
 *   backend: threads({ maxThreads: 4 }),
 *   modules: { "./etl.methods": new URL("./etl.methods.ts", import.meta.url) },
 * });
 */
export function threads(options?: ThreadsOptions): Backend {
  const settings = resolveThreadsOptions(options);
  return {
    name: "threads",
    // CPU-bound parallel methods are what threads are for: let a stage use every core by default.
    defaultWorkers: (peak) => Math.max(peak, settings.maxThreads ?? availableParallelism()),
    open: async (plan, methods, openOptions) => {
      const { openThreadsSession } = await import("./session.js");
      return openThreadsSession(plan, methods, openOptions, settings);
    },
  };
}
