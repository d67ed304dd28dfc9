/**
 * Every error the runtime produces, in one place: the code table shared by
 * all backends, the error classes, and the factories (`errors.…`) that every
 * module throws through, so that a failure reads the same whichever backend
 * ran it and each message is written once (piscina's `errors.ts`, BullMQ's
 * `ErrorCode`). Each code is documented in ./ERRORS.md; a test holds the two
 * together.
 *
 * Codes survive structured cloning (across threads) and JSON (across
 * processes) where classes do not; compare `error.code`, or use the `is…`
 * guards below, rather than `instanceof` when an error may have crossed a
 * thread or process.
 *
 * The file is over the usual length because it is the catalogue: splitting
 * the classes from the factories that word their messages would scatter it.
 *
 * Longer than most files: it is the catalogue, one entry per code, and splitting it
 * would scatter what the one-table rule keeps together.
 */

import { MAX_TIMER_MS } from "./limits.js";

/** Stable error codes (an erasable alternative to a TypeScript `enum`); each is documented in ERRORS.md. */
export const ErrorCode = {
  /** A method threw, rejected or timed out on its last attempt. */
  MethodFailed: "FLOW_METHOD_FAILED",
  /** One attempt of a method exceeded its `timeout` (the `cause` of a `MethodError`). */
  MethodTimeout: "FLOW_METHOD_TIMEOUT",
  /** The run was cancelled through its `signal`. */
  Cancelled: "FLOW_CANCELLED",
  /** A method throws this to say that retrying cannot help. */
  NonRetryable: "FLOW_NON_RETRYABLE",
  /** A parallel method received something other than an array. */
  ParallelInputNotArray: "FLOW_PARALLEL_INPUT_NOT_ARRAY",
  /** The method table lacks a method the plan names, or a method's module cannot be loaded. */
  MissingMethod: "FLOW_MISSING_METHOD",
  /** The plan needs more workers at once than the runner allows. */
  WorkerCap: "FLOW_WORKER_CAP",
  /** The plan descriptor is inconsistent (hand-written or corrupted). */
  InvalidPlan: "FLOW_INVALID_PLAN",
  /** A runner or backend option is out of bounds. */
  InvalidOption: "FLOW_INVALID_OPTION",
  /** `run` was called after `close`, or the runner was closed during the run. */
  RunnerClosed: "FLOW_RUNNER_CLOSED",
  /** Workers died too many times on the same items (the `cause` of a `MethodError`). */
  WorkerCrashed: "FLOW_WORKER_CRASHED",
  /** A value could not be structured-cloned to or from a worker thread (the `cause` of a `MethodError`). */
  NotCloneable: "FLOW_NOT_CLONEABLE",
  /** The plan needs more worker threads at once than the machine's bound for the `threads` backend. */
  TooManyThreads: "FLOW_TOO_MANY_THREADS",
  /** bullmq: every worker that served a method in flight left or stopped responding for longer than `workerWait`. */
  WorkersGone: "FLOW_WORKERS_GONE",
  /** bullmq: Redis lost keys of a run in flight (flushed, evicted, or a failover to an empty replica). */
  RunStateLost: "FLOW_RUN_STATE_LOST",
  /** bullmq: Redis could not be reached within `connectionWait` when the runner or worker started. */
  ConnectionFailed: "FLOW_CONNECTION_FAILED",
  /** bullmq: the connection to Redis was lost for longer than `connectionWait` while calls were in flight. */
  ConnectionLost: "FLOW_CONNECTION_LOST",
  /** bullmq: fewer live workers than a method needs served it within `workerWait`. */
  TooFewWorkers: "FLOW_TOO_FEW_WORKERS",
  /** bullmq: a job, a reply or a value could not be carried as JSON, or was refused when read. */
  BadPayload: "FLOW_BAD_PAYLOAD",
  /** bullmq: BullMQ failed a shard's job for a reason of its own (it stalled too often). */
  JobFailed: "FLOW_JOB_FAILED",
  /** bullmq: a `flowc worker` was closed before it could start. */
  WorkerClosed: "FLOW_WORKER_CLOSED",
  /** A `run_if` predicate returned something other than `true` or `false`. */
  PredicateNotBoolean: "FLOW_PREDICATE_NOT_BOOLEAN",
  /** A method with `branch_on` returned a value that no route takes. */
  UnroutedBranchValue: "FLOW_UNROUTED_BRANCH_VALUE",
  /** A method failed for good and its `fallback` failed too. */
  FallbackFailed: "FLOW_FALLBACK_FAILED",
  /** More items of a parallel stage failed than its `max_failures` allows. */
  TooManyFailures: "FLOW_TOO_MANY_FAILURES",
  /** A run's journal cannot be opened, read or written (corrupt, locked, read-only, unreachable). */
  JournalUnavailable: "FLOW_JOURNAL_UNAVAILABLE",
  /** A run's journal was written by a newer flowc, in a format this one cannot read. */
  JournalTooNew: "FLOW_JOURNAL_TOO_NEW",
  /** The run to resume is not in the journal. */
  RunNotFound: "FLOW_RUN_NOT_FOUND",
  /** The run to resume is going in another process, which still holds it. */
  RunBusy: "FLOW_RUN_BUSY",
  /** A new run was given the id of a run the journal already has. */
  RunExists: "FLOW_RUN_EXISTS",
  /** A value cannot be stored with the journal's serialisation (the journal then skips that method's calls). */
  NotStorable: "FLOW_NOT_STORABLE",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every runtime error. */
export class FlowError extends Error {
  override readonly name: string = "FlowError";
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** A method failed for good: its last attempt threw, rejected or timed out. */
export class MethodError extends FlowError {
  override readonly name: string = "MethodError";
  /** The method's name in the manifest. */
  readonly method: string;
  /** Index of the failing element in a parallel stage; `undefined` for a single call. */
  readonly item: number | undefined;
  /** Attempts made, the failing one included. */
  readonly attempts: number;
  /** The method's own error (or the `MethodTimeoutError` of its last attempt). */
  declare readonly cause: unknown;

  constructor(method: string, item: number | undefined, attempts: number, cause: unknown) {
    const where = item === undefined ? "" : ` on item ${item}`;
    const times = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
    super(ErrorCode.MethodFailed, `Method '${method}' failed${where} after ${times}: ${describe(cause)}`, { cause });
    this.method = method;
    this.item = item;
    this.attempts = attempts;
  }
}

/** One attempt ran past the method's `timeout`; its signal is aborted with this error. */
export class MethodTimeoutError extends FlowError {
  // The platform's name for a timed-out operation (as `AbortSignal.timeout` uses).
  override readonly name: string = "TimeoutError";
  readonly method: string;
  readonly item: number | undefined;
  readonly timeoutMs: number;

  constructor(method: string, item: number | undefined, timeoutMs: number) {
    super(ErrorCode.MethodTimeout, `timed out after ${timeoutMs} ms`);
    this.method = method;
    this.item = item;
    this.timeoutMs = timeoutMs;
  }
}

/** The run was cancelled through `RunOptions.signal`. */
export class CancelledError extends FlowError {
  // Code that already handles `fetch` cancellations checks `name === "AbortError"`.
  override readonly name: string = "AbortError";
  /** The signal's `reason`. */
  readonly reason: unknown;

  constructor(plan: string, reason: unknown) {
    super(ErrorCode.Cancelled, `Run of '${plan}' was cancelled: ${describe(reason)}`, { cause: reason });
    this.reason = reason;
  }
}

/**
 * Throw this from a method when retrying cannot help (bad input, permission
 * denied): the call fails at once, whatever its `retries`.
 *
 * @example
 * if (!row.id) throw new NonRetryableError(`row ${index} has no id`);
 */
export class NonRetryableError extends FlowError {
  override readonly name: string = "NonRetryableError";
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.NonRetryable, message, options);
  }
}

/** A parallel method's incoming value was not an array. */
export class ParallelInputError extends FlowError {
  override readonly name: string = "ParallelInputError";
  readonly method: string;
  /** What it got instead, e.g. `object`, `string ("abc")`, `null`. */
  readonly received: string;

  constructor(method: string, value: unknown) {
    const received = describeValue(value);
    super(
      ErrorCode.ParallelInputNotArray,
      `Method '${method}' runs in parallel and needs an array as input, but received ${received}.`,
    );
    this.method = method;
    this.received = received;
  }
}

/** The plan cannot run with these methods or options; nothing was called. */
export class PlanError extends FlowError {
  override readonly name: string = "PlanError";
  /** Methods the problem is about (missing ones, or those that need workers at once). */
  readonly methods: readonly string[];

  constructor(code: ErrorCode, message: string, methods: readonly string[] = []) {
    super(code, message);
    this.methods = methods;
  }
}

/** The plan needs more workers at once than the runner allows. */
export class WorkerCapError extends PlanError {
  override readonly name: string = "WorkerCapError";
  /** Workers the named methods need at the same time. */
  readonly required: number;
  /** The runner's `workers` option. */
  readonly allowed: number;

  constructor(message: string, methods: readonly string[], required: number, allowed: number) {
    super(ErrorCode.WorkerCap, message, methods);
    this.required = required;
    this.allowed = allowed;
  }
}

/** The run cannot route a method's value: a predicate's answer, or a branch's discriminant. */
export class RoutingError extends FlowError {
  override readonly name: string = "RoutingError";
  /** The method whose value could not be routed (the one guarded by the predicate, or the one that branches). */
  readonly method: string;
  /** What the value was, e.g. `string ("yes")`. */
  readonly received: string;

  constructor(code: ErrorCode, message: string, method: string, received: string) {
    super(code, message);
    this.method = method;
    this.received = received;
  }
}

/**
 * A method failed for good and so did its `fallback`. Its `cause` is the
 * fallback's error, and `original` the method's own `MethodError`, so that
 * both are in the chain of causes.
 */
export class FallbackFailedError extends FlowError {
  override readonly name: string = "FallbackFailedError";
  readonly method: string;
  readonly fallback: string;
  /** The item of a parallel stage it stands for; `undefined` for a single call. */
  readonly item: number | undefined;
  /** The method's own failure (a `MethodError`), which the fallback stood in for. */
  readonly original: unknown;
  /** The fallback's failure (usually its `MethodError`). */
  declare readonly cause: unknown;

  constructor(method: string, fallback: string, item: number | undefined, original: unknown, cause: unknown) {
    const where = item === undefined ? "" : ` on item ${item}`;
    // The methods' own errors: the MethodErrors around them would say each method's name twice.
    const own = (error: unknown): unknown => (error instanceof MethodError ? error.cause : error);
    super(
      ErrorCode.FallbackFailed,
      `Method '${method}' failed${where}: ${describe(own(original))}; ` +
        `its fallback '${fallback}' failed too: ${describe(own(cause))}`,
      { cause },
    );
    this.method = method;
    this.fallback = fallback;
    this.item = item;
    this.original = original;
  }
}

/** More items of a parallel stage failed than its `max_failures` allows; the `cause` is the first failure. */
export class TooManyFailuresError extends FlowError {
  override readonly name: string = "TooManyFailuresError";
  readonly method: string;
  /** Failed items counted when the stage gave up (items a fallback stood in for included). */
  readonly failed: number;
  /** Items in the stage; `undefined` for a stream whose length was not known when it gave up. */
  readonly items: number | undefined;
  /** The number of failed items the stage tolerates. */
  readonly limit: number;
  declare readonly cause: unknown;

  constructor(
    message: string,
    method: string,
    failed: number,
    items: number | undefined,
    limit: number,
    cause: unknown,
  ) {
    super(ErrorCode.TooManyFailures, message, { cause });
    this.method = method;
    this.failed = failed;
    this.items = items;
    this.limit = limit;
  }
}

/** bullmq: fewer live workers than a method needs served it within `workerWait`; nothing of it ran. */
export class TooFewWorkersError extends PlanError {
  override readonly name: string = "TooFewWorkersError";
  /** Live workers the method needs (its `min_worker_count`; 1 for a single method). */
  readonly required: number;
  /** Live workers that served it when the wait ended. */
  readonly live: number;

  constructor(message: string, method: string, required: number, live: number) {
    super(ErrorCode.TooFewWorkers, message, [method]);
    this.required = required;
    this.live = live;
  }
}

/**
 * threads and bullmq: the workers running some items died (exit, uncaught
 * error, out of memory) too many times. The `cause` of a `MethodError`.
 */
export class WorkerCrashError extends FlowError {
  override readonly name: string = "WorkerCrashError";
  /** The first item the threads were running when they died. */
  readonly item: number;
  /** How many consecutive items were suspect: 1 when the thread is known to have died on `item`. */
  readonly count: number;
  /** How many threads died on them. */
  readonly crashes: number;

  /**
   * `last`: the number of the last suspect item, when the items are not numbered
   * `item … item + count − 1` (a map given only some of a stage's items).
   */
  constructor(item: number, count: number, crashes: number, cause: unknown, last = item + count - 1) {
    const times = crashes === 1 ? "once" : `${crashes} times`;
    const what = count === 1 ? "it" : `items ${item}–${last}`;
    super(ErrorCode.WorkerCrashed, `its worker thread died ${times} while running ${what} (last: ${describe(cause)})`, {
      cause,
    });
    this.item = item;
    this.count = count;
    this.crashes = crashes;
  }
}

/** An input or output of a call cannot be structured-cloned, so it cannot cross to or from a worker thread. */
export class NotCloneableError extends FlowError {
  // The platform's name for this failure (a `DOMException` of `postMessage`).
  override readonly name: string = "DataCloneError";
  /** Where the value sits, e.g. `items[3].callback` or `outputs[3].handle`. */
  readonly path: string;
  /** What it is, e.g. `a function`. */
  readonly what: string;

  constructor(path: string, what: string, direction: "to" | "from") {
    super(
      ErrorCode.NotCloneable,
      `${path} is ${what}, which cannot be ${direction === "to" ? "sent to" : "returned from"} a worker thread ` +
        "(values that cross threads must be structured-cloneable)",
    );
    this.path = path;
    this.what = what;
  }
}

/** A run's journal failed; `location` is the store's (a directory, or Redis with its prefix). */
export class JournalError extends FlowError {
  override readonly name: string = "JournalError";
  readonly location: string;
  constructor(code: ErrorCode, location: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.location = location;
  }
}

/** The run to resume is held by a live process. */
export class RunBusyError extends JournalError {
  override readonly name = "RunBusyError";
  readonly run: string;
  /** `host:pid` of the holder. */
  readonly holder: string;
  constructor(location: string, run: string, holder: string, message: string) {
    super(ErrorCode.RunBusy, location, message);
    this.run = run;
    this.holder = holder;
  }
}

/** bullmq: a payload (job data, a reply, a value in them) that a worker or caller refuses to write or read. */
export class PayloadError extends FlowError {
  override readonly name: string = "PayloadError";
  constructor(message: string) {
    super(ErrorCode.BadPayload, message);
  }
}

/** How a bound reads in a message: `an integer from 1 to 2147483647`, `from 0 to 2147483647 ms`. */
export interface OptionBound {
  readonly min: number;
  /** `Infinity`: no upper bound but finiteness. */
  readonly max: number;
  readonly integer: boolean;
  /** Set for durations, which are timers: a longer one overflows and fires at once. */
  readonly unit?: "ms" | undefined;
  /** What the lower bound is, when another option sets it (`baseMs`). */
  readonly minName?: string | undefined;
}

function bound(b: OptionBound): string {
  const unit = b.unit === undefined ? "" : ` ${b.unit}`;
  const min = b.minName === undefined ? String(b.min) : `${b.minName} (${b.min})`;
  const range = b.max === Infinity ? `≥ ${min}${unit}` : `from ${min} to ${b.max}${unit}`;
  const timer = b.unit === "ms" && b.max === MAX_TIMER_MS ? " (the longest delay Node's timers honour)" : "";
  return `${b.integer ? "an integer " : ""}${range}${timer}`;
}

/** A duration for a message: `1 s`, `0.5 s`. */
export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return count === 1 ? one : many;
}

/**
 * The factories every module throws through: one per failure, each with its
 * code and its words. Arguments are the facts; the message is made here.
 */
export const errors = {
  // ---- Plans and options (PlanError: nothing ran) ----

  /** A plan descriptor contradicts itself (`detail` says how, in the validator's words). */
  invalidPlan: (plan: string, detail: string, methods: readonly string[] = []): PlanError =>
    new PlanError(ErrorCode.InvalidPlan, `Plan '${plan}' is invalid: ${detail}.`, methods),

  /** bullmq: the plan was not built for JSON transport. */
  notJsonChecked: (plan: string): PlanError =>
    new PlanError(
      ErrorCode.InvalidPlan,
      `Plan '${plan}' cannot run on the bullmq backend: it was not checked for JSON transport, ` +
        `and every value between its methods crosses processes as JSON. Rebuild it with 'flowc build --backend bullmq'.`,
    ),

  /** An option is out of its bounds. `owner` names whose option: `Runner`, `threads()`, `bullmq()`, `Worker`. */
  optionOutOfRange: (owner: string, name: string, value: unknown, limits: OptionBound): PlanError =>
    new PlanError(
      ErrorCode.InvalidOption,
      `${owner} option '${name}' must be ${bound(limits)}, got ${String(value)}${limits.unit === "ms" && typeof value === "number" ? " ms" : ""}.`,
    ),

  /** bullmq: a key prefix that is empty or holds ':'. */
  badPrefix: (owner: string, prefix: string): PlanError =>
    new PlanError(ErrorCode.InvalidOption, `${owner} option 'prefix' must be non-empty without ':', got '${prefix}'.`),

  /** bullmq: a Redis URL that cannot be used (`redacted`: without its password). */
  badRedisUrl: (redacted: string, problem: "not-a-url" | "protocol" | "database", database = ""): PlanError =>
    new PlanError(
      ErrorCode.InvalidOption,
      `Redis connection '${redacted}' ` +
        (problem === "not-a-url"
          ? "is not a URL; expected redis://host:port."
          : problem === "protocol"
            ? "must start with redis:// or rediss://."
            : `names database '${database}'.`),
    ),

  /** `backend` names no backend. */
  unknownBackend: (name: string, known: readonly string[]): PlanError =>
    new PlanError(ErrorCode.InvalidOption, `Unknown backend '${name}'; known: ${known.join(", ")}.`),

  /** A worker's `methods` option names methods the plan lacks. */
  unknownMethods: (plan: string, names: readonly string[]): PlanError =>
    new PlanError(
      ErrorCode.InvalidOption,
      `createWorker() option 'methods' names ${names.map((name) => `'${name}'`).join(", ")}, which plan '${plan}' lacks.`,
    ),

  /** The method table lacks functions the plan names. */
  missingMethods: (
    plan: string,
    missing: readonly { readonly name: string; readonly exportName: string; readonly module: string }[],
    available: readonly string[],
  ): PlanError =>
    new PlanError(
      ErrorCode.MissingMethod,
      `Plan '${plan}' needs ${plural(missing.length, "a method", "methods")} the method table does not provide: ` +
        `${missing.map((m) => `'${m.name}' (export '${m.exportName}' of '${m.module}')`).join(", ")}. ` +
        `Provided: ${available.length === 0 ? "none" : available.join(", ")}.`,
      missing.map((m) => m.name),
    ),

  /** Modules that `importer` (worker threads, a worker process) cannot locate; `problems` say what was tried. */
  modulesNotFound: (importer: string, problems: readonly string[], methods: readonly string[]): PlanError =>
    new PlanError(
      ErrorCode.MissingMethod,
      `${importer} cannot import ${problems.join("; ")}. Pass each module's file URL in the runner option ` +
        `'modules', keyed by the plan's module specifier, or run in this thread with backend: "inline".`,
      methods,
    ),

  /** No module URL is known for a method. */
  noModule: (method: string): PlanError =>
    new PlanError(ErrorCode.MissingMethod, `No module is known for method '${method}'.`, [method]),

  /** A method's module does not export its function. */
  notAFunction: (method: string, exportName: string, where: string): PlanError =>
    new PlanError(ErrorCode.MissingMethod, `Method '${method}': ${where} exports no function '${exportName}'.`, [
      method,
    ]),

  /** What a worker thread says when the export it loads is not a function (`found`), in the list of `threadsCannotLoad`. */
  notAnExportedFunction: (exportName: string, where: string, found: unknown): PlanError =>
    new PlanError(
      ErrorCode.MissingMethod,
      `'${exportName}' is not a function exported by ${where}: ` +
        (found === undefined ? "it has no such export" : `it is ${typeof found}`),
    ),

  /** Worker threads cannot load methods; `details` name each with its module and reason. */
  threadsCannotLoad: (details: readonly string[], methods: readonly string[]): PlanError =>
    new PlanError(
      ErrorCode.MissingMethod,
      `Worker threads cannot load ${plural(details.length, "method")} ${details.join(", ")}.`,
      methods,
    ),

  /** A worker thread died while it loaded the methods. */
  threadDiedLoading: (plan: string, cause: unknown): PlanError =>
    new PlanError(
      ErrorCode.MissingMethod,
      `A worker thread died while loading the methods of plan '${plan}': ${describe(cause)}`,
    ),

  /** bullmq: a worker process's threads for timed calls cannot load the methods (`detail`: why, or how a thread ended). */
  callThreadsCannotLoad: (detail: string): PlanError =>
    new PlanError(ErrorCode.MissingMethod, `A worker thread cannot load the methods: ${detail}`),

  /** The plan needs more workers at once than `workers` allows; `message` is the compiler's (DemandMessages). */
  workerCap: (message: string, methods: readonly string[], required: number, allowed: number): WorkerCapError =>
    new WorkerCapError(message, methods, required, allowed),

  /** threads: the plan needs more threads than the machine's bound (`what` says who needs how many). */
  tooManyThreads: (
    plan: string,
    what: string,
    threads: number,
    reason: string,
    methods: readonly string[],
  ): PlanError =>
    new PlanError(
      ErrorCode.TooManyThreads,
      `Plan '${plan}': ${what}, more than the threads backend runs at once: ${threads} (${reason}). ` +
        "Lower min_worker_count.",
      methods,
    ),

  /** bullmq: fewer than `required` live workers served `method` within `waitedMs` (workerWait). */
  tooFewWorkers: (
    plan: string,
    method: { readonly name: string; readonly mode: string },
    required: number,
    live: number,
    waitedMs: number,
    where: string,
  ): TooFewWorkersError => {
    const waited = `after waiting ${seconds(waitedMs)} (workerWait)`;
    const serve = `${live === 0 ? "no worker serves" : live === 1 ? "only 1 worker serves" : `only ${live} workers serve`} it`;
    const message =
      method.mode === "parallel"
        ? `Parallel method '${method.name}' needs ${required} live workers (min_worker_count: ${required}), but ${serve} ${waited}. ` +
          `Start more with 'flowc worker' for plan '${plan}' on Redis ${where}, or lower min_worker_count.`
        : `Method '${method.name}' has no live worker: ${serve} ${waited}. ` +
          `Start one with 'flowc worker' for plan '${plan}' on Redis ${where}.`;
    return new TooFewWorkersError(message, method.name, required, live);
  },

  // ---- Runners and connections ----

  /** `run` after `close`. */
  runnerClosed: (plan: string): FlowError =>
    new FlowError(ErrorCode.RunnerClosed, `The runner of plan '${plan}' is closed.`),

  /** The runner was closed while a run (or `method` of it) was in flight. */
  closedDuringRun: (plan: string, method?: string): FlowError =>
    new FlowError(
      ErrorCode.RunnerClosed,
      method === undefined
        ? `The runner of plan '${plan}' was closed during the run.`
        : `The runner of plan '${plan}' was closed while method '${method}' was running.`,
    ),

  /** bullmq: Redis at `where` did not answer within `waitedMs` (connectionWait); `detail` is its last word. */
  redisUnreachable: (where: string, detail: string, waitedMs: number): FlowError =>
    new FlowError(
      ErrorCode.ConnectionFailed,
      `The bullmq backend cannot reach Redis at ${where} (${detail}) within ${seconds(waitedMs)} (connectionWait).`,
    ),

  /** bullmq: the connection to Redis at `where` stayed down for more than `waitedMs` (connectionWait). */
  connectionLost: (where: string, waitedMs: number): FlowError =>
    new FlowError(
      ErrorCode.ConnectionLost,
      `lost the connection to Redis at ${where} for more than ${seconds(waitedMs)} (connectionWait)`,
    ),

  /** bullmq: a worker was closed before Redis first answered it. */
  workerClosedBeforeStart: (): FlowError =>
    new FlowError(ErrorCode.WorkerClosed, "the worker was closed before Redis answered"),

  /** bullmq: no live worker has served `method` for `waitedMs`; `gone` names those that were seen. */
  workersGone: (
    plan: string,
    method: string,
    gone: readonly { readonly id: string; readonly left: boolean }[],
    waitedMs: number,
    where: string,
  ): FlowError => {
    const who =
      gone.length === 0
        ? "none of them was known to this caller"
        : `gone: ${gone.map((w) => `${w.id} (${w.left ? "left" : "stopped responding"})`).join(", ")}`;
    return new FlowError(
      ErrorCode.WorkersGone,
      `Method '${method}' lost every worker that served it: no live worker has served it for ` +
        `${seconds(waitedMs)} (workerWait); ${who}. Its shards still queued will not run: ` +
        `start workers with 'flowc worker' for plan '${plan}' on Redis ${where} and run again.`,
    );
  },

  /** bullmq: Redis lost `what` (a key of the run) while the call of `method` ran. */
  runStateLost: (where: string, method: string, what: string): FlowError =>
    new FlowError(
      ErrorCode.RunStateLost,
      `Redis at ${where} lost the state of the call of '${method}' while it ran: ${what} ` +
        `is gone. Its keys were flushed or evicted, or Redis failed over to an empty replica ` +
        `(give it maxmemory-policy noeviction, and persistence); the call cannot complete.`,
    ),

  // ---- Routing and recovery (the run fails with these) ----

  /** `predicate` (the `run_if` of `method`) returned `value`, which is no boolean. */
  predicateNotBoolean: (method: string, predicate: string, value: unknown): RoutingError => {
    const received = describeValue(value);
    return new RoutingError(
      ErrorCode.PredicateNotBoolean,
      `Predicate '${predicate}' (run_if of '${method}') must return true or false, but returned ${received}.`,
      method,
      received,
    );
  },

  /** `method` branches on `property` of its output, which held `value` that no route takes (or was no object). */
  unroutedBranchValue: (method: string, property: string, output: unknown, value: unknown): RoutingError => {
    const isObject = typeof output === "object" && output !== null;
    const received = isObject ? describeValue(value) : describeValue(output);
    return new RoutingError(
      ErrorCode.UnroutedBranchValue,
      isObject
        ? `Method '${method}' branches on '${property}', but its output has '${property}' = ${received}, which no successor takes.`
        : `Method '${method}' branches on '${property}', but its output is ${received}, not an object.`,
      method,
      received,
    );
  },

  /** `fallback` failed (`cause`) where it stood in for `method`, which failed with `original`. */
  fallbackFailed: (
    method: string,
    fallback: string,
    item: number | undefined,
    original: unknown,
    cause: unknown,
  ): FallbackFailedError => new FallbackFailedError(method, fallback, item, original, cause),

  /** `failed` items of `method`'s stage of `items` failed, more than `limit` (`max_failures`, as written: `wrote`). */
  tooManyFailures: (
    method: string,
    failed: number,
    items: number | undefined,
    limit: number,
    wrote: string,
    cause: unknown,
  ): TooManyFailuresError =>
    new TooManyFailuresError(
      `Method '${method}': ${failed} ${plural(failed, "item")} ` +
        `${items === undefined ? "" : `of ${items} `}failed, more than max_failures allows ` +
        `(${wrote}: at most ${limit}); first: ${describe(cause)}`,
      method,
      failed,
      items,
      limit,
      cause,
    ),

  // ---- Calls (causes of a MethodError) ----

  /** bullmq: a payload refused for `detail`. */
  badPayload: (detail: string): PayloadError => new PayloadError(detail),

  /** bullmq: an input cannot be sent to a worker. */
  inputNotSendable: (cause: unknown): PayloadError => new PayloadError(`its input cannot be sent: ${describe(cause)}`),

  /** bullmq: an output cannot be sent back; retrying would return the same, so it is not retried. */
  outputNotSendable: (cause: unknown): NonRetryableError =>
    new NonRetryableError(`its output cannot be sent: ${describe(cause)}`),

  /** bullmq: a job refused before anything of it ran. */
  jobRefused: (job: string, queue: string, cause: unknown): PayloadError =>
    new PayloadError(`Job ${job} in queue '${queue}' refused: ${describe(cause)}`),

  /** bullmq: a shard's result lacks an item's output (only a job altered in Redis leaves one out). */
  resultIncomplete: (shard: number, item: number): PayloadError =>
    new PayloadError(`the result of shard ${shard} lacks the output of item ${item}, which no attempt sent`),

  /** bullmq: BullMQ failed a job after it stalled more than `maxStalls` times. */
  jobStalled: (shard: number, items: string, stalls: number, maxStalls: number, method: string): FlowError =>
    new FlowError(
      ErrorCode.JobFailed,
      `the job of shard ${shard}${items} stalled ${stalls} times on workers that stopped responding ` +
        `(maxStalls: ${maxStalls}); a call that never yields blocks its worker: ` +
        `give '${method}' a timeout, so that such a call can be stopped`,
    ),

  /** bullmq: BullMQ failed a job for a reason of its own (`reason`, its words). */
  jobFailed: (method: string, shard: number, items: string, reason: string): FlowError =>
    new FlowError(ErrorCode.JobFailed, `${method} shard ${shard}${items}: ${reason}`),

  /** threads, bullmq: threads died `crashes` times on `count` items from `item` (to `last`, when not `item + count − 1`). */
  workerCrash: (item: number, count: number, crashes: number, cause: unknown, last?: number): WorkerCrashError =>
    new WorkerCrashError(item, count, crashes, cause, last),

  /** bullmq: the worker thread running a call stopped with `exitCode`. */
  callThreadExited: (exitCode: number): FlowError =>
    new FlowError(ErrorCode.WorkerCrashed, `the worker thread running it stopped (exit code ${exitCode})`),

  /** threads: a value at `path` cannot cross to or from a worker thread. */
  notCloneable: (path: string, what: string, direction: "to" | "from"): NotCloneableError =>
    new NotCloneableError(path, what, direction),

  // ---- Journals (JournalError: the run's journal, not a method, failed) ----

  /** A journal that cannot be opened, read or written; `what` says which and why, in a few words. */
  journalUnavailable: (location: string, what: string, cause?: unknown): JournalError =>
    new JournalError(
      ErrorCode.JournalUnavailable,
      location,
      `The run journal at ${location} ${what}${cause === undefined ? "" : `: ${describe(cause)}`}.`,
      cause === undefined ? undefined : { cause },
    ),

  /** A journal written in format `found`, newer than `supported`. */
  journalTooNew: (location: string, found: number, supported: number): JournalError =>
    new JournalError(
      ErrorCode.JournalTooNew,
      location,
      `The run journal at ${location} has format ${found}, newer than this flowc reads (${supported}); ` +
        `use a newer flowc, or another journal directory.`,
    ),

  /** `resume` names a run the journal does not have. */
  runNotFound: (location: string, run: string): JournalError =>
    new JournalError(
      ErrorCode.RunNotFound,
      location,
      `No run '${run}' in the run journal at ${location}; 'flowc runs' lists the runs it has.`,
    ),

  /** `resume` names a run of another plan. */
  runOfOtherPlan: (location: string, run: string, runPlan: string, plan: string): JournalError =>
    new JournalError(
      ErrorCode.RunNotFound,
      location,
      `Run '${run}' in the run journal at ${location} is a run of '${runPlan}', not of '${plan}'.`,
    ),

  /** A `journalId` that cannot name a run. */
  badJournalId: (id: string): PlanError =>
    new PlanError(
      ErrorCode.InvalidOption,
      `Run option 'journalId' must be 1 to 128 letters, digits, '_', '-' or '.', got '${id}'.`,
    ),

  /** `resume` names a run another live process holds. */
  runBusy: (location: string, run: string, holder: string, since: number): RunBusyError =>
    new RunBusyError(
      location,
      run,
      holder,
      `Run '${run}' is going in another process (${holder}, since ${new Date(since).toISOString()}); ` +
        `it can be resumed once that process has ended.`,
    ),

  /** A new run was given an id the journal holds. */
  runExists: (location: string, run: string): JournalError =>
    new JournalError(
      ErrorCode.RunExists,
      location,
      `The run journal at ${location} already has a run '${run}'; resume it, or give the new run another id.`,
    ),

  /** A value the journal's serialisation cannot carry. */
  notStorable: (location: string, method: string, encoding: "clone" | "json", cause: unknown): JournalError =>
    new JournalError(
      ErrorCode.NotStorable,
      location,
      `An output of '${method}' cannot be stored in the run journal at ${location} ` +
        `(${encoding === "json" ? "as JSON" : "by structured cloning"}): ${describe(cause)}.`,
      { cause },
    ),

  /** The reason a worker's calls of a run are aborted when the caller sent none. */
  cancelledWithoutReason: (plan: string): CancelledError => new CancelledError(plan, "its caller gave no reason"),

  /** threads: the reason the calls of a run still on a thread are aborted once one of its items failed there. */
  runFailedOnItem: (item: number | undefined): FlowError =>
    new FlowError(ErrorCode.Cancelled, `the run failed on item ${item ?? "?"}`),
} as const;

/** Whether retrying `error` is pointless; also recognises clones that crossed a thread. */
export function isNonRetryable(error: unknown): boolean {
  return error instanceof NonRetryableError || hasCode(error, ErrorCode.NonRetryable);
}

/** Whether `error` is a cancellation of a run (a `CancelledError` or its clone). */
export function isCancelled(error: unknown): boolean {
  return error instanceof CancelledError || hasCode(error, ErrorCode.Cancelled);
}

function hasCode(error: unknown, code: ErrorCode): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

/** The message of an error, or a readable rendering of any other thrown value. */
export function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.message === "" ? reason.name : reason.message;
  if (typeof reason === "string") return reason;
  return describeValue(reason);
}

/** A short, bounded description of a value's kind for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case "string":
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case "number":
    case "bigint":
    case "boolean":
      return `${typeof value} ${String(value)}`;
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default: {
      const constructor = (value as { constructor?: { name?: unknown } }).constructor;
      const name = typeof constructor?.name === "string" ? constructor.name : "";
      return name === "" || name === "Object" ? "an object" : `a ${name}`;
    }
  }
}

/**
 * The result of an item that failed for good in a map that tolerates failures
 * (`MapOptions.tolerate`): the scheduler decides what becomes of it (`on_error`,
 * `fallback`, `max_failures`). Never seen outside the runtime.
 */
export class ItemFailure {
  readonly error: MethodError;
  /**
   * The item's input, for a `fallback`, when the map read it from a stream the scheduler
   * cannot index; `undefined` when the map was given an array.
   */
  readonly input: unknown;

  constructor(error: MethodError, input?: unknown) {
    this.error = error;
    this.input = input;
  }
}
