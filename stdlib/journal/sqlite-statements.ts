/**
 * The SQLite journal's statements, prepared once per open database, and the
 * row-level operations the store is made of. Rows come back as SQLite holds
 * them; the store checks them (./records.ts) before they become records.
 */
import type BetterSqlite3 from "better-sqlite3";
import { METHOD_FIELDS, RUN_FIELDS, type MethodRow, type RunRow } from "./records.js";
import type { JournalEntry, ListOptions, MethodRecord, NewRun, RunEnd, RunOwner } from "./store.js";

/** A write that `put` or `method` queued, made with the others in one transaction. */
export type PendingWrite =
  | {
      readonly kind: "entry";
      readonly entry: JournalEntry;
      readonly value: Buffer;
      readonly crc: number;
      readonly created: number;
    }
  | { readonly kind: "method"; readonly record: MethodRecord }
  | {
      readonly kind: "run";
      readonly run: NewRun;
      readonly input: Buffer;
      readonly inputCrc: number;
      readonly leaseUntil: number;
    }
  | { readonly kind: "end"; readonly id: string; readonly owner: RunOwner; readonly end: RunEnd };

/** A stored output as read: its bytes and their CRC-32 as written. */
export interface EntryRow {
  readonly value: unknown;
  readonly crc: unknown;
}

const RUN_COLUMNS = RUN_FIELDS.join(", ");
const OWNER_MATCHES = "ownerHost = @host AND ownerPid = @pid AND ownerToken = @token";

export class SqliteStatements {
  readonly #db: BetterSqlite3.Database;
  readonly #insertRun: BetterSqlite3.Statement;
  readonly #runRow: BetterSqlite3.Statement<[string], RunRow & { heldSince: unknown }>;
  readonly #inputRow: BetterSqlite3.Statement<[string], { input: unknown; inputCrc: unknown }>;
  readonly #claimRun: BetterSqlite3.Statement;
  readonly #renewRun: BetterSqlite3.Statement;
  readonly #endRun: BetterSqlite3.Statement;
  readonly #entry: BetterSqlite3.Statement<[string], EntryRow>;
  readonly #insertEntry: BetterSqlite3.Statement;
  readonly #upsertMethod: BetterSqlite3.Statement;
  readonly #listRuns: BetterSqlite3.Statement<
    [{ plan: string | null; manifest: string | null; limit: number }],
    RunRow
  >;
  readonly #methodRows: BetterSqlite3.Statement<[string], MethodRow>;
  readonly #storedCounts: BetterSqlite3.Statement<[string], { method: unknown; stored: unknown }>;
  readonly #removeEntries: BetterSqlite3.Statement<[string]>;
  readonly #removeMethods: BetterSqlite3.Statement<[string]>;
  readonly #removeRun: BetterSqlite3.Statement<[string]>;
  readonly #entries: (keys: readonly string[]) => (EntryRow | undefined)[];
  readonly #write: (writes: readonly PendingWrite[]) => void;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.#insertRun = db.prepare(
      `INSERT INTO runs (${RUN_COLUMNS}, heldSince, input, inputCrc) VALUES ` +
        "(@id, @plan, @planHash, @manifest, 'running', @startedAt, NULL, NULL, NULL, 0, " +
        "@host, @pid, @token, @leaseUntil, @heldSince, @input, @inputCrc) ON CONFLICT (id) DO NOTHING",
    );
    this.#runRow = db.prepare(`SELECT ${RUN_COLUMNS}, heldSince FROM runs WHERE id = ?`);
    this.#inputRow = db.prepare("SELECT input, inputCrc FROM runs WHERE id = ?");
    this.#claimRun = db.prepare(
      "UPDATE runs SET status = 'running', endedAt = NULL, failedMethod = NULL, error = NULL, " +
        "resumes = resumes + 1, planHash = @planHash, ownerHost = @host, ownerPid = @pid, ownerToken = @token, " +
        "leaseUntil = @leaseUntil, heldSince = @now WHERE id = @id",
    );
    this.#renewRun = db.prepare(
      `UPDATE runs SET leaseUntil = @leaseUntil WHERE id = @id AND status = 'running' AND ${OWNER_MATCHES}`,
    );
    this.#endRun = db.prepare(
      "UPDATE runs SET status = @status, endedAt = @endedAt, failedMethod = @failedMethod, error = @error, " +
        "ownerHost = NULL, ownerPid = NULL, ownerToken = NULL, leaseUntil = NULL, heldSince = NULL " +
        `WHERE id = @id AND status = 'running' AND ${OWNER_MATCHES}`,
    );
    this.#entry = db.prepare("SELECT value, crc FROM entries WHERE key = ?");
    this.#insertEntry = db.prepare(
      "INSERT OR IGNORE INTO entries (key, method, run, value, crc, size, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.#upsertMethod = db.prepare(
      `INSERT INTO methods (run, ${METHOD_FIELDS.join(", ")}) ` +
        "VALUES (@run, @method, @status, @calls, @reused, @startedAt, @endedAt) ON CONFLICT (run, method) DO UPDATE " +
        "SET status = excluded.status, calls = excluded.calls, reused = excluded.reused, " +
        "startedAt = excluded.startedAt, endedAt = excluded.endedAt",
    );
    this.#listRuns = db.prepare(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE (@plan IS NULL OR plan = @plan) ` +
        "AND (@manifest IS NULL OR manifest = @manifest) ORDER BY startedAt DESC, rowid DESC LIMIT @limit",
    );
    // In the order methods were first recorded when they started together: an upsert keeps the rowid.
    this.#methodRows = db.prepare(
      `SELECT ${METHOD_FIELDS.join(", ")} FROM methods WHERE run = ? ORDER BY startedAt, rowid`,
    );
    this.#storedCounts = db.prepare("SELECT method, count(*) AS stored FROM entries WHERE run = ? GROUP BY method");
    this.#removeEntries = db.prepare("DELETE FROM entries WHERE run = ?");
    this.#removeMethods = db.prepare("DELETE FROM methods WHERE run = ?");
    this.#removeRun = db.prepare("DELETE FROM runs WHERE id = ?");
    // One prepared lookup per key inside one read transaction: measured faster for 10,000 keys than
    // chunked `IN (…)` lists (whose statements differ by length) or a `json_each` join.
    this.#entries = db.transaction((keys: readonly string[]) => keys.map((key) => this.#entry.get(key)));
    this.#write = db.transaction((writes: readonly PendingWrite[]) => {
      for (const write of writes) {
        switch (write.kind) {
          case "method":
            this.#upsertMethod.run(write.record);
            break;
          case "entry": {
            const { key, method, run } = write.entry;
            this.#insertEntry.run(key, method, run, write.value, write.crc, write.value.length, write.created);
            break;
          }
          case "run":
            // Its id was checked free when it was queued; another process taking it meanwhile fails the batch.
            if (!this.insertRun(write.run, write.input, write.inputCrc, write.leaseUntil)) {
              throw new Error(`run '${write.run.id}' was recorded by another process meanwhile`);
            }
            break;
          case "end":
            this.endRun(write.id, write.owner, write.end);
            break;
        }
      }
    });
  }

  /** Runs `body` in a `BEGIN IMMEDIATE` transaction: it holds the write lock from its first read. */
  immediate<T>(body: () => T): T {
    return this.#db.transaction(body).immediate();
  }

  /** Inserts a new run; `false` when its id is taken. */
  insertRun(run: NewRun, input: Buffer, inputCrc: number, leaseUntil: number): boolean {
    const { id, plan, planHash, manifest, startedAt, owner } = run;
    const params = { id, plan, planHash, manifest, startedAt, ...owner, leaseUntil, heldSince: startedAt };
    return this.#insertRun.run({ ...params, input, inputCrc }).changes === 1;
  }

  runRow(id: string): (RunRow & { heldSince: unknown }) | undefined {
    return this.#runRow.get(id);
  }

  inputRow(id: string): { input: unknown; inputCrc: unknown } | undefined {
    return this.#inputRow.get(id);
  }

  claimRun(id: string, owner: RunOwner, planHash: string, now: number, leaseUntil: number): void {
    this.#claimRun.run({ id, ...owner, planHash, now, leaseUntil });
  }

  /** Moves the lease of a run `owner` holds; `false` when it holds it no longer. */
  renewRun(id: string, owner: RunOwner, leaseUntil: number): boolean {
    return this.#renewRun.run({ id, ...owner, leaseUntil }).changes === 1;
  }

  endRun(id: string, owner: RunOwner, end: RunEnd): void {
    this.#endRun.run({ id, ...owner, ...end });
  }

  /** The rows of `keys`, in order. */
  entries(keys: readonly string[]): (EntryRow | undefined)[] {
    return this.#entries(keys);
  }

  /** Makes queued writes, in order, in one transaction. */
  write(writes: readonly PendingWrite[]): void {
    this.#write(writes);
  }

  listRuns(options: ListOptions): RunRow[] {
    const { plan = null, manifest = null, limit = -1 } = options;
    return this.#listRuns.all({ plan, manifest, limit });
  }

  methodRows(run: string): MethodRow[] {
    return this.#methodRows.all(run);
  }

  /** How many outputs run `run` stored, by method. */
  storedCounts(run: string): Map<unknown, number> {
    return new Map(this.#storedCounts.all(run).map((row) => [row.method, Number(row.stored)]));
  }

  /** Deletes a run, its method records and the outputs it stored. */
  removeRun(id: string): void {
    this.#removeEntries.run(id);
    this.#removeMethods.run(id);
    this.#removeRun.run(id);
  }
}
