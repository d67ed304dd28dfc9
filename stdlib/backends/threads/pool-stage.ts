/**
 * One parallel stage on the pool: it starts once the pool has promised it
 * its `min_worker_count` threads (see `Pool.admit`); items are read as lanes free up, cut into
 * shards sized by the method's `ShardSizer`, sent to threads, and their
 * outputs put back in input order. Shards run on at most `lanes` threads at
 * once, each of which may hold one more waiting (see pool.ts), so at most
 * `2 × lanes` shards are in flight and a stream of any length holds at most
 * `(2 × lanes + 1) × MAX_SHARD_ITEMS` items (the one more: a shard being read).
 *
 * Failures: a call that fails for good fails the stage with its
 * `MethodError`, unless the stage tolerates failed items
 * (`MapOptions.tolerate`): then the item's result is an `ItemFailure` and the
 * other items go on. Outputs are reported to `MapOptions.done` as each
 * shard's answer arrives. A thread that dies under a shard loses nothing:
 * the item it was running (read from shared memory) is re-run alone, the
 * items before and after it as shards of their own, and only when threads
 * died `maxCrashes` times on the same item does the stage fail, naming it.
 * When the run ends early, threads are told to abort its calls; those still
 * busy after a grace period are terminated.
 *
 * Timeouts: a thread stopped for running an attempt past its deadline
 * without yielding (see deadline-watch.ts) counts as a timed-out attempt
 * (`MethodTimeoutError`): the item is retried on another thread, its attempts
 * numbered on, while the items of its shard before and after it are sent
 * again as shards of their own.
 *
 * Items are counted by their position in the map, here and in the threads'
 * answers; what users see (events, errors) names them as the stage does
 * (`MapOptions.indices`, see `#number`).
 *
 * Longer than most files here: one stage's sending, answers, crashes and
 * timeouts share its state (flights, retries, results in order, tolerated
 * items), and split apart they would pass all of it around; a shard in
 * flight is in flight.ts.
 */
import { deserialize } from "node:v8";
import type { CallInfo, CallScope, FlowEvent, ItemStream, MapOptions } from "../../api.js";
import { isThenable } from "../../context.js";
import { describe, errors, ItemFailure, MethodError, MethodTimeoutError } from "../../errors.js";
import { ItemReader } from "../../item-source.js";
import type { ShardRequest, ShardResponse, WorkerMessage } from "./messages.js";
import { DeadlineWatch } from "./deadline-watch.js";
import type { NotedAttempt, Pool } from "./pool.js";
import { Flight, type Part } from "./flight.js";
import type { CallPolicy } from "../../policy.js";
import { TARGET_SHARD_MS, type ShardSizer } from "./shard-size.js";
import { decode, decodeCallEvent, encode, findCloneProblem, pack } from "./transport.js";
import { now } from "../../clock.js";
import { itemNumber } from "../../kit/item-numbers.js";

/** What every stage of one parallel method shares. */
export interface StageSettings {
  readonly pool: Pool;
  readonly planName: string;
  readonly method: string;
  /** Index of the method in the workers' table. */
  readonly methodIndex: number;
  /** The method's `min_worker_count`: threads the pool promises a stage of it (fewer for fewer items). */
  readonly minWorkers: number;
  readonly sizer: ShardSizer;
  readonly maxCrashes: number;
  readonly graceMs: number;
  /** The method's retries and timeout, for the attempts this thread decides on (see `#overran`). */
  readonly policy: CallPolicy;
}

/**
 * Runs `items` through the method on the pool; results in input order. With
 * `options.tolerate`, items that fail for good are tolerated; `info` goes into
 * the context of a lone call made for another method (a fallback's).
 */
export function runStage(
  settings: StageSettings,
  items: readonly unknown[] | ItemStream,
  lanes: number,
  scope: CallScope,
  options?: MapOptions,
  info?: CallInfo,
): Promise<unknown[]> {
  return new PoolStage(settings, new ItemReader(items), Math.max(1, lanes), scope, options, info).start();
}

/** One parallel stage on the pool (see the top of this file). */
export class PoolStage {
  readonly #settings: StageSettings;
  readonly #reader: ItemReader;
  readonly #lanes: number;
  readonly #scope: CallScope;
  readonly #tolerate: boolean;
  readonly #options: MapOptions | undefined;
  /** `MapOptions.indices`: the stage's numbers of the items. */
  readonly #indices: readonly number[] | undefined;
  readonly #info: CallInfo | undefined;
  readonly #results: unknown[] = [];
  /** Outputs that arrived before those of earlier items, by their first index. */
  readonly #early = new Map<number, readonly unknown[]>();
  readonly #flights = new Set<Flight>();
  readonly #retries: Part[] = [];
  /** Threads that died on each item, for items that were running when one did. */
  readonly #crashes = new Map<number, number>();
  #sequence = 0;
  #stopped = false;
  #pumping = false;
  #pumpAgain = false;
  #graceTimer: NodeJS.Timeout | undefined;
  /** For a method with a timeout: stops threads whose attempt overran it without yielding. */
  readonly #deadlines: DeadlineWatch | undefined;
  /** Gives back the threads the pool promised (or stops waiting for them); see `Pool.admit`. */
  #giveBack: (() => void) | undefined;
  #resolve: (results: unknown[]) => void = () => undefined;
  #reject: (error: unknown) => void = () => undefined;
  readonly #onAbort = (): void => this.#stop(this.#scope.signal.reason);

  constructor(
    settings: StageSettings,
    reader: ItemReader,
    lanes: number,
    scope: CallScope,
    options: MapOptions | undefined,
    info: CallInfo | undefined,
  ) {
    this.#settings = settings;
    this.#reader = reader;
    this.#lanes = lanes;
    this.#scope = scope;
    this.#tolerate = options?.tolerate === true;
    this.#options = options;
    this.#indices = options?.indices;
    this.#info = info;
    const { timeoutMs } = settings.policy;
    this.#deadlines =
      timeoutMs === null
        ? undefined
        : new DeadlineWatch(settings.pool, timeoutMs, settings.graceMs, () => this.#flights);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  start(): Promise<unknown[]> {
    const scope = this.#scope;
    if (scope.cancelled) return Promise.reject(scope.signal.reason);
    const promise = new Promise<unknown[]>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#settings.pool.lifecycle.stageStarted(scope);
    scope.signal.addEventListener("abort", this.#onAbort, { once: true });
    const threads = Math.min(this.#lanes, this.#settings.minWorkers);
    this.#giveBack = this.#settings.pool.admit(threads, () => void this.#pump());
    return promise;
  }

  /** A message of a shard's worker: it started, or a call of it is retried or failed. */
  message(flight: Flight, message: WorkerMessage): void {
    const emit = this.#scope.emit;
    if (emit === undefined || this.#stopped) return;
    if (message.kind === "event") {
      emit(decodeCallEvent(message.event, this.#scope.runId, this.#settings.method));
      return;
    }
    if (flight.worker === undefined) return;
    this.#settings.pool.lifecycle.beforeShard(this.#scope, flight.worker);
    flight.started = true;
    const { first, items } = flight.part;
    emit({
      type: "shard:start",
      runId: this.#scope.runId,
      time: message.time,
      method: this.#settings.method,
      shard: flight.shard,
      first: itemNumber(this.#indices, first),
      count: items.length,
      worker: flight.worker,
    });
  }

  answered(flight: Flight, response: ShardResponse): void {
    this.#land(flight);
    if (this.#stopped) return;
    const { method } = this.#settings;
    const { first, items } = flight.part;
    switch (response.kind) {
      case "done": {
        let outputs: unknown[];
        try {
          outputs = (response.packed === undefined ? response.outputs : deserialize(response.packed)) as unknown[];
        } catch (error) {
          this.#unreadable(flight, error);
          return;
        }
        this.#settings.sizer.record(items.length, response.elapsedMs);
        this.#shardEnd(flight, true, response.durations);
        for (const failed of response.failures ?? []) {
          const k = failed.item - first;
          outputs[k] = this.#itemFailure(
            new MethodError(method, this.#number(failed.item), failed.attempts, decode(failed.error)),
            failed.item,
            items[k],
          );
        }
        if (!this.#reportDone(first, outputs)) return;
        this.#deliver(first, outputs);
        void this.#pump();
        return;
      }
      case "failed":
        this.#shardEnd(flight, false, undefined);
        this.#fail(new MethodError(method, this.#number(response.item), response.attempts, decode(response.error)));
        return;
      case "uncloneable":
        this.#shardEnd(flight, false, undefined);
        this.#fail(
          new MethodError(
            method,
            this.#number(response.item),
            1,
            errors.notCloneable(response.path, response.what, "from"),
          ),
        );
        return;
      case "not-loaded":
        this.#shardEnd(flight, false, undefined);
        this.#fail(new MethodError(method, this.#number(first), 0, decode(response.error)));
        return;
      case "cancelled":
        // Its thread stopped it because another shard of the run failed there, and that failure, answered
        // first but waiting for its events, is about to fail the stage. Nothing of this one ran.
        this.#retries.push(flight.part);
        return;
    }
  }

  /**
   * The shard's outputs cannot be read back here: V8 reads them recursively,
   * and a value its worker (with a larger stack) could write may be nested
   * too deep for this thread. Which output is to blame is only known from a
   * shard of one item, so the items go again one by one (their calls run
   * again, as after a crash) until one of them fails the stage.
   */
  #unreadable(flight: Flight, error: unknown): void {
    const { first, items } = flight.part;
    this.#shardEnd(flight, false, undefined);
    if (items.length === 1) {
      const what = `a value nested too deep for the calling thread to read back (${describe(error)})`;
      const number = this.#number(first);
      this.#fail(
        new MethodError(this.#settings.method, number, 1, errors.notCloneable(`outputs[${number}]`, what, "from")),
      );
      return;
    }
    for (let k = 0; k < items.length; k++) this.#retries.push({ first: first + k, items: [items[k]], crashes: 0 });
    void this.#pump();
  }

  /** The pool rejected the shard: its thread died, or it was aborted, or it could not be sent. */
  lost(flight: Flight, error: unknown): void {
    // Read before the slot is reused.
    const running = this.#settings.pool.progressOf(flight.slot);
    this.#land(flight);
    if (flight.abandoned || this.#stopped) return;
    const { pool, method, planName, maxCrashes } = this.#settings;
    if (pool.closing) {
      this.#fail(errors.closedDuringRun(planName, method));
      return;
    }
    const { first, items } = flight.part;
    // Items that went as they were (shared memory in them) and still could not be posted: no thread died.
    if (isDataCloneError(error)) {
      this.#shardEnd(flight, false, undefined);
      this.#fail(new MethodError(method, this.#number(first), 0, error));
      return;
    }
    if (flight.worker !== undefined) pool.markCrashed(flight.worker);
    this.#shardEnd(flight, false, undefined);
    if (flight.overran !== undefined) {
      this.#overran(flight.part, flight.overran);
      return;
    }
    const last = first + items.length - 1;
    if (running < first || running > last) {
      // It was still waiting behind the shard its thread died on: run it again, blaming nothing.
      if (flight.waiting) {
        this.#retries.push(flight.part);
        void this.#pump();
        return;
      }
      // It died before its first call began: nothing points at one item.
      const crashes = flight.part.crashes + 1;
      if (crashes >= maxCrashes) {
        const number = this.#number(first);
        const crash = errors.workerCrash(number, items.length, crashes, error, this.#number(last));
        this.#fail(new MethodError(method, number, crashes, crash));
        return;
      }
      this.#retries.push({ first, items, crashes });
    } else {
      const crashes = (this.#crashes.get(running) ?? 0) + 1;
      const k = running - first;
      const final = crashes >= maxCrashes;
      if (final) {
        const number = this.#number(running);
        const failure = new MethodError(method, number, crashes, errors.workerCrash(number, 1, crashes, error));
        if (!this.#tolerate) {
          this.#fail(failure);
          return;
        }
        this.#deliver(running, [this.#itemFailure(failure, running, items[k])]);
      } else {
        this.#crashes.set(running, crashes);
      }
      // The items before it ran but their outputs died with the thread; those after never started.
      if (k > 0) this.#retries.push({ first, items: items.slice(0, k), crashes: 0 });
      if (!final) this.#retries.push({ first: running, items: [items[k]], crashes: 0 });
      if (k + 1 < items.length) this.#retries.push({ first: running + 1, items: items.slice(k + 1), crashes: 0 });
    }
    void this.#pump();
  }

  /**
   * A thread was terminated for running an attempt past its deadline: that
   * attempt timed out. The item is retried alone on another thread with its
   * attempts numbered on (or fails, when it has no retries left); the items
   * of its shard before it (whose outputs went with the thread) and after it
   * (never started) go again as shards of their own.
   */
  #overran(part: Part, noted: NotedAttempt): void {
    const { method, policy } = this.#settings;
    const { first, items } = part;
    const k = noted.item - first;
    const timeoutMs = policy.timeoutMs ?? 0;
    const number = this.#number(noted.item);
    const error = new MethodTimeoutError(method, number, timeoutMs);
    if (noted.attempt > policy.retries) {
      const failure = policy.failure(error, number, noted.attempt, this.#scope);
      if (!this.#tolerate) {
        this.#fail(failure);
        return;
      }
      // Tolerated: the item is done with; the others of its shard go again.
      this.#deliver(noted.item, [this.#itemFailure(failure, noted.item, items[k])]);
      if (k > 0) this.#retries.push({ first, items: items.slice(0, k), crashes: 0 });
      if (k + 1 < items.length) this.#retries.push({ first: noted.item + 1, items: items.slice(k + 1), crashes: 0 });
      void this.#pump();
      return;
    }
    const delayMs = policy.retryDelay(noted.attempt);
    this.#scope.emit?.({
      type: "call:retry",
      runId: this.#scope.runId,
      time: now(),
      method,
      item: number,
      attempt: noted.attempt,
      delayMs,
      error,
    });
    if (k > 0) this.#retries.push({ first, items: items.slice(0, k), crashes: 0 });
    this.#retries.push({ first: noted.item, items: [items[k]], crashes: 0, attempt: noted.attempt + 1, delayMs });
    if (k + 1 < items.length) this.#retries.push({ first: noted.item + 1, items: items.slice(k + 1), crashes: 0 });
    void this.#pump();
  }

  /** Cuts and sends shards while lanes are free; finishes the stage once everything is back. */
  async #pump(): Promise<void> {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        while (!this.#stopped && this.#flights.size < 2 * this.#lanes) {
          const retry = this.#retries.shift();
          if (retry !== undefined) {
            this.#send(retry);
            continue;
          }
          const reader = this.#reader;
          if (reader.done) break;
          const first = reader.read;
          const remaining = reader.length === undefined ? undefined : reader.length - first;
          const size = this.#settings.sizer.next(remaining, this.#lanes);
          let items: unknown[];
          try {
            const taken = reader.take(size, performance.now() + TARGET_SHARD_MS);
            items = isThenable(taken) ? await taken : taken;
          } catch (error) {
            this.#fail(new MethodError(this.#settings.method, this.#number(reader.read), 0, error));
            return;
          }
          if (this.#stopped) return;
          if (items.length === 0) break;
          this.#send({ first, items, crashes: 0 });
        }
      } while (this.#pumpAgain && !this.#stopped);
    } catch (error) {
      // Nothing above should throw; if it does, the stage fails with it rather than hang.
      this.#fail(error);
      return;
    } finally {
      this.#pumping = false;
    }
    if (
      !this.#stopped &&
      this.#flights.size === 0 &&
      this.#retries.length === 0 &&
      this.#reader.done &&
      this.#early.size === 0
    ) {
      this.#finish();
    }
  }

  #send(part: Part): void {
    const { pool, method, methodIndex } = this.#settings;
    const packed = pack(part.items);
    if (packed === undefined) {
      // Either an item cannot be cloned at all, or it holds shared memory, which only `postMessage` shares.
      for (let k = 0; k < part.items.length; k++) {
        const number = this.#number(part.first + k);
        const problem = findCloneProblem(part.items[k], `items[${number}]`);
        if (problem === undefined) continue;
        // A getter of the item that throws fails it with its own error; anything else cannot be sent.
        const cause = problem.kind === "throws" ? problem.error : errors.notCloneable(problem.path, problem.what, "to");
        this.#fail(new MethodError(method, number, 0, cause));
        return;
      }
    }
    const slot = pool.takeSlot();
    const flight = new Flight(this, this.#lanes, pool.nextShardId(), this.#sequence++, part, slot);
    const listening = this.#scope.emit !== undefined;
    const request: ShardRequest = {
      kind: "shard",
      id: flight.id,
      runId: this.#scope.runId,
      method: methodIndex,
      first: part.first,
      count: part.items.length,
      items: packed === undefined ? part.items : undefined,
      packed,
      slot,
      firstAttempt: part.attempt ?? 1,
      delayMs: part.delayMs ?? 0,
      emit: listening,
      measure: listening,
      tolerate: this.#tolerate,
      numbers: this.#indices?.slice(part.first, part.first + part.items.length),
      item: this.#info?.item,
      error: this.#info === undefined || this.#info.error === undefined ? undefined : encode(this.#info.error),
    };
    this.#flights.add(flight);
    if (!this.#stopped) this.#deadlines?.start();
    pool.run(request, flight).then(
      (response) => flight.answer(response),
      (error: unknown) => this.lost(flight, error),
    );
  }

  /** A flight is back (answered or lost): frees its lane and slot. */
  #land(flight: Flight): void {
    if (!this.#flights.delete(flight)) return;
    this.#settings.pool.release(flight, flight.worker);
    this.#settings.pool.freeSlot(flight.slot);
    if (this.#stopped && this.#flights.size === 0) {
      clearTimeout(this.#graceTimer);
      this.#graceTimer = undefined;
      this.#giveBack?.();
    }
  }

  #shardEnd(flight: Flight, ok: boolean, durations: readonly number[] | undefined): void {
    const emit = this.#scope.emit;
    if (emit === undefined || !flight.started || flight.worker === undefined) return;
    const { first, items } = flight.part;
    emit({
      type: "shard:end",
      runId: this.#scope.runId,
      time: now(),
      method: this.#settings.method,
      shard: flight.shard,
      first: itemNumber(this.#indices, first),
      count: items.length,
      worker: flight.worker,
      ok,
      durations,
    } satisfies FlowEvent);
  }

  /**
   * The result of the item at `position` that failed for good in a tolerant
   * stage, reported to the map's `failed` at once; it carries its input when
   * the stage reads a stream (the caller cannot index one).
   */
  #itemFailure(failure: MethodError, position: number, input: unknown): ItemFailure {
    this.#options?.failed?.(position, failure);
    return new ItemFailure(failure, this.#reader.length === undefined ? input : undefined);
  }

  /**
   * Tells the map's `done` of each output of a shard's answer (not its failed
   * items); false when `done` threw, which fails the stage.
   */
  #reportDone(first: number, outputs: readonly unknown[]): boolean {
    const done = this.#options?.done;
    if (done === undefined) return true;
    try {
      for (let k = 0; k < outputs.length; k++) {
        const output = outputs[k];
        // An `ItemFailure` cannot come from a thread (cloning drops its class): only the failed items are.
        if (!(output instanceof ItemFailure)) done(first + k, output);
      }
      return true;
    } catch (error) {
      this.#fail(error);
      return false;
    }
  }

  /**
   * The item at `position` as events and errors name it: its number in the
   * stage (`MapOptions.indices`), or for a lone call made for another item,
   * that item.
   */
  #number(position: number): number {
    return this.#info?.item ?? itemNumber(this.#indices, position);
  }

  /** Puts outputs at their place: appended once every earlier item's output is in. */
  #deliver(first: number, outputs: readonly unknown[]): void {
    const results = this.#results;
    if (first !== results.length) {
      this.#early.set(first, outputs);
      return;
    }
    let next: readonly unknown[] | undefined = outputs;
    while (next !== undefined) {
      // A loop, not a spread: a shard may hold more items than a call may take arguments.
      for (const output of next) results.push(output);
      const at = results.length;
      next = this.#early.get(at);
      if (next !== undefined) this.#early.delete(at);
    }
  }

  #finish(): void {
    this.#stopped = true;
    this.#detach();
    this.#resolve(this.#results);
  }

  #fail(error: unknown): void {
    if (this.#stopped) return;
    this.#stop(error);
    this.#reject(error);
  }

  /**
   * Ends the stage early: no more items are read, threads are told to abort
   * the run's calls (shards that have not started then end at once), and the
   * threads of shards still running after the grace period are terminated.
   */
  #stop(reason: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reader.close();
    this.#detach();
    this.#reject(reason);
    if (this.#flights.size === 0) return;
    const { pool, graceMs } = this.#settings;
    pool.abortRun(this.#scope, reason);
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      for (const flight of this.#flights) {
        if (flight.worker === undefined) continue;
        flight.abandoned = true;
        pool.terminate(flight.worker);
      }
    }, graceMs);
    // Stopping stragglers must not keep a finished process alive.
    this.#graceTimer.unref();
  }

  #detach(): void {
    this.#deadlines?.stop();
    this.#scope.signal.removeEventListener("abort", this.#onAbort);
    this.#settings.pool.lifecycle.stageEnded(this.#scope);
    // Threads still busy with its shards (stopping) stay promised until those are back (see `#land`).
    if (this.#flights.size === 0) this.#giveBack?.();
  }
}

function isDataCloneError(error: unknown): boolean {
  return error instanceof Error && error.name === "DataCloneError";
}
