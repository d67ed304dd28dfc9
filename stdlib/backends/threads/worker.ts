/**
 * The entry of every worker thread of the `threads` backend: the pool calls
 * the default export once per task (a probe, or a shard of items).
 *
 * A worker imports the methods' modules itself (JavaScript natively, TypeScript
 * as the calling thread compiled it, or through tsx where it could not be
 * compiled: see compiled-methods.ts), starting as soon as it boots so that the first shard
 * does not wait for them, and runs each item under the method's call policy
 * (retries with backoff, timeout) exactly as the calling thread would. Items
 * of a shard run one after the other: a worker is one lane of its stage.
 */
import { deserialize } from "node:v8";
import { BroadcastChannel, parentPort, threadId, workerData } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol } from "piscina";
import type { CallScope, FlowEvent, RunContext } from "../../api.js";
import { isThenable, LazyAbort } from "../../context.js";
import { errors, MethodError } from "../../errors.js";
import { importModule } from "../../import-module.js";
import { CallPolicy, type AttemptWatch } from "../../policy.js";
import type {
  AbortMessage,
  Encoded,
  EventMessage,
  ItemFailed,
  LoadedMessage,
  LoadFailure,
  ProbeResponse,
  ShardRequest,
  ShardResponse,
  StartedMessage,
  WorkerMethod,
  WorkerRequest,
  WorkerStartup,
} from "./messages.js";
import { decode, encode, encodeCallEvent, findCloneProblem, pack } from "./transport.js";
import { now } from "../../clock.js";

type Invocable = (input?: unknown, context?: RunContext) => unknown;
type Loaded = { readonly fn: Invocable } | { readonly error: Encoded };

const startup = workerData as WorkerStartup;
// Compiled methods carry inline source maps: stack frames then point at the `.ts` lines.
process.setSourceMapsEnabled(true);

interface Bound {
  readonly spec: WorkerMethod;
  readonly policy: CallPolicy;
  readonly loaded: Promise<Loaded>;
}

async function load(spec: WorkerMethod): Promise<Loaded> {
  try {
    const module = await importModule(spec.load);
    const fn = module[spec.method.exportName];
    if (typeof fn !== "function") {
      return { error: encode(errors.notAnExportedFunction(spec.method.exportName, spec.url, fn)) };
    }
    return { fn: fn as Invocable };
  } catch (error) {
    return { error: encode(error) };
  }
}

const methods: readonly Bound[] = startup.methods.map((spec) => ({
  spec,
  policy: new CallPolicy(spec.method, startup.backoff),
  loaded: load(spec),
}));

/** A run with shards on this worker: they share its abort, as calls of one run do in the calling thread. */
interface WorkerRun {
  readonly abort: LazyAbort;
  shards: number;
}

const runs = new Map<string, WorkerRun>();
/**
 * Runs aborted lately, with their reasons: an abort can arrive before a shard
 * of the run it stops, which must then not start. Bounded, oldest first out.
 */
const aborted = new Map<string, unknown>();
const ABORTED_KEPT = 256;

const channel = new BroadcastChannel(startup.channel);
channel.onmessage = (message: unknown) => {
  const data = (message as { data: AbortMessage }).data;
  if (data.kind !== "abort") return;
  const reason = decode(data.reason);
  aborted.set(data.runId, reason);
  if (aborted.size > ABORTED_KEPT) aborted.delete(aborted.keys().next().value as string);
  runs.get(data.runId)?.abort.abort(reason);
};

function enter(runId: string): WorkerRun {
  let run = runs.get(runId);
  if (run === undefined) {
    run = { abort: new LazyAbort(), shards: 0 };
    if (aborted.has(runId)) run.abort.abort(aborted.get(runId));
    runs.set(runId, run);
  }
  run.shards++;
  return run;
}

function leave(runId: string, run: WorkerRun): void {
  if (--run.shards === 0) runs.delete(runId);
}

/** The scope of one shard's calls: its run's cancellation, and events posted back for this shard. */
class ShardScope implements CallScope {
  readonly runId: string;
  readonly emit: ((event: FlowEvent) => void) | undefined;
  posted = 0;
  readonly #run: WorkerRun;

  constructor(request: ShardRequest, run: WorkerRun) {
    this.runId = request.runId;
    this.#run = run;
    this.emit = request.emit
      ? (event) => {
          const encoded = encodeCallEvent(event);
          if (encoded === undefined) return;
          const message: EventMessage = { kind: "event", shard: request.id, event: encoded };
          parentPort?.postMessage(message);
          this.posted++;
        }
      : undefined;
  }

  get cancelled(): boolean {
    return this.#run.abort.aborted;
  }

  get signal(): AbortSignal {
    return this.#run.abort.signal;
  }
}

/**
 * The pool may hand a thread a second shard while it runs one, so that it
 * never sits idle waiting for the calling thread to send more: shards still
 * run one at a time, in the order they came.
 */
let queue: Promise<unknown> = Promise.resolve();

export default function handle(request: WorkerRequest): Promise<unknown> {
  if (request.kind === "probe") return probe();
  const turn = queue.then(() => runShard(request));
  queue = turn.then(
    () => undefined,
    () => undefined,
  );
  return turn;
}

/**
 * A failed call fails its run: the shards of that run waiting on this thread
 * must not start, even before the calling thread's abort arrives.
 */
function runFailedHere(request: ShardRequest, response: ShardResponse): void {
  if (response.kind !== "failed" && response.kind !== "uncloneable" && response.kind !== "not-loaded") return;
  const runId = request.runId;
  if (aborted.has(runId)) return;
  const reason = errors.runFailedOnItem("item" in response ? numberOf(request, response.item) : undefined);
  aborted.set(runId, reason);
  runs.get(runId)?.abort.abort(reason);
}

/** The item at `position` of the map as users see it (`ctx.item`, events, messages): see `ShardRequest.numbers`. */
function numberOf(request: ShardRequest, position: number): number {
  return request.item ?? request.numbers?.[position - request.first] ?? position;
}

async function probe(): Promise<ProbeResponse> {
  const failures: LoadFailure[] = [];
  for (const bound of methods) {
    const loaded = await bound.loaded;
    if ("error" in loaded) failures.push({ method: bound.spec.method.name, url: bound.spec.url, error: loaded.error });
  }
  return { kind: "probe", failures };
}

async function runShard(request: ShardRequest): Promise<unknown> {
  const bound = methods[request.method] as Bound;
  const loaded = await bound.loaded;
  if ("error" in loaded) {
    const response = answer({
      kind: "not-loaded",
      worker: threadId,
      events: 0,
      url: bound.spec.url,
      error: loaded.error,
    });
    runFailedHere(request, response);
    return response;
  }
  // One turn of the event loop, so that an abort sent while this task waited is seen before it starts.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const run = enter(request.runId);
  const scope = new ShardScope(request, run);
  try {
    if (scope.cancelled) return answer({ kind: "cancelled", worker: threadId, events: 0 });
    if (request.emit) {
      const started: StartedMessage = { kind: "started", shard: request.id, time: now() };
      parentPort?.postMessage(started);
      scope.posted++;
    }
    const response = await execute(request, loaded.fn, bound.policy, scope);
    runFailedHere(request, (isMovable(response) ? response[valueSymbol] : response) as ShardResponse);
    return response;
  } finally {
    leave(request.runId, run);
  }
}

function isMovable(value: unknown): value is { [valueSymbol]: unknown } {
  return typeof value === "object" && value !== null && valueSymbol in value;
}

/** Notes a slot's timed attempts in shared memory, for the calling thread to watch (see `WorkerStartup.deadlines`). */
function attemptWatch(slot: number): AttemptWatch {
  const { attempts, deadlines } = startup;
  return {
    begin(number, deadline) {
      attempts[slot] = number;
      deadlines[slot] = deadline;
    },
    end() {
      deadlines[slot] = 0;
    },
  };
}

async function execute(request: ShardRequest, fn: Invocable, policy: CallPolicy, scope: ShardScope): Promise<unknown> {
  const { first, count, slot, numbers } = request;
  const progress = startup.progress;
  const watch = policy.timeoutMs !== null && slot >= 0 ? attemptWatch(slot) : undefined;
  const items = (request.packed === undefined ? request.items : deserialize(request.packed)) as readonly unknown[];
  const outputs = new Array<unknown>(count);
  const durations: number[] | undefined = request.measure ? [] : undefined;
  const error = request.error === undefined ? undefined : decode(request.error);
  let failures: ItemFailed[] | undefined;
  const started = performance.now();
  let retried: Map<number, number> | undefined;
  for (let k = 0; k < count; k++) {
    if (scope.cancelled) return answer({ kind: "cancelled", worker: threadId, events: scope.posted });
    const index = first + k;
    if (slot >= 0) progress[slot] = index;
    const item = items[k];
    const callStarted = durations === undefined ? 0 : performance.now();
    try {
      // The first item may continue attempts begun on a thread that was stopped while it overran its timeout.
      const call =
        k === 0 && (request.firstAttempt > 1 || request.delayMs > 0)
          ? { firstAttempt: request.firstAttempt, delayMs: request.delayMs, watch, error }
          : watch === undefined && error === undefined
            ? undefined
            : { watch, error };
      const attempt = (context: RunContext): unknown => {
        // Kept for an output that turns out not to cross: its failure counts the attempts made.
        if (context.attempt > 1) (retried ??= new Map()).set(k, context.attempt);
        return fn(item, context);
      };
      const output = policy.run(attempt, request.item ?? numbers?.[k] ?? index, scope, call);
      outputs[k] = isThenable(output) ? await output : output;
    } catch (error) {
      const failure =
        error instanceof MethodError ? error : new MethodError(policy.method, numberOf(request, index), 1, error);
      if (request.tolerate && !scope.cancelled) {
        // Tolerated: the other items go on; the calling thread decides what becomes of this one.
        (failures ??= []).push({ item: index, attempts: failure.attempts, error: encode(failure.cause) });
        durations?.push(0);
        continue;
      }
      return answer({
        kind: "failed",
        worker: threadId,
        events: scope.posted,
        item: index,
        attempts: failure.attempts,
        error: encode(failure.cause),
      });
    }
    durations?.push(performance.now() - callStarted);
  }
  const elapsedMs = performance.now() - started;
  const packed = pack(outputs);
  if (packed === undefined) {
    // Either an output cannot be cloned at all, or it holds shared memory, which only `postMessage` shares.
    for (let k = 0; k < count; k++) {
      const problem = findCloneProblem(outputs[k], `outputs[${numberOf(request, first + k)}]`);
      if (problem === undefined) continue;
      if (problem.kind === "uncloneable") {
        const { path, what } = problem;
        return answer({ kind: "uncloneable", worker: threadId, events: scope.posted, item: first + k, path, what });
      }
      // A getter of the output threw while it was read: the call failed, with that error.
      const failure = policy.failure(problem.error, numberOf(request, first + k), retried?.get(k) ?? 1, scope);
      return answer({
        kind: "failed",
        worker: threadId,
        events: scope.posted,
        item: first + k,
        attempts: failure.attempts,
        error: encode(failure.cause),
      });
    }
  }
  const done: ShardResponse = {
    kind: "done",
    worker: threadId,
    events: scope.posted,
    outputs: packed === undefined ? outputs : undefined,
    packed,
    elapsedMs,
    durations,
    failures,
  };
  if (packed === undefined) return done;
  return move({ [transferableSymbol]: [packed.buffer], [valueSymbol]: done } as never);
}

function answer(response: ShardResponse): ShardResponse {
  return response;
}

// The module finishes loading only once the methods are in: piscina waits for that before it gives a
// thread it adds later any task, and the threads it starts with are waited for through this message.
await Promise.all(methods.map((bound) => bound.loaded));
parentPort?.postMessage({ kind: "loaded", worker: threadId } satisfies LoadedMessage);
