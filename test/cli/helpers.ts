import { spawn, spawnSync, type ChildProcessByStdio } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

/** Repository root. */
export const root = fileURLToPath(new URL("../../", import.meta.url));

/** The built CLI, exactly what the `flowc` bin of the package points at. */
export const cliPath = fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url));

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface FlowcOptions {
  readonly cwd?: string;
  readonly input?: string;
  /**
   * The largest file, in kilobytes, the process may write (`ulimit -f`, through bash): a write
   * past it fails with EFBIG halfway through the file, as one on a full disk fails with ENOSPC
   * (Node ignores the signal that would otherwise end the process).
   */
  readonly fileSizeLimit?: number;
  /** Node options before the CLI's path (`--import ./hook.mjs`). */
  readonly nodeArgs?: readonly string[];
  /** Variables added to the environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Spawns the real `flowc` binary with `args` (cwd defaults to the repository root). */
export function flowc(args: readonly string[], options: FlowcOptions = {}): CliResult {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first (npm test does)`);
  const node = [process.execPath, ...(options.nodeArgs ?? []), cliPath];
  const command =
    options.fileSizeLimit === undefined
      ? node
      : ["bash", "-c", 'ulimit -f "$1" && shift && exec "$@"', "bash", String(options.fileSizeLimit), ...node];
  const result = spawnSync(command[0]!, [...command.slice(1), ...args], {
    cwd: options.cwd ?? root,
    encoding: "utf8",
    input: options.input ?? "",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...options.env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A `flowc` process going on while the test does other things. */
export interface StartedFlowc {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Resolves once it has exited (`status` is `null` when a signal ended it). */
  readonly result: Promise<CliResult>;
}

/**
 * Starts the real `flowc` binary with `args` and returns at once, without blocking this
 * process's event loop meanwhile (cwd defaults to the repository root; nothing on stdin).
 */
export function startFlowc(
  args: readonly string[],
  options: Omit<FlowcOptions, "input" | "fileSizeLimit"> = {},
): StartedFlowc {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cliPath, ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once("error", reject);
    // "close", not "exit": everything it wrote has been read by then.
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
  return { child, stderr: () => stderr, result };
}

/**
 * Makes `dir` the root of a Node project as users have one: an ES module package, with
 * a tsconfig that sees Node's types (the repository's @types, since no node_modules is
 * above a temporary folder), so that methods importing `node:` modules type-check.
 */
export function nodeProject(dir: string): void {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [join(root, "node_modules/@types")],
      },
    }),
  );
}
