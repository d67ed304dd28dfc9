/**
 * The distributed backend: every method is a BullMQ queue, and worker
 * processes on any machine that reaches the same Redis run the calls. The
 * caller (this session) only submits jobs and collects results.
 *
 * A call (one method in one run) is submitted as shard jobs with ids fixed
 * by run, method and shard, so resubmitting one never makes two. Workers
 * answer through one Redis stream per caller session, read with a blocking
 * XREAD, rather than through BullMQ's QueueEvents: the stream holds only this
 * caller's replies (QueueEvents would make every caller read every event of
 * the queue), it carries the start, retry and failure details the run's
 * events need, it is not trimmed by other callers' traffic, and a reader
 * that reconnects resumes after the last entry it read, so no result is
 * lost to a dropped connection. A shard may run twice (its worker died, or
 * Redis lost its data and the shard was resubmitted); the caller keeps the
 * first result of each shard and ignores the rest: execution is at least
 * once, results exactly once.
 *
 * The session keeps submitting shards and dispatching replies, which read
 * and change the same calls in flight (and resubmitting after a reconnect,
 * which is submitting again). Around it: the connections and outages
 * (./connection.ts), the reply stream's reader (./reply-stream.ts), the
 * calls and their shards (./call.ts), what only watches the calls (workers
 * gone, state lost: ./monitor.ts), and worker numbers and events (the kit's
 * WorkerEvents). It is still over the usual length: dispatch is a switch over
 * every kind of reply, each of which settles shards of the calls it submitted.
 *
 * Longer than most files: the caller's side of a call (jobs out, replies in, the run's
 * keys kept alive) shares one connection and one table of calls in flight.
 */
import { randomUUID } from "node:crypto";
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import type {
  BackendMethod,
  BackendOpenOptions,
  BackendSession,
  CallInfo,
  CallScope,
  FlowEvent,
  MapOptions,
} from "../../api.js";
import { errors, MethodError, type TooFewWorkersError } from "../../errors.js";
import type { PlanDescriptor, PlanMethod } from "../../plan.js";
import { callId, jobId, PlanKeys } from "./keys.js";
import { shardItem, WIRE_VERSION, type Reply, type ShardJobWire } from "./messages.js";
import { holesOf, holesWithin, checkPayload } from "./payload.js";
import { fromWireError, toWireError } from "./wire-error.js";
import type { BullmqSettings } from "./options.js";
import { Call, callFailEvent, receiveFailure, receiveOutputs, shardEvent, shardSizeFor, type Shard } from "./call.js";
import { CallerConnection } from "./connection.js";
import { ReplyStream } from "./reply-stream.js";
import { Monitor } from "./monitor.js";
import { now } from "../../clock.js";
import { WorkerEvents } from "../../kit/worker-events.js";
import { itemNumber, shardNumbers } from "../../kit/item-numbers.js";

/** Lifetime of the session and call keys; the caller renews them at a third of it while it lives. */
const KEY_TTL_MS = 30_000;
/** How often a stage that waits for workers counts them again. */
const WORKER_POLL_MS = 200;
/** Workers a session remembers having left. */
const LEFT_KEPT = 1_000;
/** Rejected replies logged per session; the rest are counted only. */
const REJECTIONS_LOGGED = 20;
/** Call ids a session remembers having made. */
const ISSUED_KEPT = 10_000;
/** How long a count of live workers is trusted before the next call counts again. */
const WORKER_COUNT_FRESH_MS = 1_000;

/** Opens a caller session for `plan` (see `bullmq()` in ./index.ts, which loads this module on first use). */
export async function openSession(
  plan: PlanDescriptor,
  options: BackendOpenOptions,
  settings: BullmqSettings,
): Promise<BackendSession> {
  // Refused before any connection is made, so nothing of this plan is ever enqueued.
  if (plan.jsonSafe !== true) {
    throw errors.notJsonChecked(plan.name);
  }
  const session = new Session(plan, options, settings);
  await session.connect();
  return session;
}

/** What the session knows about one run: its calls in flight. */
interface RunState {
  readonly calls: Set<Call>;
  /** Calls made of each method in the run, for methods called more than once (helpers). */
  readonly made: Map<string, number>;
}

class Session implements BackendSession {
  readonly #plan: PlanDescriptor;
  readonly #options: BackendOpenOptions;
  readonly #settings: BullmqSettings;
  readonly #keys: PlanKeys;
  readonly #id = randomUUID();
  readonly #connection: CallerConnection;
  /** The command connection (the connection's). */
  readonly #redis: Redis;
  readonly #where: string;
  readonly #replies: ReplyStream;
  readonly #queues = new Map<string, Queue>();
  readonly #calls = new Map<string, Call>();
  readonly #runs = new WeakMap<CallScope, RunState>();
  /** Workers numbered in the order this session first saw them, as `worker:up` and shard events name them. */
  readonly #workers = new WorkerEvents("bullmq");
  /** Workers reported down; a worker id is never reused. */
  readonly #departed = new Set<string>();
  readonly #liveCounts = new Map<string, { readonly live: number; readonly at: number }>();
  readonly #methodIndex: Map<string, number>;
  /** Ids of the calls this session made (the most recent ones): replies to them after they end are no forgery. */
  readonly #issued = new Set<string>();
  #rejected = 0;
  #renewal: NodeJS.Timeout | undefined;
  /** Resubmitting after a reconnect: the run's keys are being put back. */
  #recovering = false;
  /** Workers that announced that they stop (the most recent ones). */
  readonly #left = new Set<string>();
  readonly #monitor: Monitor;
  #closed = false;

  constructor(plan: PlanDescriptor, options: BackendOpenOptions, settings: BullmqSettings) {
    this.#plan = plan;
    this.#options = options;
    this.#settings = settings;
    this.#keys = new PlanKeys(plan, settings.prefix);
    this.#methodIndex = new Map(plan.methods.map((method, i) => [method.name, i]));
    this.#connection = new CallerConnection(settings, this.#id, {
      onOutage: (cause) => {
        for (const call of [...this.#calls.values()]) {
          this.#finish(call, new MethodError(call.method.name, undefined, 1, cause));
        }
      },
      onReconnect: () => this.#onReconnect(),
    });
    this.#redis = this.#connection.redis;
    this.#where = this.#connection.where;
    this.#replies = new ReplyStream({
      reader: this.#connection.reader,
      redis: this.#redis,
      key: this.#keys.replies(this.#id),
      dispatch: (reply) => this.#dispatch(reply),
      idle: () => this.#calls.size === 0,
    });
    this.#monitor = new Monitor({
      redis: this.#redis,
      keys: this.#keys,
      plan,
      settings,
      sessionId: this.#id,
      where: this.#where,
      calls: () => this.#calls.values(),
      fail: (call, error) => this.#finish(call as Call, error),
      epoch: () => (this.#connection.ready && !this.#recovering ? this.#connection.epoch : undefined),
      readUpTo: (id, ms) => this.#replies.readUpTo(id, ms),
      left: (worker) => this.#left.has(worker),
    });
  }

  async connect(): Promise<void> {
    await this.#connection.connect();
    await this.#redis.set(this.#keys.session(this.#id), "1", "PX", KEY_TTL_MS);
    this.#connection.listener.on("message", (_channel: string, worker: string) => {
      if (this.#left.size >= LEFT_KEPT) this.#left.delete(this.#left.values().next().value ?? "");
      this.#left.add(worker);
      this.#onLeave(worker);
    });
    await this.#connection.listener.subscribe(this.#keys.leaveChannel);
    for (const method of this.#plan.methods) {
      const queue = new Queue(this.#keys.queue(method.name), {
        connection: this.#connection.forQueue(method.name),
        prefix: this.#keys.prefix,
      });
      queue.on("error", () => undefined);
      this.#queues.set(method.name, queue);
    }
    this.#renewal = setInterval(() => this.#renewKeys(), KEY_TTL_MS / 3);
    this.#renewal.unref();
    this.#monitor.start();
  }

  method(method: PlanMethod): BackendMethod {
    return {
      call: (input, scope, info) => this.#start(method, [input], true, 1, scope, undefined, info),
      map: (items, lanes, scope, options) =>
        this.#start(method, items, false, lanes, scope, options, undefined) as Promise<unknown[]>,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#renewal);
    this.#monitor.stop();
    this.#replies.close();
    this.#connection.close();
    const closed = errors.closedDuringRun(this.#plan.name);
    for (const call of [...this.#calls.values()]) this.#finish(call, closed);
    await Promise.all([...this.#queues.values()].map((queue) => queue.close().catch(() => undefined)));
    await this.#redis.del(this.#keys.session(this.#id), this.#keys.replies(this.#id)).catch(() => undefined);
    await this.#redis.quit().catch(() => undefined);
    // The reader is not awaited: ioredis may never settle a read pending on a connection closed while it reconnected.
  }

  #start(
    method: PlanMethod,
    items: readonly unknown[],
    single: boolean,
    lanes: number,
    scope: CallScope,
    options: MapOptions | undefined,
    info: CallInfo | undefined,
  ): Promise<unknown> {
    if (scope.cancelled) return Promise.reject(scope.signal.reason);
    if (this.#closed) return Promise.reject(errors.runnerClosed(this.#plan.name));
    const run = this.#runOf(scope);
    const repeat = run.made.get(method.name) ?? 0;
    run.made.set(method.name, repeat + 1);
    const call = new Call(
      callId(scope.runId, this.#methodIndex.get(method.name) ?? 0, repeat),
      repeat,
      method,
      scope,
      single,
      items.length,
      options,
      info,
    );
    run.calls.add(call);
    this.#calls.set(call.id, call);
    if (this.#issued.size >= ISSUED_KEPT) this.#issued.delete(this.#issued.values().next().value ?? "");
    this.#issued.add(call.id);
    this.#submit(call, items, lanes).catch((error: unknown) => this.#finish(call, error));
    return call.promise;
  }

  #runOf(scope: CallScope): RunState {
    let run = this.#runs.get(scope);
    if (run === undefined) {
      const state: RunState = { calls: new Set(), made: new Map() };
      this.#runs.set(scope, state);
      // The run ended elsewhere (another method failed, or it was cancelled): stop its shards everywhere.
      scope.signal.addEventListener("abort", () => this.#cancelRun(scope, state), { once: true });
      run = state;
    }
    return run;
  }

  async #submit(call: Call, items: readonly unknown[], lanes: number): Promise<void> {
    const method = call.method;
    await this.#awaitWorkers(method, call);
    if (call.settled) return;
    const size = call.single
      ? 1
      : shardSizeFor(items.length, lanes, method.shardSize ?? null, this.#settings.shardSize);
    const events = call.scope.emit !== undefined;
    const attempts = method.retries + 1;
    const indices = call.options?.indices;
    for (let first = 0, shard = 0; first < items.length; first += size, shard++) {
      const slice = items.slice(first, first + size);
      const inputs = call.single && !method.takesInput ? [] : slice;
      // Workers would refuse these; refusing here names the item and spares the round trip.
      inputs.forEach((input, i) => {
        try {
          checkPayload(input);
        } catch (error) {
          const cause = errors.inputNotSendable(error);
          throw new MethodError(method.name, call.single ? undefined : call.numberOf(first + i), 0, cause);
        }
      });
      // A single call's input is assembled by the runtime (the object of several inputs, a skipped item's
      // `undefined`): its `undefined` parts are kept at any depth.
      const holes = call.single ? holesWithin(inputs) : holesOf(inputs);
      // The stage's numbers of the shard's items, when they are not the first's and those after it.
      const numbers = call.single ? undefined : shardNumbers(indices, first, slice.length);
      const data: ShardJobWire = {
        v: WIRE_VERSION,
        run: call.scope.runId,
        session: this.#id,
        shard,
        token: randomUUID(),
        first: call.single ? 0 : itemNumber(indices, first),
        ...(numbers === undefined ? {} : { items: numbers }),
        single: call.single,
        input: inputs,
        ...(holes.length > 0 ? { holes } : {}),
        events,
        ...(attempts > 1 ? { backoff: this.#options.retryBackoff } : {}),
        ...(call.tolerate ? { tolerate: true } : {}),
        ...(call.repeat === 0 ? {} : { repeat: call.repeat }),
        ...(call.info?.item === undefined ? {} : { item: call.info.item }),
        ...(call.info?.error === undefined ? {} : { error: toWireError(call.info.error) }),
      };
      const opts: JobsOptions = {
        jobId: jobId(call.id, shard),
        attempts,
        ...(attempts > 1 ? { backoff: { type: "flowc" } } : {}),
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600, count: 1000 },
      };
      call.shards.push({
        first,
        count: slice.length,
        job: { name: method.name, data, opts },
        worker: undefined,
        received: new Uint8Array(slice.length),
        collected: false,
      });
    }
    call.remaining = call.shards.length;
    this.#replies.start();
    // Workers skip shards of calls without a key: it must exist before the first job does.
    await this.#redis.set(this.#keys.call(call.id), "1", "PX", KEY_TTL_MS);
    if (call.settled) {
      // The run ended meanwhile: take the key back rather than let workers find it.
      await this.#redis.del(this.#keys.call(call.id));
      return;
    }
    await this.#queue(method).addBulk(call.shards.map((shard) => shard.job));
    call.submitted = true;
  }

  #queue(method: PlanMethod): Queue {
    const queue = this.#queues.get(method.name);
    // Can't happen: connect() made a queue for every method of the plan.
    if (queue === undefined) throw new Error(`no queue for method '${method.name}'`);
    return queue;
  }

  /** Waits until enough live workers serve the method: `min_worker_count` for a parallel one, else one. */
  async #awaitWorkers(method: PlanMethod, call: Call): Promise<void> {
    const needed = method.mode === "parallel" ? method.minWorkers : 1;
    const cached = this.#liveCounts.get(method.name);
    if (cached !== undefined && cached.live >= needed && Date.now() - cached.at < WORKER_COUNT_FRESH_MS) return;
    const deadline = Date.now() + this.#settings.workerWait;
    let told = false;
    for (;;) {
      const live = (await this.#monitor.liveServers(method.name)).length;
      this.#liveCounts.set(method.name, { live, at: Date.now() });
      if (live >= needed || call.settled) return;
      const left = deadline - Date.now();
      if (left <= 0) throw this.#tooFewWorkers(method, needed, live);
      if (!told && this.#settings.workerWait === Infinity) {
        told = true;
        this.#settings.log(
          `'${method.name}' of plan '${this.#plan.name}' needs ${needed} live worker(s) on Redis ${this.#where}, ` +
            `${live} serve(s) it; waiting without a limit (workerWait: Infinity)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(WORKER_POLL_MS, left)));
    }
  }

  #tooFewWorkers(method: PlanMethod, needed: number, live: number): TooFewWorkersError {
    return errors.tooFewWorkers(this.#plan.name, method, needed, live, this.#settings.workerWait, this.#where);
  }

  /**
   * Acts on one reply, once it is known to answer a shard in flight. Replies
   * to calls that have ended, and second results of a shard that ran twice,
   * are what genuine workers send after a failure or a crash: they are
   * dropped quietly. Replies no worker of this caller could have sent (a
   * call it never made, a shard its call lacks, a token not its job's) are
   * rejected and logged: another Redis client wrote them.
   */
  #dispatch(reply: Reply): void {
    const call = this.#calls.get(reply.call);
    if (call === undefined) {
      if (!this.#issued.has(reply.call)) this.#reject(reply, `this caller made no call '${reply.call}'`);
      return;
    }
    const shard = call.shards[reply.shard];
    if (shard === undefined) {
      this.#reject(
        reply,
        `the call of '${call.method.name}' has ${call.shards.length} shard(s), none numbered ${reply.shard}`,
      );
      return;
    }
    if (reply.token !== shard.job.data.token) {
      this.#reject(reply, `its token is not that of the shard's job`);
      return;
    }
    if (shard.collected) return;
    const emit = call.scope.emit;
    switch (reply.t) {
      case "start": {
        if (emit === undefined) return;
        if (shard.worker !== undefined && shard.worker !== reply.worker) {
          // Someone else started it again: its worker died or stalled, and the shard runs again elsewhere.
          emit(this.#shardEvent("shard:end", call, reply.shard, shard, shard.worker, false, undefined));
          // It lost its lock: it died, or blocked its event loop for longer than the lock lasts.
          this.#onLeave(shard.worker, "crash");
        }
        shard.worker = reply.worker;
        this.#announce(call, reply.worker);
        emit(this.#shardEvent("shard:start", call, reply.shard, shard, reply.worker, true, undefined));
        return;
      }
      case "retry":
        emit?.({
          type: "call:retry",
          runId: call.scope.runId,
          time: now(),
          method: call.method.name,
          item: reply.item ?? undefined,
          attempt: reply.attempt,
          delayMs: reply.delayMs,
          error: fromWireError(reply.error),
        });
        return;
      case "part":
      case "done": {
        let problem: string | undefined;
        try {
          problem = receiveOutputs(call, shard, reply);
        } catch (error) {
          // The map's `done` threw: the map fails with its error.
          this.#finish(call, error);
          return;
        }
        if (problem !== undefined) {
          // The genuine result may still come: only its absence would fail the call.
          this.#reject(reply, problem);
          return;
        }
        if (reply.t === "part") return;
        shard.collected = true;
        const missing = shard.received.indexOf(0);
        if (missing !== -1) {
          // Only a job altered in Redis leaves items out: every attempt sends what it ran before the next starts.
          const item = shardItem(shard.job.data, missing);
          const cause = errors.resultIncomplete(reply.shard, item);
          this.#finish(call, new MethodError(call.method.name, call.single ? undefined : item, 1, cause));
          return;
        }
        if (emit !== undefined) {
          this.#announce(call, reply.worker);
          emit(
            this.#shardEvent("shard:end", call, reply.shard, shard, reply.worker, true, reply.durations ?? undefined),
          );
        }
        if (--call.remaining === 0) this.#finish(call, undefined);
        return;
      }
      case "ifail": {
        const received = receiveFailure(call, shard, reply);
        if (typeof received === "string") {
          this.#reject(reply, received);
          return;
        }
        if (received === undefined) return;
        if (emit !== undefined && !call.scope.cancelled) emit(callFailEvent(call, received.error));
        call.options?.failed?.(received.position, received.error);
        return;
      }
      case "fail": {
        const failure = new MethodError(
          call.method.name,
          reply.item ?? undefined,
          reply.attempts,
          fromWireError(reply.error),
        );
        if (emit !== undefined) {
          this.#announce(call, reply.worker);
          emit(this.#shardEvent("shard:end", call, reply.shard, shard, reply.worker, false, undefined));
          if (!call.scope.cancelled) emit(callFailEvent(call, failure));
        }
        this.#finish(call, failure);
        return;
      }
    }
  }

  /** Logs a reply that does not answer a shard in flight (the first few; a flood would drown the log). */
  #reject(reply: Reply, why: string): void {
    this.#rejected++;
    if (this.#rejected > REJECTIONS_LOGGED) return;
    this.#settings.log(
      `rejected a '${reply.t}' reply to shard ${reply.shard} of call '${reply.call}' on Redis ${this.#where}: ${why}; ` +
        `no worker of this caller sent it, so another client wrote to its reply stream`,
    );
    if (this.#rejected === REJECTIONS_LOGGED) this.#settings.log("further rejected replies are not logged");
  }

  #shardEvent(
    type: "shard:start" | "shard:end",
    call: Call,
    number: number,
    shard: Shard,
    worker: string,
    ok: boolean,
    durations: readonly number[] | undefined,
  ): FlowEvent {
    return shardEvent(type, call, number, shard, this.#workers.numberOf(worker), ok, durations);
  }

  /** `worker:up` the first time a run hears from a worker (worker 0, the calling thread, runs nothing here). */
  #announce(call: Call, worker: string): void {
    if (this.#departed.has(worker)) return;
    this.#workers.up(call.scope, this.#workers.numberOf(worker));
  }

  /** A worker stopped: `worker:down` to every run going that announced it. */
  #onLeave(worker: string, reason: "close" | "crash" = "close"): void {
    const number = this.#workers.knownNumber(worker);
    if (number === undefined) return;
    // Replies it sent before it left may still be read after: they must not announce it again.
    this.#departed.add(worker);
    for (const call of this.#calls.values()) this.#workers.down(call.scope, number, reason);
  }

  /** Settles a call: with its results when `error` is undefined. Its shards stop mattering to workers. */
  #finish(call: Call, error: unknown): void {
    if (call.settled) return;
    this.#calls.delete(call.id);
    this.#runs.get(call.scope)?.calls.delete(call);
    void this.#redis.del(this.#keys.call(call.id)).catch(() => undefined);
    if (error === undefined) call.resolve();
    else call.reject(error);
  }

  #cancelRun(scope: CallScope, run: RunState): void {
    const reason: unknown = scope.signal.reason;
    if (this.#closed) return;
    for (const call of [...run.calls]) this.#finish(call, reason);
    // Every worker hears it from Redis, those of this process too.
    const message = JSON.stringify({
      run: scope.runId,
      reason: toWireError(reason),
    });
    void this.#redis.publish(this.#keys.cancelChannel, message).catch(() => undefined);
  }

  #renewKeys(): void {
    const batch = this.#redis.multi().pexpire(this.#keys.session(this.#id), KEY_TTL_MS);
    for (const id of this.#calls.keys()) batch.pexpire(this.#keys.call(id), KEY_TTL_MS);
    void batch.exec().catch(() => undefined);
  }

  #onReconnect(): void {
    this.#recovering = true;
    void this.#recover()
      .catch(() => undefined)
      .finally(() => {
        this.#recovering = false;
      });
  }

  /**
   * After a reconnect: if Redis lost this session's keys (it restarted
   * without persistence), the jobs and replies of the calls in flight are
   * gone too, so every shard not yet collected is submitted again under its
   * own job id. A shard that did survive is not duplicated by BullMQ.
   */
  async #recover(): Promise<void> {
    if ((await this.#redis.exists(this.#keys.session(this.#id))) === 1) return;
    await this.#redis.set(this.#keys.session(this.#id), "1", "PX", KEY_TTL_MS);
    for (const call of [...this.#calls.values()]) {
      const pending = call.shards.filter((shard) => !shard.collected);
      if (pending.length === 0 || call.settled) continue;
      await this.#redis.set(this.#keys.call(call.id), "1", "PX", KEY_TTL_MS);
      await this.#queue(call.method).addBulk(pending.map((shard) => shard.job));
    }
  }
}

export { shardSizeFor } from "./call.js";
