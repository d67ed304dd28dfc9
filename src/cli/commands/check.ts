import { compileFiles, typeScriptVersion, watchCommand, type CompileCommandOptions } from "../compile-files.js";

export type CheckOptions = CompileCommandOptions;

/**
 * `flowc check <files…>`: every phase but emit. A manifest that cannot be read
 * does not stop the others from being checked; it is reported after their
 * diagnostics, and the exit code is 2.
 */
export async function checkCommand(files: readonly string[], options: CheckOptions): Promise<number> {
  if (options.watch === true) return watchCommand(files, options, false);
  const { exitCode } = await compileFiles(
    files,
    {
      workers: options.workers,
      backend: options.backend,
      typescript: typeScriptVersion(options.typescript),
      cache: options.cache,
    },
    options.format,
  );
  return exitCode;
}
