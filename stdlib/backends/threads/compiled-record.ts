/**
 * What a compiled methods module was compiled from, kept beside its compiled file, so
 * that a later run can use the compiled files without loading esbuild: compiling is
 * what discovers which local modules a methods module imports, and this record
 * remembers the answer.
 *
 * It holds every local TypeScript module of the graph, each with the hash that names
 * its compiled file (of its path and content) and the hash of what that file holds;
 * the folders holding them by modification time (a file added beside a module can
 * change what an import resolves to); and, in those folders and every ancestor,
 * `package.json` and `tsconfig.json` by content (they decide whether a module is an ES
 * module and how esbuild compiles it: `paths`, decorators, class fields), each as
 * absent when it is. Anything different is a miss, and the graph is compiled again.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

/** Bumped when the record changes shape. */
const RECORD_FORMAT = 1;
/** Files beside and above the modules that decide how they compile. */
const SETTINGS_FILES = ["package.json", "tsconfig.json"];

export interface CompiledModule {
  /** The hash of the module's path and content that names its compiled file (`<name>.mjs`). */
  readonly name: string;
  /** SHA-256 of the compiled file's text. */
  readonly output: string;
}

export interface CompiledRecord {
  readonly format: number;
  /** The methods module the graph starts from. */
  readonly entry: string;
  /** Every local TypeScript module compiled, by absolute path. */
  readonly modules: Readonly<Record<string, CompiledModule>>;
  /** Folder → modification time and inode, or `null` when it did not exist. */
  readonly folders: Readonly<Record<string, string | null>>;
  /** Settings file → SHA-256 of its content, or `null` when it did not exist. */
  readonly settings: Readonly<Record<string, string | null>>;
}

/** Folders and settings files as they were when the modules in them were read (see `CompiledRecord`). */
export interface Surroundings {
  readonly folders: Record<string, string | null>;
  readonly settings: Record<string, string | null>;
}

/**
 * Notes the surroundings of `module` as they are now: when it is read, before it is
 * compiled, so that a change made while it compiles is a miss next time rather than unseen.
 */
export function noteSurroundings(module: string, into: Surroundings): void {
  const folder = path.dirname(module);
  if (folder in into.folders) return;
  into.folders[folder] = modifiedAt(folder);
  for (let dir = folder; ; dir = path.dirname(dir)) {
    for (const name of SETTINGS_FILES) {
      const file = path.join(dir, name);
      if (!(file in into.settings)) into.settings[file] = contentHash(file);
    }
    if (path.dirname(dir) === dir) break;
  }
}

export function makeRecord(
  entry: string,
  modules: Readonly<Record<string, CompiledModule>>,
  surroundings: Surroundings,
): CompiledRecord {
  return { format: RECORD_FORMAT, entry, modules, ...surroundings };
}

/** The SHA-256 of `text`, as records keep it. */
export function textHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Whether `record` (as read from disk: anything) still describes `entry`'s graph:
 * every module has the content that named its compiled file (`nameOf` hashes it) and
 * every compiled file (`compiledFile` says where) holds what was written; folders and
 * settings as they were. Reads each module once; loads no compiler.
 */
export function isCurrent(
  record: unknown,
  entry: string,
  nameOf: (file: string, source: string) => string,
  compiledFile: (name: string) => string,
): record is CompiledRecord {
  if (!isRecord(record) || record.entry !== entry || !(entry in record.modules)) return false;
  for (const [folder, time] of Object.entries(record.folders)) {
    if (modifiedAt(folder) !== time) return false;
  }
  for (const [file, hash] of Object.entries(record.settings)) {
    if (contentHash(file) !== hash) return false;
  }
  for (const [file, compiled] of Object.entries(record.modules)) {
    const source = readText(file);
    if (source === undefined || nameOf(file, source) !== compiled.name) return false;
    const output = readText(compiledFile(compiled.name));
    if (output === undefined || textHash(output) !== compiled.output) return false;
  }
  return true;
}

function isRecord(value: unknown): value is CompiledRecord {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Partial<CompiledRecord>;
  return (
    record.format === RECORD_FORMAT &&
    typeof record.entry === "string" &&
    [record.modules, record.folders, record.settings].every((part) => typeof part === "object" && part !== null)
  );
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function contentHash(file: string): string | null {
  const text = readText(file);
  return text === undefined ? null : textHash(text);
}

function modifiedAt(folder: string): string | null {
  try {
    const stats = statSync(folder, { bigint: true });
    return stats.isDirectory() ? `${stats.mtimeNs}:${stats.ino}` : null;
  } catch {
    return null;
  }
}
