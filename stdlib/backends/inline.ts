/**
 * The in-process backend: methods run in the calling thread, and "workers"
 * are concurrency slots — the lanes a parallel stage spreads its items over,
 * each lane keeping one call in flight. It is the default backend, and the
 * reference the others are measured against by the conformance suite.
 *
 * For observers, the calling thread is worker 0 and runs every single call as
 * a shard of one item; each lane of a parallel stage is a worker of its own,
 * up while the stage has items for it, running each item as a shard of one.
 */
import type {
  Backend,
  BackendMethod,
  BackendOpenOptions,
  BackendSession,
  CallInfo,
  CallScope,
  FlowEvent,
  ItemStream,
  MapOptions,
  MethodTable,
  RunContext,
} from "../api.js";
import { isThenable } from "../context.js";
import { ItemFailure, MethodError } from "../errors.js";
import { END, ItemReader } from "../item-source.js";
import type { PlanDescriptor, PlanMethod } from "../plan.js";
import { CallPolicy, type Attempt } from "../policy.js";
import { lookupMethod } from "../validate-plan.js";
import { now } from "../clock.js";
import { CALLING_THREAD, WorkerEvents } from "../kit/worker-events.js";
import { setDirectMethod } from "../direct-call.js";
import { itemNumber } from "../kit/item-numbers.js";

/** How the runtime calls a method: its input first, then its context. */
type Invocable = (input?: unknown, context?: RunContext) => unknown;

type Emit = (event: FlowEvent) => void;

export { CALLING_THREAD } from "../kit/worker-events.js";

/**
 * Creates the in-process backend.
 *
 * @example
 * createRunner(plan, methods, { backend: inline(), workers: 8 });
 */
export function inline(): Backend {
  return {
    name: "inline",
    open: (plan, methods, options) => new InlineSession(plan, methods, options),
  };
}

/**
 * The in-process session. Other backends run some methods in the calling
 * thread too (the `threads` backend its single methods) and report them under
 * their own name, given as `backend`.
 */
export class InlineSession implements BackendSession {
  readonly #methods: MethodTable;
  readonly #options: BackendOpenOptions;
  readonly #workers: WorkerEvents;

  constructor(_plan: PlanDescriptor, methods: MethodTable, options: BackendOpenOptions, backend = "inline") {
    this.#methods = methods;
    this.#options = options;
    this.#workers = new WorkerEvents(backend);
  }

  method(method: PlanMethod): BackendMethod {
    const fn = lookupMethod(this.#methods, method.name) as Invocable | undefined;
    // Can't happen: the runner checked the method table against the plan (validateMethods) before opening.
    if (fn === undefined) throw new Error(`inline backend: no function for method '${method.name}'`);
    return new InlineMethod(
      method,
      fn,
      new CallPolicy(method, this.#options.retryBackoff, Math.random, { interruptSync: true }),
      this.#workers,
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Numbers lanes as workers and remembers which runs were told about the calling thread. */
class InlineMethod implements BackendMethod {
  readonly #name: string;
  readonly #fn: Invocable;
  readonly #takesInput: boolean;
  readonly #policy: CallPolicy;
  readonly #workers: WorkerEvents;

  constructor(method: PlanMethod, fn: Invocable, policy: CallPolicy, workers: WorkerEvents) {
    this.#name = method.name;
    this.#fn = fn;
    this.#takesInput = method.takesInput;
    this.#policy = policy;
    this.#workers = workers;
    setDirectMethod(this, { name: method.name, fn, takesInput: method.takesInput });
  }

  call(input: unknown, scope: CallScope, info?: CallInfo): unknown {
    const fn = this.#fn;
    const attempt: Attempt = this.#takesInput ? (context) => fn(input, context) : () => fn();
    // A fallback's call carries the item it stands for and the error it stands in for into its context.
    const item = info?.item;
    const call = info === undefined ? undefined : { error: info.error };
    if (scope.emit === undefined) return this.#policy.run(attempt, item, scope, call);
    return this.#observed(attempt, item, item ?? 0, CALLING_THREAD, scope, scope.emit, call);
  }

  map(items: readonly unknown[], lanes: number, scope: CallScope, options?: MapOptions): Promise<unknown[]> {
    if (scope.emit !== undefined || options !== undefined) {
      return this.#mapItems(new ItemReader(items), lanes, scope, options);
    }
    const results = new Array<unknown>(items.length);
    const fn = this.#fn;
    const policy = this.#policy;
    let next = 0;
    let failed = false;
    // Each lane keeps one call in flight and takes the next unclaimed item when it is done,
    // so results land at their own index whatever order the calls finish in.
    const lane = async (): Promise<void> => {
      while (!failed && !scope.cancelled && next < items.length) {
        const index = next++;
        const item = items[index];
        try {
          const output = policy.run((context) => fn(item, context), index, scope);
          results[index] = isThenable(output) ? await output : output;
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const running: Promise<void>[] = [];
    for (let i = 0; i < lanes; i++) running.push(lane());
    return Promise.all(running).then(() => results);
  }

  mapStream(items: ItemStream, lanes: number, scope: CallScope, options?: MapOptions): Promise<unknown[]> {
    return this.#mapItems(new ItemReader(items), lanes, scope, options);
  }

  /**
   * The general map: items pulled one at a time as lanes free up (so a stream
   * is never read ahead of the calls), with events when someone listens.
   * With `options.tolerate`, an item that fails for good becomes an
   * `ItemFailure` at its position; `options.done` hears of each output as its
   * call resolves; items are named by `options.indices` when it is given.
   */
  async #mapItems(
    reader: ItemReader,
    lanes: number,
    scope: CallScope,
    options: MapOptions | undefined,
  ): Promise<unknown[]> {
    const results: unknown[] = reader.length === undefined ? [] : new Array<unknown>(reader.length);
    const fn = this.#fn;
    const policy = this.#policy;
    const emit = scope.emit;
    const tolerate = options?.tolerate === true;
    const done = options?.done;
    const indices = options?.indices;
    let issued = 0;
    let failed = false;
    const lane = async (): Promise<void> => {
      // Each lane is a worker of its own, up while the stage has items for it.
      const worker = emit === undefined ? CALLING_THREAD : this.#workers.next();
      this.#workers.up(scope, worker);
      try {
        while (!failed && !scope.cancelled) {
          const index = issued++;
          let item: unknown;
          try {
            item = reader.next();
            if (isThenable(item)) item = await item;
          } catch (error) {
            throw new MethodError(this.#name, itemNumber(indices, index), 0, error);
          }
          if (item === END || failed || scope.cancelled) break;
          // Read after the item: a stream's `indices` names it by the time it is read.
          const number = itemNumber(indices, index);
          const attempt: Attempt = (context) => fn(item, context);
          try {
            const output =
              emit === undefined
                ? policy.run(attempt, number, scope)
                : this.#observed(attempt, number, index, worker, scope, emit, undefined);
            results[index] = isThenable(output) ? await output : output;
          } catch (error) {
            if (!tolerate || scope.cancelled || !(error instanceof MethodError)) throw error;
            results[index] = new ItemFailure(error, reader.length === undefined ? item : undefined);
            options?.failed?.(index, error);
            continue;
          }
          // Not once the map is over: a failure elsewhere, or a cancellation, settled it meanwhile.
          if (done !== undefined && !failed && !scope.cancelled) done(index, results[index]);
        }
      } catch (error) {
        failed = true;
        reader.close();
        throw error;
      } finally {
        this.#workers.down(scope, worker, "idle");
      }
    };
    const running: Promise<void>[] = [];
    for (let i = 0; i < lanes; i++) running.push(lane());
    try {
      await Promise.all(running);
    } finally {
      // Cancelled or failed: stop the source too, so that a generator can release what it holds.
      if (failed || scope.cancelled) reader.close();
    }
    results.length = Math.min(results.length, reader.read);
    return results;
  }

  /** One call as a shard of one item, between `shard:start` and `shard:end`. */
  #observed(
    attempt: Attempt,
    item: number | undefined,
    shard: number,
    worker: number,
    scope: CallScope,
    emit: Emit,
    call: { readonly error: unknown } | undefined,
  ): unknown {
    if (worker === CALLING_THREAD) this.#workers.up(scope, CALLING_THREAD);
    const method = this.#name;
    const runId = scope.runId;
    const first = item ?? 0;
    emit({ type: "shard:start", runId, time: now(), method, shard, first, count: 1, worker });
    const started = performance.now();
    const end = (ok: boolean): void => {
      const durations = ok ? [performance.now() - started] : undefined;
      emit({ type: "shard:end", runId, time: now(), method, shard, first, count: 1, worker, ok, durations });
    };
    let output: unknown;
    try {
      output = this.#policy.run(attempt, item, scope, call);
    } catch (error) {
      end(false);
      throw error;
    }
    if (!isThenable(output)) {
      end(true);
      return output;
    }
    return Promise.resolve(output).then(
      (value) => {
        end(true);
        return value;
      },
      (error: unknown) => {
        end(false);
        throw error;
      },
    );
  }
}
