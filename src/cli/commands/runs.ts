/**
 * `flowc runs`: what the run journal holds. `list` (the default) shows recent
 * runs, `show <run>` a run's methods, `clean` removes old runs and the outputs
 * they stored. The journal is `.flowc/` beside `--manifest`, or the one
 * `--journal <dir>` names, or `.flowc/` in the current folder; `--redis` reads
 * the journal of runs on the bullmq backend instead.
 */
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { JOURNAL_FILE } from "../../../stdlib/journal/sqlite-schema.js";
import type { MethodRecord, RunRecord, RunStore } from "../../../stdlib/index.js";
import { FlowError } from "../../../stdlib/errors.js";
import { holdIsFree } from "../../../stdlib/journal/hold.js";
import { CommandFailure, ExitCode, UsageError } from "../io.js";
import { journalDirectory, openJournal } from "../journal-store.js";
import { formatDuration } from "../progress/render.js";
import { formatTable, type Column } from "../table.js";

/** Where the journal is, as `flowc runs` was told. */
export interface RunsOptions {
  /** `--manifest <file>`: the journal beside it, and only its runs. */
  readonly manifest?: string;
  /** `--journal <dir>`. */
  readonly journal?: string;
  /** `--redis [url]`: the bullmq backend's journal (`true`: `$FLOWC_REDIS_URL`). */
  readonly redis?: string | true;
  readonly json?: boolean;
}

export interface ListOptions extends RunsOptions {
  readonly limit?: number;
}

export interface CleanOptions extends RunsOptions {
  /** `--older-than <duration>`, in milliseconds. */
  readonly olderThan?: number;
  readonly keep?: number;
  /** `--interrupted`: also runs whose process was killed (kept otherwise: they may be resumed). */
  readonly interrupted?: boolean;
}

/** `flowc runs [list]`. */
export async function listRunsCommand(options: ListOptions): Promise<number> {
  const print = (runs: readonly RunRecord[], location: string): number => {
    if (options.json === true) {
      const shown = runs.map((run) => ({ ...run, status: shownStatus(run) }));
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    } else if (runs.length === 0) {
      process.stdout.write(`no runs in ${location}\n`);
    } else {
      process.stdout.write(`${formatTable(RUN_COLUMNS, runs).join("\n")}\n`);
    }
    return ExitCode.Ok;
  };
  return withJournal(
    options,
    async (store, manifest) => print(await store.list({ limit: options.limit ?? 20, manifest }), store.location),
    (location) => print([], location),
  );
}

/** No run `id` in the journal at `location`. */
function noSuchRun(id: string, location: string): CommandFailure {
  return new CommandFailure(`no run '${id}' in ${location}; 'flowc runs' lists them`);
}

/** `flowc runs show <run>`. */
export async function showRunCommand(id: string, options: RunsOptions): Promise<number> {
  const show = async (store: RunStore): Promise<number> => {
    const run = await store.run(id);
    if (run === undefined) throw noSuchRun(id, store.location);
    const methods = await store.methods(id);
    if (options.json === true) {
      process.stdout.write(`${JSON.stringify({ ...run, status: shownStatus(run), methods }, null, 2)}\n`);
      return ExitCode.Ok;
    }
    const lines = [
      `run ${run.id}: ${shownStatus(run)}${run.failedMethod === null ? "" : ` in ${run.failedMethod}`}`,
      `  manifest  ${run.manifest === null ? run.plan : relative(process.cwd(), run.manifest)}`,
      `  started   ${new Date(run.startedAt).toISOString()}${run.resumes > 0 ? `, resumed ${times(run.resumes)}` : ""}`,
      `  duration  ${run.endedAt === null ? "-" : formatDuration(run.endedAt - run.startedAt)}`,
    ];
    if (run.error !== null) lines.push(`  error     ${run.error}`);
    lines.push("", ...formatTable(METHOD_COLUMNS, methods));
    process.stdout.write(`${lines.join("\n")}\n`);
    return ExitCode.Ok;
  };
  return withJournal(options, show, (location) => {
    throw noSuchRun(id, location);
  });
}

/** `flowc runs clean`. */
export async function cleanRunsCommand(options: CleanOptions): Promise<number> {
  if (options.olderThan === undefined && options.keep === undefined) {
    throw new UsageError("runs clean needs --older-than <duration>, --keep <n>, or both");
  }
  const print = (removed: readonly string[], location: string): number => {
    if (options.json === true) process.stdout.write(`${JSON.stringify({ removed }, null, 2)}\n`);
    else
      process.stdout.write(`removed ${removed.length === 1 ? "1 run" : `${removed.length} runs`} from ${location}\n`);
    return ExitCode.Ok;
  };
  const clean = async (store: RunStore, manifest: string | undefined): Promise<number> => {
    // With --manifest, only its runs: a journal in Redis holds every manifest's, and plans of one name.
    const removed = await store.clean({
      olderThanMs: options.olderThan,
      keep: options.keep,
      manifest,
      interrupted: options.interrupted,
    });
    return print(removed, store.location);
  };
  return withJournal(options, clean, (location) => print([], location));
}

/**
 * Runs `body` on the journal the options name, or `none` with its folder when that folder holds
 * no journal: reading runs never creates one.
 */
async function withJournal(
  options: RunsOptions,
  body: (store: RunStore, manifest: string | undefined) => Promise<number>,
  none: (location: string) => number,
): Promise<number> {
  if (options.manifest !== undefined && !options.manifest.endsWith(".flow")) {
    throw new UsageError(`--manifest ${options.manifest}: not a .flow manifest`);
  }
  if (options.redis === undefined) {
    const directory = journalDirectory(options.manifest ?? "runs.flow", options.journal);
    if (!existsSync(join(directory, JOURNAL_FILE))) return none(directory);
  }
  let store: RunStore;
  try {
    store = await openJournal({
      // Without a manifest, the journal in the current folder.
      manifest: options.manifest ?? "runs.flow",
      directory: options.journal,
      redis:
        options.redis === undefined
          ? undefined
          : { url: options.redis === true ? undefined : options.redis, ttlMs: undefined },
    });
  } catch (error) {
    if (error instanceof FlowError) throw new CommandFailure(error.message);
    throw error;
  }
  try {
    return await body(store, options.manifest === undefined ? undefined : resolve(options.manifest));
  } catch (error) {
    if (error instanceof FlowError) throw new CommandFailure(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

/**
 * A run's status as the journal says, but `interrupted` for a `running` run whose process is
 * gone (killed, or its machine lost): it will not end by itself, and `--resume` continues it.
 */
export function shownStatus(run: RunRecord): string {
  if (run.status !== "running") return run.status;
  // What a resume would judge: a run it may take is no longer going.
  return holdIsFree(run, Date.now()) ? "interrupted" : "running";
}

function times(count: number): string {
  return count === 1 ? "once" : `${count} times`;
}

const RUN_COLUMNS: readonly Column<RunRecord>[] = [
  { title: "run", cell: (run) => run.id, left: true },
  {
    title: "manifest",
    cell: (run) => (run.manifest === null ? run.plan : relative(process.cwd(), run.manifest)),
    left: true,
  },
  { title: "started", cell: (run) => new Date(run.startedAt).toISOString().slice(0, 19).replace("T", " "), left: true },
  { title: "duration", cell: (run) => (run.endedAt === null ? "-" : formatDuration(run.endedAt - run.startedAt)) },
  { title: "status", cell: shownStatus, left: true },
  { title: "failed in", cell: (run) => run.failedMethod ?? "", left: true },
];

const METHOD_COLUMNS: readonly Column<MethodRecord & { readonly stored: number }>[] = [
  { title: "method", cell: (method) => method.method, left: true },
  { title: "status", cell: (method) => method.status, left: true },
  { title: "calls", cell: (method) => String(method.calls) },
  { title: "reused", cell: (method) => String(method.reused) },
  { title: "stored", cell: (method) => String(method.stored) },
  {
    title: "duration",
    cell: (method) => (method.endedAt === null ? "-" : formatDuration(method.endedAt - method.startedAt)),
  },
];
