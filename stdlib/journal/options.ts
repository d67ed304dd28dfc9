/**
 * Options of the two run stores, each documented where it is declared and
 * merged over one defaults constant.
 */
import { errors } from "../errors.js";
import { durationOption } from "../kit/options.js";
import { prefixOption } from "../backends/bullmq/options.js";

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * How long a write waits for another process that holds the journal's
   * database locked before it fails (`FLOW_JOURNAL_UNAVAILABLE`, "is locked
   * by another process"). The wait blocks the event loop: better-sqlite3 is
   * synchronous. Bounds: 0 to 2³¹−1 milliseconds.
   * @default 5000
   */
  readonly busyTimeout?: number | undefined;
  /**
   * How long a run's hold lasts without a renewal (`RunStore.renew`): once it
   * has run out, another process may claim the run even when the holder
   * seems alive (it may be on another host, or its pid reused). Bounds: 1 to
   * 2³¹−1 milliseconds. Example: `{ leaseMs: 300_000 }` for a runner whose
   * event loop may stay blocked for minutes.
   * @default 60000
   */
  readonly leaseMs?: number | undefined;
  /**
   * The manifest each run this store begins is recorded for, when the run names none
   * (`flowc run` gives its manifest's absolute path, which `list({ manifest })` and
   * `flowc run --resume` look runs up by).
   * @default undefined (runs record no manifest)
   */
  readonly manifest?: string | undefined;
}

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * First segment of every key; the journal's keys are `<prefix>:journal:…`.
   * The bullmq backend's option of the same name, so one prefix may serve
   * both. Must not contain `:`.
   * @default "flowc"
   */
  readonly prefix?: string | undefined;
  /**
   * How long a run's records and the outputs it stored live in Redis after
   * their last write, in milliseconds; each write to the run, or a put of an
   * output already stored, starts the time again. Bounds: integer ≥ 1000.
   * Example: `{ ttlMs: 7 * 24 * 3_600_000 }` for a week.
   * @default undefined (kept until `clean` removes them)
   */
  readonly ttlMs?: number | undefined;
  /**
   * How long a command waits for Redis (to connect, or to come back after a
   * lost connection) before it fails with `FLOW_JOURNAL_UNAVAILABLE`.
   * Bounds: 100 to 2³¹−1 milliseconds.
   * @default 10000
   */
  readonly connectionWait?: number | undefined;
  /** See {@link SqliteStoreOptions.leaseMs}. */
  readonly leaseMs?: number | undefined;
  /** See {@link SqliteStoreOptions.manifest}. */
  readonly manifest?: string | undefined;
}

export const DEFAULT_STORE_OPTIONS = {
  busyTimeout: 5_000,
  leaseMs: 60_000,
  prefix: "flowc",
  connectionWait: 10_000,
} as const;

/** {@link SqliteStoreOptions} checked, with defaults applied. */
export interface SqliteStoreSettings {
  readonly busyTimeout: number;
  readonly leaseMs: number;
  readonly manifest: string | null;
}

/** {@link RedisStoreOptions} checked, with defaults applied. */
export interface RedisStoreSettings {
  readonly prefix: string;
  readonly ttlMs: number | undefined;
  readonly connectionWait: number;
  readonly leaseMs: number;
  readonly manifest: string | null;
}

const SQLITE = "sqliteStore()";
const REDIS = "redisStore()";

/** Applies defaults and checks bounds; throws a `PlanError` (`InvalidOption`) for a bad value. */
export function resolveSqliteStoreOptions(options: SqliteStoreOptions): SqliteStoreSettings {
  const d = DEFAULT_STORE_OPTIONS;
  return {
    busyTimeout: durationOption(SQLITE, "busyTimeout", options.busyTimeout, d.busyTimeout, 0),
    leaseMs: durationOption(SQLITE, "leaseMs", options.leaseMs, d.leaseMs, 1),
    manifest: options.manifest ?? null,
  };
}

/** Applies defaults and checks bounds; throws a `PlanError` (`InvalidOption`) for a bad value. */
export function resolveRedisStoreOptions(options: RedisStoreOptions): RedisStoreSettings {
  const d = DEFAULT_STORE_OPTIONS;
  const ttl = options.ttlMs;
  // Not a timer but a Redis expiry, so it may exceed the longest timer: a month is a fair TTL.
  if (ttl !== undefined && !(Number.isSafeInteger(ttl) && ttl >= 1000)) {
    throw errors.optionOutOfRange(REDIS, "ttlMs", ttl, { min: 1000, max: Infinity, integer: true });
  }
  return {
    prefix: prefixOption(REDIS, options.prefix ?? d.prefix),
    ttlMs: ttl,
    connectionWait: durationOption(REDIS, "connectionWait", options.connectionWait, d.connectionWait, 100),
    leaseMs: durationOption(REDIS, "leaseMs", options.leaseMs, d.leaseMs, 1),
    manifest: options.manifest ?? null,
  };
}
