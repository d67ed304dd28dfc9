import { mkdir, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { createSourceText, type SourceText } from "../../grammar/source.js";

/**
 * A mistake in how flowc was invoked (unknown flag, unreadable file, bad JSON
 * input). The CLI prints its message on one line and exits with code 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const ExitCode = {
  Ok: 0,
  /** Diagnostics with errors, or a run that failed. */
  Failure: 1,
  /** Bad usage or unreadable files. */
  Usage: 2,
} as const;

export async function readManifest(path: string): Promise<SourceText> {
  if (!path.endsWith(".flow")) throw new UsageError(`${path}: not a .flow manifest`);
  try {
    return createSourceText(path, await readFile(path, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${describeFsError(error)}`);
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Makes `dir` and any missing parents, like `mkdir -p`, but always ends:
 * Node's recursive `mkdir` retries for ever where a directory cannot be made
 * although its parent exists (under `/proc`, say). Each level is tried once
 * more after its parent is made; a second failure is the answer.
 */
export async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (error) {
    if (await isDirectory(dir)) return;
    const parent = dirname(dir);
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || parent === dir) throw error;
  }
  await makeDirectory(dirname(dir));
  try {
    await mkdir(dir);
  } catch (error) {
    if (!(await isDirectory(dir))) throw error;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

/** Parses `--workers N`. */
export function parsePositiveInteger(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
      throw new UsageError(`${flag} must be a positive integer, not '${value}'`);
    }
    return Number(value);
  };
}

/** Reads `--input '<json>'` or `--input @file.json`. */
export async function readJsonInput(value: string): Promise<unknown> {
  let text = value;
  let origin = "--input";
  if (value.startsWith("@")) {
    const path = value.slice(1);
    origin = path;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read ${path}: ${describeFsError(error)}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${origin} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
