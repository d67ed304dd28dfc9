/**
 * The public contract of `flowc/runtime` that generated runners are written
 * against. The implementation lives beside this file; this module holds only
 * types so that the compiler's emitter and the runtime agree on one surface.
 */
import type { PlanDescriptor } from "./plan.js";

/** What a method receives as its optional second parameter. */
export interface RunContext {
  /** Aborted when the run is cancelled, fails elsewhere, or this call times out. */
  readonly signal: AbortSignal;
  /** 1 for the first call, 2 for the first retry, and so on. */
  readonly attempt: number;
  /** The method's name in the manifest. */
  readonly method: string;
  /** Index of the element being processed in a parallel stage; `undefined` otherwise. */
  readonly item: number | undefined;
}

/**
 * Any function can be a method: its first parameter is its input, its awaited
 * return value its output; a second parameter receives the {@link RunContext}.
 */
// `never` parameters make every function assignable here, whatever it accepts.
export type AnyMethod = (...args: never[]) => unknown;

/** The methods of a plan, keyed by their manifest names. */
export type MethodTable = Readonly<Record<string, AnyMethod>>;

/** A method's input type: its first parameter. */
export type MethodInput<F extends AnyMethod> = Parameters<F> extends [] ? void : Parameters<F>[0];

/** A method's output type: its awaited return value. */
export type MethodOutput<F extends AnyMethod> = Awaited<ReturnType<F>>;

/**
 * Compile-time proof that a value of type `From` fits a parameter of type `To`.
 * Generated runners list one `Fits<…>` per edge, so the user's own `tsc`
 * re-checks every edge after a method's signature changes.
 */
export type Fits<From extends To, To> = [From, To];

/** Per-run options. */
export interface RunOptions {
  /** Cancels the run: in-flight calls see their `signal` aborted and the run rejects. */
  readonly signal?: AbortSignal;
  /** Receives every event of this run (in addition to the runner's `onEvent`). */
  readonly onEvent?: (event: FlowEvent) => void;
}

/** Options of a runner; they apply to every run it makes. */
export interface RunnerOptions {
  /**
   * Where methods execute. Default: `inline` (in this thread).
   * @default "inline"
   */
  readonly backend?: Backend | BackendName;
  /**
   * Upper bound on workers (concurrency slots) the backend may use at once.
   * A plan whose stages need more at the same time is refused when the run starts.
   * @default the plan's peak demand
   */
  readonly workers?: number;
  /** Receives every event of every run. */
  readonly onEvent?: (event: FlowEvent) => void;
}

export type BackendName = "inline";

export interface Runner<I, O> {
  readonly plan: PlanDescriptor;
  run(input: I, options?: RunOptions): Promise<O>;
  /** Releases the backend's resources (threads, connections). Idempotent. */
  close(): Promise<void>;
}

/** Events every backend emits, in order, for observability. */
export type FlowEvent =
  | { readonly type: "run:start"; readonly runId: string; readonly time: number }
  | { readonly type: "run:end"; readonly runId: string; readonly time: number; readonly ok: boolean }
  | { readonly type: "method:start"; readonly runId: string; readonly time: number; readonly method: string; readonly items: number | undefined }
  | { readonly type: "method:end"; readonly runId: string; readonly time: number; readonly method: string; readonly ok: boolean }
  | {
      readonly type: "call:retry";
      readonly runId: string;
      readonly time: number;
      readonly method: string;
      readonly item: number | undefined;
      readonly attempt: number;
      readonly error: unknown;
    }
  | {
      readonly type: "call:fail";
      readonly runId: string;
      readonly time: number;
      readonly method: string;
      readonly item: number | undefined;
      readonly error: unknown;
    };

/**
 * The one contract every backend implements. The scheduler (stdlib/scheduler.ts)
 * decides *when* a method runs; a backend decides *where*.
 */
export interface Backend {
  readonly name: string;
  /** Prepares to execute `plan`; called once per runner before its first run. */
  open(plan: PlanDescriptor, methods: MethodTable, options: BackendOpenOptions): Promise<BackendSession> | BackendSession;
}

export interface BackendOpenOptions {
  /** Concurrency limit the backend must honour (already validated against the plan). */
  readonly workers: number;
}

export interface BackendSession {
  /** Calls `method` once with `input` (retries and timeout included). */
  call(method: string, input: unknown, run: CallScope): Promise<unknown>;
  /** Applies parallel `method` to every item; results in input order. */
  map(method: string, items: readonly unknown[], run: CallScope): Promise<unknown[]>;
  close(): Promise<void>;
}

/** What a backend needs to know about the run a call belongs to. */
export interface CallScope {
  readonly runId: string;
  readonly signal: AbortSignal;
  readonly emit: (event: FlowEvent) => void;
}
