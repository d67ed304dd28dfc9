import { dirname, resolve } from "node:path";
import { outputPathFor } from "../emit/emit.js";
import type { FileResult } from "./compile-files.js";
import { UsageError, describeFsError, makeDirectory } from "./io.js";
import { fileHolds, replaceFile } from "../write-file.js";

/** Where `flowc build` writes each manifest's runner, and a reason for each pair of manifests that would share one. */
export interface RunnerPaths {
  readonly outFile: (manifestPath: string) => string;
  readonly collisions: readonly string[];
}

/**
 * Plans the runners of one build. Under `--out-dir`, manifests outside the
 * current directory are written flat, so `a/x.flow` and `b/x.flow` from
 * elsewhere would both become `<out>/x.flow.ts`: one runner silently replacing
 * the other. Each such pair is a reason, and the build writes nothing.
 */
export function planRunners(files: readonly string[], outDir: string | undefined, rootDir: string): RunnerPaths {
  const outFile = (manifest: string) => outputPathFor(manifest, { outDir, rootDir });
  const owners = new Map<string, string>();
  const collisions: string[] = [];
  for (const file of files) {
    const target = resolve(outFile(file));
    const owner = owners.get(target);
    if (owner === undefined) owners.set(target, file);
    else if (resolve(owner) !== resolve(file))
      collisions.push(`${owner} and ${file} would both be written to ${outFile(file)}`);
  }
  return { outFile, collisions };
}

/**
 * Writes a runner, making its directory, unless the file there already holds `code`:
 * then it is left untouched, its modification time too, so that watchers and bundlers
 * that follow it do not rebuild for nothing. Returns whether it wrote.
 *
 * A failure is a usage error naming the file (and the directory it could not make), and
 * leaves the runner that was there as it was (see `replaceFile`). Whatever else stands at
 * the runner's path, a symbolic link included, is replaced: a runner is flowc's output,
 * never a file the user keeps elsewhere.
 */
export async function writeRunner(outFile: string, code: string): Promise<boolean> {
  if (await fileHolds(outFile, code)) return false;
  const dir = dirname(outFile);
  try {
    await makeDirectory(dir);
  } catch (error) {
    const failed = (error as NodeJS.ErrnoException).path ?? dir;
    throw new UsageError(`cannot write ${outFile}: cannot make directory ${failed}: ${describeFsError(error)}`);
  }
  try {
    await replaceFile(outFile, code);
  } catch (error) {
    throw new UsageError(`cannot write ${outFile}: ${describeFsError(error)}`);
  }
  return true;
}

/** What a build writes for a manifest: its runner or its declaration file, when it compiled. */
export function outputOf(result: FileResult): { file: string; text: string }[] {
  if (result.code !== undefined && result.outFile !== undefined) return [{ file: result.outFile, text: result.code }];
  if (result.declarations !== undefined && result.declarationsFile !== undefined) {
    return [{ file: result.declarationsFile, text: result.declarations }];
  }
  return [];
}
