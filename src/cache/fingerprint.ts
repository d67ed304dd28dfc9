/**
 * What a compilation read from disk, recorded so that a later run can tell, without
 * compiling, whether anything it would read has changed.
 *
 * - Every file it read that the user edits, by content (a hash): an edit that keeps the
 *   size and the modification time still misses. Files under `node_modules` (most of what a
 *   type-check reads, and the largest: `@types/node` alone is 200 files) are written by
 *   package managers, which replace them: those are recorded by size, inode and change time
 *   (which no tool can set back), so that an unchanged build does not read megabytes.
 * - Every directory that holds a file it read, by the names in it: a file created, deleted
 *   or renamed there (a new `utils.ts` beside `utils.js`, an `index.ts`) changes them.
 *   Names that start with a dot are left out: tools keep their own there (`.flowc/`, the
 *   temporary files flowc writes a runner through, an editor's swap files).
 * - In those directories and every ancestor of them, what module lookup and settings
 *   search for: `node_modules` and `node_modules/@types` by the names in them (a package
 *   installed where a lookup failed before misses; `node_modules/.cache`, where flowc,
 *   bundlers and linters keep caches, does not count), `package.json` and
 *   `tsconfig.json` by content (they decide module formats and settings without being
 *   source files), each recorded as absent when it is. Ancestors are not recorded by
 *   their own names: a home folder changes with every shell command.
 *
 * Sound first: whatever cannot be read now that could be read then, and the reverse,
 * is a change.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export interface Fingerprint {
  /** Absolute path → SHA-256 of its content (or, under node_modules, its stat signature), or `null` when it did not exist. */
  readonly files: Readonly<Record<string, string | null>>;
  /** Absolute path → a hash of the names in it but those starting with a dot, or `null` when it did not exist. */
  readonly directories: Readonly<Record<string, string | null>>;
}

/** Files beside the read ones that decide how those are read. */
const SETTINGS_FILES = ["package.json", "tsconfig.json"];

/** The fingerprint of a compilation that read `files` (absolute paths). */
export function fingerprintOf(files: Iterable<string>): Fingerprint {
  const read = new Set<string>();
  const containing = new Set<string>();
  for (const file of files) {
    const absolute = path.resolve(file);
    read.add(absolute);
    containing.add(path.dirname(absolute));
  }
  const ancestors = new Set<string>();
  for (const start of containing) {
    for (let dir = start; !ancestors.has(dir); dir = path.dirname(dir)) {
      ancestors.add(dir);
      if (path.dirname(dir) === dir) break;
    }
  }
  const lookedIn = new Set(containing);
  for (const dir of ancestors) {
    const modules = path.join(dir, "node_modules");
    lookedIn.add(modules);
    lookedIn.add(path.join(modules, "@types"));
    for (const name of SETTINGS_FILES) read.add(path.join(dir, name));
  }
  const fileHashes: Record<string, string | null> = {};
  for (const file of [...read].sort()) fileHashes[file] = signatureOf(file);
  const listings: Record<string, string | null> = {};
  for (const dir of [...lookedIn].sort()) listings[dir] = namesIn(dir);
  return { files: fileHashes, directories: listings };
}

/** Whether everything `fingerprint` recorded is as it was. */
export function isUnchanged(fingerprint: Fingerprint): boolean {
  for (const [dir, names] of Object.entries(fingerprint.directories)) {
    if (namesIn(dir) !== names) return false;
  }
  for (const [file, hash] of Object.entries(fingerprint.files)) {
    if (signatureOf(file) !== hash) return false;
  }
  return true;
}

const IN_PACKAGES = `${path.sep}node_modules${path.sep}`;

function signatureOf(file: string): string | null {
  if (!file.includes(IN_PACKAGES)) return contentHash(file);
  try {
    const stats = statSync(file, { bigint: true });
    return stats.isFile() ? `stat:${stats.size}:${stats.ino}:${stats.ctimeNs}:${stats.mtimeNs}` : null;
  } catch {
    return null;
  }
}

function contentHash(file: string): string | null {
  try {
    return createHash("sha256").update(readFileSync(file)).digest("hex");
  } catch {
    // Missing, a directory, unreadable: all the same to a compiler that could not read it.
    return null;
  }
}

/** A hash of the names in `dir` that do not start with a dot, sorted; `null` when it is no directory. */
function namesIn(dir: string): string | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  const kept = names.filter((name) => !name.startsWith(".")).sort();
  return createHash("sha256").update(kept.join("\n")).digest("hex");
}
