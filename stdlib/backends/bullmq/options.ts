/**
 * Options of the distributed backend and of its workers, each documented
 * where it is declared and merged over one defaults constant.
 */
import type { RedisOptions } from "ioredis";
import { errors } from "../../errors.js";
import { countOption, durationOption, type OptionOwner } from "../../kit/options.js";
import { MAX_TIMER_MS } from "../../limits.js";

/**
 * Where Redis is: a `redis://` (or `rediss://`, for TLS) URL, or ioredis
 * connection options, which may start from a URL (`url`) and add to it, e.g.
 * the certificate authority of a private TLS deployment. An ACL user and its
 * password go in the URL (`rediss://user:password@host:6380/0`) or in
 * `username`/`password`. Credentials belong in the URL or the options, or in
 * the `FLOWC_REDIS_URL` environment variable; a plan never carries them.
 *
 * @example
 * { url: "rediss://flowc:secret@queue.internal:6380", tls: { ca: readFileSync("ca.pem") } }
 */
export type RedisConnection = string | (RedisOptions & { readonly url?: string | undefined });

/** Options of {@link bullmq}. */
export interface BullmqOptions {
  /**
   * The Redis every caller and worker of the plan shares.
   * @default the `FLOWC_REDIS_URL` environment variable, else `redis://127.0.0.1:6379`
   */
  readonly connection?: RedisConnection | undefined;
  /**
   * How long a stage waits for enough workers to serve its method (at least
   * one, and `min_worker_count` for a parallel method) before the run fails;
   * and how long a method in flight may go without any live worker (every
   * one that served it was killed, or hangs) before its calls fail, naming
   * the workers that left. `Infinity` waits without a limit, saying so once
   * through `log`. Bounds: 0 to 2³¹−1 milliseconds (about 24.8 days, the
   * longest a timer waits), or `Infinity`.
   * Example: `{ workerWait: 120_000 }` while workers boot.
   * @default 30000
   */
  readonly workerWait?: number | undefined;
  /**
   * How long the caller waits for a lost Redis connection to come back before
   * the calls in flight fail; a shorter outage is survived (see DEPLOYMENT.md).
   * Bounds: 0 to 2³¹−1 milliseconds (about 24.8 days).
   * @default 30000
   */
  readonly connectionWait?: number | undefined;
  /**
   * Most items in one shard job of a parallel method whose plan leaves
   * `shardSize` open. Bounds: integer ≥ 1. Example: `{ shardSize: 1 }` for long calls.
   * @default 128
   */
  readonly shardSize?: number | undefined;
  /**
   * First segment of every Redis key and BullMQ queue this backend uses, so
   * that several deployments can share one Redis. Must not contain `:`.
   * @default "flowc"
   */
  readonly prefix?: string | undefined;
  /**
   * Receives one line per notable event of the caller: replies it rejects
   * because no worker of its own could have sent them (another client wrote
   * to its reply stream), and stages that wait for workers without a limit.
   * @default each line on stderr, as `flowc bullmq: …`
   */
  readonly log?: ((line: string) => void) | undefined;
}

/** Options of {@link createWorker} beyond the plan and its methods. */
export interface WorkerProcessOptions {
  /** See {@link BullmqOptions.connection}. */
  readonly connection?: RedisConnection | undefined;
  /**
   * Jobs this worker runs at once for each method it serves (each job is one
   * shard, whose items run one after the other). Bounds: integer ≥ 1.
   * @default 1
   */
  readonly concurrency?: number | undefined;
  /**
   * Methods to serve, by manifest name; the others are left to other workers.
   * @default every method of the plan
   */
  readonly methods?: readonly string[] | undefined;
  /**
   * How long a job stays locked to this worker without a renewal. The worker
   * renews it at half that time while it works; a worker that dies (or blocks
   * its event loop longer) loses its jobs to the others after it. The calls of
   * a method with a `timeout` run on worker threads, which leave the event loop
   * free; when they cannot (its functions were given directly), the timeout
   * raises the lock to twice that timeout, so that a call running up to it
   * never loses its lock. Bounds: 1000 to 2³¹−1 milliseconds.
   * @default 30000
   */
  readonly lockDuration?: number | undefined;
  /**
   * How often this worker looks for jobs whose worker died, in milliseconds.
   * Bounds: 100 to 2³¹−1.
   * @default 5000
   */
  readonly stalledInterval?: number | undefined;
  /**
   * How often the worker tells Redis it is alive; it counts as gone after
   * three missed beats. Bounds: 100 milliseconds to a third of 2³¹−1.
   * @default 1000
   */
  readonly heartbeat?: number | undefined;
  /**
   * How long a call that ran past its method's `timeout` (or whose run ended)
   * may take to stop on its worker thread before the thread is terminated
   * and replaced. Bounds: 0 to 2³¹−1 milliseconds.
   * @default 1000
   */
  readonly timeoutGrace?: number | undefined;
  /**
   * How many times a shard's job may stall (its worker stopped renewing its
   * lock: killed, or stuck in a call that never yields) and be handed to
   * another worker before it fails, at its caller, saying so. Each stall may
   * cost a worker. Bounds: integer ≥ 0.
   * @default 1
   */
  readonly maxStalls?: number | undefined;
  /** See {@link BullmqOptions.prefix}. */
  readonly prefix?: string | undefined;
}

export const DEFAULT_BULLMQ_OPTIONS = {
  url: "redis://127.0.0.1:6379",
  workerWait: 30_000,
  connectionWait: 30_000,
  shardSize: 128,
  prefix: "flowc",
  concurrency: 1,
  lockDuration: 30_000,
  stalledInterval: 5_000,
  heartbeat: 1_000,
  maxStalls: 1,
  timeoutGrace: 1_000,
} as const;

/** The environment variable consulted when no connection is given. */
export const REDIS_URL_VARIABLE = "FLOWC_REDIS_URL";

/**
 * ioredis options for `connection`, with the settings every connection of
 * this backend needs: commands wait through a reconnect instead of failing
 * (`maxRetriesPerRequest: null`, which BullMQ also requires of workers), and
 * reconnection never gives up; the backend's own timers decide when an
 * outage has lasted too long.
 */
export function redisOptions(connection: RedisConnection | undefined, name: string): ConnectionSettings {
  const chosen = connection ?? process.env[REDIS_URL_VARIABLE] ?? DEFAULT_BULLMQ_OPTIONS.url;
  let base: RedisOptions;
  if (typeof chosen === "string") base = parseRedisUrl(chosen);
  else {
    const { url, ...rest } = chosen;
    base = url === undefined ? rest : { ...parseRedisUrl(url), ...rest };
  }
  return {
    ...base,
    connectionName: name,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), 1000),
  };
}

/** ioredis options as this backend makes them: its retry strategy is always a function (BullMQ's type needs that). */
export type ConnectionSettings = RedisOptions & { readonly retryStrategy: (times: number) => number };

/** Host and port of a connection, for messages (never its credentials). */
export function describeConnection(options: RedisOptions): string {
  if (options.path !== undefined) return options.path;
  return `${options.host ?? "127.0.0.1"}:${options.port ?? 6379}`;
}

function parseRedisUrl(text: string): RedisOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw errors.badRedisUrl(redact(text), "not-a-url");
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw errors.badRedisUrl(redact(text), "protocol");
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw errors.badRedisUrl(redact(text), "database", url.pathname.slice(1));
  return {
    host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: url.port === "" ? 6379 : Number(url.port),
    db,
    ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === "" ? {} : { password: decodeURIComponent(url.password) }),
    ...(url.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

/** The URL without its password, fit for a message or a log. */
export function redact(text: string): string {
  return text.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/** {@link BullmqOptions} checked, with defaults applied. */
export interface BullmqSettings {
  readonly connection: RedisConnection | undefined;
  readonly workerWait: number;
  readonly connectionWait: number;
  readonly shardSize: number;
  readonly prefix: string;
  readonly log: (line: string) => void;
}

/**
 * The longest delay Node's timers take: a longer one overflows, with a
 * `TimeoutOverflowWarning`, and fires after 1 ms. Every duration of this
 * backend is a timer somewhere, so none may exceed it.
 */
export const MAX_DURATION_MS = MAX_TIMER_MS;

/** How messages name the options of a caller, and of a worker. */
const CALLER = "bullmq()";
const WORKER = "createWorker()";

/** Applies defaults and checks bounds; throws a `PlanError` (`InvalidOption`) for a bad value. */
export function resolveBullmqOptions(options: BullmqOptions): BullmqSettings {
  const d = DEFAULT_BULLMQ_OPTIONS;
  return {
    connection: options.connection,
    // Infinity is no timer at all: the wait without a limit that a user may ask for.
    workerWait:
      options.workerWait === Infinity
        ? Infinity
        : durationOption(CALLER, "workerWait", options.workerWait, d.workerWait, 0),
    connectionWait: durationOption(CALLER, "connectionWait", options.connectionWait, d.connectionWait, 0),
    shardSize: countOption(CALLER, "shardSize", options.shardSize, d.shardSize, 1),
    prefix: prefixOption(CALLER, options.prefix),
    log: options.log ?? ((line) => void process.stderr.write(`flowc bullmq: ${line}\n`)),
  };
}

/** {@link WorkerProcessOptions} checked, with defaults applied. */
export interface WorkerSettings {
  readonly connection: RedisConnection | undefined;
  readonly concurrency: number;
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly heartbeat: number;
  readonly timeoutGrace: number;
  readonly maxStalls: number;
  readonly prefix: string;
}

/** Applies defaults and checks bounds of a worker's options; throws a `PlanError` (`InvalidOption`) for a bad value. */
export function resolveWorkerOptions(options: WorkerProcessOptions): WorkerSettings {
  const d = DEFAULT_BULLMQ_OPTIONS;
  return {
    connection: options.connection,
    concurrency: countOption(WORKER, "concurrency", options.concurrency, d.concurrency, 1),
    lockDuration: durationOption(WORKER, "lockDuration", options.lockDuration, d.lockDuration, 1000),
    stalledInterval: durationOption(WORKER, "stalledInterval", options.stalledInterval, d.stalledInterval, 100),
    // A worker counts as gone after three beats: that time is a Redis expiry, the beat itself a timer.
    heartbeat: durationOption(
      WORKER,
      "heartbeat",
      options.heartbeat,
      d.heartbeat,
      100,
      Math.floor(MAX_DURATION_MS / 3),
    ),
    timeoutGrace: durationOption(WORKER, "timeoutGrace", options.timeoutGrace, d.timeoutGrace, 0),
    maxStalls: countOption(WORKER, "maxStalls", options.maxStalls, d.maxStalls, 0),
    prefix: prefixOption(WORKER, options.prefix),
  };
}

/** Checks the key prefix. */
export function prefixOption(owner: OptionOwner, value: string | undefined): string {
  const prefix = value ?? DEFAULT_BULLMQ_OPTIONS.prefix;
  if (prefix === "" || prefix.includes(":")) throw errors.badPrefix(owner, prefix);
  return prefix;
}
