/**
 * One run of a compiled plan (see scheduler.ts): it starts each method once
 * the last of its inputs is in, hands the calls to the backend, and settles
 * when every method is done or skipped, or at the first failure.
 *
 * Methods that may not run (predicates, branches, skipped inputs) are routed
 * with the tables of routing.ts, and calls that fail for good with a
 * fallback or `on_error` are settled by recovery.ts; plans without them have
 * no such tables and take none of those paths. Longer than most files: the
 * run's state machine (start, complete, skip, fail) is one class, and split
 * apart its steps would pass all of that state around.
 */
import type { BackendMethod, CallScope, FlowEvent, ItemStream, MapOptions, SkipReason } from "./api.js";
import { CallContext, isThenable, LazyAbort } from "./context.js";
import { CancelledError, errors, FlowError, ItemFailure, MethodError, ParallelInputError } from "./errors.js";
import { asItemStream, ItemReader } from "./item-source.js";
import { now } from "./clock.js";
import type { DirectMethod } from "./direct-call.js";
import { SignalWatcher } from "./signal-watch.js";
import { Route, type Tables } from "./compiled-plan.js";
import { selectRoutes } from "./routing.js";
import { callRecovering, mapTolerant, toleratedEvent, type MethodEnd } from "./recovery.js";
import { collectThenMap } from "./collect-stream.js";

/** Lifecycle of a method within one run. */
const Status = { Waiting: 0, Running: 1, Done: 2, Skipped: 3 } as const;

/** How a run calls each method (by plan position). */
export interface Calls {
  readonly bound: readonly BackendMethod[];
  /** Methods the run calls itself, in one attempt, instead of through the backend; none when someone listens. */
  readonly direct: readonly (DirectMethod | undefined)[] | undefined;
}

/** The state of one run; it is also the `CallScope` its calls receive. */
export class Run extends SignalWatcher implements CallScope {
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
    // One slot more for the run's input when a fan-in object holds it (see `Tables.from`).
    this.#values = new Array<unknown>(tables.keepsRunInput ? n + 1 : n);
    this.#pending = tables.inDegree.slice();
    this.#status = new Array<number>(n).fill(Status.Waiting);
    this.#remaining = tables.counted;
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
    const t = this.#tables;
    if (t.keepsRunInput) this.#values[t.names.length] = input;
    if (this.#remaining === 0) {
      this.#finish();
      return;
    }
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
    const predicate = t.routing?.runIf[i] ?? -1;
    if (predicate >= 0) {
      this.#decide(i, predicate, input);
      return;
    }
    this.#begin(i, input);
  }

  /**
   * Asks method `i`'s predicate (through the backend, where the method would
   * run) whether it runs with `input`: `true` starts it, `false` skips it,
   * anything else fails the run.
   */
  #decide(i: number, predicate: number, input: unknown): void {
    const answered = (value: unknown): void => {
      if (this.#settled) return;
      if (value === true) this.#begin(i, input);
      else if (value === false) this.#skip(i, "predicate", undefined);
      else {
        const t = this.#tables;
        this.#settle(errors.predicateNotBoolean(t.names[i] ?? "", t.names[predicate] ?? "", value), -1);
      }
    };
    let answer: unknown;
    try {
      answer = (this.#calls.bound[predicate] as BackendMethod).call(input, this);
    } catch (error) {
      this.#fail(predicate, error);
      return;
    }
    if (isThenable(answer)) answer.then(answered, (error: unknown) => this.#fail(predicate, error));
    else answered(answer);
  }

  /** Starts method `i` with its assembled input. */
  #begin(i: number, input: unknown): void {
    const t = this.#tables;
    const name = t.names[i] ?? "";
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
      if (t.routing?.tolerant[i] === true) {
        mapTolerant(
          (options) => method.map(input, lanes, this, options),
          input,
          input.length,
          lanes,
          this,
          this.#ending(i),
        );
        return;
      }
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
    if (t.routing?.recovers[i] === true) {
      callRecovering(method, input, this, this.#ending(i));
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

  /** How recovery.ts reports what became of method `i`. */
  #ending(i: number): MethodEnd {
    const t = this.#tables;
    const fallback = t.routing?.fallback[i] ?? -1;
    const name = t.names[i] ?? "";
    return {
      recovery: {
        method: name,
        fallbackName: fallback >= 0 ? t.names[fallback] : undefined,
        fallback: fallback >= 0 ? this.#calls.bound[fallback] : undefined,
        onError: t.routing?.onError[i] ?? "fail",
        maxFailures: t.routing?.maxFailures[i] ?? null,
      },
      over: () => this.#settled,
      complete: (output) => this.#complete(i, output),
      skip: (error) => this.#skip(i, "error", error),
      fail: (error) => this.#fail(i, error),
      tolerated: (outcome, items) => this.#listener?.(toleratedEvent(this.runId, name, outcome, items)),
    };
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
    if (this.#tables.routing?.tolerant[i] === true) {
      const map = (options: MapOptions): Promise<unknown[]> =>
        method.mapStream !== undefined
          ? method.mapStream(stream, lanes, this, options)
          : collectThenMap(name, method, stream, lanes, this, options);
      mapTolerant(map, undefined, undefined, lanes, this, this.#ending(i));
      return;
    }
    const mapped =
      method.mapStream !== undefined
        ? method.mapStream(stream, lanes, this)
        : collectThenMap(name, method, stream, lanes, this, undefined);
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
    const t = this.#tables;
    const routing = t.routing;
    let selected: readonly boolean[] | undefined;
    if (routing?.routes[i] !== undefined) {
      const routes = selectRoutes(routing, t.names, i, output);
      if (routes instanceof FlowError) {
        this.#settle(routes, i);
        return;
      }
      selected = routes;
    }
    this.#values[i] = output;
    this.#status[i] = Status.Done;
    this.#releaseLanes(i);
    this.#listener?.({ type: "method:end", runId: this.runId, time: now(), method: t.names[i] ?? "", ok: true });
    if (--this.#remaining === 0) {
      this.#finish();
      return;
    }
    const successors = t.successors[i] ?? [];
    for (let k = 0; k < successors.length; k++) {
      const next = successors[k] ?? 0;
      if (selected !== undefined && selected[k] !== true) {
        // Not taken by the branch: skipped outright, whatever its other inputs and `optional` say.
        if (this.#status[next] === Status.Waiting) this.#skip(next, "branch", undefined);
      } else {
        const waiting = (this.#pending[next] ?? 0) - 1;
        this.#pending[next] = waiting;
        if (waiting === 0) {
          if (routing === undefined) this.#startMethod(next, undefined);
          else this.#ready(next);
        }
      }
      if (this.#settled) return;
    }
  }

  /** Every input of `i` is in (done or skipped): it starts, or is skipped when it cannot do without one. */
  #ready(i: number): void {
    if (this.#status[i] !== Status.Waiting) return;
    const t = this.#tables;
    const from = t.from[i] ?? [];
    const optional = t.routing?.optional[i] ?? [];
    for (let k = 0; k < from.length; k++) {
      if (this.#status[from[k] ?? -1] === Status.Skipped && optional[k] !== true) {
        this.#skip(i, "upstream", undefined);
        return;
      }
    }
    this.#startMethod(i, undefined);
  }

  /** Method `i` will not run (again): its successors see `undefined` in its place. */
  #skip(i: number, reason: SkipReason, error: unknown): void {
    if (this.#settled) return;
    const t = this.#tables;
    this.#values[i] = undefined;
    this.#status[i] = Status.Skipped;
    this.#releaseLanes(i);
    this.#listener?.({
      type: "method:skip",
      runId: this.runId,
      time: now(),
      method: t.names[i] ?? "",
      reason,
      error,
    });
    if (--this.#remaining === 0) {
      this.#finish();
      return;
    }
    for (const next of t.successors[i] ?? []) {
      const waiting = (this.#pending[next] ?? 0) - 1;
      this.#pending[next] = waiting;
      if (waiting === 0) this.#ready(next);
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
