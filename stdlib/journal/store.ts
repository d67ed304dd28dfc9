/**
 * The one interface a run's journal is kept behind (`RunnerOptions.store`):
 * run records, each method's record within a run, and the stored outputs of
 * calls under their keys. `sqliteStore` (an embedded database in a directory)
 * and `redisStore` (the Redis the bullmq backend already uses) implement it;
 * anything else that does may stand in for them.
 *
 * A store serialises values itself, with the serialisation its backend
 * already uses (`encoding`): structured clone locally, JSON in Redis. A value
 * it cannot encode is refused with a `FlowError` coded `FLOW_NOT_STORABLE`;
 * the journal then stores none of that method's calls in the run.
 *
 * Writes (`begin`, `put`, `method`, `end`) may return before they are
 * durable, as long as they are durable in order once `flush` resolves (a
 * `begin` still refuses a taken id at once); a run that fails flushes before
 * it settles, one that succeeds leaves its last writes to the store's next
 * commit. Every method fails with a `JournalError` (a `FlowError`) naming
 * the store's `location` when the store cannot be read or written.
 */

/** Where a run stands in the journal. `running` for a run whose process was killed, until it is resumed. */
export type RunStatus = "running" | "ok" | "failed" | "cancelled";

/** A method's lot within one run. */
export type MethodStatus = "running" | "ok" | "failed" | "skipped";

/** Who holds a run while it goes: a process on a host. */
export interface RunOwner {
  readonly host: string;
  readonly pid: number;
  /** Made up by the process for this hold, so that a later hold by the same pid tells itself apart. */
  readonly token: string;
}

/** A run's journal record. */
export interface RunRecord {
  /** The run's id: letters, digits, `_`, `-` and `.`. */
  readonly id: string;
  /** The plan's name (the manifest's, without extension). */
  readonly plan: string;
  /** The plan's hash when the run last started or resumed. */
  readonly planHash: string;
  /** The manifest's absolute path, when the run was started from one (`flowc run`); `null` otherwise. */
  readonly manifest: string | null;
  readonly status: RunStatus;
  /** Milliseconds since the Unix epoch. */
  readonly startedAt: number;
  /** When the run last settled; `null` while it runs or after its process was killed. */
  readonly endedAt: number | null;
  /** The method the run failed in, when it failed in one. */
  readonly failedMethod: string | null;
  /** The failure's message, when it failed. */
  readonly error: string | null;
  /** How many times the run was resumed. */
  readonly resumes: number;
  /** Who holds the run while it is `running`. */
  readonly owner: RunOwner | null;
  /** Until when (ms since the epoch) the owner's hold is good without a renewal. */
  readonly leaseUntil: number | null;
}

/** A method's record within a run (the latest attempt of the run). */
export interface MethodRecord {
  readonly run: string;
  readonly method: string;
  readonly status: MethodStatus;
  /** Calls made (items of a parallel stage, or 1), whether or not they succeeded. */
  readonly calls: number;
  /** Calls whose stored output was reused instead. */
  readonly reused: number;
  readonly startedAt: number;
  readonly endedAt: number | null;
}

/** One call's output to store. */
export interface JournalEntry {
  /** The call's key (see `callKey`): method identity, code hash and input. */
  readonly key: string;
  /** The method's name in the plan. */
  readonly method: string;
  /** The run that made the call. */
  readonly run: string;
  readonly output: unknown;
}

/** A stored output, or `undefined` for a key the store does not hold. */
export type Stored = { readonly output: unknown } | undefined;

/** What `begin` records of a new run. */
export interface NewRun {
  readonly id: string;
  readonly plan: string;
  readonly planHash: string;
  readonly manifest: string | null;
  /** The run's input, stored with the run so that a resume can start from it. */
  readonly input: unknown;
  readonly owner: RunOwner;
  readonly startedAt: number;
}

/** How a run ended. */
export interface RunEnd {
  readonly status: Exclude<RunStatus, "running">;
  readonly endedAt: number;
  readonly failedMethod: string | null;
  readonly error: string | null;
}

/** Which runs `clean` removes: older than `olderThanMs`, beyond the `keep` most recent, or both (either suffices). */
export interface CleanOptions {
  readonly olderThanMs?: number | undefined;
  readonly keep?: number | undefined;
  /** Only runs of this plan. */
  readonly plan?: string | undefined;
  /**
   * Only runs started from this manifest (its absolute path; see `RunRecord.manifest`): in a
   * journal that several manifests share, theirs are left alone, whatever their plans are named.
   */
  readonly manifest?: string | undefined;
  /** Also runs still `running` whose owner is gone (by default they are kept: they may be resumed). */
  readonly interrupted?: boolean | undefined;
}

/** Which runs `list` returns, newest first. */
export interface ListOptions {
  readonly limit?: number | undefined;
  readonly plan?: string | undefined;
  readonly manifest?: string | undefined;
}

export interface RunStore {
  /** Where the journal is, for messages: a directory, or `redis://host:port` with its key prefix. */
  readonly location: string;
  /** How values are serialised: structured clone (`v8.serialize`) or JSON. */
  readonly encoding: "clone" | "json";

  /** Records a new run, held by `run.owner`. Fails with `RunExistsError` when the id is taken. */
  begin(run: NewRun): Promise<void>;
  /**
   * Takes hold of run `id` to resume it: atomically, it checks that nobody else holds it (its
   * status is not `running`, or its owner's process is gone: same host and no such pid, or
   * its lease ran out), then sets the status to `running`, the owner to `owner`, the plan hash
   * to `planHash`, and counts a resume. Resolves to the run's record as it was and its input.
   * Fails with `RunNotFoundError`, or `RunBusyError` naming the holder.
   */
  claim(id: string, owner: RunOwner, planHash: string): Promise<{ readonly run: RunRecord; readonly input: unknown }>;
  /** Extends the owner's hold of a running run by `ms` from now; `false` when it is no longer the owner. */
  renew(id: string, owner: RunOwner, ms: number): Promise<boolean>;
  /** Records how the run ended and releases its hold. */
  end(id: string, owner: RunOwner, end: RunEnd): Promise<void>;

  /** The stored outputs of `keys`, in order. */
  get(keys: readonly string[]): Promise<readonly Stored[]>;
  /** Stores outputs; a key already stored keeps its first output. May resolve before durable (see `flush`). */
  put(entries: readonly JournalEntry[]): void | Promise<void>;
  /** Records (replaces) a method's record within its run. */
  method(record: MethodRecord): void | Promise<void>;
  /** Resolves once everything written before is durable. */
  flush(): Promise<void>;

  /** A run's record, or `undefined`. */
  run(id: string): Promise<RunRecord | undefined>;
  /** The run's input as stored, or `undefined` when there is no such run. */
  input(id: string): Promise<{ readonly input: unknown } | undefined>;
  /** Runs, newest first. */
  list(options?: ListOptions): Promise<readonly RunRecord[]>;
  /** The method records of a run, in the order they started, and how many outputs the run stored per method. */
  methods(id: string): Promise<readonly (MethodRecord & { readonly stored: number })[]>;
  /** Removes runs and the outputs they stored; resolves to the ids removed. */
  clean(options: CleanOptions): Promise<readonly string[]>;

  /** Releases the database or connection. Idempotent. */
  close(): Promise<void>;
}
