/**
 * Every error the runtime produces, with one code table shared by all
 * backends, so that a failure reads the same whichever backend ran it.
 * Codes survive structured cloning (across threads) where classes do not;
 * compare `error.code`, or use the `is…` guards below, rather than `instanceof`
 * when an error may have crossed a thread or process.
 */

/** Stable error codes (an erasable alternative to a TypeScript `enum`). */
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
  /** The method table lacks a method the plan names. */
  MissingMethod: "FLOW_MISSING_METHOD",
  /** The plan needs more workers at once than the runner allows. */
  WorkerCap: "FLOW_WORKER_CAP",
  /** The plan descriptor is inconsistent (hand-written or corrupted). */
  InvalidPlan: "FLOW_INVALID_PLAN",
  /** A runner option is out of bounds. */
  InvalidOption: "FLOW_INVALID_OPTION",
  /** `run` was called after `close`. */
  RunnerClosed: "FLOW_RUNNER_CLOSED",
  /** Worker threads died too many times on the same items (the `cause` of a `MethodError`). */
  WorkerCrashed: "FLOW_WORKER_CRASHED",
  /** A value could not be structured-cloned to or from a worker thread (the `cause` of a `MethodError`). */
  NotCloneable: "FLOW_NOT_CLONEABLE",
  /** The plan needs more worker threads at once than the machine's bound for the `threads` backend. */
  TooManyThreads: "FLOW_TOO_MANY_THREADS",
  /** bullmq: every worker that served a method in flight left or stopped responding for longer than `workerWait`. */
  WorkersGone: "FLOW_WORKERS_GONE",
  /** bullmq: Redis lost keys of a run in flight (flushed, evicted, or a failover to an empty replica). */
  RunStateLost: "FLOW_RUN_STATE_LOST",
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
