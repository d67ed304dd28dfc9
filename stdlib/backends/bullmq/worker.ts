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
 * The file is long because admitting a job, running its items, delivering
 * partial results and reporting failures all act on one job and the
 * worker's connection; how one call runs is in ./attempt.ts and
 * ./call-threads.ts.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Job, UnrecoverableError, WaitingError, Worker, type BackoffStrategy, type JobJson } from "bullmq";
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
import { callId, ID_PATTERN, PlanKeys, REPLIES_TTL_MS } from "./keys.js";
import {
  checkPayload,
  holesOf,
  restoreHoles,
  fromWireError,
  readJobData,
  toWireError,
  type Reply,
  type ShardJobData,
  type ShardJobWire,
  type WireError,
} from "./messages.js";
import {
  MAX_DURATION_MS,
  redisOptions,
  resolveWorkerOptions,
  type WorkerProcessOptions,
  type WorkerSettings,
} from "./options.js";
import { endRun, handOver, markEnded, PROCESS_TOKEN, runEnded, type Abort } from "./same-process.js";
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

/** Marks the failures this worker reported itself, so its `failed` listener does not report them twice. */
const reported = new WeakSet<Error>();

/** Marks job data that is not JSON: the processor fails such a job with the reason kept under it, running nothing. */
const UNREADABLE = Symbol("unreadable job data");

/**
 * BullMQ's worker, except that a job whose stored data does not parse still
 * reaches the processor (which refuses it, once) instead of failing in
 * BullMQ's job loader, where it would stay active, stall, and be taken
 * again and again without ever failing.
 */
class ShardWorker extends Worker {
  protected override createJob(json: JobJson, jobId: string): Job {
    try {
      return super.createJob(json, jobId);
    } catch (error) {
      const job = super.createJob({ ...json, data: "null" }, jobId);
      job.data = { [UNREADABLE]: describe(error) };
      return job;
    }
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
  const located = timed.flatMap((method) => {
    const url = urls.get(method.name);
    return url === undefined ? [] : [{ name: method.name, url, exportName: method.exportName }];
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
  /** When this worker last renewed the expiry of each reply stream. */
  readonly #expiresRenewed = new Map<string, number>();
  /** Calls known to want results, until when (see WANTED_FRESH_MS). */
  readonly #wantedCalls = new Map<string, number>();
  readonly #log: (line: string) => void;
  /** While Redis is unreachable, the errors already logged (empty when connected). */
  readonly #outage = new Set<string>();
  #beat: NodeJS.Timeout | undefined;
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
    const redis = redisOptions(settings.connection, `flowc-worker:${this.id}`);
    this.#redis = defineScripts(new Redis({ ...redis, lazyConnect: true }));
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
        if (job !== undefined) this.#reportForeignFailure(method, job, error);
      });
      this.#workers.push(worker);
      this.queues.set(method.name, `${this.#keys.prefix}:${queue}`);
      void worker.run().catch((error: unknown) => this.#log(`${method.name}: ${describe(error)}`));
      await worker.waitUntilReady();
    }
    // Counted by callers only once it takes jobs.
    await this.#register();
    this.#beat = setInterval(
      () => void this.#register().catch((error: unknown) => this.#log(`heartbeat: ${describe(error)}`)),
      this.#settings.heartbeat,
    );
    this.#beat.unref();
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
    if (this.#beat !== undefined) clearInterval(this.#beat);
    // Unregister first, so that no caller counts this worker while it winds down.
    await this.#unregister().catch((error: unknown) => this.#log(`unregister: ${describe(error)}`));
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

  async #register(): Promise<void> {
    const ttl = this.#settings.heartbeat * 3;
    const info = JSON.stringify({
      host: hostname(),
      pid: process.pid,
      methods: this.#served.map((m) => m.name),
    });
    const batch = this.#redis.multi().set(this.#keys.alive(this.id), info, "PX", ttl);
    for (const method of this.#served) batch.sadd(this.#keys.servers(method.name), this.id);
    await batch.exec();
  }

  async #unregister(): Promise<void> {
    const batch = this.#redis.multi().del(this.#keys.alive(this.id));
    for (const method of this.#served) batch.srem(this.#keys.servers(method.name), this.id);
    await batch.exec();
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
  #send(data: Pick<ShardJobData, "session">, reply: Reply): void {
    const key = this.#keys.replies(data.session);
    const report = (error: unknown): void => this.#log(`reply: ${describe(error)}`);
    this.#redis.xadd(key, "*", "m", JSON.stringify(reply)).catch(report);
    // The stream of a caller that died expires; renewing that once a minute is enough (a command per reply is not free).
    const now = Date.now();
    if ((this.#expiresRenewed.get(key) ?? 0) < now - 60_000) {
      if (this.#expiresRenewed.size > 1000) this.#expiresRenewed.clear();
      this.#expiresRenewed.set(key, now);
      this.#redis.pexpire(key, REPLIES_TTL_MS).catch(report);
    }
  }

  async #process(
    method: PlanMethod,
    fn: (input?: unknown, context?: RunContext) => unknown,
    job: Job,
    token: string | undefined,
  ): Promise<null> {
    const { data, inputs } = await this.#admit(method, job);
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
    // Per item: TO_RUN, RAN (its output is in `outputs`), or DELIVERED (an earlier attempt sent it to the caller).
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
      const item = data.single ? undefined : data.first + i;
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
      if (isFinalFailure(outcome.error, attempt, method.retries)) {
        // No further item of this run starts here: its caller will fail the run on this reply.
        markEnded(data.run, outcome.error);
        const error = toWireError(outcome.error);
        this.#send(data, {
          t: "fail",
          call: data.call,
          shard: data.shard,
          token: data.token,
          worker: this.id,
          item: item ?? null,
          attempts: attempt,
          error: data.origin === PROCESS_TOKEN ? { ...error, handle: handOver(outcome.error) } : error,
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
          const wire = toWireError(error);
          this.#send(data, {
            t: "retry",
            call: data.call,
            shard: data.shard,
            token: data.token,
            item: data.single ? null : data.first + index,
            attempt,
            delayMs,
            error: data.origin === PROCESS_TOKEN ? { ...wire, handle: handOver(error) } : wire,
          });
        }
      }
      await job.updateData({ ...(job.data as ShardJobWire), delivered: this.#deliver(data, outputs, done) });
      const first = retryable[0];
      const retry = new RetryLater(`${retryable.length} item(s) failed, first: ${describe(first?.error)}`, delayMs);
      reported.add(retry);
      throw retry;
    }

    const ran = data.delivered === undefined || data.delivered.length === 0 ? undefined : indicesOf(done, RAN);
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

  /** The job's data, if the job may run here at all; otherwise it fails for good, and its caller (if any) hears why. */
  async #admit(method: PlanMethod, job: Job): Promise<{ data: ShardJobData; inputs: unknown[] }> {
    let data: ShardJobData | undefined;
    try {
      const unreadable = (job.data as { [UNREADABLE]?: string } | null)?.[UNREADABLE];
      if (unreadable !== undefined) throw errors.badPayload(`its data is not JSON (${unreadable})`);
      if (job.name !== method.name) {
        throw errors.badPayload(
          `the job names method '${job.name}', but this queue serves '${method.name}' of plan '${this.plan.name}'`,
        );
      }
      data = readJobData(job.data, (run) => callId(run, this.#methodIndex.get(method.name) ?? -1));
      if (!ID_PATTERN.test(data.call) || !ID_PATTERN.test(data.session))
        throw errors.badPayload("the job's call or session id is malformed");
      const inputs = restoreHoles([...data.input], data.holes);
      if (data.single && inputs.length > 1) throw errors.badPayload("a single call's job holds more than one input");
      const last = data.delivered?.at(-1);
      if (last !== undefined && last >= Math.max(inputs.length, 1))
        throw errors.badPayload(`the job's 'delivered' names item ${last} of a shard of ${inputs.length}`);
      return { data, inputs };
    } catch (error) {
      const refused = errors.jobRefused(job.id ?? "?", job.queueName, error);
      this.#log(refused.message);
      // BullMQ fails an UnrecoverableError at once, without retries; the caller hears the PayloadError.
      const refusal = new UnrecoverableError(refused.message);
      reported.add(refusal);
      if (data !== undefined && ID_PATTERN.test(data.call) && ID_PATTERN.test(data.session)) {
        this.#send(data, {
          t: "fail",
          call: data.call,
          shard: data.shard,
          token: data.token,
          worker: this.id,
          item: null,
          attempts: 1,
          error: toWireError(refused),
        });
      }
      throw refusal;
    }
  }

  /** A job failed without this worker's processor saying so (it stalled too often): tell its caller. */
  #reportForeignFailure(method: PlanMethod, job: Job, error: Error): void {
    if (reported.has(error) || error instanceof RetryLater) return;
    let data: ShardJobData;
    try {
      data = readJobData(job.data, (run) => callId(run, this.#methodIndex.get(method.name) ?? -1));
    } catch {
      return;
    }
    if (!ID_PATTERN.test(data.call) || !ID_PATTERN.test(data.session)) return;
    const count = data.single ? 1 : data.input.length;
    const items = data.single
      ? ""
      : count === 1
        ? ` (item ${data.first})`
        : ` (items ${data.first}–${data.first + count - 1})`;
    // BullMQ's words for a job whose lock lapsed more often than maxStalledCount allows.
    const stalled = error.message.includes("stalled more than allowable limit");
    const failure = stalled
      ? errors.jobStalled(data.shard, items, job.stalledCounter, this.#settings.maxStalls, method.name)
      : errors.jobFailed(method.name, data.shard, items, error.message);
    this.#send(data, {
      t: "fail",
      call: data.call,
      shard: data.shard,
      token: data.token,
      worker: this.id,
      item: null,
      attempts: Math.max(job.attemptsStarted, job.attemptsMade, 1),
      error: toWireError(failure),
    });
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

/** Indices of the items in `state`. */
function indicesOf(done: Uint8Array, state: number): number[] {
  const indices: number[] = [];
  for (let i = 0; i < done.length; i++) if (done[i] === state) indices.push(i);
  return indices;
}
