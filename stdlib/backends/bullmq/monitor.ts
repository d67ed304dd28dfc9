/**
 * What a caller watches while its calls are in flight, so that a run never
 * waits for ever on something that cannot come:
 *
 * - the workers of each method: once no live worker has served a method in
 *   flight for `workerWait` (they were killed, or hang), its calls fail,
 *   naming the workers that left or stopped responding (with `workerWait:
 *   Infinity` the caller keeps waiting, and says so once);
 * - the run's state in Redis: the caller's session key, each call's key and
 *   the job of every shard not yet collected. Keys lost without a reconnect
 *   (a FLUSHALL, an eviction, a failover to an empty replica) fail the calls
 *   they belong to, naming what was lost. (A Redis that restarts empty is a
 *   reconnect, after which the caller resubmits instead: see Session.)
 */
import type { Redis } from "ioredis";
import { errors, seconds, type FlowError } from "../../errors.js";
import type { PlanDescriptor, PlanMethod } from "../../plan.js";
import type { PlanKeys } from "./keys.js";
import type { BullmqSettings } from "./options.js";
import { shardItems, type ShardJobWire } from "./messages.js";

/** One shard as the monitor sees it. */
export interface MonitoredShard {
  readonly count: number;
  readonly job: {
    readonly data: Pick<ShardJobWire, "first" | "items">;
    readonly opts: { readonly jobId?: string | undefined };
  };
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
  /**
   * Counts reconnects; `undefined` while disconnected or resubmitting after
   * one. A check whose epoch changed meanwhile says nothing.
   */
  epoch(): number | undefined;
  /** Resolves `true` once the reply reader has read every entry up to `id`, `false` after `ms`. */
  readUpTo(id: string, ms: number): Promise<boolean>;
  /** Whether `worker` announced that it stopped. */
  left(worker: string): boolean;
}

/** How often the monitor looks. */
const TICK_MS = 1_000;
/** Every how many ticks it checks the run's keys (a round trip over every shard in flight). */
const STATE_EVERY = 2;
/** How long a check of lost jobs waits for the reply reader to catch up before it gives up this round. */
const CATCH_UP_MS = 5_000;
/** Shards named one by one in a message; the others are counted. */
const SHARDS_NAMED = 5;

export class Monitor {
  readonly #host: MonitorHost;
  /** Per method, the workers this caller has seen serve it. */
  readonly #seen = new Map<string, Set<string>>();
  /** Per call, since when no live worker has served its method. */
  readonly #unserved = new WeakMap<MonitoredCall, number>();
  readonly #toldWaiting = new WeakSet<MonitoredCall>();
  #timer: NodeJS.Timeout | undefined;
  #ticks = 0;
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
      if (++this.#ticks % STATE_EVERY === 0) await this.#checkState(calls);
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
    const gone = [...(this.#seen.get(method) ?? [])].map((id) => ({ id, left: this.#host.left(id) }));
    return errors.workersGone(this.#host.plan.name, method, gone, this.#host.settings.workerWait, this.#host.where);
  }

  async #checkState(calls: readonly MonitoredCall[]): Promise<void> {
    const host = this.#host;
    const epoch = host.epoch();
    if (epoch === undefined) return;
    const sessionKey = host.keys.session(host.sessionId);
    const batch = host.redis.pipeline().exists(sessionKey);
    const pending = calls.map((call) => {
      const shards = call.shards.filter((shard) => !shard.collected);
      batch.exists(host.keys.call(call.id));
      for (const shard of shards) batch.exists(this.#jobKey(call, shard));
      return { call, shards };
    });
    const answers = ((await batch.exec()) ?? []).map(([error, value]) => (error === null ? value : 1));
    if (host.epoch() !== epoch) return;
    let at = 0;
    if (answers[at++] === 0) {
      for (const call of calls) host.fail(call, this.#lost(call, `this caller's session key ${sessionKey}`));
      return;
    }
    const missingJobs: { call: MonitoredCall; shards: MonitoredShard[] }[] = [];
    for (const { call, shards } of pending) {
      const callKeyLost = answers[at++] === 0;
      const missing = shards.filter(() => answers[at++] === 0);
      if (callKeyLost) host.fail(call, this.#lost(call, `the key of its call, ${host.keys.call(call.id)}`));
      else if (missing.length > 0) missingJobs.push({ call, shards: missing });
    }
    if (missingJobs.length === 0) return;
    // A job that completed is removed after its reply was written: a shard whose reply is still unread is not lost.
    const stream = host.keys.replies(host.sessionId);
    const last = await host.redis.xrevrange(stream, "+", "-", "COUNT", 1);
    const lastId = last[0]?.[0];
    if (lastId !== undefined && !(await host.readUpTo(lastId, CATCH_UP_MS))) return;
    if (host.epoch() !== epoch) return;
    for (const { call, shards } of missingJobs) {
      const lost = shards.filter((shard) => !shard.collected);
      if (lost.length > 0 && !call.settled) host.fail(call, this.#lost(call, this.#describeJobs(call, lost)));
    }
  }

  #jobKey(call: MonitoredCall, shard: MonitoredShard): string {
    return `${this.#host.keys.prefix}:${this.#host.keys.queue(call.method.name)}:${shard.job.opts.jobId ?? ""}`;
  }

  #describeJobs(call: MonitoredCall, shards: readonly MonitoredShard[]): string {
    const named = shards.slice(0, SHARDS_NAMED).map((shard) => {
      const number = call.shards.indexOf(shard);
      return `shard ${number} (${shardItems(shard.job.data, shard.count)}, ${this.#jobKey(call, shard)})`;
    });
    const more = shards.length > SHARDS_NAMED ? ` and ${shards.length - SHARDS_NAMED} more` : "";
    return `the job${shards.length === 1 ? "" : "s"} of ${named.join(", ")}${more}`;
  }

  #lost(call: MonitoredCall, what: string): FlowError {
    return errors.runStateLost(this.#host.where, call.method.name, what);
  }
}
