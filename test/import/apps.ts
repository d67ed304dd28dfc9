/**
 * Throw-away apps that use flowc as its users do: an ES module package in a temporary
 * folder whose `node_modules` holds `flowc` (this checkout, so its `dist/` is what runs),
 * `@types/node`, `tsx` and `typescript`, with the examples' tsconfig and a copy of
 * examples/word-count. Each app has a rebuild cache of its own (`FLOWC_CACHE_DIR`), and
 * runs its programs as real processes in its folder.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cliPath, root } from "../cli/helpers.js";

export interface Exit {
  /** The exit code; `null` when a signal ended the process. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface App {
  readonly dir: string;
  /** The app's rebuild cache (`FLOWC_CACHE_DIR` of every process it runs). */
  readonly cacheDir: string;
  /** Absolute path of a file of the app. */
  path(relative: string): string;
  write(relative: string, text: string): string;
  read(relative: string): string;
  /** Replaces `from` by `to` in a file of the app; throws when `from` is not in it. */
  edit(relative: string, from: string, to: string): void;
  /** The rebuild cache's entries (file names). */
  cacheEntries(): string[];
  /** `node <args>` in the app's folder. */
  node(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<Exit>;
  /** The `tsx` command (its bin) in the app's folder. */
  tsx(args: readonly string[]): Promise<Exit>;
  /** The app's own `tsc` in its folder. */
  tsc(args: readonly string[]): Promise<Exit>;
  /** `flowc` (this checkout's build) in the app's folder. */
  flowc(args: readonly string[]): Promise<Exit>;
  remove(): void;
}

/** The packages of the app's `node_modules`, by name: flowc itself, the rest from the repository's. */
const PACKAGES: readonly (readonly [string, string])[] = [
  ["flowc", root],
  ["@types/node", path.join(root, "node_modules/@types/node")],
  ["tsx", path.join(root, "node_modules/tsx")],
  ["typescript", path.join(root, "node_modules/typescript")],
];

export function createApp(prefix = "flowc-app-"): App {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  // Where the loader keeps it by default.
  const cacheDir = path.join(dir, "node_modules/.cache/flowc");
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  for (const [name, target] of PACKAGES) {
    const link = path.join(dir, "node_modules", name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(target, link, "dir");
  }
  cpSync(path.join(root, "examples/tsconfig.json"), path.join(dir, "tsconfig.json"));
  cpSync(path.join(root, "examples/word-count"), path.join(dir, "word-count"), { recursive: true });

  const at = (relative: string) => path.join(dir, relative);
  const inApp = (args: readonly string[], env: Readonly<Record<string, string>> = {}) =>
    runProcess(process.execPath, args, { cwd: dir, env: { FLOWC_CACHE_DIR: cacheDir, ...env } });
  return {
    dir,
    cacheDir,
    path: at,
    write(relative, text) {
      const file = at(relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    read: (relative) => readFileSync(at(relative), "utf8"),
    edit(relative, from, to) {
      const text = readFileSync(at(relative), "utf8");
      if (!text.includes(from)) throw new Error(`'${from}' is not in ${relative}`);
      writeFileSync(at(relative), text.replace(from, to));
    },
    cacheEntries() {
      try {
        return readdirSync(cacheDir).filter((name) => name.endsWith(".json"));
      } catch {
        return [];
      }
    },
    node: (args, env) => inApp(args, env),
    // What `node_modules/.bin/tsx` points at.
    tsx: (args) => inApp([at("node_modules/tsx/dist/cli.mjs"), ...args]),
    tsc: (args) => inApp([at("node_modules/typescript/bin/tsc"), ...args]),
    flowc: (args) => inApp([cliPath, ...args]),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a process to its end and collects what it printed; resolves whatever its exit code. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: Readonly<Record<string, string>> },
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    // "close", not "exit": everything it printed has been read by then.
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * What the example prints for its book when the repository's own CLI runs it (its own
 * rebuild cache in `cacheDir`): what every way of running the example must print too.
 */
export async function bookSummaryFromCli(cacheDir: string): Promise<unknown> {
  const result = await runProcess(
    process.execPath,
    [cliPath, "run", "examples/word-count/word-count.flow", "--input", "@examples/word-count/input.json", "--quiet"],
    { cwd: root, env: { FLOWC_CACHE_DIR: cacheDir } },
  );
  if (result.code !== 0) throw new Error(`flowc run failed (${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}

/** The 1-based line and column where `needle` starts in `text` (the first line holding `line`, when given). */
export function positionOf(text: string, needle: string, line: string = needle): { line: number; column: number } {
  const lines = text.split("\n");
  const index = lines.findIndex((candidate) => candidate.includes(line) && candidate.includes(needle));
  if (index < 0) throw new Error(`'${needle}' is not in the text`);
  return { line: index + 1, column: lines[index]!.indexOf(needle) + 1 };
}
