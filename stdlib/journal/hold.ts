/**
 * Whether a run is held, the one judgement both stores make before `claim`
 * takes a run and before `clean` removes an interrupted one. A run is free
 * when it is not `running`, when its holder's process is gone (same host,
 * and the pid answers ESRCH), or when its lease ran out. The first two need
 * this process (a pid can only be probed from its host), so the stores judge
 * here and then write only if the record is still what was judged: SQLite
 * inside one `BEGIN IMMEDIATE` transaction, Redis by a compare-and-set script.
 */
import { hostname } from "node:os";
import { errors } from "../errors.js";
import { runRecord, type RunRow } from "./records.js";
import type { RunOwner, RunRecord } from "./store.js";

/** What the judgement reads of a run. */
export type HoldFields = Pick<RunRecord, "status" | "owner" | "leaseUntil">;

/** Whether `run` may be taken by another process at `now`. */
export function holdIsFree(run: HoldFields, now: number, host: string = hostname()): boolean {
  if (run.status !== "running" || run.owner === null) return true;
  if (run.leaseUntil !== null && run.leaseUntil < now) return true;
  return run.owner.host === host && !processAlive(run.owner.pid);
}

/**
 * Whether a process of this host has `pid`. Signal 0 probes without sending
 * anything: ESRCH means no such process; EPERM means one that belongs to
 * another user, alive. A pid that is not a positive integer (a damaged
 * record) names no process: 0 and negative numbers would probe process groups.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** `host:pid`, as a `RunBusyError` names the holder. */
export function holderName(owner: RunOwner): string {
  return `${owner.host}:${owner.pid}`;
}

/**
 * The record of the run `claim` read (`row`, with when its holder took it), once judged free at
 * `now`. Fails with `RunNotFoundError` when there is no row, and with `RunBusyError` naming the
 * holder when the run is held.
 */
export function claimable(
  location: string,
  id: string,
  row: (RunRow & { readonly heldSince: unknown }) | undefined,
  now: number,
): RunRecord {
  if (row === undefined) throw errors.runNotFound(location, id);
  const run = runRecord(location, row);
  if (!holdIsFree(run, now) && run.owner !== null) {
    const since = typeof row.heldSince === "number" ? row.heldSince : run.startedAt;
    throw errors.runBusy(location, id, holderName(run.owner), since);
  }
  return run;
}
