/**
 * The Redis run store: the journal in the Redis a bullmq deployment already
 * has (see {@link redisStore}).
 */
import type { Redis } from "ioredis";
import { describe, errors, FlowError, type JournalError } from "../errors.js";
import { RUN_INPUT } from "../plan.js";
import { describeConnection, redisOptions, type RedisConnection } from "../backends/bullmq/options.js";
import { runsToClean } from "./clean.js";
import { decodeJsonValue, encodeJson } from "./codec.js";
import { claimable } from "./hold.js";
import { resolveRedisStoreOptions, type RedisStoreOptions, type RedisStoreSettings } from "./options.js";
import { damaged, methodRecord, runRecord } from "./records.js";
import { hashPairs, JournalKeys, RUN_HASH_FIELDS, runRow } from "./redis-keys.js";
import { defineJournalScripts } from "./redis-scripts.js";
import type {
  CleanOptions,
  JournalEntry,
  ListOptions,
  MethodRecord,
  NewRun,
  RunEnd,
  RunOwner,
  RunRecord,
  RunStore,
  Stored,
} from "./store.js";

/** Outputs in one script call or one `MGET`: bounds a single command's size. */
const BATCH = 500;

/** Run ids read at a time by `list`. */
const PAGE = 200;

/** How often `claim` judges a run again when another process changed it between the judgement and the write. */
const CLAIM_ATTEMPTS = 10;

/**
 * A run store in Redis, under `<prefix>:journal:`: the Redis that callers and
 * workers of the bullmq backend already share (the same `connection` forms,
 * and `FLOWC_REDIS_URL` by default). Values are JSON (`encoding: "json"`),
 * as the bullmq backend carries them. With `ttlMs`, a run's records and its
 * outputs expire that long after their last write.
 *
 * The connection is made on first use; ioredis loads then. Writes that hold
 * or change a run (`claim`, `renew`, `end`) and first-wins `put`s are Lua
 * scripts, atomic in Redis. `put` and `method` send their commands at once;
 * one that fails makes `flush` reject.
 *
 * @example
 * const runner = createRunner(plan, methods, {
 *   backend: bullmq({ connection: "redis://queue:6379" }),
 *   store: redisStore("redis://queue:6379", { ttlMs: 7 * 24 * 3_600_000 }),
 * });
 */
export function redisStore(connection?: RedisConnection, options: RedisStoreOptions = {}): RunStore {
  const settings = resolveRedisStoreOptions(options);
  return new RedisStore(connection, settings);
}

class RedisStore implements RunStore {
  readonly location: string;
  readonly encoding = "json" as const;
  readonly #connection: RedisConnection | undefined;
  readonly #settings: RedisStoreSettings;
  readonly #keys: JournalKeys;
  /** The TTL as the scripts take it: `''` for none. */
  readonly #ttl: string;
  #connecting: Promise<Redis> | undefined;
  #redis: Redis | undefined;
  #lastError: Error | undefined;
  #closed = false;
  /** Writes of `put` and `method` in flight. */
  readonly #writes = new Set<Promise<void>>();
  /** The first of them that failed: every later `flush` rejects with it. */
  #failure: JournalError | undefined;

  constructor(connection: RedisConnection | undefined, settings: RedisStoreSettings) {
    this.#connection = connection;
    this.#settings = settings;
    this.#keys = new JournalKeys(settings.prefix);
    this.#ttl = settings.ttlMs === undefined ? "" : String(settings.ttlMs);
    const options = redisOptions(connection, "flowc-journal");
    const scheme = options.tls === undefined ? "redis" : "rediss";
    this.location = `${scheme}://${describeConnection(options)} (prefix ${settings.prefix})`;
  }

  async begin(given: NewRun): Promise<void> {
    const run = { ...given, manifest: given.manifest ?? this.#settings.manifest };
    const input = encodeJson(run.input, this.location, RUN_INPUT);
    const { id, plan, planHash, manifest, startedAt, owner } = run;
    const fields = hashPairs({
      id,
      plan,
      planHash,
      manifest,
      status: "running",
      startedAt,
      resumes: 0,
      ownerHost: owner.host,
      ownerPid: owner.pid,
      ownerToken: owner.token,
      leaseUntil: Date.now() + this.#settings.leaseMs,
      heldSince: startedAt,
      input,
    });
    const [runKey] = this.#keys.ofRun(id);
    const created = await this.#call((redis) =>
      redis.flowcJournalBegin(runKey, this.#keys.runs, this.#ttl, id, startedAt, ...fields),
    );
    if (created !== 1) throw errors.runExists(this.location, id);
  }

  async claim(id: string, owner: RunOwner, planHash: string): Promise<{ run: RunRecord; input: unknown }> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const values = await this.#call((redis) => redis.hmget(this.#keys.run(id), ...RUN_HASH_FIELDS, "input"));
      const now = Date.now();
      const run = claimable(this.location, id, runRow(values), now);
      const input = this.#decode(values[RUN_HASH_FIELDS.length] ?? null, `the input of run '${id}'`);
      // Written only if the run is still as judged: another claim in between changes its token or resumes.
      const checks = ["status", "ownerToken", "leaseUntil", "resumes"].map((field) => {
        const i = RUN_HASH_FIELDS.indexOf(field as (typeof RUN_HASH_FIELDS)[number]);
        return [field, values[i] ?? ""];
      });
      const sets = hashPairs({
        status: "running",
        planHash,
        resumes: run.resumes + 1,
        leaseUntil: now + this.#settings.leaseMs,
        ownerHost: owner.host,
        ownerPid: owner.pid,
        ownerToken: owner.token,
        heldSince: now,
      });
      const taken = await this.#update(id, checks, sets, ["endedAt", "failedMethod", "error"]);
      if (taken) return { run, input };
    }
    throw errors.journalUnavailable(this.location, `kept changing run '${id}' while this process claimed it`);
  }

  async renew(id: string, owner: RunOwner, ms: number): Promise<boolean> {
    return this.#update(id, ownerChecks(owner), ["leaseUntil", Date.now() + ms], []);
  }

  async end(id: string, owner: RunOwner, end: RunEnd): Promise<void> {
    // The hold may have passed to another process after the lease ran out: that one's record stays.
    const { status, endedAt, failedMethod, error } = end;
    const sets = hashPairs({ status, endedAt, failedMethod, error });
    const cleared = ["ownerHost", "ownerPid", "ownerToken", "leaseUntil", "heldSince"];
    if (failedMethod === null) cleared.push("failedMethod");
    if (error === null) cleared.push("error");
    await this.#update(id, ownerChecks(owner), sets, cleared);
  }

  async get(keys: readonly string[]): Promise<readonly Stored[]> {
    const batches: Promise<(string | null)[]>[] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = keys.slice(i, i + BATCH).map((key) => this.#keys.entry(key));
      batches.push(this.#call((redis) => redis.mget(batch)));
    }
    const texts = (await Promise.all(batches)).flat();
    return texts.map((text, i) =>
      text === null ? undefined : { output: this.#decode(text, `the output stored under '${keys[i]}'`) },
    );
  }

  put(entries: readonly JournalEntry[]): void {
    // Every value is encoded before any is sent: one that cannot be refuses the whole call.
    const quads = entries.map((entry) => [
      entry.key,
      entry.method,
      entry.run,
      encodeJson(entry.output, this.location, entry.method),
    ]);
    for (let i = 0; i < quads.length; i += BATCH) {
      const args = quads.slice(i, i + BATCH).flat();
      this.#write((redis) => redis.flowcJournalPut(this.#keys.base, this.#ttl, ...args));
    }
  }

  method(record: MethodRecord): void {
    const { status, calls, reused, startedAt, endedAt } = record;
    const rest = JSON.stringify([status, calls, reused, startedAt, endedAt]).slice(1);
    const keys = this.#keys.ofRun(record.run);
    const ordered = [keys[1], keys[0], keys[2], keys[3]];
    this.#write((redis) => redis.flowcJournalMethod(ordered.length, ...ordered, this.#ttl, record.method, rest));
  }

  async flush(): Promise<void> {
    await Promise.all(this.#writes);
    if (this.#failure !== undefined) throw this.#failure;
  }

  async run(id: string): Promise<RunRecord | undefined> {
    const row = runRow(await this.#call((redis) => redis.hmget(this.#keys.run(id), ...RUN_HASH_FIELDS)));
    return row === undefined ? undefined : runRecord(this.location, row);
  }

  async input(id: string): Promise<{ readonly input: unknown } | undefined> {
    const text = await this.#call((redis) => redis.hget(this.#keys.run(id), "input"));
    return text === null ? undefined : { input: this.#decode(text, `the input of run '${id}'`) };
  }

  async list(options: ListOptions = {}): Promise<readonly RunRecord[]> {
    const { limit = Infinity, plan, manifest } = options;
    const found: RunRecord[] = [];
    for (let start = 0; found.length < limit; start += PAGE) {
      const ids = await this.#call((redis) => redis.zrevrange(this.#keys.runs, start, start + PAGE - 1));
      if (ids.length === 0) break;
      const rows = await Promise.all(
        ids.map((id) => this.#call((redis) => redis.hmget(this.#keys.run(id), ...RUN_HASH_FIELDS))),
      );
      for (const row of rows.map(runRow)) {
        // A run whose keys expired (ttlMs) stays in the index until `clean` drops it.
        if (row === undefined) continue;
        const run = runRecord(this.location, row);
        if ((plan === undefined || run.plan === plan) && (manifest === undefined || run.manifest === manifest)) {
          found.push(run);
        }
      }
    }
    return found.slice(0, limit);
  }

  async methods(id: string): Promise<readonly (MethodRecord & { readonly stored: number })[]> {
    const [records, stored] = await Promise.all([
      this.#call((redis) => redis.hgetall(this.#keys.methods(id))),
      this.#call((redis) => redis.hgetall(this.#keys.stored(id))),
    ]);
    const placed = Object.entries(records).map(([method, text]) => {
      const { place, ...fields } = this.#methodFields(id, method, text);
      const record = methodRecord(this.location, id, { method, ...fields });
      return { place, record: { ...record, stored: Number(stored[method] ?? 0) } };
    });
    placed.sort((a, b) => a.record.startedAt - b.record.startedAt || a.place - b.place);
    return placed.map(({ record }) => record);
  }

  async clean(options: CleanOptions): Promise<readonly string[]> {
    const runs = await this.list();
    const chosen = runsToClean(runs, options, Date.now());
    const judged = new Map(runs.map((run) => [run.id, run]));
    const removed: string[] = [];
    for (const id of chosen) {
      const run = judged.get(id);
      const args = [...this.#keys.ofRun(id), this.#keys.runs, this.#keys.base, id];
      const status = run?.status ?? "";
      const token = run?.owner?.token ?? "";
      if ((await this.#call((redis) => redis.flowcJournalRemove(...args, status, token))) === 1) removed.push(id);
    }
    // Drop ids whose keys expired from the index.
    const ids = await this.#call((redis) => redis.zrange(this.#keys.runs, 0, -1));
    const present = await Promise.all(ids.map((id) => this.#call((redis) => redis.exists(this.#keys.run(id)))));
    const expired = ids.filter((_, i) => present[i] === 0);
    if (expired.length > 0) await this.#call((redis) => redis.zrem(this.#keys.runs, ...expired));
    return removed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#writes);
    // A connection still being made is dropped once made (see #open).
    this.#redis?.disconnect();
    this.#redis = undefined;
  }

  /** A method record's fields as stored: `[place, status, calls, reused, startedAt, endedAt]`. */
  #methodFields(run: string, method: string, text: string) {
    let fields: unknown;
    try {
      fields = JSON.parse(text);
    } catch {
      fields = undefined;
    }
    if (!Array.isArray(fields) || fields.length !== 6 || !Number.isSafeInteger(fields[0])) {
      throw damaged(this.location, `the record of method '${method}' in run '${run}' cannot be read`);
    }
    const [place, status, calls, reused, startedAt, endedAt] = fields as [number, ...unknown[]];
    return { place, status, calls, reused, startedAt, endedAt };
  }

  #decode(text: string | null, what: string): unknown {
    if (text === null) throw damaged(this.location, `${what} is missing`);
    return decodeJsonValue(text, this.location, what);
  }

  /** Runs the update script on run `id`: `checks` and `sets` are field/value pairs. */
  async #update(id: string, checks: unknown[][], sets: (string | number)[], cleared: string[]): Promise<boolean> {
    const keys = this.#keys.ofRun(id);
    const args = [keys.length, ...keys, this.#ttl, checks.length, ...checks.flat(), sets.length / 2, ...sets];
    return (await this.#call((redis) => redis.flowcJournalUpdate(...(args as (string | number)[]), ...cleared))) === 1;
  }

  #write(body: (redis: Redis) => Promise<unknown>): void {
    if (this.#closed) throw errors.journalUnavailable(this.location, "is closed");
    const write = this.#call(body).then(
      () => undefined,
      (error: unknown) => void (this.#failure ??= error as JournalError),
    );
    this.#writes.add(write);
    void write.then(() => this.#writes.delete(write));
  }

  /** Runs `body` on the connection (made on first use), failing in the store's words. */
  async #call<T>(body: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = await this.#connect();
    try {
      return await body(redis);
    } catch (error) {
      if (error instanceof FlowError) throw error;
      const reachable = redis.status === "ready" && !/timed out/i.test(describe(error));
      throw reachable
        ? errors.journalUnavailable(this.location, "cannot be read or written", error)
        : errors.journalUnavailable(this.location, "cannot be reached", this.#lastError ?? error);
    }
  }

  #connect(): Promise<Redis> {
    if (this.#closed) return Promise.reject(errors.journalUnavailable(this.location, "is closed"));
    this.#connecting ??= this.#open().catch((error: unknown) => {
      this.#connecting = undefined;
      throw error;
    });
    return this.#connecting;
  }

  async #open(): Promise<Redis> {
    const wait = this.#settings.connectionWait;
    const { Redis } = await import("ioredis");
    const options = redisOptions(this.#connection, "flowc-journal");
    // Each command waits for Redis at most `connectionWait`, queued through a reconnect meanwhile.
    const redis = defineJournalScripts(new Redis({ ...options, lazyConnect: true, commandTimeout: wait }));
    redis.on("error", (error: Error) => void (this.#lastError = error));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no connection within ${wait} ms`)), wait);
    });
    try {
      await Promise.race([redis.connect(), late]);
    } catch (error) {
      redis.disconnect();
      throw errors.journalUnavailable(this.location, "cannot be reached", this.#lastError ?? error);
    } finally {
      clearTimeout(timer);
    }
    if (this.#closed) {
      redis.disconnect();
      throw errors.journalUnavailable(this.location, "is closed");
    }
    this.#redis = redis;
    return redis;
  }
}

/** The checks that `owner` still holds a run. */
function ownerChecks(owner: RunOwner): string[][] {
  return [
    ["status", "running"],
    ["ownerHost", owner.host],
    ["ownerPid", String(owner.pid)],
    ["ownerToken", owner.token],
  ];
}
