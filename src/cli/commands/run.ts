import { writeFile } from "node:fs/promises";
import { bullmq, createRunner, createTraceRecorder, type FlowEvent } from "../../../stdlib/index.js";
import { loadMethods, moduleLocations } from "../../run/load-methods.js";
import { compileFiles } from "../compile-files.js";
import { ExitCode, describeFsError, readJsonInput } from "../io.js";
import { createProgressDisplay, progressMode } from "../progress/display.js";
import type { DiagnosticsFormat } from "../report.js";

export interface RunCommandOptions {
  readonly input: string;
  readonly workers?: number;
  readonly format: DiagnosticsFormat;
  /** Print nothing but the output (and a failure's reason). */
  readonly quiet?: boolean;
  /** Where to write a Chrome Trace Event Format file of the run. */
  readonly trace?: string;
  /** Where the methods run; `bullmq` also checks the plan for JSON transport. */
  readonly backend?: "inline" | "threads" | "bullmq";
  /** With `backend: "bullmq"`: the Redis URL (else `FLOWC_REDIS_URL`). */
  readonly redis?: string;
}

/**
 * `flowc run <file> --input <json>`: checks the manifest (types included), runs
 * it in this process and prints the output as JSON on stdout. On stderr it
 * shows the stages' progress (redrawn in place on a terminal, a line per stage
 * start and end otherwise) and a per-stage summary table at the end, unless
 * `--quiet`; `--trace <file>` records the run for Perfetto or chrome://tracing.
 */
export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const input = await readJsonInput(options.input);
  const { results, exitCode } = await compileFiles(
    [file],
    { workers: options.workers, backend: options.backend },
    options.format,
  );
  const result = results[0];
  if (exitCode !== ExitCode.Ok || result?.plan === undefined)
    return exitCode === ExitCode.Ok ? ExitCode.Failure : exitCode;

  const methods = await loadMethods(result.plan, result.modulePaths);
  const backend = options.backend === "bullmq" ? bullmq({ connection: options.redis }) : options.backend;
  const runner = createRunner<unknown, unknown>(result.plan, methods, {
    workers: options.workers,
    backend,
    // Lets worker threads (the default for plans with a parallel method) import the same modules.
    modules: moduleLocations(result.plan, result.modulePaths),
  });
  const display = createProgressDisplay(
    process.stderr,
    progressMode(process.stderr, options.quiet === true),
    result.plan.methods,
  );
  // The CLI records the trace itself rather than through the run's `trace` option, to report an unwritable path as usage.
  const recorder = options.trace === undefined ? undefined : createTraceRecorder();
  const onEvent =
    recorder === undefined
      ? display.onEvent
      : (event: FlowEvent) => {
          recorder.onEvent(event);
          display.onEvent(event);
        };
  const controller = new AbortController();
  const cancel = () => controller.abort(new Error("interrupted (SIGINT)"));
  process.once("SIGINT", cancel);
  let status: number = ExitCode.Ok;
  try {
    const output = await runner.run(input, { signal: controller.signal, onEvent });
    display.stop();
    process.stdout.write(`${JSON.stringify(output, null, 2) ?? "null"}\n`);
    display.printSummary();
  } catch (error) {
    display.stop();
    display.printSummary();
    process.stderr.write(`flowc: run failed: ${describeRunError(error)}\n`);
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

/** One line naming the failure and, one level down, its cause. */
function describeRunError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message;
}
