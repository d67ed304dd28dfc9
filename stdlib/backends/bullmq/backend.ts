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
 * The file is long because the session's submission, reply dispatch and
 * recovery after a reconnect all read and change the same calls in flight;
 * what only watches them (workers gone, state lost) is in ./monitor.ts.
 */
import { randomUUID } from "node:crypto";
import { Queue, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { BackendMethod, BackendOpenOptions, BackendSession, CallScope, FlowEvent } from "../../api.js";
import { errors, FlowError, MethodError, describe, seconds, type TooFewWorkersError } from "../../errors.js";
import type { PlanDescriptor, PlanMethod } from "../../plan.js";
import { callId, jobId, PlanKeys } from "./keys.js";
import {
  holesOf,
  restoreHoles,
  fromWireError,
  readReply,
  checkPayload,
  toWireError,
  WIRE_VERSION,
  type Reply,
  type ShardJobWire,
} from "./messages.js";
import { describeConnection, redisOptions, type BullmqSettings } from "./options.js";
import { endRun, PROCESS_TOKEN, takeOver } from "./same-process.js";
import { Monitor } from "./monitor.js";
import { defineScripts } from "./scripts.js";
import { now } from "../../clock.js";
import { WorkerEvents } from "../../kit/worker-events.js";

/** Sessions opened by this process, for their ids. */
let sessions = 0;

/** Shards per lane when the plan leaves the size open: enough that a slow or lost shard costs little. */
const SHARDS_PER_LANE = 16;
/** Lifetime of the session and call keys; the caller renews them at a third of it while it lives. */
const KEY_TTL_MS = 30_000;
/** Replies read between two trims of the reply stream. */
const TRIM_EVERY = 512;
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

/** One shard of a call as submitted. */
interface Shard {
  readonly first: number;
  readonly count: number;
  readonly job: {
    readonly name: string;
    readonly data: ShardJobWire;
    readonly opts: JobsOptions;
  };
  /** The worker that last started it, for shard events. */
  worker: string | undefined;
  /** Which of its items have their output in the call's results (from `part` and `done` replies). */
  readonly received: Uint8Array;
  collected: boolean;
}

/** One method of one run, from submission until every shard's result is in (or the run ends). */
class Call {
  readonly id: string;
  readonly method: PlanMethod;
  readonly scope: CallScope;
  readonly single: boolean;
  readonly results: unknown[];
  shards: Shard[] = [];
  remaining = 0;
  /** Its jobs are in their queue: from then on the monitor watches its workers and keys. */
  submitted = false;
  settled = false;
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: unknown) => void;
  readonly promise: Promise<unknown>;

  constructor(id: string, method: PlanMethod, scope: CallScope, single: boolean, size: number) {
    this.id = id;
    this.method = method;
    this.scope = scope;
    this.single = single;
    this.results = new Array<unknown>(size);
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    this.promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#resolve = resolve;
    this.#reject = reject;
  }

  resolve(): void {
    if (this.settled) return;
    this.settled = true;
    this.#resolve(this.single ? this.results[0] : this.results);
  }

  reject(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.#reject(error);
  }
}

/** What the session knows about one run: its calls in flight. */
interface RunState {
  readonly calls: Set<Call>;
}

class Session implements BackendSession {
  readonly #plan: PlanDescriptor;
  readonly #options: BackendOpenOptions;
  readonly #settings: BullmqSettings;
  readonly #keys: PlanKeys;
  /** `<process token>.<n>`: workers in this process recognise their caller by it. */
  readonly #id = `${PROCESS_TOKEN}.${++sessions}`;
  readonly #redis: Redis;
  readonly #reader: Redis;
  /** Hears workers leave, for `worker:down`. */
  readonly #listener: Redis;
  readonly #where: string;
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
  #lastReply = "0-0";
  #reading: Promise<void> | undefined;
  #renewal: NodeJS.Timeout | undefined;
  #outage: NodeJS.Timeout | undefined;
  #everReady = false;
  /** Reconnects so far; the monitor ignores a check that spans one. */
  #epoch = 0;
  /** Resubmitting after a reconnect: the run's keys are being put back. */
  #recovering = false;
  /** Workers that announced that they stop (the most recent ones). */
  readonly #left = new Set<string>();
  readonly #monitor: Monitor;
  /** The last error a connection reported, for a message when connecting fails. */
  #lastError: string | undefined;
  #closed = false;

  constructor(plan: PlanDescriptor, options: BackendOpenOptions, settings: BullmqSettings) {
    this.#plan = plan;
    this.#options = options;
    this.#settings = settings;
    this.#keys = new PlanKeys(plan, settings.prefix);
    this.#methodIndex = new Map(plan.methods.map((method, i) => [method.name, i]));
    const redis = redisOptions(settings.connection, `flowc-caller:${this.#id}`);
    this.#where = describeConnection(redis);
    this.#redis = defineScripts(new Redis({ ...redis, lazyConnect: true }));
    this.#reader = new Redis({
      ...redis,
      lazyConnect: true,
      connectionName: `flowc-caller-read:${this.#id}`,
    });
    this.#listener = new Redis({ ...redis, lazyConnect: true, connectionName: `flowc-caller-sub:${this.#id}` });
    // Errors surface through the commands that fail and the outage timer; unhandled, ioredis would print each one.
    // The last one is kept: a refused password closes the connection, and "Connection is closed" alone says nothing.
    const keep = (error: Error): void => void (this.#lastError = error.message);
    this.#listener.on("error", keep);
    this.#reader.on("error", keep);
    this.#redis.on("error", keep);
    this.#redis.on("close", () => this.#onDisconnect());
    this.#redis.on("ready", () => this.#onReady());
    const session = this;
    this.#monitor = new Monitor({
      redis: this.#redis,
      keys: this.#keys,
      plan,
      settings,
      sessionId: this.#id,
      where: this.#where,
      calls: () => this.#calls.values(),
      fail: (call, error) => this.#finish(call as Call, error),
      epoch: () => (this.#redis.status === "ready" && !this.#recovering ? this.#epoch : undefined),
      readUpTo: (id, ms) => session.#readUpTo(id, ms),
      left: (worker) => this.#left.has(worker),
    });
  }

  /** Resolves `true` once the reader has read the reply stream up to entry `id`; `false` after `ms`. */
  async #readUpTo(id: string, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (compareStreamIds(this.#lastReply, id) < 0) {
      if (Date.now() > deadline || this.#closed) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  async connect(): Promise<void> {
    const ready = Promise.all([this.#redis.connect(), this.#reader.connect(), this.#listener.connect()]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(this.#unreachable("could not connect")),
        Math.max(this.#settings.connectionWait, 1),
      );
    });
    try {
      await Promise.race([ready, timeout]);
    } catch (error) {
      this.#redis.disconnect();
      this.#reader.disconnect();
      this.#listener.disconnect();
      throw error instanceof FlowError ? error : this.#unreachable(this.#lastError ?? describe(error));
    } finally {
      clearTimeout(timer);
    }
    await this.#redis.set(this.#keys.session(this.#id), "1", "PX", KEY_TTL_MS);
    this.#listener.on("message", (_channel: string, worker: string) => {
      if (this.#left.size >= LEFT_KEPT) this.#left.delete(this.#left.values().next().value ?? "");
      this.#left.add(worker);
      this.#onLeave(worker);
    });
    await this.#listener.subscribe(this.#keys.leaveChannel);
    for (const method of this.#plan.methods) {
      // Each queue owns its connection: BullMQ cannot close a connection it shares while that one is reconnecting.
      const queue = new Queue(this.#keys.queue(method.name), {
        connection: redisOptions(this.#settings.connection, `flowc-caller:${this.#id}:${method.name}`),
        prefix: this.#keys.prefix,
      });
      queue.on("error", () => undefined);
      this.#queues.set(method.name, queue);
    }
    this.#renewal = setInterval(() => this.#renewKeys(), KEY_TTL_MS / 3);
    this.#renewal.unref();
    this.#monitor.start();
  }

  #unreachable(detail: string): FlowError {
    return errors.redisUnreachable(this.#where, detail, this.#settings.connectionWait);
  }

  method(method: PlanMethod): BackendMethod {
    return {
      call: (input, scope) => this.#start(method, [input], true, 1, scope),
      map: (items, lanes, scope) => this.#start(method, items, false, lanes, scope) as Promise<unknown[]>,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#renewal);
    this.#monitor.stop();
    clearTimeout(this.#outage);
    const closed = errors.closedDuringRun(this.#plan.name);
    for (const call of [...this.#calls.values()]) this.#finish(call, closed);
    this.#reader.disconnect();
    this.#listener.disconnect();
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
  ): Promise<unknown> {
    if (scope.cancelled) return Promise.reject(scope.signal.reason);
    if (this.#closed) return Promise.reject(errors.runnerClosed(this.#plan.name));
    const call = new Call(
      callId(scope.runId, this.#methodIndex.get(method.name) ?? 0),
      method,
      scope,
      single,
      items.length,
    );
    this.#runOf(scope).calls.add(call);
    this.#calls.set(call.id, call);
    if (this.#issued.size >= ISSUED_KEPT) this.#issued.delete(this.#issued.values().next().value ?? "");
    this.#issued.add(call.id);
    this.#submit(call, items, lanes).catch((error: unknown) => this.#finish(call, error));
    return call.promise;
  }

  #runOf(scope: CallScope): RunState {
    let run = this.#runs.get(scope);
    if (run === undefined) {
      const state: RunState = { calls: new Set() };
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
    for (let first = 0, shard = 0; first < items.length; first += size, shard++) {
      const slice = items.slice(first, first + size);
      const inputs = call.single && !method.takesInput ? [] : slice;
      // Workers would refuse these; refusing here names the item and spares the round trip.
      inputs.forEach((input, i) => {
        try {
          checkPayload(input);
        } catch (error) {
          const cause = errors.inputNotSendable(error);
          throw new MethodError(method.name, call.single ? undefined : first + i, 0, cause);
        }
      });
      const holes = holesOf(inputs);
      const data: ShardJobWire = {
        v: WIRE_VERSION,
        run: call.scope.runId,
        session: this.#id,
        shard,
        token: randomUUID(),
        first,
        single: call.single,
        input: inputs,
        ...(holes.length > 0 ? { holes } : {}),
        events,
        ...(attempts > 1 ? { backoff: this.#options.retryBackoff } : {}),
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
    this.#read();
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

  /** Reads replies until the session closes; started by the first call. */
  #read(): void {
    this.#reading ??= (async () => {
      const key = this.#keys.replies(this.#id);
      let unTrimmed = 0;
      while (!this.#closed) {
        let batch: [string, [string, string[]][]][] | null;
        try {
          batch = (await this.#reader.xread(
            "COUNT",
            1000,
            "BLOCK",
            5000,
            "STREAMS",
            key,
            this.#lastReply,
          )) as typeof batch;
        } catch {
          if (this.#closed) return;
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        if (batch === null) continue;
        for (const [, entries] of batch) {
          for (const [id, fields] of entries) {
            this.#lastReply = id;
            unTrimmed++;
            const reply = readReply(fields[1] ?? "");
            if (reply !== undefined) this.#dispatch(reply);
          }
        }
        // Entries read are never read again: keep the stream short, in batches (a trim per reply costs Redis time).
        if (unTrimmed >= TRIM_EVERY || this.#calls.size === 0) {
          unTrimmed = 0;
          void this.#redis.xtrim(key, "MINID", this.#lastReply).catch(() => undefined);
        }
      }
    })();
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
          error: takeOver(reply.error.handle)?.error ?? fromWireError(reply.error),
        });
        return;
      case "part":
      case "done": {
        const problem = this.#receive(call, shard, reply);
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
          const cause = errors.resultIncomplete(reply.shard, shard.first + missing);
          this.#finish(
            call,
            new MethodError(call.method.name, call.single ? undefined : shard.first + missing, 1, cause),
          );
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
      case "fail": {
        const error = takeOver(reply.error.handle)?.error ?? fromWireError(reply.error);
        const item = reply.item ?? undefined;
        if (emit !== undefined) {
          this.#announce(call, reply.worker);
          emit(this.#shardEvent("shard:end", call, reply.shard, shard, reply.worker, false, undefined));
          if (!call.scope.cancelled) {
            emit({
              type: "call:fail",
              runId: call.scope.runId,
              time: now(),
              method: call.method.name,
              item,
              attempts: reply.attempts,
              error,
            });
          }
        }
        this.#finish(call, new MethodError(call.method.name, item, reply.attempts, error));
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

  /**
   * Takes the outputs of a `part` or `done` reply into the call's results;
   * returns what is wrong with the reply instead when it does not fit its
   * shard (no genuine worker sends such a reply). An item's first output is kept.
   */
  #receive(call: Call, shard: Shard, reply: Extract<Reply, { t: "part" | "done" }>): string | undefined {
    const items = reply.items;
    if (items !== undefined && (items.length === 0 || (items.at(-1) ?? 0) >= shard.count))
      return `it names items beyond the ${shard.count} of the shard`;
    const expected = items?.length ?? shard.count;
    if (reply.values.length !== expected)
      return `it holds ${reply.values.length} value(s) for ${expected} item(s) of the shard`;
    let values: unknown[];
    try {
      values = restoreHoles(reply.values, reply.holes, expected);
    } catch (error) {
      return describe(error);
    }
    for (let k = 0; k < values.length; k++) {
      const index = items === undefined ? k : (items[k] ?? 0);
      if (shard.received[index] === 1) continue;
      shard.received[index] = 1;
      call.results[shard.first + index] = values[k];
    }
    return undefined;
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
    const base = {
      runId: call.scope.runId,
      time: now(),
      method: call.method.name,
      shard: number,
      first: shard.first,
      count: shard.count,
      worker: this.#workers.numberOf(worker),
    };
    return type === "shard:start" ? { type, ...base } : { type, ...base, ok, durations };
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
    // Workers of this process stop at once, with the run's own reason; the others hear it from Redis.
    endRun(scope.runId, reason);
    if (this.#closed) return;
    for (const call of [...run.calls]) this.#finish(call, reason);
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

  #onDisconnect(): void {
    this.#epoch++;
    if (this.#closed || this.#outage !== undefined) return;
    this.#outage = setTimeout(() => {
      this.#outage = undefined;
      if (this.#redis.status === "ready") return;
      const cause = errors.connectionLost(this.#where, this.#settings.connectionWait);
      for (const call of [...this.#calls.values()]) {
        this.#finish(call, new MethodError(call.method.name, undefined, 1, cause));
      }
    }, this.#settings.connectionWait);
  }

  #onReady(): void {
    clearTimeout(this.#outage);
    this.#outage = undefined;
    if (!this.#everReady) {
      this.#everReady = true;
      return;
    }
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

/**
 * Items per shard: the plan's `shardSize` when it sets one, else small enough
 * that every lane gets many shards (so that work stays balanced and a lost
 * shard costs little), and one item per shard for short stages, so that
 * items start in order across lanes as they would in process.
 */
export function shardSizeFor(items: number, lanes: number, planned: number | null, largest: number): number {
  if (planned !== null && Number.isInteger(planned) && planned >= 1) return planned;
  return Math.max(1, Math.min(largest, Math.floor(items / (Math.max(1, lanes) * SHARDS_PER_LANE))));
}

/** Orders two stream entry ids (`<ms>-<seq>`). */
function compareStreamIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split("-").map(Number);
  const [bMs = 0, bSeq = 0] = b.split("-").map(Number);
  return aMs - bMs || aSeq - bSeq;
}
