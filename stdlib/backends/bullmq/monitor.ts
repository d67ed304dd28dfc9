/**
 * What a caller watches while its calls are in flight, so that a run never
 * waits for ever on something that cannot come:
 *
 * - the workers of each method: once no live worker has served a method in
 *   flight for `workerWait` (they were killed, or hang), its calls fail,
 *   naming the workers that left or stopped responding (with `workerWait:
 *   Infinity` the caller keeps waiting, and says so once);
 */
import type { Redis } from "ioredis";
import { ErrorCode, FlowError } from "../../errors.js";
import type { PlanDescriptor, PlanMethod } from "../../plan.js";
import type { PlanKeys } from "./keys.js";
import type { BullmqSettings } from "./options.js";

/** One shard as the monitor sees it. */
export interface MonitoredShard {
  readonly first: number;
  readonly count: number;
  readonly job: { readonly opts: { readonly jobId?: string | undefined } };
  readonly collected: boolean;
}

/** One call as the monitor sees it. */
export interface MonitoredCall {
  readonly id: string;
  readonly method: PlanMethod;
  readonly shards: readonly MonitoredShard[];
  /** Its jobs are in their queue. */
  readonly submitted: boolean;
  readonly settled: boolean;
}

/** What the monitor needs of its session. */
export interface MonitorHost {
  readonly redis: Redis;
  readonly keys: PlanKeys;
  readonly plan: PlanDescriptor;
  readonly settings: BullmqSettings;
  readonly sessionId: string;
  /** `host:port` of Redis, for messages. */
  readonly where: string;
  calls(): Iterable<MonitoredCall>;
  fail(call: MonitoredCall, error: FlowError): void;
  /** Whether `worker` announced that it stopped. */
  left(worker: string): boolean;
}

/** How often the monitor looks. */
const TICK_MS = 1_000;

export class Monitor {
  readonly #host: MonitorHost;
  /** Per method, the workers this caller has seen serve it. */
  readonly #seen = new Map<string, Set<string>>();
  /** Per call, since when no live worker has served its method. */
  readonly #unserved = new WeakMap<MonitoredCall, number>();
  readonly #toldWaiting = new WeakSet<MonitoredCall>();
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(host: MonitorHost) {
    this.#host = host;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#tick(), TICK_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** The ids of the live workers that serve `method`, remembered as having served it. */
  async liveServers(method: string): Promise<string[]> {
    const live = await this.#host.redis.flowcLiveServers(this.#host.keys.servers(method), this.#host.keys.alive(""));
    let seen = this.#seen.get(method);
    if (seen === undefined) this.#seen.set(method, (seen = new Set()));
    for (const id of live) seen.add(id);
    return live;
  }

  async #tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const calls = [...this.#host.calls()].filter((call) => call.submitted && !call.settled);
      if (calls.length === 0) return;
      await this.#checkWorkers(calls);
    } catch {
      // Redis is unreachable: the session's outage timer speaks for that.
    } finally {
      this.#busy = false;
    }
  }

  async #checkWorkers(calls: readonly MonitoredCall[]): Promise<void> {
    const { settings } = this.#host;
    for (const name of new Set(calls.map((call) => call.method.name))) {
      const live = await this.liveServers(name);
      const now = Date.now();
      for (const call of calls.filter((c) => c.method.name === name && !c.settled)) {
        if (live.length > 0) {
          this.#unserved.delete(call);
          continue;
        }
        const since = this.#unserved.get(call) ?? now;
        this.#unserved.set(call, since);
        if (settings.workerWait === Infinity) {
          if (!this.#toldWaiting.has(call)) {
            this.#toldWaiting.add(call);
            settings.log(
              `no live worker serves '${name}' of plan '${this.#host.plan.name}' on Redis ${this.#host.where}; ` +
                `waiting for one without a limit (workerWait: Infinity)`,
            );
          }
          continue;
        }
        if (now - since >= settings.workerWait) this.#host.fail(call, this.#workersGone(name));
      }
    }
  }

  #workersGone(method: string): FlowError {
    const seen = [...(this.#seen.get(method) ?? [])];
    const gone =
      seen.length === 0
        ? "none of them was known to this caller"
        : `gone: ${seen.map((id) => `${id} (${this.#host.left(id) ? "left" : "stopped responding"})`).join(", ")}`;
    return new FlowError(
      ErrorCode.WorkersGone,
      `Method '${method}' lost every worker that served it: no live worker has served it for ` +
        `${seconds(this.#host.settings.workerWait)} (workerWait); ${gone}. Its shards still queued will not run: ` +
        `start workers with 'flowc worker' for plan '${this.#host.plan.name}' on Redis ${this.#host.where} and run again.`,
    );
  }
}

export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
