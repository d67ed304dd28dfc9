import { compile, type CompileResult } from "../compile.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import type { BackendName } from "../typecheck/types.js";
import { createTypeScriptServices } from "../typescript-services.js";
import { ExitCode, readManifest } from "./io.js";
import { reportDiagnostics, type DiagnosticsFormat } from "./report.js";

export interface CompileFilesOptions {
  readonly workers?: number | undefined;
  readonly backend?: BackendName | undefined;
  readonly types?: boolean;
  /** Output path of each manifest's runner; when given, runners are emitted. */
  readonly outFile?: (manifestPath: string) => string;
}

export interface FileResult extends CompileResult {
  readonly outFile: string | undefined;
  /** Resolved module file of each method, keyed by manifest name. */
  readonly modulePaths: ReadonlyMap<string, string>;
}

/**
 * Compiles manifests the way every CLI command does: all files are read first
 * (an unreadable one is a usage error before any work), one TypeScript project
 * is shared, and all diagnostics are reported together.
 */
export async function compileFiles(
  files: readonly string[],
  options: CompileFilesOptions,
  format: DiagnosticsFormat,
): Promise<{ results: FileResult[]; exitCode: number }> {
  const sources = await Promise.all(files.map((file) => readManifest(file)));
  const typescript = options.types === false ? undefined : createTypeScriptServices();
  const results: FileResult[] = [];
  for (const source of sources) {
    const outFile = options.outFile?.(source.path);
    const result = await compile(
      source,
      { workers: options.workers, backend: options.backend, types: options.types, outFile },
      typescript,
    );
    const modulePaths = new Map<string, string>();
    for (const [name, binding] of result.resolution?.bindings ?? []) {
      if (binding.modulePath !== undefined) modulePaths.set(name, binding.modulePath);
    }
    results.push({ ...result, outFile, modulePaths });
  }
  const diagnostics = results.flatMap((r) => r.diagnostics);
  reportDiagnostics(diagnostics, sources, format);
  return { results, exitCode: hasErrors(diagnostics) ? ExitCode.Failure : ExitCode.Ok };
}
