import { writeFile } from "node:fs/promises";
import {
  bullmq,
  createRunner,
  createTraceRecorder,
  FlowError,
  MethodError,
  type FlowEvent,
  type Runner,
} from "../../../stdlib/index.js";
import { compileFile, typeScriptVersion } from "../compile-files.js";
import { FallbackFailedError, TooManyFailuresError } from "../../../stdlib/errors.js";
import { CommandFailure, ExitCode, UsageError, describeFsError, readJsonInput, shortened } from "../io.js";
import { loadManifestMethods } from "../methods.js";
import { userFrames } from "../method-stack.js";
import { outputJson, type PrintedOutput } from "../output-json.js";
import { createProgressDisplay, progressMode } from "../progress/display.js";
import type { DiagnosticsFormat } from "../report.js";
import { prepareRunJournal, resumeHint, type RunJournal } from "../run-journal.js";

export interface RunCommandOptions {
  /** `'<json>'` or `@file.json`; may be left out when no method that receives the run's input takes a parameter. */
  readonly input?: string;
  readonly workers?: number;
  readonly format: DiagnosticsFormat;
  /** `--typescript 6|7`. */
  readonly typescript?: string;
  /** Print nothing but the output (and a failure's reason). */
  readonly quiet?: boolean;
  /** `false` with `--no-cache`: compile the manifest even when nothing changed. */
  readonly cache?: boolean;
  /** Where to write a Chrome Trace Event Format file of the run. */
  readonly trace?: string;
  /** Where the methods run; `bullmq` also checks the plan for JSON transport. */
  readonly backend?: "inline" | "threads" | "bullmq";
  /** With `backend: "bullmq"`: the Redis URL (else `FLOWC_REDIS_URL`). */
  readonly redis?: string;
  /** With `backend: "bullmq"`: how long a stage waits for enough live workers, in milliseconds. */
  readonly workerWait?: number;
  /** With `backend: "bullmq"`: how long a lost Redis connection may take to come back, in milliseconds. */
  readonly connectionWait?: number;
  /** `--journal <dir>`: where the run journal is; `false` with `--no-journal`. */
  readonly journal?: string | false;
  /** `--resume` (the manifest's last run, or with `--input` a new run reusing stored calls) or `--resume <run>`. */
  readonly resume?: string | true;
  /** With `backend: "bullmq"`: how long the run journal keeps a run and its outputs in Redis, in milliseconds. */
  readonly journalTtl?: number;
}

/**
 * `flowc run <file> [--input <json>]`: checks the manifest (types included), runs
 * it in this process and prints the output as JSON on stdout. On stderr it
 * shows the stages' progress (redrawn in place on a terminal, a line per stage
 * start and end otherwise) and a per-stage summary table at the end, unless
 * `--quiet`; `--trace <file>` records the run for Perfetto or chrome://tracing.
 */
export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const given = options.input === undefined ? undefined : await readJsonInput(options.input);
  // The journal before the compile: a resumed run's input, stored with it, is checked like a given one.
  const journal = await openRunJournal(file, options);
  try {
    return await runWithJournal(file, options, given, journal);
  } finally {
    await journal?.store.close();
  }
}

async function openRunJournal(file: string, options: RunCommandOptions): Promise<RunJournal | undefined> {
  if (options.journalTtl !== undefined && options.backend !== "bullmq") {
    throw new UsageError("--journal-ttl applies only to the bullmq backend's journal in Redis (--backend bullmq)");
  }
  try {
    return await prepareRunJournal(file, {
      journal: options.journal,
      resume: options.resume,
      input: options.input,
      redis: options.backend === "bullmq" ? { url: options.redis, ttlMs: options.journalTtl } : undefined,
    });
  } catch (error) {
    if (error instanceof FlowError) throw new CommandFailure(describeRunError(error));
    throw error;
  }
}

async function runWithJournal(
  file: string,
  options: RunCommandOptions,
  given: unknown,
  journal: RunJournal | undefined,
): Promise<number> {
  const input = journal?.storedInput === undefined ? given : journal.storedInput.value;
  const { result, exitCode } = await compileFile(
    file,
    {
      workers: options.workers,
      backend: options.backend,
      typescript: typeScriptVersion(options.typescript),
      runInput: { value: input },
      cache: options.cache,
    },
    options.format,
  );
  if (exitCode !== ExitCode.Ok || result.plan === undefined) return ExitCode.Failure;
  // `--backend` wins; otherwise the manifest's own `backend …;` statement, which the type-check also judged by.
  const chosen = options.backend ?? result.backend;
  for (const [flag, value] of [
    ["--worker-wait", options.workerWait],
    ["--connection-wait", options.connectionWait],
  ] as const) {
    if (value !== undefined && chosen !== "bullmq")
      throw new UsageError(`${flag} applies only to the bullmq backend (--backend bullmq, or 'backend bullmq;')`);
  }
  const type = result.inputType ?? "unknown";
  const problems = result.inputProblems ?? [];
  if (options.input === undefined && journal?.storedInput === undefined && problems.length > 0) {
    throw new UsageError(`${file} needs an input of type '${type}': pass --input '<json>' or --input @file.json`);
  }
  if (problems.length > 0) {
    // Every problem on a line of its own, as diagnostics are: the path, what the type wants, what the input has.
    const lines = problems.map((problem) => `  ${problem.path}: expected ${problem.expected}, got ${problem.got}`);
    throw new UsageError(`--input does not fit the run's input type '${type}':\n${lines.join("\n")}`);
  }
  if (options.input !== undefined && type === "void") {
    process.stderr.write(`flowc: --input is ignored: no method of ${file} takes the run's input\n`);
  }

  const { methods, modules } = await loadManifestMethods(file, result.plan, result.modulePaths);
  const backend =
    chosen === "bullmq"
      ? bullmq({
          connection: options.redis,
          workerWait: options.workerWait,
          connectionWait: options.connectionWait,
        })
      : chosen;
  let runner: Runner<unknown, unknown>;
  try {
    runner = createRunner<unknown, unknown>(result.plan, methods, {
      workers: options.workers,
      backend,
      store: journal?.store,
      // Lets worker threads (the default for plans with a parallel method) import the same modules.
      modules,
    });
  } catch (error) {
    // The runtime refuses a plan or an option it cannot run (a count beyond its bounds): the run failed, said once.
    if (error instanceof FlowError) throw new CommandFailure(`run failed: ${describeRunError(error)}`);
    throw error;
  }
  const display = createProgressDisplay(
    process.stderr,
    progressMode(process.stderr, options.quiet === true),
    result.plan.methods,
  );
  // The CLI records the trace itself rather than through the run's `trace` option, to report an unwritable path as usage.
  const recorder = options.trace === undefined ? undefined : createTraceRecorder();
  // Outputs the journal could not store: said once the display is done, so as not to break a live view.
  const unstored: string[] = [];
  const onEvent = (event: FlowEvent): void => {
    recorder?.onEvent(event);
    display.onEvent(event);
    if (event.type === "journal:warning" && options.quiet !== true) unstored.push(describeRunError(event.error));
  };
  const stopDisplay = (): void => {
    display.stop();
    for (const warning of unstored)
      process.stderr.write(`flowc: warning: ${warning} Its calls will run again on resume.\n`);
  };
  const controller = new AbortController();
  const cancel = () => controller.abort(new Error("interrupted (SIGINT)"));
  process.once("SIGINT", cancel);
  let status: number = ExitCode.Ok;
  // Said before anything runs, so that a run killed outright has told how to resume it.
  if (journal !== undefined && options.quiet !== true)
    process.stderr.write(`flowc: ${resumeHint(file, journal, options.journal)}\n`);
  try {
    const output = await runner.run(input, { signal: controller.signal, onEvent, ...journal?.runOptions });
    stopDisplay();
    status = printOutput(output);
    display.printSummary();
  } catch (error) {
    stopDisplay();
    display.printSummary();
    process.stderr.write(`flowc: run failed: ${describeRunError(error)}\n`);
    if (options.quiet !== true) {
      for (const thrown of failedCalls(error)) {
        for (const frame of userFrames(thrown, process.cwd())) process.stderr.write(`    ${frame}\n`);
      }
    }
    status = ExitCode.Failure;
  } finally {
    process.off("SIGINT", cancel);
    await runner.close();
  }
  if (recorder !== undefined && options.trace !== undefined) {
    try {
      await writeFile(options.trace, JSON.stringify(recorder));
    } catch (error) {
      process.stderr.write(`flowc: cannot write ${options.trace}: ${describeFsError(error)}\n`);
      return status === ExitCode.Ok ? ExitCode.Usage : status;
    }
  }
  return status;
}

/**
 * Prints the run's output as JSON on stdout; says on stderr what JSON lost
 * (even with `--quiet`: it is a loss of the output), or why the output could
 * not be printed at all (a failed run).
 */
function printOutput(output: unknown): number {
  let printed: PrintedOutput;
  try {
    printed = outputJson(output);
  } catch (error) {
    process.stderr.write(`flowc: run failed: printing the output as JSON failed: ${describeRunError(error)}\n`);
    return ExitCode.Failure;
  }
  process.stdout.write(`${printed.text}\n`);
  const { lost } = printed;
  if (lost.length > 0) {
    const shown = lost.slice(0, LOST_SHOWN).map(({ path, what }) => `${path} (${what})`);
    const more = lost.length > LOST_SHOWN ? `, and ${lost.length - LOST_SHOWN} more` : "";
    const values = lost.length === 1 ? "1 value" : `${lost.length} values`;
    process.stderr.write(`flowc: printing the output as JSON lost ${values}: ${shown.join(", ")}${more}\n`);
  }
  return ExitCode.Ok;
}

/** Lost values named one by one; past that, counted. */
const LOST_SHOWN = 10;

/** One line naming the failure and, one level down, its cause; cut short on the terminal (the error keeps it whole). */
function describeRunError(error: unknown): string {
  return shortened(error instanceof Error ? error.message : String(error));
}

/**
 * What the methods threw in the calls a run failed for, whose stacks say where:
 * a method's own error; both the method's and its fallback's when the fallback
 * failed too; the first failure of a stage that had too many.
 */
function failedCalls(error: unknown): unknown[] {
  if (error instanceof MethodError) return [error.cause];
  if (error instanceof FallbackFailedError) return [...failedCalls(error.original), ...failedCalls(error.cause)];
  if (error instanceof TooManyFailuresError) return failedCalls(error.cause);
  return [];
}
