/**
 * The runner's pool of worker threads, on piscina: it starts the threads,
 * hands each shard to a thread (growing the pool up to its limit while shards
 * wait, shrinking it after idling), routes the messages workers post back to
 * the shard they belong to, tells workers to abort a run's calls, and reports
 * threads coming and going.
 *
 * A stage never has shards running on more threads than its lanes, but each
 * of its threads may hold one more of its shards, waiting: a thread that
 * finishes a shard starts the next at once instead of waiting for the calling
 * thread to hear of it and send another (a round trip that grows long when
 * the cores are busy).
 *
 * Runs of one runner share its pool, so threads are promised to stages
 * before they start (`admit`): a stage starts once its `min_worker_count`
 * threads can be its own, rather than run short among other runs' stages.
 */
import { BroadcastChannel } from "node:worker_threads";
import { Piscina, move, queueOptionsSymbol, transferableSymbol, valueSymbol } from "piscina";
import type { CallScope } from "../../api.js";
import { Lifecycle, type DownReason } from "./lifecycle.js";
import type {
  AbortMessage,
  ProbeRequest,
  ProbeResponse,
  ShardRequest,
  ShardResponse,
  ThreadMessage,
  WorkerMessage,
  WorkerStartup,
} from "./messages.js";
import { encode } from "./transport.js";

type PiscinaOptions = NonNullable<ConstructorParameters<typeof Piscina>[0]>;
type Balancer = NonNullable<PiscinaOptions["loadBalancer"]>;
type PiscinaWorker = Parameters<Balancer>[1][number];

/** Shards that can note their progress at once; beyond that, a crash blames a shard as a whole. */
const PROGRESS_SLOTS = 4096;

/**
 * Shared memory where the threads note the item each shard is running and its
 * timed attempt (see `WorkerStartup.progress`, `attempts`, `deadlines`).
 */
export function progressBuffers(): Pick<WorkerStartup, "progress" | "attempts" | "deadlines"> {
  return {
    progress: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * PROGRESS_SLOTS)),
    attempts: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * PROGRESS_SLOTS)),
    deadlines: new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * PROGRESS_SLOTS)),
  };
}

/** A timed attempt a shard's thread noted: its item, its number, and when it had to be over. */
export interface NotedAttempt {
  readonly item: number;
  readonly attempt: number;
  readonly deadline: number;
}

export interface PoolSettings {
  /** File URL of the worker entry. */
  readonly entry: string;
  readonly minThreads: number;
  readonly maxThreads: number;
  readonly idleTimeoutMs: number;
  readonly resourceLimits: PiscinaOptions["resourceLimits"];
  readonly execArgv: readonly string[] | undefined;
  readonly startup: WorkerStartup;
}

/** The calling thread's handle on a shard sent to the pool. */
export interface ShardTicket {
  readonly id: number;
  /** The stage it belongs to (any object that tells stages apart). */
  readonly stage: object;
  /** Most threads the stage may run shards on at once. */
  readonly lanes: number;
  /** Called when a thread takes the shard: `waiting` when it queues behind a shard of its stage. */
  assigned(worker: number, waiting: boolean): void;
  /** A message the worker posted for the shard. */
  message(message: WorkerMessage): void;
}

/** A stage's request for threads (see `Pool.admit`). */
interface Admission {
  readonly threads: number;
  readonly admitted: () => void;
  state: "waiting" | "in" | "out";
}

export class Pool {
  readonly lifecycle = new Lifecycle("threads");
  readonly #piscina: Piscina;
  readonly #channel: BroadcastChannel;
  readonly #tickets = new Map<number, ShardTicket>();
  /** The shards each thread holds, oldest (running) first. */
  readonly #held = new Map<number, ShardTicket[]>();
  readonly #maxThreads: number;
  /** Threads asked for (by declining a shard) that have not started yet. */
  #growing = 0;
  readonly #progress: Int32Array;
  readonly #attempts: Int32Array;
  readonly #deadlines: Float64Array;
  readonly #freeSlots: number[];
  /** Threads known to have died, or been terminated, rather than shrunk away. */
  readonly #crashed = new Set<number>();
  readonly #abortedRuns = new WeakSet<CallScope>();
  #reconciling = false;
  #diedIdle = false;
  #nextId = 0;
  #closing = false;
  #watchdog: NodeJS.Timeout | undefined;
  #stalledChecks = 0;
  /** Threads that have imported the methods (see `LoadedMessage`). */
  readonly #loaded = new Set<number>();
  readonly #loadWaiters: (() => void)[] = [];
  /** Threads promised to the stages admitted and not yet ended. */
  #promised = 0;
  /** Stages waiting for threads to be promised to them, first come first served. */
  readonly #admissions: Admission[] = [];

  constructor(settings: PoolSettings) {
    this.#channel = new BroadcastChannel(settings.startup.channel);
    // The channel only sends; it must not keep the process alive.
    this.#channel.unref();
    this.#maxThreads = settings.maxThreads;
    this.#progress = settings.startup.progress;
    this.#attempts = settings.startup.attempts;
    this.#deadlines = settings.startup.deadlines;
    this.#freeSlots = Array.from({ length: this.#progress.length }, (_, i) => this.#progress.length - 1 - i);
    this.#piscina = new Piscina({
      filename: settings.entry,
      minThreads: settings.minThreads,
      maxThreads: settings.maxThreads,
      idleTimeout: settings.idleTimeoutMs,
      // One shard running and one waiting, which the balancer below hands out.
      concurrentTasksPerWorker: 2,
      loadBalancer: (task, workers) => this.#balance(task[queueOptionsSymbol] as ShardTicket | null, workers),
      workerData: settings.startup,
      ...(settings.resourceLimits === undefined ? {} : { resourceLimits: settings.resourceLimits }),
      ...(settings.execArgv === undefined ? {} : { execArgv: [...settings.execArgv] }),
    });
    this.#piscina.on("workerCreate", (worker: { id: number }) => {
      if (this.#growing > 0) this.#growing--;
      this.lifecycle.up(worker.id);
    });
    // A thread that has exited no longer knows its id (it reads -1), so the ones gone are found by
    // comparing with the pool's threads; and why they went is only known a moment later (a shard's
    // rejection, the pool's `error`).
    this.#piscina.on("workerDestroy", () => {
      if (this.#reconciling) return;
      this.#reconciling = true;
      setImmediate(() => this.#reconcile());
    });
    // A thread that dies with no task (an error thrown on a timer after its shard) has no one else to tell.
    this.#piscina.on("error", () => {
      this.#diedIdle = true;
    });
    this.#piscina.on("message", (message: ThreadMessage) => {
      if (message?.kind === "event" || message?.kind === "started") this.#tickets.get(message.shard)?.message(message);
      else if (message?.kind === "loaded") {
        this.#loaded.add(message.worker);
        this.#checkLoaded();
      }
    });
  }

  get closing(): boolean {
    return this.#closing;
  }

  nextShardId(): number {
    return this.#nextId++;
  }

  /**
   * Resolves once every thread of the pool has imported the methods, so that
   * the first shards go to threads that can start them at once.
   */
  whenLoaded(): Promise<void> {
    return new Promise((resolve) => {
      this.#loadWaiters.push(resolve);
      this.#checkLoaded();
    });
  }

  #checkLoaded(): void {
    if (this.#loadWaiters.length === 0) return;
    const present = this.#piscina.threads.map((thread) => thread.threadId).filter((id) => id >= 0);
    if (!this.#closing && !present.every((id) => this.#loaded.has(id))) return;
    for (const resolve of this.#loadWaiters.splice(0)) resolve();
  }

  /**
   * Promises `threads` threads to a stage and calls `admitted` — at once when
   * the threads already promised leave that many under the pool's limit, or
   * else once enough stages have given theirs back, in the order stages
   * asked. The function returned gives the threads back (or stops waiting for
   * them); calling it again does nothing.
   */
  admit(threads: number, admitted: () => void): () => void {
    const admission: Admission = { threads, admitted, state: "waiting" };
    this.#admissions.push(admission);
    this.#admitWaiting();
    return () => {
      if (admission.state === "in") this.#promised -= admission.threads;
      else if (admission.state === "waiting") this.#admissions.splice(this.#admissions.indexOf(admission), 1);
      else return;
      admission.state = "out";
      this.#admitWaiting();
    };
  }

  #admitWaiting(): void {
    for (;;) {
      const next = this.#admissions[0];
      // A stage that needs more than the whole pool (the runner's checks prevent it) still runs, alone.
      if (next === undefined || (this.#promised > 0 && this.#promised + next.threads > this.#maxThreads)) return;
      this.#admissions.shift();
      this.#promised += next.threads;
      next.state = "in";
      next.admitted();
    }
  }

  /** Loads every method in one thread and reports what failed. */
  probe(): Promise<ProbeResponse> {
    const request: ProbeRequest = { kind: "probe" };
    return this.#piscina.run(request) as Promise<ProbeResponse>;
  }

  /**
   * Sends a shard. The promise rejects when its thread dies or the request
   * cannot be cloned. Messages for the shard reach `ticket.message` until
   * `release(ticket)`.
   */
  run(request: ShardRequest, ticket: ShardTicket): Promise<ShardResponse> {
    this.#tickets.set(ticket.id, ticket);
    this.#watch();
    // Piscina shows the task's queue options (a symbol-keyed field, which cloning skips) to the balancer.
    const task = Object.assign(request, { [queueOptionsSymbol]: ticket });
    const payload =
      request.packed === undefined
        ? task
        : move({ [transferableSymbol]: [request.packed.buffer], [valueSymbol]: task } as never);
    return this.#piscina.run(payload) as Promise<ShardResponse>;
  }

  /** Forgets a shard once its answer and every message it announced have been handled. */
  release(ticket: ShardTicket, worker: number | undefined): void {
    this.#tickets.delete(ticket.id);
    if (this.#tickets.size === 0) this.#unwatch();
    const held = worker === undefined ? undefined : this.#held.get(worker);
    const at = held?.indexOf(ticket) ?? -1;
    if (held !== undefined && at >= 0) held.splice(at, 1);
  }

  /** A progress slot for a shard, cleared; −1 when all are taken. */
  takeSlot(): number {
    const slot = this.#freeSlots.pop() ?? -1;
    if (slot >= 0) {
      this.#progress[slot] = -1;
      this.#deadlines[slot] = 0;
    }
    return slot;
  }

  freeSlot(slot: number): void {
    if (slot >= 0) this.#freeSlots.push(slot);
  }

  /** The item a shard's thread noted last, or −1. */
  progressOf(slot: number): number {
    return slot >= 0 ? (this.#progress[slot] ?? -1) : -1;
  }

  /**
   * The timed attempt a shard's thread is running, if any. The deadline is
   * read on both sides of the rest, so that an attempt ending meanwhile is
   * not mistaken for the next one.
   */
  attemptOf(slot: number): NotedAttempt | undefined {
    if (slot < 0) return undefined;
    const deadline = this.#deadlines[slot] ?? 0;
    if (deadline === 0) return undefined;
    const item = this.#progress[slot] ?? -1;
    const attempt = this.#attempts[slot] ?? 0;
    if (this.#deadlines[slot] !== deadline) return undefined;
    return { item, attempt, deadline };
  }

  /** Terminates a thread (it is replaced); the shards it held reject. */
  terminate(worker: number): void {
    this.#crashed.add(worker);
    const thread = this.#piscina.threads.find((candidate) => candidate.threadId === worker);
    void thread?.terminate();
  }

  /**
   * Where a task goes. The probe: to an idle thread. A shard: to an idle
   * thread while its stage runs on fewer threads than its lanes, or to a new
   * one (declining it makes piscina start a thread, so only as many are
   * declined as threads are missing); otherwise behind the one shard of its
   * own stage that a thread is running.
   */
  #balance(ticket: ShardTicket | null, workers: readonly PiscinaWorker[]): PiscinaWorker | null {
    let idle: PiscinaWorker | undefined;
    let behind: PiscinaWorker | undefined;
    let busy = 0;
    for (const worker of workers) {
      if (worker.terminating || worker.destroyed) continue;
      const usage = worker.currentUsage;
      if (usage === 0) {
        idle ??= worker;
        continue;
      }
      if (ticket === null) continue;
      const held = this.#heldBy(worker.id, usage);
      if (held.some((other) => other.stage === ticket.stage)) {
        busy++;
        if (usage === 1) behind ??= worker;
      }
    }
    if (ticket === null) return idle ?? null;
    let chosen: PiscinaWorker | undefined = busy < ticket.lanes ? idle : undefined;
    if (
      chosen === undefined &&
      busy < ticket.lanes &&
      this.#growing < ticket.lanes - busy &&
      this.#piscina.threads.length < this.#maxThreads
    ) {
      this.#growing++;
      return null;
    }
    chosen ??= behind;
    if (chosen === undefined) return null;
    const held = this.#held.get(chosen.id) ?? [];
    held.push(ticket);
    this.#held.set(chosen.id, held);
    ticket.assigned(chosen.id, chosen !== idle);
    return chosen;
  }

  /** The shards a thread holds; entries the pool has already answered are dropped (they finish in order). */
  #heldBy(worker: number, usage: number): readonly ShardTicket[] {
    const held = this.#held.get(worker);
    if (held === undefined) return [];
    if (held.length > usage) held.splice(0, held.length - usage);
    return held;
  }

  /** Tells every thread to abort the calls of `scope`'s run with `reason`, once per run. */
  abortRun(scope: CallScope, reason: unknown): void {
    if (this.#abortedRuns.has(scope) || this.#closing) return;
    this.#abortedRuns.add(scope);
    const message: AbortMessage = { kind: "abort", runId: scope.runId, reason: encode(reason) };
    this.#channel.postMessage(message);
  }

  /** The thread died under a shard, or is being terminated for not stopping. */
  markCrashed(worker: number): void {
    this.#crashed.add(worker);
  }

  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#unwatch();
    this.#checkLoaded();
    this.#channel.close();
    await this.#piscina.destroy();
  }

  /**
   * Shards waiting in the queue keep nothing alive (idle threads are unref'd),
   * so while any shard is outstanding the pool holds the process open; and if
   * distribution ever stalls — shards queued, no thread running one — it
   * forgets the threads it was waiting for and makes the pool start one.
   */
  #watch(): void {
    if (this.#watchdog !== undefined) return;
    this.#watchdog = setInterval(() => this.#checkProgress(), 250);
  }

  #unwatch(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    this.#stalledChecks = 0;
  }

  #checkProgress(): void {
    const running = [...this.#held.values()].some((held) => held.length > 0);
    if (running || this.#piscina.queueSize === 0) {
      this.#stalledChecks = 0;
      return;
    }
    if (++this.#stalledChecks < 2) return;
    this.#stalledChecks = 0;
    this.#growing = 0;
    // A task submitted now makes piscina start a thread if it can, and drain the queue once one is free.
    this.probe().catch(() => undefined);
  }

  /** Reports the threads that left the pool since the last time. */
  #reconcile(): void {
    this.#reconciling = false;
    const present = new Set(this.#piscina.threads.map((thread) => thread.threadId));
    for (const worker of this.#held.keys()) if (!present.has(worker)) this.#held.delete(worker);
    for (const worker of this.#loaded) if (!present.has(worker)) this.#loaded.delete(worker);
    this.#checkLoaded();
    // A thread asked for that died while starting will never report: do not wait for it.
    const starting = [...present].filter((worker) => !this.lifecycle.alive.has(worker)).length;
    this.#growing = Math.min(this.#growing, starting);
    for (const worker of [...this.lifecycle.alive]) {
      if (present.has(worker)) continue;
      const reason: DownReason =
        this.#crashed.delete(worker) || this.#diedIdle ? "crash" : this.#closing ? "close" : "idle";
      this.lifecycle.down(worker, reason);
    }
    this.#diedIdle = false;
  }
}
