/**
 * The rebuild cache: a `flowc check`, `build` or `run` whose inputs are all unchanged
 * answers from what the same command found last time, without loading TypeScript.
 *
 * An entry is found by a key (flowc's own build, the TypeScript engine's version, the
 * working directory, the manifest and every option that changes the answer) and is
 * used only while its fingerprint holds (see fingerprint.ts): every file the compiler
 * read, and every folder it looked in, as it was. Entries are JSON files written whole
 * under a temporary name and renamed into place, so a reader never sees half of one,
 * and several processes may share a cache folder.
 *
 * Where: `$FLOWC_CACHE_DIR` when set; else `node_modules/.cache/flowc` in the nearest
 * folder, from the working directory up, that has a `node_modules` (where bundlers and
 * linters keep theirs); else `flowc` under `$XDG_CACHE_HOME` or `~/.cache`. Deleting
 * the folder clears it; `--no-cache` neither reads nor writes it.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "../version.js";
import { fingerprintOf, isUnchanged, type Fingerprint } from "./fingerprint.js";

/** Bumped whenever what an entry holds changes shape. */
const ENTRY_FORMAT = 2;
/** Entries kept; past this many, storing one removes the least recently written half. */
const MAX_ENTRIES = 2_000;

export interface CompileCache {
  readonly dir: string;
  /** The value stored under `key`, when its fingerprint still holds. */
  lookup<T>(key: unknown): T | undefined;
  /** Stores `value` under `key`, for as long as `filesRead` (absolute paths) are unchanged. */
  store(key: unknown, value: unknown, filesRead: Iterable<string>): void;
}

interface Entry {
  readonly format: number;
  readonly key: string;
  readonly fingerprint: Fingerprint;
  readonly value: unknown;
}

/** The cache folder for a command run in `cwd` (see the header). */
export function defaultCacheDir(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = env["FLOWC_CACHE_DIR"];
  if (given !== undefined && given !== "") return path.resolve(cwd, given);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "node_modules"))) return path.join(dir, "node_modules", ".cache", "flowc");
    if (path.dirname(dir) === dir) break;
  }
  const xdg = env["XDG_CACHE_HOME"];
  return path.join(xdg !== undefined && xdg !== "" ? xdg : path.join(os.homedir(), ".cache"), "flowc");
}

/** This flowc's identity (see `toolIdentity`), worked out once per process. */
let identity: string | undefined;

export function openCompileCache(dir: string): CompileCache {
  identity ??= toolIdentity();
  const identityKey = identity;
  const fileOf = (key: unknown): { name: string; file: string } => {
    const name = JSON.stringify([identityKey, key]);
    return { name, file: path.join(dir, `${createHash("sha256").update(name).digest("hex")}.json`) };
  };
  return {
    dir,
    lookup<T>(key: unknown): T | undefined {
      const { name, file } = fileOf(key);
      let entry: Entry;
      try {
        entry = JSON.parse(readFileSync(file, "utf8")) as Entry;
      } catch {
        return undefined;
      }
      // A hash collision, or an entry of another format, is a miss like any other.
      if (entry.format !== ENTRY_FORMAT || entry.key !== name || !isUnchanged(entry.fingerprint)) return undefined;
      return entry.value as T;
    },
    store(key, value, filesRead) {
      const { name, file } = fileOf(key);
      try {
        // Made before the fingerprint is taken: creating it changes the folder above (`node_modules`, say).
        mkdirSync(dir, { recursive: true });
        const entry: Entry = { format: ENTRY_FORMAT, key: name, fingerprint: fingerprintOf(filesRead), value };
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify(entry));
        renameSync(temporary, file);
        prune(dir);
      } catch {
        // A cache that cannot be written (a read-only folder, a full disk) only costs the next run its speed.
      }
    },
  };
}

function prune(dir: string): void {
  const names = readdirSync(dir).filter((name) => name.endsWith(".json"));
  if (names.length <= MAX_ENTRIES) return;
  const aged = names.map((name) => {
    const file = path.join(dir, name);
    return { file, time: statSync(file).mtimeMs };
  });
  aged.sort((a, b) => a.time - b.time);
  for (const { file } of aged.slice(0, aged.length - MAX_ENTRIES / 2)) rmSync(file, { force: true });
}

/**
 * What makes this flowc answer as it does: its version, its own compiled files (so a
 * rebuilt flowc of the same version misses) and the versions of the TypeScript it checks with.
 */
function toolIdentity(): string {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  const hash = createHash("sha256").update(VERSION);
  for (const folder of ["src", "grammar", "stdlib"]) hashTree(path.join(root, folder), hash);
  const require = createRequire(import.meta.url);
  for (const name of ["ts-morph", "typescript"]) {
    try {
      const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as {
        version?: string;
      };
      hash.update(`${name}@${manifest.version ?? "?"}`);
    } catch {
      hash.update(`${name}@none`);
    }
  }
  return hash.digest("hex");
}

function hashTree(dir: string, hash: ReturnType<typeof createHash>): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) hashTree(file, hash);
    // The code that runs, compiled or not; declaration files change nothing it does.
    else if (/\.[cm]?[jt]s$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) {
      const stats = statSync(file, { bigint: true });
      hash.update(`${file}:${stats.size}:${stats.mtimeNs}`);
    }
  }
}
