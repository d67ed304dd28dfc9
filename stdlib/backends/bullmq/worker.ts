/**
 * `createWorker`: a process's share of the work of a plan. It serves the
 * plan's methods from one BullMQ queue each, registers itself with a
 * heartbeat so that callers can count it (min_worker_count), and streams
 * each shard's results back to the caller that submitted it.
 *
 * A worker trusts nothing in a job but the queue it came from: the queue
 * fixes the method, the worker's own plan fixes retries and timeout, and a
 * job whose name or data disagree, or whose payload does not decode, fails
 * with an UnrecoverableError without running anything.
 *
 * Which jobs run is ./job-admission.ts; how the worker registers and writes
 * replies, ./worker-presence.ts; how one call runs, ./attempt.ts and
 * ./call-threads.ts. The file is still long because running a shard's items,
 * delivering partial results, handing a job back and retrying it all act on
 * one job at once.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { UnrecoverableError, WaitingError, type BackoffStrategy, type Job, type Worker } from "bullmq";
import { Redis } from "ioredis";
import type { MethodTable, RunContext } from "../../api.js";
import { describe, errors, type NonRetryableError } from "../../errors.js";
import type { PlanDescriptor, PlanMethod } from "../../plan.js";
import { backoffDelay, isFinalFailure } from "../../policy.js";
import { durationOption } from "../../kit/options.js";
import { importMethods, resolveModuleUrls } from "../../modules.js";
import { lookupMethod, validateMethods, validatePlan } from "../../validate-plan.js";
import { runAttempt, type AttemptSpec } from "./attempt.js";
import { CallThreads } from "./call-threads.js";
import { threadModuleUrls } from "../threads/compiled-methods.js";
import { PlanKeys } from "./keys.js";
import { Presence, ReplySender } from "./worker-presence.js";
import { admitJob, reportForeignFailure, reported, ShardWorker, type AdmissionHost } from "./job-admission.js";
import { shardItem, type Reply, type ShardJobData, type ShardJobWire, type WireError } from "./messages.js";
import { checkPayload, holesOf } from "./payload.js";
import { fromWireError, toWireError } from "./wire-error.js";
import {
  MAX_DURATION_MS,
  redisOptions,
  resolveWorkerOptions,
  type WorkerProcessOptions,
  type WorkerSettings,
} from "./options.js";
import { endRun, markEnded, runEnded, type Abort } from "./run-ends.js";
import { defineScripts } from "./scripts.js";

/** Options of {@link createWorker}. */
export interface WorkerOptions extends WorkerProcessOptions {
  /**
   * The plan's methods: the functions themselves, keyed by manifest name, or
   * the URL the plan's relative module paths resolve against (the folder of
   * the manifest or of its generated runner), from which the worker imports
   * them. Example: `{ modules: new URL("./", import.meta.url) }`.
   */
  readonly modules: MethodTable | string | URL;
  /**
   * Where each method's module is (method name → file URL), when `modules`
   * gives the functions themselves: the calls of methods with a timeout then
   * run on worker threads that import them, where a call that never yields
   * can be stopped. (With `modules` as a URL they are found from it.)
   */
  readonly moduleUrls?: Readonly<Record<string, string>> | undefined;
  /** Receives one line per notable event (queues served, refused jobs, connection trouble). */
  readonly log?: ((line: string) => void) | undefined;
}

/** A running worker. */
export interface FlowWorker {
  /** Unique id, also the name BullMQ records on the jobs it processes. */
  readonly id: string;
  readonly plan: PlanDescriptor;
  /** The BullMQ queue of each method served, by manifest name. */
  readonly queues: ReadonlyMap<string, string>;
  /**
   * Stops taking jobs, lets the jobs in flight finish, unregisters and
   * disconnects. After `graceMs` the calls still running are aborted and
   * their jobs handed back to the queue, untouched, for another worker.
   * Idempotent. Bounds: `graceMs` 0 to 2³¹−1 milliseconds.
   * @default graceMs: no limit
   */
  close(options?: { readonly graceMs?: number | undefined }): Promise<void>;
}

/** Thrown to BullMQ to retry a shard after `delayMs`, which the worker's backoff strategy reads back. */
class RetryLater extends Error {
  override readonly name = "RetryLater";
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** Why attempts are aborted when the worker hands its jobs back. */
class WorkerShutdown extends Error {
  override readonly name = "WorkerShutdown";
}

/** Starts a worker for `plan` (see `createWorker` in ./index.ts, which loads this module on first use). */
export async function createWorker(plan: PlanDescriptor, options: WorkerOptions): Promise<FlowWorker> {
  validatePlan(plan);
  const settings = resolveWorkerOptions(options);
  const served = plan.methods.filter(
    (method) => options.methods === undefined || options.methods.includes(method.name),
  );
  const unknown = (options.methods ?? []).filter((name) => !plan.methods.some((method) => method.name === name));
  if (unknown.length > 0) {
    throw errors.unknownMethods(plan.name, unknown);
  }
  const byUrl = typeof options.modules === "string" || options.modules instanceof URL;
  const urls = byUrl
    ? await resolveModuleUrls(served, undefined, String(options.modules), "Worker processes")
    : new Map(Object.entries(options.moduleUrls ?? {}));
  const table = byUrl
    ? await importMethods(
        plan,
        urls,
        served.map((method) => method.name),
      )
    : (options.modules as MethodTable);
  validateMethods({ ...plan, methods: served }, table);
  const threads = await timedCallThreads(served, urls, settings, options.log ?? (() => undefined));
  const worker = new PlanWorker(plan, served, table, options, settings, threads);
  try {
    await worker.start();
  } catch (error) {
    await worker.close().catch(() => undefined);
    throw error;
  }
  return worker;
}

/**
 * Worker threads for the methods that have a timeout, so that a call that
 * never yields can be stopped (see ./call-threads.ts); `undefined` when none
 * has one. Methods given as functions cannot move to a thread: such a
 * worker says once that their calls cannot be stopped.
 */
async function timedCallThreads(
  served: readonly PlanMethod[],
  urls: ReadonlyMap<string, string>,
  settings: WorkerSettings,
  log: (line: string) => void,
): Promise<CallThreads | undefined> {
  const timed = served.filter((method) => method.timeoutMs !== null);
  if (timed.length === 0) return undefined;
  const loadFrom = await threadModuleUrls(timed.flatMap((method) => urls.get(method.name) ?? []));
  const located = timed.flatMap((method) => {
    const url = urls.get(method.name);
    return url === undefined
      ? []
      : [{ name: method.name, url, load: loadFrom.get(url) ?? url, exportName: method.exportName }];
  });
  if (located.length < timed.length) {
    log(
      `${timed.map((method) => `'${method.name}'`).join(", ")} ${timed.length === 1 ? "has a" : "have a"} timeout, ` +
        `but their functions were given directly: a call that never yields cannot be stopped; ` +
        `pass 'modules' as a URL (or 'moduleUrls') to run them on worker threads`,
    );
    return undefined;
  }
  const threads = new CallThreads({ methods: located }, settings.timeoutGrace, log);
  await threads.start();
  return threads;
}

class PlanWorker implements FlowWorker {
  readonly id: string;
  readonly plan: PlanDescriptor;
  readonly queues = new Map<string, string>();
  readonly #keys: PlanKeys;
  readonly #served: readonly PlanMethod[];
  /** Each method's position in the plan, which call ids are made of. */
  readonly #methodIndex: ReadonlyMap<string, number>;
  readonly #table: MethodTable;
  readonly #settings: WorkerSettings;
  /** Threads for the calls of methods with a timeout, when their modules are known. */
  readonly #threads: CallThreads | undefined;
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #workers: Worker[] = [];
  readonly #inFlight = new Set<Abort>();
  /** Calls known to want results, until when (see WANTED_FRESH_MS). */
  readonly #wantedCalls = new Map<string, number>();
  readonly #log: (line: string) => void;
  /** While Redis is unreachable, the errors already logged (empty when connected). */
  readonly #outage = new Set<string>();
  /** Which jobs run here (./job-admission.ts). */
  readonly #admission: AdmissionHost;
  readonly #presence: Presence;
  readonly #replies: ReplySender;
  #closing: Promise<void> | undefined;

  constructor(
    plan: PlanDescriptor,
    served: readonly PlanMethod[],
    table: MethodTable,
    options: WorkerOptions,
    settings: WorkerSettings,
    threads: CallThreads | undefined,
  ) {
    this.#threads = threads;
    this.plan = plan;
    this.#served = served;
    this.#methodIndex = new Map(plan.methods.map((method, i) => [method.name, i]));
    this.#table = table;
    this.#settings = settings;
    this.#log = options.log ?? (() => undefined);
    this.#keys = new PlanKeys(plan, settings.prefix);
    this.id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`.replace(/[^A-Za-z0-9_.-]/g, "_");
    this.#admission = {
      plan,
      workerId: this.id,
      methodIndex: this.#methodIndex,
      maxStalls: settings.maxStalls,
      log: (line) => this.#log(line),
      send: (data, reply) => this.#send(data, reply),
    };
    const redis = redisOptions(settings.connection, `flowc-worker:${this.id}`);
    this.#redis = defineScripts(new Redis({ ...redis, lazyConnect: true }));
    this.#presence = new Presence(this.#redis, this.#keys, this.id, served, settings.heartbeat, this.#log);
    this.#replies = new ReplySender(this.#redis, this.#keys, this.#log);
    this.#subscriber = new Redis({
      ...redis,
      lazyConnect: true,
      connectionName: `flowc-worker-sub:${this.id}`,
    });
    // A worker outlives Redis outages (and may start before Redis does): it says once what went wrong, and when it is back.
    for (const connection of [this.#redis, this.#subscriber]) {
      connection.on("error", (error: Error) => {
        if (!this.#outage.has(error.message)) this.#log(`redis: ${error.message}; retrying`);
        this.#outage.add(error.message);
      });
      connection.on("ready", () => {
        if (this.#outage.size > 0) this.#log("redis: connected again");
        this.#outage.clear();
      });
    }
  }

  /** Connects, however long Redis takes to answer (ioredis keeps retrying); a connection ended meanwhile fails it. */
  async #connect(connection: Redis): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => {
      connection.once("ready", resolve);
      connection.once("end", () => reject(errors.workerClosedBeforeStart()));
    });
    connection.connect().catch(() => undefined);
    await ready;
  }

  async start(): Promise<void> {
    const { concurrency, lockDuration, stalledInterval } = this.#settings;
    await Promise.all([this.#connect(this.#redis), this.#connect(this.#subscriber)]);
    this.#subscriber.on("message", (_channel: string, message: string) => this.#onCancel(message));
    await this.#subscriber.subscribe(this.#keys.cancelChannel);

    // The worker's own plan decides how long to wait before a retry: the delay travels in the error it throws.
    const backoffStrategy: BackoffStrategy = (attemptsMade, _type, error) =>
      error instanceof RetryLater ? error.delayMs : backoffDelay(attemptsMade, DEFAULT_BACKOFF);

    for (const method of this.#served) {
      const queue = this.#keys.queue(method.name);
      const fn = lookupMethod(this.#table, method.name) as (input?: unknown, context?: RunContext) => unknown;
      const worker = new ShardWorker(queue, (job, token) => this.#process(method, fn, job, token), {
        // The replies and BullMQ's own commands share a connection, so that a job finishes only after its reply.
        connection: this.#redis,
        prefix: this.#keys.prefix,
        name: this.id,
        concurrency,
        // A call that runs up to its timeout must not lose its lock meanwhile, even if it blocks the event loop.
        // On a thread of its own, a timed call leaves the event loop free to renew the lock.
        lockDuration: this.#isolated(method)
          ? lockDuration
          : Math.min(Math.max(lockDuration, 2 * (method.timeoutMs ?? 0)), MAX_DURATION_MS),
        stalledInterval,
        maxStalledCount: this.#settings.maxStalls,
        settings: { backoffStrategy },
        autorun: false,
      });
      worker.on("error", (error: Error) => {
        // Each of BullMQ's workers reports the outage again, every time it retries: once is enough.
        if (this.#outage.size > 0 && this.#outage.has(error.message)) return;
        if (this.#outage.size > 0) this.#outage.add(error.message);
        this.#log(`${method.name}: ${error.message}`);
      });
      worker.on("failed", (job, error) => {
        if (job !== undefined && !(error instanceof RetryLater))
          reportForeignFailure(this.#admission, method, job, error);
      });
      this.#workers.push(worker);
      this.queues.set(method.name, `${this.#keys.prefix}:${queue}`);
      void worker.run().catch((error: unknown) => this.#log(`${method.name}: ${describe(error)}`));
      await worker.waitUntilReady();
    }
    // Counted by callers only once it takes jobs.
    await this.#presence.start();
  }

  close(options?: { readonly graceMs?: number | undefined }): Promise<void> {
    const graceMs = options?.graceMs;
    try {
      if (graceMs !== undefined) durationOption("close()", "graceMs", graceMs, 0, 0);
    } catch (error) {
      return Promise.reject(error);
    }
    return (this.#closing ??= this.#close(graceMs));
  }

  async #close(graceMs: number | undefined): Promise<void> {
    // Unregister first, so that no caller counts this worker while it winds down.
    await this.#presence.stop();
    const closing = Promise.all(this.#workers.map((worker) => worker.close()));
    if (graceMs !== undefined) {
      const timer = setTimeout(() => {
        const reason = new WorkerShutdown(`worker ${this.id} is shutting down`);
        for (const abort of [...this.#inFlight]) abort(reason);
      }, graceMs);
      await closing;
      clearTimeout(timer);
    } else {
      await closing;
    }
    // Told once its jobs are done, so that no reply of this worker follows it.
    await this.#redis.publish(this.#keys.leaveChannel, this.id).catch(() => undefined);
    await this.#threads?.close();
    await Promise.all([this.#subscriber.quit().catch(() => undefined), this.#redis.quit().catch(() => undefined)]);
  }

  /** Whether `method`'s calls run on a thread of their own (it has a timeout, and its module is known). */
  #isolated(method: PlanMethod): boolean {
    return this.#threads !== undefined && method.timeoutMs !== null;
  }

  #send(data: Pick<ShardJobData, "session">, reply: Reply): void {
    this.#replies.send(data.session, reply);
  }

  #onCancel(message: string): void {
    try {
      const { run, reason } = JSON.parse(message) as {
        run?: unknown;
        reason?: WireError;
      };
      if (typeof run !== "string") return;
      endRun(run, reason === undefined ? errors.cancelledWithoutReason(this.plan.name) : fromWireError(reason));
    } catch {
      // Not a cancellation this worker understands: nothing to stop.
    }
  }

  /** Whether the call of `data` still wants results (its key exists). */
  async #wanted(data: Pick<ShardJobData, "call">): Promise<boolean> {
    return (await this.#redis.exists(this.#keys.call(data.call))) === 1;
  }

  #recentlyWanted(call: string): boolean {
    const until = this.#wantedCalls.get(call);
    if (until !== undefined && until > Date.now()) return true;
    if (this.#wantedCalls.size > 1000) this.#wantedCalls.clear();
    return false;
  }

  /**
   * Sends `reply` to the caller of `data`, without waiting: BullMQ completes
   * or fails the job on this same connection afterwards, and Redis runs a
   * connection's commands in order, so a job is never finished before its
   * reply is written. (If the worker dies in between, the job runs again and
   * the caller ignores the second reply.) A reply to a call that has ended is
   * ignored by its caller and expires with the stream.
   */
  async #process(
    method: PlanMethod,
    fn: (input?: unknown, context?: RunContext) => unknown,
    job: Job,
    token: string | undefined,
  ): Promise<null> {
    const { data, inputs } = admitJob(this.#admission, method, job);
    if (runEnded(data.run)) return null;
    // Whether the call still wants results is asked without waiting for the answer (a round trip per shard
    // would cost more than a short shard's work), and at most once a second per call; a call found gone
    // stops the shard at its next item. Runs that end are announced at once anyway (cancel channel).
    let live = true;
    if (!this.#recentlyWanted(data.call)) {
      this.#wanted(data).then(
        (wanted) => {
          if (wanted) this.#wantedCalls.set(data.call, Date.now() + WANTED_FRESH_MS);
          else live = false;
        },
        () => undefined,
      );
    }
    if (data.events)
      this.#send(data, {
        t: "start",
        call: data.call,
        shard: data.shard,
        token: data.token,
        worker: this.id,
      });
    const count = data.single ? 1 : inputs.length;
    const outputs = new Array<unknown>(count);
    // Per item: TO_RUN, RAN (its output is in `outputs`), DELIVERED (an earlier attempt sent it to the caller),
    // or FAILED (tolerated, reported).
    const done = new Uint8Array(count);
    for (const index of data.delivered ?? []) done[index] = DELIVERED;
    const durations = data.events ? new Array<number>(count).fill(0) : undefined;
    const attempt = job.attemptsMade + 1;
    const retryable: { index: number; error: unknown }[] = [];
    let busySince = performance.now();
    // One function and one spec for the shard's items: allocations per item are what a trivial method costs here.
    const withInput = !(!method.takesInput || (data.single && inputs.length === 0));
    const invoke = withInput ? (input: unknown, context: RunContext) => fn(input, context) : () => fn();
    const threads = this.#isolated(method) ? this.#threads : undefined;
    const spec: AttemptSpec = {
      method: method.name,
      attempt,
      timeoutMs: method.timeoutMs,
      run: data.run,
      timed: durations !== undefined,
      inFlight: this.#inFlight,
      ...(data.error === undefined ? {} : { error: fromWireError(data.error) }),
    };

    for (let i = 0; i < count; i++) {
      // Synchronous methods would hold the event loop for the whole shard: let it turn now and then, so
      // that BullMQ renews the job's lock (a lost lock gives the shard to another worker) and
      // cancellations are heard.
      if (performance.now() - busySince > BUSY_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        busySince = performance.now();
      }
      if (!live || runEnded(data.run)) return null;
      if (done[i] !== TO_RUN) continue;
      const item = data.single ? data.item : shardItem(data, i);
      const attempted =
        threads === undefined
          ? runAttempt(invoke, inputs[i], item, spec)
          : threads.attempt(inputs[i], withInput, item, spec);
      let outcome = attempted instanceof Promise ? await attempted : attempted;
      if (outcome.ok) {
        const refused = refuseOutput(outcome.value);
        if (refused === undefined) {
          outputs[i] = outcome.value;
          done[i] = RAN;
          if (durations !== undefined) durations[i] = outcome.ms;
          continue;
        }
        outcome = { ok: false, error: refused, kind: "failed" };
      }
      if (outcome.kind === "ended") return null;
      if (outcome.kind === "shutdown") {
        await job.updateData({ ...(job.data as ShardJobWire), delivered: this.#deliver(data, outputs, done) });
        await job.moveToWait(token);
        // BullMQ's signal that the job went back to its queue, not an error of the run.
        throw new WaitingError();
      }
      if (isFinalFailure(outcome.error, attempt, method.retries) && data.tolerate === true) {
        // Tolerated: the caller hears of this item now, and the job goes on with the others.
        this.#send(data, {
          t: "ifail",
          call: data.call,
          shard: data.shard,
          token: data.token,
          worker: this.id,
          item: item ?? shardItem(data, i),
          attempts: attempt,
          error: toWireError(outcome.error),
        });
        done[i] = FAILED;
        continue;
      }
      if (isFinalFailure(outcome.error, attempt, method.retries)) {
        // No further item of this run starts here: its caller will fail the run on this reply (unless the
        // run recovers from the failures of this method, or of this helper, which it may stand in for).
        if (endsRun(method)) markEnded(data.run, outcome.error);
        this.#send(data, {
          t: "fail",
          call: data.call,
          shard: data.shard,
          token: data.token,
          worker: this.id,
          item: item ?? null,
          attempts: attempt,
          error: toWireError(outcome.error),
        });
        // BullMQ's record of the job's failure, for its own tools; the caller got the error itself above.
        const final = new UnrecoverableError(
          `${method.name}${item === undefined ? "" : ` item ${item}`}: ${describe(outcome.error)}`,
        );
        reported.add(final);
        throw final;
      }
      retryable.push({ index: i, error: outcome.error });
    }

    if (retryable.length > 0) {
      const delayMs = backoffDelay(attempt, data.backoff);
      if (data.events) {
        for (const { index, error } of retryable) {
          this.#send(data, {
            t: "retry",
            call: data.call,
            shard: data.shard,
            token: data.token,
            item: data.single ? null : shardItem(data, index),
            attempt,
            delayMs,
            error: toWireError(error),
          });
        }
      }
      await job.updateData({ ...(job.data as ShardJobWire), delivered: this.#deliver(data, outputs, done) });
      const first = retryable[0];
      const retry = new RetryLater(`${retryable.length} item(s) failed, first: ${describe(first?.error)}`, delayMs);
      reported.add(retry);
      throw retry;
    }

    const ran = done.every((state) => state === RAN) ? undefined : indicesOf(done, RAN);
    const values = ran === undefined ? outputs : ran.map((index) => outputs[index]);
    this.#send(data, {
      t: "done",
      call: data.call,
      shard: data.shard,
      token: data.token,
      worker: this.id,
      ...(ran === undefined ? {} : { items: ran }),
      values,
      holes: holesOf(values),
      durations: durations ?? null,
    });
    return null;
  }

  /**
   * Sends the caller the outputs this attempt produced (a `part` reply) and
   * returns every item delivered so far, which the job keeps for the next
   * attempt. The reply is written before the job changes state, on the same
   * connection, so no later attempt's reply overtakes it.
   */
  #deliver(data: ShardJobData, outputs: readonly unknown[], done: Uint8Array): number[] {
    const ran = indicesOf(done, RAN);
    if (ran.length > 0) {
      const values = ran.map((index) => outputs[index]);
      this.#send(data, {
        t: "part",
        call: data.call,
        shard: data.shard,
        token: data.token,
        worker: this.id,
        items: ran,
        values,
        holes: holesOf(values),
      });
    }
    const delivered: number[] = [];
    for (let i = 0; i < done.length; i++) if (done[i] !== TO_RUN) delivered.push(i);
    return delivered;
  }
}

/** Longest a shard runs its items without letting the event loop turn (lock renewal, cancellation). */
const BUSY_SLICE_MS = 50;

/** How long a call found to want results is trusted to, before a shard of it asks Redis again. */
const WANTED_FRESH_MS = 1_000;

/** Retry delays when a job reaches BullMQ's strategy without the worker's own delay (never in practice). */
const DEFAULT_BACKOFF = { baseMs: 25, maxMs: 2000 };

/**
 * Why an output cannot go back to its caller, or `undefined` when it can: it
 * nests too deep for JSON to write, or holds a key its caller would refuse.
 * Calling the method again would return the same, so it is not retried.
 */
function refuseOutput(value: unknown): NonRetryableError | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    checkPayload(value);
    return undefined;
  } catch (error) {
    return errors.outputNotSendable(error);
  }
}

/** What has become of each item of a shard in this attempt. */
const TO_RUN = 0;
const RAN = 1;
const DELIVERED = 2;
/** Failed for good in a tolerant job, and reported to the caller (`ifail`): never run again. */
const FAILED = 3;

/** Whether a call of `method` that fails for good fails its run (nothing recovers from it). */
function endsRun(method: PlanMethod): boolean {
  return !method.helper && method.fallback === null && method.onError === "fail";
}

/** Indices of the items in `state`. */
function indicesOf(done: Uint8Array, state: number): number[] {
  const indices: number[] = [];
  for (let i = 0; i < done.length; i++) if (done[i] === state) indices.push(i);
  return indices;
}
