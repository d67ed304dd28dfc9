/**
 * The scheduler decides *when* each method runs, with which input and on how
 * many lanes; the backend decides where the calls execute.
 *
 * A plan is compiled once per runner into flat tables (routing, successors,
 * in-degrees) and closures, so a run only copies an in-degree array and walks
 * those tables: every method starts as soon as the last of its inputs is
 * ready (in-degree counting, not topological levels, so a slow branch never
 * holds back an unrelated one). A plain chain — single methods one after the
 * other, no retry or timeout, nobody listening, on a backend that calls them
 * in this thread — runs on a straight-line path instead (straight-line.ts),
 * which allocates no run state unless the run has a signal.
 */
import type { BackendMethod, CallScope, FlowEvent, ItemStream, RunOptions } from "./api.js";
import { CallContext, isThenable, LazyAbort } from "./context.js";
import { DemandMessages, demandTerms, methodDemand, peakDemand, type PeakDemand } from "./demand.js";
import { CancelledError, errors, FlowError, MethodError, ParallelInputError, type WorkerCapError } from "./errors.js";
import { asItemStream, ItemReader } from "./item-source.js";
import type { PlanDescriptor } from "./plan.js";
import { now } from "./clock.js";
import { directMethodOf, type DirectMethod } from "./direct-call.js";
import { SignalWatcher } from "./signal-watch.js";
import { straightLine } from "./straight-line.js";

/** How a method's input is assembled from the run's values. */
const Route = {
  /** A source: the run's input. */
  RunInput: 0,
  /** The method declares no input parameter: it is called with none. */
  None: 1,
  /** One predecessor: its output as it is. */
  Single: 2,
  /** Several predecessors: an object keyed by their names, in `inputs` order. */
  Keyed: 3,
} as const;
type Route = (typeof Route)[keyof typeof Route];

/** Lifecycle of a method within one run. */
const Status = { Waiting: 0, Running: 1, Done: 2 } as const;

/** The facts about a plan that every run reads, computed once. */
export interface CompiledPlan {
  readonly plan: PlanDescriptor;
  readonly peak: PeakDemand;
  /** Whether the plan is a plain chain eligible for the straight-line path. */
  readonly chain: boolean;
  readonly tables: Tables;
}

/** Runs the plan once. */
export type Execute = (input: unknown, options: RunOptions | undefined) => Promise<unknown>;

/** Per-method facts in plan order, indexed by a method's position. */
export interface Tables {
  readonly planName: string;
  readonly names: readonly string[];
  readonly route: readonly Route[];
  /** For `Single`: the predecessor's index; for `Keyed`: all of them. */
  readonly from: readonly (readonly number[])[];
  /** For `Keyed`: the keys of the input object, matching `from`. */
  readonly keys: readonly (readonly string[])[];
  readonly parallel: readonly boolean[];
  /** No retry and no timeout: a call is one attempt. */
  readonly plain: readonly boolean[];
  readonly minWorkers: readonly number[];
  readonly maxWorkers: readonly (number | null)[];
  readonly successors: readonly (readonly number[])[];
  readonly inDegree: readonly number[];
  readonly sources: readonly number[];
  readonly sinks: readonly number[];
  readonly sinkNames: readonly string[];
}

/** Compiles a (validated) plan into the tables its runs walk. */
export function compilePlan(plan: PlanDescriptor): CompiledPlan {
  const methods = plan.methods;
  const index = new Map(methods.map((method, i) => [method.name, i]));
  const at = (name: string): number => index.get(name) ?? -1;
  const successors: number[][] = methods.map(() => []);
  for (const edge of plan.edges) successors[at(edge.from)]?.push(at(edge.to));

  const route = methods.map((method) => {
    if (!method.takesInput) return Route.None;
    if (method.inputs.length === 0) return Route.RunInput;
    return method.inputs.length === 1 ? Route.Single : Route.Keyed;
  });
  const tables: Tables = {
    planName: plan.name,
    names: methods.map((method) => method.name),
    route,
    from: methods.map((method) => method.inputs.map(at)),
    keys: methods.map((method) => method.inputs),
    parallel: methods.map((method) => method.mode === "parallel"),
    plain: methods.map((method) => method.retries === 0 && method.timeoutMs === null),
    minWorkers: methods.map(methodDemand),
    maxWorkers: methods.map((method) => method.maxWorkers),
    successors,
    inDegree: methods.map((method) => method.inputs.length),
    sources: plan.sources.map(at),
    sinks: plan.sinks.map(at),
    sinkNames: plan.sinks,
  };
  // Methods are in topological order, so a chain is exactly "each method's only input is the one before it".
  const chain = methods.every(
    (method, i) =>
      method.mode === "single" &&
      method.retries === 0 &&
      method.timeoutMs === null &&
      (i === 0
        ? method.inputs.length === 0
        : method.inputs.length === 1 && method.inputs[0] === methods[i - 1]?.name) &&
      (successors[i]?.length ?? 0) <= 1,
  );
  return { plan, peak: peakDemand(plan), chain, tables };
}

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
  // Slots beyond the peak demand are the only ones a parallel method may add
  // to its minimum without ever making a concurrently runnable method wait.
  const surplus = settings.workers - program.peak.workers;
  let runs = 0;

  // What a run nobody listens to may call itself: single methods without retry or timeout that
  // the backend calls in this thread. With a listener, every call goes through the backend.
  const direct = bound.map(directMethodOf);
  const throughBackend: Calls = { bound, direct: undefined };
  const directly: Calls =
    runnerListener === undefined
      ? {
          bound,
          direct: direct.map((method, i) =>
            tables.plain[i] === true && tables.parallel[i] === false ? method : undefined,
          ),
        }
      : throughBackend;

  const general: Execute = (input, options) => {
    const signal = options?.signal;
    if (signal?.aborted === true) return Promise.reject(new CancelledError(tables.planName, signal.reason));
    const listener = combine(runnerListener, options?.onEvent);
    const runId = `${settings.runIdPrefix}${++runs}`;
    const calls = listener === undefined ? directly : throughBackend;
    return new Promise((resolve, reject) => {
      new Run(tables, calls, runId, listener, surplus, resolve, reject).start(input, signal);
    });
  };

  if (!program.chain || runnerListener !== undefined || !direct.every((step) => step !== undefined)) return general;
  const line = straightLine(tables.planName, direct as readonly DirectMethod[]);
  return (input, options) => {
    if (options === undefined) return line.run(input);
    if (options.onEvent !== undefined) return general(input, options);
    const signal = options.signal;
    return signal === undefined ? line.run(input) : line.runUnder(input, signal);
  };
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

/**
 * For backends without `mapStream`: reads the whole stream, then maps the
 * array. A failure of the stream itself is reported on the item being read.
 */
async function collectThenMap(
  name: string,
  method: BackendMethod,
  stream: ItemStream,
  lanes: number,
  scope: CallScope,
): Promise<unknown[]> {
  const reader = new ItemReader(stream);
  const items: unknown[] = [];
  for (;;) {
    let chunk: unknown[];
    try {
      const taken = reader.take(4096);
      chunk = Array.isArray(taken) ? taken : await taken;
    } catch (error) {
      throw new MethodError(name, reader.read, 0, error);
    }
    if (chunk.length === 0) break;
    for (const item of chunk) items.push(item);
  }
  return items.length === 0 ? [] : method.map(items, Math.min(lanes, items.length), scope);
}

/** How a run calls each method (by plan position). */
interface Calls {
  readonly bound: readonly BackendMethod[];
  /** Methods the run calls itself, in one attempt, instead of through the backend; none when someone listens. */
  readonly direct: readonly (DirectMethod | undefined)[] | undefined;
}

/** The state of one run; it is also the `CallScope` its calls receive. */
class Run extends SignalWatcher implements CallScope {
  readonly runId: string;
  readonly emit: ((event: FlowEvent) => void) | undefined;
  readonly #tables: Tables;
  readonly #calls: Calls;
  readonly #listener: ((event: FlowEvent) => void) | undefined;
  readonly #abort = new LazyAbort();
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: unknown) => void;
  #values: unknown[];
  readonly #pending: number[];
  /** `Status` of each method. */
  readonly #status: number[];
  #remaining: number;
  #settled = false;
  #surplus: number;
  /** Extra lanes each running parallel method took from the surplus. */
  #extras: number[] | undefined;

  constructor(
    tables: Tables,
    calls: Calls,
    runId: string,
    listener: ((event: FlowEvent) => void) | undefined,
    surplus: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    super();
    this.#tables = tables;
    this.#calls = calls;
    this.runId = runId;
    this.#listener = listener;
    // Backends report retries and failures through `emit`; once the run is over they are dropped,
    // so that `run:end` stays the last event.
    this.emit =
      listener === undefined
        ? undefined
        : (event) => {
            if (!this.#settled) listener(event);
          };
    this.#surplus = surplus;
    this.#resolve = resolve;
    this.#reject = reject;
    const n = tables.names.length;
    this.#values = new Array<unknown>(n);
    this.#pending = tables.inDegree.slice();
    this.#status = new Array<number>(n).fill(Status.Waiting);
    this.#remaining = n;
  }

  get cancelled(): boolean {
    return this.#abort.aborted;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  start(input: unknown, signal: AbortSignal | undefined): void {
    if (signal !== undefined) this.watch(signal);
    this.#listener?.({ type: "run:start", runId: this.runId, time: now() });
    for (const source of this.#tables.sources) {
      if (this.#settled) return;
      this.#startMethod(source, input);
    }
  }

  #startMethod(i: number, runInput: unknown): void {
    const t = this.#tables;
    const name = t.names[i] ?? "";
    let input: unknown;
    switch (t.route[i]) {
      case Route.RunInput:
        input = runInput;
        break;
      case Route.Single:
        input = this.#values[t.from[i]?.[0] ?? -1];
        break;
      case Route.Keyed: {
        const from = t.from[i] ?? [];
        const keys = t.keys[i] ?? [];
        const object: Record<string, unknown> = {};
        for (let k = 0; k < from.length; k++) object[keys[k] ?? ""] = this.#values[from[k] ?? -1];
        input = object;
        break;
      }
      default:
        input = undefined;
    }
    const method = this.#calls.bound[i] as BackendMethod;

    if (t.parallel[i] === true) {
      if (!Array.isArray(input)) {
        const stream = asItemStream(input);
        if (stream === undefined) {
          this.#fail(i, new ParallelInputError(name, input));
          return;
        }
        this.#startStream(i, name, method, stream);
        return;
      }
      this.#status[i] = Status.Running;
      this.#listener?.({
        type: "method:start",
        runId: this.runId,
        time: now(),
        method: name,
        items: input.length,
      });
      if (input.length === 0) {
        this.#complete(i, []);
        return;
      }
      const lanes = this.#lanes(i, input.length);
      method.map(input, lanes, this).then(
        (output) => this.#complete(i, output),
        (error: unknown) => this.#fail(i, error),
      );
      return;
    }

    this.#status[i] = Status.Running;
    this.#listener?.({ type: "method:start", runId: this.runId, time: now(), method: name, items: undefined });
    const direct = this.#calls.direct?.[i];
    if (direct !== undefined) {
      this.#callDirect(i, direct, input);
      return;
    }
    let output: unknown;
    try {
      output = method.call(input, this);
    } catch (error) {
      this.#fail(i, error);
      return;
    }
    if (isThenable(output)) {
      output.then(
        (value) => this.#complete(i, value),
        (error: unknown) => this.#fail(i, error),
      );
    } else {
      this.#complete(i, output);
    }
  }

  /**
   * One attempt of a plain method, as the backend's call policy makes it
   * (a context on this run, every failure a `MethodError` with the very error
   * as its cause), without the promise the policy puts around its output.
   */
  #callDirect(i: number, direct: DirectMethod, input: unknown): void {
    const name = direct.name;
    let output: unknown;
    try {
      output = direct.takesInput ? direct.fn(input, new CallContext(name, 1, undefined, this)) : direct.fn();
    } catch (error) {
      this.#fail(i, new MethodError(name, undefined, 1, error));
      return;
    }
    if (isThenable(output)) {
      // A native promise as it is; any other thenable made one, so that it settles the call once.
      Promise.resolve(output).then(
        (value) => this.#complete(i, value),
        (error: unknown) => this.#fail(i, new MethodError(name, undefined, 1, error)),
      );
    } else {
      this.#complete(i, output);
    }
  }

  /** A parallel method given an iterable other than an array: its length is unknown until it is read. */
  #startStream(i: number, name: string, method: BackendMethod, stream: ItemStream): void {
    this.#status[i] = Status.Running;
    this.#listener?.({ type: "method:start", runId: this.runId, time: now(), method: name, items: undefined });
    const lanes = this.#lanes(i, Number.MAX_SAFE_INTEGER);
    const mapped =
      method.mapStream !== undefined
        ? method.mapStream(stream, lanes, this)
        : collectThenMap(name, method, stream, lanes, this);
    mapped.then(
      (output) => this.#complete(i, output),
      (error: unknown) => this.#fail(i, error),
    );
  }

  /**
   * At least `minWorkers` lanes (fewer only when there are fewer items), plus
   * what the surplus allows up to `maxWorkers`; unbounded `maxWorkers` means
   * up to one lane per item.
   */
  #lanes(i: number, items: number): number {
    const t = this.#tables;
    const min = Math.min(items, t.minWorkers[i] ?? 1);
    if (this.#surplus <= 0) return min;
    const cap = Math.min(items, t.maxWorkers[i] ?? items);
    const extra = Math.max(0, Math.min(cap - min, this.#surplus));
    if (extra === 0) return min;
    this.#surplus -= extra;
    (this.#extras ??= new Array<number>(t.names.length).fill(0))[i] = extra;
    return min + extra;
  }

  #releaseLanes(i: number): void {
    const extras = this.#extras;
    if (extras === undefined || extras[i] === 0) return;
    this.#surplus += extras[i] ?? 0;
    extras[i] = 0;
  }

  #complete(i: number, output: unknown): void {
    if (this.#settled) return;
    this.#values[i] = output;
    this.#status[i] = Status.Done;
    this.#releaseLanes(i);
    const t = this.#tables;
    this.#listener?.({ type: "method:end", runId: this.runId, time: now(), method: t.names[i] ?? "", ok: true });
    if (--this.#remaining === 0) {
      this.#finish();
      return;
    }
    for (const next of t.successors[i] ?? []) {
      const waiting = (this.#pending[next] ?? 0) - 1;
      this.#pending[next] = waiting;
      if (waiting === 0) this.#startMethod(next, undefined);
      if (this.#settled) return;
    }
  }

  #finish(): void {
    const t = this.#tables;
    let output: unknown;
    if (t.sinks.length === 1) {
      output = this.#values[t.sinks[0] ?? -1];
    } else {
      const object: Record<string, unknown> = {};
      for (let k = 0; k < t.sinks.length; k++) object[t.sinkNames[k] ?? ""] = this.#values[t.sinks[k] ?? -1];
      output = object;
    }
    this.#settled = true;
    this.unwatch();
    this.#values = [];
    this.#listener?.({ type: "run:end", runId: this.runId, time: now(), ok: true, error: undefined });
    this.#resolve(output);
  }

  #fail(i: number, error: unknown): void {
    if (this.#settled) return;
    const name = this.#tables.names[i] ?? "";
    // Backends report method failures as MethodErrors; anything else is the method's own first failure.
    const failure = error instanceof FlowError ? error : new MethodError(name, undefined, 1, error);
    this.#settle(failure, i);
  }

  /** Ends the run with `error`: cancels every call in flight, reports, rejects. */
  #settle(error: FlowError, failed: number): void {
    if (this.#settled) return;
    this.#settled = true;
    this.unwatch();
    this.#values = [];
    this.#abort.abort(error);
    const listener = this.#listener;
    if (listener !== undefined) {
      const t = this.#tables;
      const time = now();
      if (failed >= 0 && this.#status[failed] === Status.Running) {
        listener({ type: "method:end", runId: this.runId, time, method: t.names[failed] ?? "", ok: false });
      }
      for (let k = 0; k < this.#status.length; k++) {
        if (k !== failed && this.#status[k] === Status.Running) {
          listener({ type: "method:end", runId: this.runId, time, method: t.names[k] ?? "", ok: false });
        }
      }
      listener({ type: "run:end", runId: this.runId, time, ok: false, error });
    }
    this.#reject(error);
  }

  /** The run's signal aborted: reject at once, whatever is still in flight. */
  cancel(reason: unknown): void {
    this.#settle(new CancelledError(this.#tables.planName, reason), -1);
  }
}
