import { createRunner } from "../../../stdlib/index.js";
import { loadMethods } from "../../run/load-methods.js";
import { compileFiles } from "../compile-files.js";
import { ExitCode, readJsonInput } from "../io.js";
import type { DiagnosticsFormat } from "../report.js";

export interface RunCommandOptions {
  readonly input: string;
  readonly workers?: number;
  readonly format: DiagnosticsFormat;
}

/**
 * `flowc run <file> --input <json>`: checks the manifest (types included), runs
 * it in this process and prints the output as JSON on stdout.
 */
export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const input = await readJsonInput(options.input);
  const { results, exitCode } = await compileFiles([file], { workers: options.workers }, options.format);
  const result = results[0];
  if (exitCode !== ExitCode.Ok || result?.plan === undefined) return exitCode === ExitCode.Ok ? ExitCode.Failure : exitCode;

  const methods = await loadMethods(result.plan, result.modulePaths);
  const runner = createRunner<unknown, unknown>(result.plan, methods, { workers: options.workers });
  const controller = new AbortController();
  const cancel = () => controller.abort(new Error("interrupted (SIGINT)"));
  process.once("SIGINT", cancel);
  try {
    const output = await runner.run(input, { signal: controller.signal });
    process.stdout.write(`${JSON.stringify(output, null, 2) ?? "null"}\n`);
    return ExitCode.Ok;
  } catch (error) {
    process.stderr.write(`flowc: run failed: ${describeRunError(error)}\n`);
    return ExitCode.Failure;
  } finally {
    process.off("SIGINT", cancel);
    await runner.close();
  }
}

/** One line naming the failure and, one level down, its cause. */
function describeRunError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message;
}
