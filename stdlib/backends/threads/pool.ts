/**
 * The runner's pool of worker threads, on piscina: it starts the threads,
 * hands each shard to an idle one (growing the pool up to its limit while
 * shards wait, shrinking it after idling), routes the events workers post back
 * to the shard they belong to, tells workers to abort a run's calls, and
 * reports threads coming and going.
 */
import { BroadcastChannel } from "node:worker_threads";
import { Piscina, move, queueOptionsSymbol, transferableSymbol, valueSymbol } from "piscina";
import type { CallScope } from "../../api.js";
import { Lifecycle, type DownReason } from "./lifecycle.js";
import type {
  AbortMessage,
  EventMessage,
  ProbeRequest,
  ProbeResponse,
  ShardRequest,
  ShardResponse,
  WorkerStartup,
} from "./messages.js";
import { encode } from "./transport.js";

type PiscinaOptions = NonNullable<ConstructorParameters<typeof Piscina>[0]>;
type Balancer = NonNullable<PiscinaOptions["loadBalancer"]>;

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
  /** Aborting it drops the shard from the queue, or terminates the thread running it. */
  readonly controller: AbortController;
  /** Called when a thread takes the shard. */
  assigned(worker: number): void;
  /** An event the worker posted for the shard. */
  event(message: EventMessage): void;
}

export class Pool {
  readonly lifecycle = new Lifecycle("threads");
  readonly #piscina: Piscina;
  readonly #channel: BroadcastChannel;
  readonly #tickets = new Map<number, ShardTicket>();
  /** Threads known to have died, or been terminated, rather than shrunk away. */
  readonly #crashed = new Set<number>();
  readonly #abortedRuns = new WeakSet<CallScope>();
  #reconciling = false;
  #diedIdle = false;
  #nextId = 0;
  #closing = false;

  constructor(settings: PoolSettings) {
    this.#channel = new BroadcastChannel(settings.startup.channel);
    // The channel only sends; it must not keep the process alive.
    this.#channel.unref();
    // Piscina's default balancer, which also records which thread takes each shard.
    const balancer: Balancer = (task, workers) => {
      for (const worker of workers) {
        if (worker.currentUsage !== 0 || worker.terminating || worker.destroyed) continue;
        (task[queueOptionsSymbol] as ShardTicket | null)?.assigned(worker.id);
        return worker;
      }
      return null;
    };
    this.#piscina = new Piscina({
      filename: settings.entry,
      minThreads: settings.minThreads,
      maxThreads: settings.maxThreads,
      idleTimeout: settings.idleTimeoutMs,
      concurrentTasksPerWorker: 1,
      loadBalancer: balancer,
      workerData: settings.startup,
      ...(settings.resourceLimits === undefined ? {} : { resourceLimits: settings.resourceLimits }),
      ...(settings.execArgv === undefined ? {} : { execArgv: [...settings.execArgv] }),
    });
    this.#piscina.on("workerCreate", (worker: { id: number }) => this.lifecycle.up(worker.id));
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
    this.#piscina.on("message", (message: EventMessage) => {
      if (message?.kind === "event") this.#tickets.get(message.shard)?.event(message);
    });
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** Threads in the pool now. */
  get threads(): number {
    return this.#piscina.threads.length;
  }

  nextShardId(): number {
    return this.#nextId++;
  }

  /** Loads every method in one thread and reports what failed. */
  probe(): Promise<ProbeResponse> {
    const request: ProbeRequest = { kind: "probe" };
    return this.#piscina.run(request) as Promise<ProbeResponse>;
  }

  /**
   * Sends a shard. The promise rejects when its thread dies, the shard is
   * aborted through `ticket.controller`, or the request cannot be cloned.
   * Events for the shard reach `ticket.event` until `release(ticket)`.
   */
  run(request: ShardRequest, ticket: ShardTicket): Promise<ShardResponse> {
    this.#tickets.set(ticket.id, ticket);
    // Piscina shows the task's queue options (a symbol-keyed field, which cloning skips) to the balancer.
    const task = Object.assign(request, { [queueOptionsSymbol]: ticket });
    const payload =
      request.packed === undefined
        ? task
        : move({ [transferableSymbol]: [request.packed.buffer], [valueSymbol]: task } as never);
    return this.#piscina.run(payload, { signal: ticket.controller.signal }) as Promise<ShardResponse>;
  }

  /** Forgets a shard once its answer and every event it announced have been handled. */
  release(ticket: ShardTicket): void {
    this.#tickets.delete(ticket.id);
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
    this.#channel.close();
    await this.#piscina.destroy();
  }

  /** Reports the threads that left the pool since the last time. */
  #reconcile(): void {
    this.#reconciling = false;
    const present = new Set(this.#piscina.threads.map((thread) => thread.threadId));
    for (const worker of [...this.lifecycle.alive]) {
      if (present.has(worker)) continue;
      const reason: DownReason =
        this.#crashed.delete(worker) || this.#diedIdle ? "crash" : this.#closing ? "close" : "idle";
      this.lifecycle.down(worker, reason);
    }
    this.#diedIdle = false;
  }
}
