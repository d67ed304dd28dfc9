/**
 * Run and method records as both stores keep them: one flat row of named
 * fields (SQLite columns, Redis hash fields), read back through the checks
 * here. A journal is a file or a Redis anyone can write to, so nothing read
 * is trusted: a field of the wrong kind means a damaged journal, and fails
 * with `FLOW_JOURNAL_UNAVAILABLE` rather than reaching a run as a wrong value.
 */
import { describeValue, errors, type JournalError } from "../errors.js";
import type { MethodRecord, MethodStatus, RunRecord, RunStatus } from "./store.js";

/** The fields of a run row besides its input, in the order both stores name them. */
export const RUN_FIELDS = [
  "id",
  "plan",
  "planHash",
  "manifest",
  "status",
  "startedAt",
  "endedAt",
  "failedMethod",
  "error",
  "resumes",
  "ownerHost",
  "ownerPid",
  "ownerToken",
  "leaseUntil",
] as const;

/** A run row as a store reads it: absent fields and SQL `NULL` are `null`. */
export type RunRow = { readonly [K in (typeof RUN_FIELDS)[number]]: unknown };

/** The fields of a method row, in order. */
export const METHOD_FIELDS = ["method", "status", "calls", "reused", "startedAt", "endedAt"] as const;

/** A method row as a store reads it. */
export type MethodRow = { readonly [K in (typeof METHOD_FIELDS)[number]]: unknown };

const RUN_STATUSES: readonly RunStatus[] = ["running", "ok", "failed", "cancelled"];
const METHOD_STATUSES: readonly MethodStatus[] = ["running", "ok", "failed", "skipped"];

/** What a damaged journal fails with. */
export function damaged(location: string, detail: string): JournalError {
  return errors.journalUnavailable(location, "is corrupt or not a flowc journal", detail);
}

/** The checks of one row, each failing with {@link damaged} naming the row and the field. */
class RowReader {
  constructor(
    private readonly location: string,
    private readonly what: string,
    private readonly row: Readonly<Record<string, unknown>>,
  ) {}

  fail(field: string): never {
    throw damaged(this.location, `${this.what} has ${describeValue(this.row[field])} as its ${field}`);
  }

  text(field: string): string {
    const value = this.row[field];
    return typeof value === "string" ? value : this.fail(field);
  }

  textOrNull(field: string): string | null {
    return this.row[field] === null ? null : this.text(field);
  }

  count(field: string): number {
    const value = this.row[field];
    return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : this.fail(field);
  }

  /** Milliseconds since the epoch: runners take them from a clock with sub-millisecond precision. */
  time(field: string): number {
    const value = this.row[field];
    return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : this.fail(field);
  }

  timeOrNull(field: string): number | null {
    return this.row[field] === null ? null : this.time(field);
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T {
    const value = this.row[field];
    return allowed.includes(value as T) ? (value as T) : this.fail(field);
  }
}

/** The record of a run row, or a {@link damaged} error. */
export function runRecord(location: string, row: RunRow): RunRecord {
  const read = new RowReader(location, `a run (${describeValue(row.id)})`, row);
  const ownerHost = read.textOrNull("ownerHost");
  return {
    id: read.text("id"),
    plan: read.text("plan"),
    planHash: read.text("planHash"),
    manifest: read.textOrNull("manifest"),
    status: read.oneOf("status", RUN_STATUSES),
    startedAt: read.time("startedAt"),
    endedAt: read.timeOrNull("endedAt"),
    failedMethod: read.textOrNull("failedMethod"),
    error: read.textOrNull("error"),
    resumes: read.count("resumes"),
    owner: ownerHost === null ? null : { host: ownerHost, pid: read.count("ownerPid"), token: read.text("ownerToken") },
    leaseUntil: read.timeOrNull("leaseUntil"),
  };
}

/** The record of a method row of run `run`, or a {@link damaged} error. */
export function methodRecord(location: string, run: string, row: MethodRow): MethodRecord {
  const read = new RowReader(location, `a method record of run '${run}'`, row);
  return {
    run,
    method: read.text("method"),
    status: read.oneOf("status", METHOD_STATUSES),
    calls: read.count("calls"),
    reused: read.count("reused"),
    startedAt: read.time("startedAt"),
    endedAt: read.timeOrNull("endedAt"),
  };
}
