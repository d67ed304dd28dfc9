/**
 * The scheduler decides *when* each method runs, with which input and on how
 * many lanes; the backend decides where the calls execute.
 *
 * A plan is compiled once per runner into flat tables (compiled-plan.ts), so
 * a run (run.ts) only copies an in-degree array and walks those tables:
 * every method starts as soon as the last of its inputs is ready (in-degree
 * counting, not topological levels, so a slow branch never holds back an
 * unrelated one). A plain chain — single methods one after the other, no
 * retry or timeout, nobody listening, on a backend that calls them in this
 * thread — runs on a straight-line path instead (straight-line.ts), which
 * allocates no run state unless the run has a signal.
 */
import type { BackendMethod, FlowEvent, RunOptions } from "./api.js";
import { DemandMessages, demandTerms, methodDemand } from "./demand.js";
import { CancelledError, errors, type WorkerCapError } from "./errors.js";
import { directMethodOf, type DirectMethod } from "./direct-call.js";
import { straightLine } from "./straight-line.js";
import type { CompiledPlan } from "./compiled-plan.js";
import { Run, type Calls } from "./run.js";
import type { Journal } from "./journal/journal.js";

export { compilePlan, type CompiledPlan, type Tables } from "./compiled-plan.js";

/** Runs the plan once. */
export type Execute = (input: unknown, options: RunOptions | undefined) => Promise<unknown>;

/**
 * The error a run gets when `workers` is below what the plan needs at once,
 * or `undefined` when the plan fits.
 */
export function workerCapError(program: CompiledPlan, workers: number): WorkerCapError | undefined {
  const { plan, peak } = program;
  if (peak.workers <= workers) return undefined;
  // The compiler's words for the same verdict (FLOW3009, FLOW3010), with the runner's option as the limit.
  const limit = `workers: ${workers}`;
  const alone = plan.methods.filter((method) => methodDemand(method) > workers);
  if (alone.length > 0) {
    const message = alone
      .map((method) => fill(DemandMessages.alone, [method.name, method.minWorkers, workers, limit]))
      .join(" ");
    return errors.workerCap(
      message,
      alone.map((method) => method.name),
      peak.workers,
      workers,
    );
  }
  const demand = new Map(plan.methods.map((method) => [method.name, methodDemand(method)]));
  const members = peak.methods.map((name) => ({ name, demand: demand.get(name) ?? 1 }));
  const message = fill(DemandMessages.together, [workers, limit, demandTerms(members)]);
  return errors.workerCap(message, peak.methods, peak.workers, workers);
}

/** Fills `{0}`, `{1}`, … of a message template. */
function fill(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => String(args[Number(index)] ?? whole));
}

export interface ExecuteSettings {
  /** The runner's validated worker limit. */
  readonly workers: number;
  /** The runner's listener, if any. */
  readonly onEvent: ((event: FlowEvent) => void) | undefined;
  /** Prefix that makes run ids unique across runners and processes. */
  readonly runIdPrefix: string;
  /** The runner's journal, when it has a store: every call then goes through the backend and its journal. */
  readonly journal?: Journal | undefined;
}

/**
 * Binds a compiled plan to one backend session's methods (in plan order) and
 * returns the function that executes a run.
 */
export function instantiate(
  program: CompiledPlan,
  bound: readonly BackendMethod[],
  settings: ExecuteSettings,
): Execute {
  const tables = program.tables;
  const runnerListener = settings.onEvent;
  const journal = settings.journal;
  // Slots beyond the peak demand are the only ones a parallel method may add
  // to its minimum without ever making a concurrently runnable method wait.
  const surplus = settings.workers - program.peak.workers;
  let runs = 0;

  // What a run nobody listens to may call itself: single methods without retry or timeout that
  // the backend calls in this thread. With a listener, every call goes through the backend.
  const direct = bound.map(directMethodOf);
  const throughBackend: Calls = { bound, direct: undefined };
  const directly: Calls =
    runnerListener === undefined && journal === undefined
      ? {
          bound,
          direct: direct.map((method, i) =>
            tables.plain[i] === true && tables.parallel[i] === false && tables.routing?.recovers[i] !== true
              ? method
              : undefined,
          ),
        }
      : throughBackend;

  const general: Execute = (input, options) => {
    const signal = options?.signal;
    if (signal?.aborted === true) return Promise.reject(new CancelledError(tables.planName, signal.reason));
    const listener = combine(runnerListener, options?.onEvent);
    const runId = `${settings.runIdPrefix}${++runs}`;
    const calls = listener === undefined ? directly : throughBackend;
    if (journal !== undefined) {
      return journal.run(runId, input, options, listener, (onEvent) =>
        startRun(tables, calls, runId, onEvent, surplus, input, signal),
      );
    }
    return startRun(tables, calls, runId, listener, surplus, input, signal);
  };

  if (
    !program.chain ||
    runnerListener !== undefined ||
    journal !== undefined ||
    !direct.every((step) => step !== undefined)
  )
    return general;
  const line = straightLine(tables.planName, direct as readonly DirectMethod[]);
  return (input, options) => {
    if (options === undefined) return line.run(input);
    if (options.onEvent !== undefined) return general(input, options);
    const signal = options.signal;
    return signal === undefined ? line.run(input) : line.runUnder(input, signal);
  };
}

/** Starts one run of the scheduler; the promise settles with the run. */
function startRun(
  tables: CompiledPlan["tables"],
  calls: Calls,
  runId: string,
  listener: ((event: FlowEvent) => void) | undefined,
  surplus: number,
  input: unknown,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    new Run(tables, calls, runId, listener, surplus, resolve, reject).start(input, signal);
  });
}

function combine(
  a: ((event: FlowEvent) => void) | undefined,
  b: ((event: FlowEvent) => void) | undefined,
): ((event: FlowEvent) => void) | undefined {
  if (a === undefined && b === undefined) return undefined;
  const listeners = [a, b].filter((listener) => listener !== undefined);
  // A throwing listener must not corrupt the run's bookkeeping: report its
  // error the way the platform reports errors of event listeners.
  return (event) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  };
}
