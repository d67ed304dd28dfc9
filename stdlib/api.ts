/**
 * The public contract of `flowc/runtime` that generated runners are written
 * against. The implementation lives beside this file; this module holds only
 * types so that the compiler's emitter and the runtime agree on one surface.
 *
 * Longer than most files: it is the whole public surface, documented where it is
 * declared (options, events, the backend contract), so that editors show it.
 */
import type { PlanDescriptor, PlanMethod } from "./plan.js";
import type { RunStore } from "./journal/store.js";

export type { PlanDescriptor } from "./plan.js";

/**
 * What a method receives as its optional second parameter. A method that
 * declares that parameter gets a context of its own for every call; one that
 * reaches it otherwise (a rest parameter, `arguments`, a wrapper around it) may
 * get, in runs that nothing can cancel, one context that all its calls share:
 * frozen, with the same values, and a signal that never aborts, made anew on
 * each read.
 */
export interface RunContext {
  /**
   * Aborted when the run is cancelled, fails elsewhere, or this call times out.
   * Its `reason` says which. The signal is created on first access, so methods
   * that never read it cost nothing; read it as `ctx.signal` (spreading the
   * context does not copy it).
   */
  readonly signal: AbortSignal;
  /** 1 for the first call, 2 for the first retry, and so on. */
  readonly attempt: number;
  /** The method's name in the manifest. */
  readonly method: string;
  /** Index of the element being processed in a parallel stage; `undefined` otherwise. */
  readonly item: number | undefined;
  /**
   * In a call of a `fallback`: the error of the method it stands in for (that method's own
   * error, after its retries; on backends that move calls between threads or processes, as
   * it arrived). `undefined` in every other call.
   */
  readonly error?: unknown;
}

/** The error of a failed item in a `Settled` record: what survives any transport. */
export interface SettledError {
  readonly name: string;
  readonly message: string;
  /** The error's own `code`, when it has a string one (flowc's errors always do). */
  readonly code?: string | undefined;
}

/**
 * One item's result in the output of a parallel method with `on_error: settle`: its
 * output, or why it failed after its retries (and its fallback, if it has one). The
 * output is an array of these in input order.
 */
export type Settled<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SettledError };

/**
 * The members of the union `T` that a successor of `branch_on: K` may receive: those
 * whose `K` can be one of the values `V` routed to it. Generated runners type a branch's
 * edges with it.
 */
export type Routed<T, K extends PropertyKey, V> = T extends unknown
  ? T extends Readonly<Record<K, infer D>>
    ? [Extract<D, V>] extends [never]
      ? never
      : T
    : never
  : never;

/**
 * The values the discriminant `K` takes over the members of `T`. Generated runners prove
 * with it that a branch routes every value its output can have.
 */
export type Discriminant<T, K extends PropertyKey> = T extends Readonly<Record<K, infer D>> ? D : never;

/**
 * What a method that takes the run's input beside other inputs needs of it: the type of
 * the `"@input"` member of its parameter (`unknown` when it has none).
 */
export type RunInputPart<T> = T extends { readonly "@input"?: infer R } ? R : unknown;

/** Why a method was skipped (`method:skip`). */
export type SkipReason =
  /** Its `run_if` predicate returned `false`. */
  | "predicate"
  /** The method before it `branch_on` a value routed elsewhere. */
  | "branch"
  /** An input it cannot do without was skipped. */
  | "upstream"
  /** Its call failed for good and it says `on_error: skip`. */
  | "error";

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
 * What a parallel method may receive: an array of its input, or an iterable or async
 * iterable object of it (a generator, a `Set`, a stream), which the runtime reads a
 * bounded number of items at a time. Not a string: its characters are no list of items.
 */
// The runtime calls `next()` without an argument and ignores what the iterator returns at the end.
export type Items<T> =
  readonly T[] | (Iterable<T, unknown, undefined> & object) | (AsyncIterable<T, unknown, undefined> & object);

/** What one call of a parallel method receives from `I`: an element of the array, or what the iterable yields. */
export type Item<I> = I extends readonly (infer E)[]
  ? E
  : I extends AsyncIterable<infer E>
    ? E
    : I extends Iterable<infer E>
      ? E
      : never;

/**
 * Compile-time proof that a value of type `From` fits a parameter of type `To`.
 * Generated runners list one `Fits<…>` per edge, so the user's own `tsc`
 * re-checks every edge after a method's signature changes.
 */
export type Fits<From extends To, To> = [From, To];

/** Per-run options. */
export interface RunOptions {
  /**
   * Cancels the run: in-flight calls see their `signal` aborted and the run
   * rejects at once with a `CancelledError` (`name === "AbortError"`) whose
   * `reason` is the signal's reason. An already aborted signal calls no method.
   */
  readonly signal?: AbortSignal | undefined;
  /** Receives every event of this run (in addition to the runner's `onEvent`). */
  readonly onEvent?: ((event: FlowEvent) => void) | undefined;
  /**
   * Path of a Chrome Trace Event Format file to write when the run settles,
   * succeeded or failed (open it in Perfetto or `chrome://tracing`): a track
   * for the run and its stages, one per worker with a slice for each shard it
   * ran, and marks for retries and failures. The run's promise settles once
   * the file is written; a run that succeeded rejects with the write's error
   * if the file cannot be written. Only this run's events are recorded. To
   * keep the trace in memory instead, pass `createTraceRecorder().onEvent` as
   * `onEvent`. Example: `{ trace: "run.trace.json" }`.
   * @default undefined (no trace)
   */
  readonly trace?: string | undefined;
  /**
   * With a runner `store`: reuse the outputs the journal holds instead of making those calls
   * again. A run id continues that run (its journal record; pass the same input, which
   * `store.run(id)` holds); `true` starts a new run that reuses every call whose key is
   * stored, whichever run stored it. A run being resumed by another process at the same time
   * is refused with a `RunBusyError`.
   * @default undefined (a new run that reuses nothing)
   */
  readonly resume?: string | true | undefined;
  /**
   * With a runner `store`: the id of the new run's journal record (letters, digits, `_`, `-`
   * and `.`); `run:start` reports it as `journal`. Ignored with `resume: id`.
   * @default a new id
   */
  readonly journalId?: string | undefined;
}

/** How long to wait before retrying a failed call. */
export interface RetryBackoff {
  /**
   * Delay before the first retry, in milliseconds; it doubles with every
   * further retry. Each delay is drawn between half and all of its nominal
   * value ("equal jitter"), so failed calls of one stage do not retry in step.
   * Bounds: ≥ 0. Example: `{ baseMs: 1 }` in tests.
   * @default 25
   */
  readonly baseMs?: number | undefined;
  /**
   * Cap on a single delay, in milliseconds. Bounds: ≥ `baseMs`.
   * @default 2000
   */
  readonly maxMs?: number | undefined;
}

/** {@link RetryBackoff} with every default applied. */
export interface BackoffSettings {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Options of a runner; they apply to every run it makes. */
export interface RunnerOptions {
  /**
   * Where methods execute: `"inline"` (in this thread), `"threads"` (parallel
   * methods on a pool of worker threads, see `threads()`), or a backend object
   * such as `threads({ maxThreads: 4 })`.
   *
   * When not given: `"threads"` if the plan has a parallel method and the
   * runner can tell where the methods' modules are (`modules` or `moduleBase`
   * is given, as generated runners do), since worker threads must import the
   * methods themselves; `"inline"` otherwise.
   * @default "inline", or "threads" as described
   */
  readonly backend?: Backend | BackendName | undefined;
  /**
   * Upper bound on workers (concurrency slots) one run may use at once.
   * A run whose plan needs more at the same time (the largest total of
   * `min_worker_count` over methods that can run simultaneously) is refused
   * when it starts; slots above that need let parallel methods scale out up to
   * their `max_worker_count`. Bounds: integer ≥ 1. Example: `{ workers: 8 }`.
   * @default the plan's peak demand; with the `threads` backend, at least the number of CPU cores
   */
  readonly workers?: number | undefined;
  /** Delays between retries of a failed call. */
  readonly retryBackoff?: RetryBackoff | undefined;
  /**
   * URL the plan's relative `module` paths resolve against, e.g.
   * `new URL(".", import.meta.url)` next to the manifest. Only backends that
   * load methods themselves (in another thread or process) need it.
   * @default undefined
   */
  readonly moduleBase?: string | URL | undefined;
  /**
   * Where each of the plan's modules is, as the caller resolved it: the plan's
   * `module` specifier exactly as written in the plan (`"./etl.methods"`) →
   * the module's absolute file URL (or absolute path). Backends that load the
   * methods themselves in another thread use it first, then fall back to
   * resolving the specifier against `moduleBase`, trying the extensions `.ts`,
   * `.mts`, `.js`, `.mjs`, then `/index.ts` and `/index.js`.
   *
   * @example
   * { modules: { "./etl.methods": new URL("./etl.methods.ts", import.meta.url) } }
   * @default undefined
   */
  readonly modules?: Readonly<Record<string, string | URL>> | undefined;
  /** Receives every event of every run. */
  readonly onEvent?: ((event: FlowEvent) => void) | undefined;
  /**
   * Where runs are journaled (see README, "Resuming a run"): every call that completes is
   * stored under a key of the method's code and its input, so that a run given
   * `RunOptions.resume` makes no call whose output is stored already. `sqliteStore(dir)`
   * keeps the journal in an embedded database, `redisStore(…)` in Redis; without a store
   * nothing is journaled.
   * @default undefined (no journal)
   */
  readonly store?: RunStore | undefined;
}

export type BackendName = "inline" | "threads";

export interface Runner<I, O> {
  readonly plan: PlanDescriptor;
  run(input: I, options?: RunOptions): Promise<O>;
  /** Releases the backend's resources (threads, connections). Idempotent; later runs reject. */
  close(): Promise<void>;
}

interface EventBase {
  readonly runId: string;
  /**
   * When the event happened, in milliseconds since the Unix epoch (as
   * `Date.now()`), with sub-millisecond precision.
   */
  readonly time: number;
}

/**
 * Events every backend emits, in order, for observability: `run:start`, then
 * for each method `method:start` … `method:end` (with any `call:retry`,
 * `call:fail` and `call:fallback` of its calls in between, and a parallel
 * stage's `items:tolerated` just before its `method:end`), then `run:end`,
 * always last. A method that does not run gets a `method:skip` instead: alone
 * when it never started, in place of its `method:end` when its call failed
 * and it says `on_error: skip`. When a run fails or is cancelled, every
 * method still in flight gets its `method:end` with `ok: false` before
 * `run:end`; nothing is emitted after. Events are only built when someone
 * listens.
 *
 * Calls run in shards (`shard:start` … `shard:end`, a batch of consecutive
 * items of a parallel method, or a single method's one call) on workers. Each
 * run's stream names a worker in `worker:up` before its first shard on it:
 * workers that start while the run is going are announced as they start, and
 * workers that were already up are announced when the run first uses them.
 * Worker 0 is always the calling thread; with the `threads` backend other
 * workers are numbered by their thread id, with `inline` they are the lanes of
 * a parallel stage. A `worker:down` is reported to the runs going when the
 * worker stops, or to a run that had announced it when that run next starts a
 * stage; a worker that outlives a run gets none in it.
 */
export type FlowEvent =
  | (EventBase & {
      readonly type: "run:start";
      /** The id of the run's journal record (what `resume` takes), when the runner has a `store`. */
      readonly journal?: string | undefined;
    })
  | (EventBase & {
      /**
       * The journal could not store a method's outputs (`FLOW_NOT_STORABLE`): its calls in this run
       * are not stored, so a resume makes them again. Once per method and run.
       */
      readonly type: "journal:warning";
      readonly method: string;
      readonly error: unknown;
    })
  | (EventBase & {
      /**
       * Calls of a method whose outputs the journal held (a resumed run): they are not made. For a
       * parallel method, before its `shard:start`s; for a single method, in place of its call.
       */
      readonly type: "calls:reused";
      readonly method: string;
      /** Calls reused: items of a parallel stage, or 1. */
      readonly reused: number;
      /** Calls of the method in this stage (items, or 1). */
      readonly calls: number;
    })
  | (EventBase & {
      readonly type: "run:end";
      readonly ok: boolean;
      /** Why the run failed (`MethodError`, `CancelledError`, …); `undefined` when `ok`. */
      readonly error: unknown;
    })
  | (EventBase & {
      readonly type: "method:start";
      readonly method: string;
      /**
       * Number of elements for a parallel method given an array; `undefined` for a single
       * method, and for a parallel one given another iterable (its length is not known ahead).
       */
      readonly items: number | undefined;
    })
  | (EventBase & { readonly type: "method:end"; readonly method: string; readonly ok: boolean })
  | (EventBase & {
      /**
       * The method is skipped: it is not called (again) and its successors see `undefined` in
       * its place. Instead of `method:start` … `method:end` when it never started (`predicate`,
       * `branch`, `upstream`); in place of its `method:end` when its call failed (`error`).
       */
      readonly type: "method:skip";
      readonly method: string;
      readonly reason: SkipReason;
      /**
       * For `error`: the method's own error, or the `FallbackFailedError` when its fallback
       * failed too; `undefined` for the other reasons.
       */
      readonly error: unknown;
    })
  | (EventBase & {
      /** A call failed for good and its `fallback` is called with the same input in its place. */
      readonly type: "call:fallback";
      readonly method: string;
      readonly fallback: string;
      readonly item: number | undefined;
      /** The method's own error, which the fallback receives as `ctx.error`. */
      readonly error: unknown;
    })
  | (EventBase & {
      /**
       * A parallel stage ended with failed items it tolerates (`on_error: skip | settle`, or
       * items a fallback stood in for), before its `method:end`.
       */
      readonly type: "items:tolerated";
      readonly method: string;
      /** Items whose call failed after their retries (a fallback that then succeeded included). */
      readonly failed: number;
      /** Of those, the items a fallback stood in for. */
      readonly recovered: number;
      /** Items in the stage. */
      readonly items: number;
      /** The failed items' indices in ascending order (at most the first 100). */
      readonly indices: readonly number[];
    })
  | (EventBase & {
      readonly type: "call:retry";
      readonly method: string;
      readonly item: number | undefined;
      /** The attempt that just failed (1 for the first call). */
      readonly attempt: number;
      /** How long the runtime waits before the next attempt. */
      readonly delayMs: number;
      readonly error: unknown;
    })
  | (EventBase & {
      readonly type: "call:fail";
      readonly method: string;
      readonly item: number | undefined;
      /** Attempts made, the failing one included. */
      readonly attempts: number;
      /** The method's own error (the `cause` of the run's `MethodError`). */
      readonly error: unknown;
    })
  | (EventBase & {
      readonly type: "shard:start";
      readonly method: string;
      /** Sequence number of the shard within this method's stage (0 for a single method's call). */
      readonly shard: number;
      /** Index of the first item in the shard, and how many consecutive items it holds (1 for a single call). */
      readonly first: number;
      readonly count: number;
      /** The worker (thread, lane or process) that runs it, as numbered in `worker:up`. */
      readonly worker: number;
    })
  | (EventBase & {
      readonly type: "shard:end";
      readonly method: string;
      readonly shard: number;
      readonly first: number;
      readonly count: number;
      readonly worker: number;
      /** False when the shard failed, or was lost with its worker and will run again elsewhere. */
      readonly ok: boolean;
      /** Wall time of each item's successful call in milliseconds, in item order; `undefined` when not measured. */
      readonly durations: readonly number[] | undefined;
    })
  | (EventBase & {
      readonly type: "worker:up";
      readonly worker: number;
      /** Which backend the worker belongs to (`inline`, `threads`, …). */
      readonly backend: string;
    })
  | (EventBase & {
      readonly type: "worker:down";
      readonly worker: number;
      /**
       * `idle`: shrunk after idling (an `inline` lane: its stage has no more items); `close`: the
       * runner closed; `crash`: the worker died, or was stopped because a cancelled call would not
       * end or a call ran past its timeout, and was replaced.
       */
      readonly reason: "idle" | "close" | "crash";
    });

export type FlowEventType = FlowEvent["type"];

/**
 * The one contract every backend implements. The scheduler (stdlib/scheduler.ts)
 * decides *when* a method runs, with which input and on how many lanes; a
 * backend decides *where* the calls execute (this thread, worker threads, a
 * queue). Retries and timeouts are applied by the backend, normally through
 * the shared helpers of stdlib/policy.ts, so that they hold wherever calls run.
 */
export interface Backend {
  readonly name: string;
  /**
   * Workers one run may use when `RunnerOptions.workers` is not given, from the
   * plan's peak demand (never less than it). Without it: the peak demand.
   */
  readonly defaultWorkers?: ((peakDemand: number) => number) | undefined;
  /** Prepares to execute `plan`; called once per runner, on its first run. */
  open(
    plan: PlanDescriptor,
    methods: MethodTable,
    options: BackendOpenOptions,
  ): Promise<BackendSession> | BackendSession;
}

export interface BackendOpenOptions {
  /** Concurrency limit of one run (already validated against the plan's peak demand). */
  readonly workers: number;
  /** The runner option `workers` as the caller gave it; `undefined` when it was left to its default. */
  readonly workersGiven?: number | undefined;
  /** Retry delays with defaults applied. */
  readonly retryBackoff: BackoffSettings;
  /** See {@link RunnerOptions.moduleBase}; `undefined` when not given. */
  readonly moduleBase: string | undefined;
  /** See {@link RunnerOptions.modules}, values as strings (file URLs or paths); `undefined` when not given. */
  readonly modules?: Readonly<Record<string, string>> | undefined;
}

export interface BackendSession {
  /**
   * Resolves one method of the plan, once per runner, so that calls skip
   * name lookups. The scheduler calls it for every method before the first run.
   */
  method(method: PlanMethod): BackendMethod;
  /** Releases threads, connections, queues. Idempotent. */
  close(): Promise<void>;
}

export interface BackendMethod {
  /**
   * Calls a single method once, retries and timeout included. Returns the
   * output, or a promise of it (backends that finish synchronously may return
   * the value itself, which spares a promise per call).
   * Fails with a `MethodError` (or `CancelledError` once `scope` is cancelled);
   * the scheduler treats any other thrown value as a failure of attempt 1.
   * Methods that take no input (`takesInput: false`) are called without arguments.
   */
  call(input: unknown, scope: CallScope, info?: CallInfo): unknown;
  /**
   * Applies a parallel method to every item, running at most `lanes` calls at
   * once (the scheduler guarantees `1 ≤ lanes ≤ items.length` for a non-empty
   * array); results in input order. The first failed item rejects the whole map
   * with its `MethodError` and no further items start.
   */
  map(items: readonly unknown[], lanes: number, scope: CallScope, options?: MapOptions): Promise<unknown[]>;
  /**
   * Like `map`, for a parallel method whose input is an iterable or async
   * iterable other than an array: items are read from it as lanes free up, so
   * only a bounded number is in flight however long it is; results in input
   * order. On failure or cancellation the iterator is closed (`return()`).
   * `lanes` may exceed the number of items. Backends without it get the
   * items collected into an array and passed to `map`.
   */
  readonly mapStream?:
    ((items: ItemStream, lanes: number, scope: CallScope, options?: MapOptions) => Promise<unknown[]>) | undefined;
}

/** What a call made for another method carries into its context (a `fallback`'s call). */
export interface CallInfo {
  /** The item the call stands for (`ctx.item`), when it stands for one of a parallel stage. */
  readonly item?: number | undefined;
  /** The error of the method it stands in for (`ctx.error`). */
  readonly error?: unknown;
}

/**
 * What a map does besides mapping: tolerating failed items, reporting each item's output as
 * soon as it is known (for a journal), numbering items as the stage does when it maps only
 * some of them (a resumed stage maps the items it has no stored output for).
 *
 * Positions: `items[k]` is at position `k`; callbacks receive positions. What users see (a
 * call's `ctx.item`, events, a `MethodError`'s `item`) uses the stage's numbering: `indices[k]`
 * when `indices` is given, `k` otherwise.
 */
export interface MapOptions {
  /**
   * Keep going past failed items: an item whose call failed for good (a `MethodError`, retries
   * used up) does not reject the map; its result is an `ItemFailure` holding that error, and
   * `failed` hears of it as soon as it is known. Cancellation still rejects.
   * @default false
   */
  readonly tolerate?: boolean | undefined;
  /** With `tolerate`: called once per failed item (its position), in the calling thread, when its failure is known. */
  readonly failed?: ((position: number, error: unknown) => void) | undefined;
  /**
   * Called once per item whose call succeeded, with its position and output, in the calling
   * thread, as soon as the backend has it (when its shard's answer arrives, on backends that
   * run items in shards): before the map settles, and never for an item of a map that was
   * cancelled before its answer arrived. A run's journal stores outputs through it, so a run
   * killed mid-stage keeps every item that had come back.
   */
  readonly done?: ((position: number, output: unknown) => void) | undefined;
  /**
   * The stage's number of each item, when the map is given only some of the stage's items:
   * `indices[k]` for `items[k]` (ascending, without repeats). For `mapStream`, `indices[k]` is
   * set by the time item `k` is read from the stream.
   */
  readonly indices?: readonly number[] | undefined;
}

/** What a parallel method accepts besides an array (strings excepted: they are not lists of items). */
export type ItemStream = Iterable<unknown> | AsyncIterable<unknown>;

/** What a backend needs to know about the run a call belongs to. */
export interface CallScope {
  /** Unique per run (distinct across runners and processes). */
  readonly runId: string;
  /** True once the run is cancelled or failed; check it before starting work. */
  readonly cancelled: boolean;
  /**
   * Aborted when the run is cancelled or fails. Created on first access (an
   * `AbortController` is costly), so prefer `cancelled` for a quick check.
   */
  readonly signal: AbortSignal;
  /** Emits an event of this run, or `undefined` when nobody listens. */
  readonly emit: ((event: FlowEvent) => void) | undefined;
}
