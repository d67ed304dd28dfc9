/**
 * The embedded run store: one SQLite database, `journal.db`, in a directory
 * that several processes may share (see {@link sqliteStore}).
 */
import { resolve } from "node:path";
import { crc32 } from "node:zlib";
import type BetterSqlite3 from "better-sqlite3";
import { errors, type JournalError } from "../errors.js";
import { RUN_INPUT } from "../plan.js";
import { runsToClean } from "./clean.js";
import { decodeClone, encodeClone } from "./codec.js";
import { claimable } from "./hold.js";
import { resolveSqliteStoreOptions, type SqliteStoreOptions, type SqliteStoreSettings } from "./options.js";
import { damaged, methodRecord, runRecord, type MethodRow } from "./records.js";
import { JOURNAL_FILE, openJournal } from "./sqlite-schema.js";
import { sqliteFailure } from "./sqlite-errors.js";
import { SqliteStatements, type PendingWrite } from "./sqlite-statements.js";
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

/**
 * A run store in an embedded SQLite database, `journal.db` in `directory`
 * (created with its parents on first use). `flowc run` keeps it in `.flowc/`
 * beside the manifest; through the API the directory is yours to choose
 * (`sqliteStore(".flowc")` is relative to the working directory).
 *
 * Several processes may share one directory: the database is in WAL mode
 * (readers never wait), a write waits up to `busyTimeout` for another
 * process's, and `claim` takes a run in one `BEGIN IMMEDIATE` transaction.
 * Values are structured-cloned (`encoding: "clone"`); `put` throws
 * `FLOW_NOT_STORABLE` at once for a value that would not come back as it
 * went. The outputs it takes (and method records) are written together once
 * the current turn of the event loop ends, in one transaction; a write that
 * fails then makes `flush` reject. A hold lasts `leaseMs` unless renewed.
 * better-sqlite3 loads on first use, and its calls are synchronous (fast,
 * except while waiting for another process's lock).
 *
 * @example
 * const runner = createRunner(plan, methods, { store: sqliteStore(".flowc") });
 */
export function sqliteStore(directory: string, options: SqliteStoreOptions = {}): RunStore {
  return new SqliteStore(resolve(directory), resolveSqliteStoreOptions(options));
}

/** A method record's identity among queued writes. */
function methodKey(record: MethodRecord): string {
  return `${record.run}\0${record.method}`;
}

/** The longest a queued write waits for its transaction while the event loop is kept busy. */
const GROUP_COMMIT_MS = 10;

class SqliteStore implements RunStore {
  readonly location: string;
  readonly encoding = "clone" as const;
  readonly #settings: SqliteStoreSettings;
  #db: BetterSqlite3.Database | undefined;
  #statements: SqliteStatements | undefined;
  #closed = false;
  /** Writes of `put` and `method` not yet made, in order. */
  #pending: PendingWrite[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  /** Where each method record in `#pending` is, by run and method. */
  readonly #methods = new Map<string, number>();
  /** When the oldest pending write was queued. */
  #pendingSince = 0;
  /** The first deferred write that failed: every later `flush` rejects with it, since order is lost. */
  #failure: JournalError | undefined;

  constructor(directory: string, settings: SqliteStoreSettings) {
    this.location = directory;
    this.#settings = settings;
  }

  async begin(given: NewRun): Promise<void> {
    const run = { ...given, manifest: given.manifest ?? this.#settings.manifest };
    const input = encodeClone(run.input, this.location, RUN_INPUT);
    // Recorded with the run's first writes (see `#queue`): its id is checked free now, here and on disk.
    const queued = this.#pending.some((write) => write.kind === "run" && write.run.id === run.id);
    if (queued || this.#use((s) => s.runRow(run.id), false) !== undefined)
      throw errors.runExists(this.location, run.id);
    const leaseUntil = Date.now() + this.#settings.leaseMs;
    this.#queue([{ kind: "run", run, input, inputCrc: crc32(input), leaseUntil }]);
  }

  async claim(id: string, owner: RunOwner, planHash: string): Promise<{ run: RunRecord; input: unknown }> {
    return this.#use((s) =>
      s.immediate(() => {
        const now = Date.now();
        const run = claimable(this.location, id, s.runRow(id), now);
        const input = this.#readInput(s, id);
        if (input === undefined) throw errors.runNotFound(this.location, id);
        s.claimRun(id, owner, planHash, now, now + this.#settings.leaseMs);
        return { run, input: input.input };
      }),
    );
  }

  async renew(id: string, owner: RunOwner, ms: number): Promise<boolean> {
    return this.#use((s) => s.renewRun(id, owner, Date.now() + ms));
  }

  async end(id: string, owner: RunOwner, end: RunEnd): Promise<void> {
    // The hold may have passed to another process after the lease ran out: that one's record stays.
    this.#queue([{ kind: "end", id, owner, end }]);
  }

  async get(keys: readonly string[]): Promise<readonly Stored[]> {
    return this.#use((s) =>
      s.entries(keys).map((row, i) => {
        if (row === undefined) return undefined;
        return { output: this.#decode(row.value, row.crc, `the output stored under '${keys[i]}'`) };
      }),
    );
  }

  put(entries: readonly JournalEntry[]): void {
    const now = Date.now();
    // Every value is encoded before any is queued: one that cannot be refuses the whole call.
    const writes = entries.map((entry): PendingWrite => {
      const value = encodeClone(entry.output, this.location, entry.method);
      return { kind: "entry", entry, value, crc: crc32(value), created: now };
    });
    this.#queue(writes);
  }

  method(record: MethodRecord): void {
    this.#queue([{ kind: "method", record }]);
  }

  async flush(): Promise<void> {
    this.#drain();
    if (this.#failure !== undefined) throw this.#failure;
  }

  async run(id: string): Promise<RunRecord | undefined> {
    return this.#use((s) => {
      const row = s.runRow(id);
      return row === undefined ? undefined : runRecord(this.location, row);
    });
  }

  async input(id: string): Promise<{ readonly input: unknown } | undefined> {
    return this.#use((s) => this.#readInput(s, id));
  }

  async list(options: ListOptions = {}): Promise<readonly RunRecord[]> {
    return this.#use((s) => s.listRuns(options).map((row) => runRecord(this.location, row)));
  }

  async methods(id: string): Promise<readonly (MethodRecord & { readonly stored: number })[]> {
    return this.#use((s) => {
      const stored = s.storedCounts(id);
      return s.methodRows(id).map((row: MethodRow) => {
        const record = methodRecord(this.location, id, row);
        return { ...record, stored: stored.get(record.method) ?? 0 };
      });
    });
  }

  async clean(options: CleanOptions): Promise<readonly string[]> {
    return this.#use((s) =>
      s.immediate(() => {
        const runs = s.listRuns({}).map((row) => runRecord(this.location, row));
        const removed = runsToClean(runs, options, Date.now());
        for (const id of removed) s.removeRun(id);
        return removed;
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#drain();
    } finally {
      this.#closed = true;
      this.#db?.close();
      this.#db = undefined;
      this.#statements = undefined;
    }
  }

  #readInput(s: SqliteStatements, id: string): { input: unknown } | undefined {
    const row = s.inputRow(id);
    if (row === undefined) return undefined;
    return { input: this.#decode(row.input, row.inputCrc, `the input of run '${id}'`) };
  }

  /** A value's bytes as read, checked against their CRC-32 (a damaged file may hold anything in their place). */
  #decode(bytes: unknown, crc: unknown, what: string): unknown {
    if (!(bytes instanceof Uint8Array)) throw damaged(this.location, `${what} is not stored as bytes`);
    if (crc32(bytes) !== crc) throw damaged(this.location, `${what} does not match its checksum`);
    return decodeClone(bytes, this.location, what);
  }

  /**
   * Queues writes for the next transaction: once the current turn of the event loop ends, or
   * at once when the oldest queued write waited `GROUP_COMMIT_MS` (runs awaited one after
   * another never end a turn). One commit for many writes is what makes a journal cheap: a
   * commit costs tens of microseconds, a statement a few.
   */
  #queue(writes: readonly PendingWrite[]): void {
    if (this.#closed) throw errors.journalUnavailable(this.location, "is closed");
    const now = Date.now();
    if (this.#pending.length === 0) this.#pendingSince = now;
    for (const write of writes) {
      // A method's record replaces the one queued before it (it started, then ended, in one batch).
      const queued = write.kind === "method" ? this.#methods.get(methodKey(write.record)) : undefined;
      if (queued !== undefined) this.#pending[queued] = write;
      else {
        if (write.kind === "method") this.#methods.set(methodKey(write.record), this.#pending.length);
        this.#pending.push(write);
      }
    }
    if (now - this.#pendingSince >= GROUP_COMMIT_MS) {
      this.#drain();
      return;
    }
    this.#scheduled ??= setImmediate(() => {
      this.#scheduled = undefined;
      this.#drain();
    });
  }

  /** Makes the pending writes in one transaction; a failure is kept for `flush`. */
  #drain(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const writes = this.#pending;
    if (writes.length === 0 || this.#closed) return;
    this.#pending = [];
    this.#methods.clear();
    try {
      this.#use((s) => s.write(writes));
    } catch (error) {
      this.#failure ??= error as JournalError;
    }
  }

  /**
   * Runs `body` on the open database (opening it on first use), after the pending writes unless
   * `drained` is false, in a store's words.
   */
  #use<T>(body: (statements: SqliteStatements) => T, drained = true): T {
    if (this.#closed) throw errors.journalUnavailable(this.location, "is closed");
    if (drained && this.#pending.length > 0) this.#drain();
    try {
      if (this.#statements === undefined) {
        this.#db = openJournal(this.location, this.#settings.busyTimeout);
        this.#statements = new SqliteStatements(this.#db);
      }
      return body(this.#statements);
    } catch (error) {
      throw sqliteFailure(error, this.location, resolve(this.location, JOURNAL_FILE));
    }
  }
}
