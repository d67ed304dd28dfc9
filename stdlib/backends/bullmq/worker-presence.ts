/**
 * How a worker process shows itself in Redis: it registers as alive (a key
 * that expires after three heartbeats) and as a server of each of its
 * methods, so that callers can count it (`min_worker_count`, `workerWait`);
 * and how it writes replies to its callers' streams.
 */
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { describe } from "../../errors.js";
import type { PlanMethod } from "../../plan.js";
import { REPLIES_TTL_MS, type PlanKeys } from "./keys.js";
import type { Reply } from "./messages.js";

/** A worker's registration, renewed at every heartbeat while it serves. */
export class Presence {
  readonly #redis: Redis;
  readonly #keys: PlanKeys;
  readonly #id: string;
  readonly #served: readonly PlanMethod[];
  readonly #heartbeat: number;
  readonly #log: (line: string) => void;
  #beat: NodeJS.Timeout | undefined;

  constructor(
    redis: Redis,
    keys: PlanKeys,
    id: string,
    served: readonly PlanMethod[],
    heartbeat: number,
    log: (line: string) => void,
  ) {
    this.#redis = redis;
    this.#keys = keys;
    this.#id = id;
    this.#served = served;
    this.#heartbeat = heartbeat;
    this.#log = log;
  }

  /** Registers, then renews the registration every heartbeat. */
  async start(): Promise<void> {
    await this.#register();
    this.#beat = setInterval(
      () => void this.#register().catch((error: unknown) => this.#log(`heartbeat: ${describe(error)}`)),
      this.#heartbeat,
    );
    this.#beat.unref();
  }

  /** Unregisters, so that no caller counts the worker any more. */
  async stop(): Promise<void> {
    if (this.#beat !== undefined) clearInterval(this.#beat);
    await this.#unregister().catch((error: unknown) => this.#log(`unregister: ${describe(error)}`));
  }

  async #register(): Promise<void> {
    const ttl = this.#heartbeat * 3;
    const info = JSON.stringify({
      host: hostname(),
      pid: process.pid,
      methods: this.#served.map((m) => m.name),
    });
    const batch = this.#redis.multi().set(this.#keys.alive(this.#id), info, "PX", ttl);
    for (const method of this.#served) batch.sadd(this.#keys.servers(method.name), this.#id);
    await batch.exec();
  }

  async #unregister(): Promise<void> {
    const batch = this.#redis.multi().del(this.#keys.alive(this.#id));
    for (const method of this.#served) batch.srem(this.#keys.servers(method.name), this.#id);
    await batch.exec();
  }
}

/** Writes replies to callers' streams, keeping each stream's expiry renewed. */
export class ReplySender {
  readonly #redis: Redis;
  readonly #keys: PlanKeys;
  readonly #log: (line: string) => void;
  /** When this worker last renewed the expiry of each reply stream. */
  readonly #expiresRenewed = new Map<string, number>();

  constructor(redis: Redis, keys: PlanKeys, log: (line: string) => void) {
    this.#redis = redis;
    this.#keys = keys;
    this.#log = log;
  }

  send(session: string, reply: Reply): void {
    const key = this.#keys.replies(session);
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
}
