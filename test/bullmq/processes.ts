/**
 * Worker processes for the bullmq tests: the fixture script `serve.ts`
 * (through the public createWorker) or the real `flowc worker` command, both
 * run from source through tsx.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const fixtures = fileURLToPath(new URL("../fixtures/bullmq/", import.meta.url));

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with its exit code (or the signal that ended it). */
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * Spawns `node --import tsx <args>` and resolves once `ready` (a pattern of
 * its stdout or stderr) has appeared. With `ipc`, the child also gets an IPC
 * channel (`child.send`, `process.send`).
 */
export async function spawnWorker(
  args: readonly string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
  ipc = false,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: root,
    env: { ...process.env, ...env, NO_COLOR: "1" },
    stdio: ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal));
  });
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (ready.test(out) || ready.test(err)) resolve();
    };
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      check();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      check();
    });
    void exited.then((code) => reject(new Error(`worker exited (${String(code)}) before it was ready:\n${err}`)));
  });
  return { child, stderr: () => err, exited };
}

/** Polls `condition` every 20 ms until it holds, or fails after `ms`. */
export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
