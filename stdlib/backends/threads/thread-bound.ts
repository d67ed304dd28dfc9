/**
 * How many worker threads the `threads` backend will run at once on this
 * machine. Parallel methods are CPU work, so threads far beyond the cores
 * only add memory and switching; and each thread costs memory of its own (a
 * V8 heap, and tsx with the methods' modules when they are TypeScript). A
 * plan whose stages need more at once is refused before any thread starts,
 * rather than take the machine's memory (`min_worker_count: 99999999999`).
 */
import { availableParallelism, totalmem } from "node:os";
import { errors } from "../../errors.js";
import type { PlanDescriptor } from "../../plan.js";

/** Threads per core that a plan may ask for: enough for methods that also wait, far from a typo's count. */
export const THREADS_PER_CORE = 8;

/** Memory one thread is counted at: a thread with tsx and a small methods module takes about 50 MB. */
export const THREAD_MEMORY_MB = 64;

/** The share of the machine's memory that threads may be counted against. */
const MEMORY_SHARE = 0.5;

export interface ThreadBound {
  /** Most threads at once. */
  readonly threads: number;
  /** How it was found, for the refusal's message. */
  readonly reason: string;
}

/**
 * `min(8 × cores, ½ of memory ÷ 64 MB)`, at least 1, raised to an explicit
 * `threads({ maxThreads })` or runner option `workers` (whoever sets them has chosen).
 */
export function threadBound(maxThreads: number | undefined, workers: number | undefined): ThreadBound {
  const cores = availableParallelism();
  const memoryMb = Math.floor(totalmem() / 2 ** 20);
  const byCores = THREADS_PER_CORE * cores;
  const byMemory = Math.floor((memoryMb * MEMORY_SHARE) / THREAD_MEMORY_MB);
  const machine = Math.max(1, Math.min(byCores, byMemory));
  const why =
    byCores <= byMemory
      ? `${THREADS_PER_CORE} per core × ${cores} core${cores === 1 ? "" : "s"}`
      : `half of ${memoryMb} MB of memory at ${THREAD_MEMORY_MB} MB per thread`;
  if (maxThreads !== undefined && maxThreads >= (workers ?? 0) && maxThreads > machine) {
    return { threads: maxThreads, reason: `threads({ maxThreads: ${maxThreads} })` };
  }
  if (workers !== undefined && workers > machine) {
    return { threads: workers, reason: `the runner option 'workers: ${workers}'` };
  }
  return {
    threads: machine,
    reason:
      `this machine's bound: ${why}; a larger runner option 'workers' (flowc run --workers) ` +
      "or threads({ maxThreads }) raises it",
  };
}

/**
 * Throws a `PlanError` (`TooManyThreads`) when a parallel method of `plan`
 * needs more threads than `bound`, or methods that run at the same time do
 * together (`demand`, the plan's peak), naming them, the need and the bound.
 */
export function checkThreadBound(
  plan: PlanDescriptor,
  demand: { readonly workers: number; readonly methods: readonly string[] },
  bound: ThreadBound,
): void {
  const refuse = (what: string, methods: readonly string[]): never => {
    throw errors.tooManyThreads(plan.name, what, bound.threads, bound.reason, methods);
  };
  for (const method of plan.methods) {
    if (method.mode === "parallel" && method.minWorkers > bound.threads) {
      refuse(`method '${method.name}' needs ${method.minWorkers} threads (min_worker_count)`, [method.name]);
    }
  }
  if (demand.workers > bound.threads) {
    const parallel = new Set(plan.methods.filter((method) => method.mode === "parallel").map((method) => method.name));
    const methods = demand.methods.filter((name) => parallel.has(name));
    const names = methods.map((name) => `'${name}'`).join(", ");
    refuse(`methods ${names} run at the same time and need ${demand.workers} threads together`, methods);
  }
}
