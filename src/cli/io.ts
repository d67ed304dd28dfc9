import { mkdir, readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createSourceText, type SourceText } from "../../grammar/source.js";
import { maxDurationText, toMilliseconds } from "../duration.js";
import { readText, TextUnreadable } from "./read-text.js";

/**
 * A mistake in how flowc was invoked (unknown flag, unreadable file, bad JSON
 * input). The CLI prints its message on one line and exits with code 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * A command that could not do its work for a reason that is the user's to fix
 * (a methods module that throws while it is imported, say), not a usage
 * mistake: the CLI prints its message on one line and exits with code 1.
 */
export class CommandFailure extends Error {
  override readonly name = "CommandFailure";
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
    return createSourceText(path, await readText(path));
  } catch (error) {
    if (error instanceof TextUnreadable) throw new UsageError(`cannot read ${path}: ${error.message}`);
    // The shell leaves a quoted or unmatched pattern as it is: say why it names no file.
    const unexpanded = /[*?[]/.test(path) && (error as NodeJS.ErrnoException).code === "ENOENT";
    const hint = unexpanded ? " (flowc does not expand wildcards: leave the pattern unquoted for the shell)" : "";
    throw new UsageError(`cannot read ${path}: ${describeFsError(error)}${hint}`);
  }
}

/** The manifests of a command line that could be read, and a one-line reason for each that could not. */
export interface ReadManifests {
  readonly sources: readonly SourceText[];
  readonly unreadable: readonly string[];
}

/**
 * Reads every manifest of a command line, so that one unreadable file does not
 * hide what is wrong with the others. A manifest named twice (by two patterns
 * that overlap, say) is read once.
 */
export async function readManifests(paths: readonly string[]): Promise<ReadManifests> {
  const seen = new Set<string>();
  const unique = paths.filter((path) => !seen.has(resolve(path)) && seen.add(resolve(path)));
  const read = await Promise.all(
    unique.map((path) =>
      readManifest(path).then(
        (source) => ({ source }),
        (error: unknown) => {
          if (error instanceof UsageError) return { reason: error.message };
          throw error;
        },
      ),
    ),
  );
  return {
    sources: read.flatMap((entry) => ("source" in entry ? [entry.source] : [])),
    unreadable: read.flatMap((entry) => ("reason" in entry ? [entry.reason] : [])),
  };
}

/** Prints reasons as the CLI prints every reason: `flowc: …`, one line each, on stderr. */
export function printReasons(reasons: readonly string[]): void {
  for (const reason of reasons) process.stderr.write(`flowc: ${reason}\n`);
}

/**
 * The most of a message from the user's code that the terminal is shown: a
 * method may throw megabytes (a whole response body); the rest is counted.
 */
export const MESSAGE_LIMIT = 2000;

/** `text`, or its first `limit` characters and how many more were cut. */
export function shortened(text: string, limit = MESSAGE_LIMIT): string {
  if (text.length <= limit) return text;
  // Never end on half of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(limit - 1)) ? limit - 1 : limit;
  return `${text.slice(0, end)}… [${(text.length - end).toLocaleString("en-US")} more characters cut]`;
}

/** One line for an error thrown by the user's code: `Error: boom`, its lines joined, never its stack. */
export function describeThrown(error: unknown): string {
  return shortened(String(error))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(" ");
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
    case "ENOTDIR":
      return "a directory on its path is a file";
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "disk quota exceeded";
    case "EFBIG":
      return "file too large";
    case "EROFS":
      return "read-only file system";
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

/**
 * Parses a duration flag written as the language writes durations (`250ms`,
 * `30s`, `1.5m`, `2h`) into whole milliseconds. Zero is allowed: it means
 * "do not wait". A bare number is refused, since its unit would be a guess,
 * and so is anything longer than a timer can wait.
 */
export function parseDuration(flag: string) {
  return (value: string): number => {
    const match = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(value);
    const milliseconds = match === null ? "invalid" : toMilliseconds(Number(match[1]), match[2]!);
    if (milliseconds === "too long") throw new UsageError(`${flag} must be at most ${maxDurationText}, not '${value}'`);
    if (milliseconds === "invalid") {
      throw new UsageError(`${flag} must be a duration such as 250ms, 30s or 5m, not '${value}'`);
    }
    return milliseconds;
  };
}

/** Milliseconds per unit of an age (`--older-than 30d`): a timer's units, and days. */
const AGE_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses an age or a lifetime (`30d`, `12h`, `90m`) into whole milliseconds: no
 * timer waits for it, so it may be longer than a timer can wait, and days are a unit.
 */
export function parseAge(flag: string) {
  return (value: string): number => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value);
    const milliseconds = match === null ? NaN : Math.round(Number(match[1]) * (AGE_UNITS[match[2]!] ?? NaN));
    if (!Number.isSafeInteger(milliseconds) || milliseconds <= 0) {
      throw new UsageError(`${flag} must be a duration such as 30d, 12h or 90m, not '${value}'`);
    }
    return milliseconds;
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
