/** Child processes of the contenders that spawn them: worker processes, and the CLI timed from a cold start. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stopProcess } from "./redis-server.js";

/** The repository root: child processes run there. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The built CLI, exactly what the `flowc` bin of the package points at. */
export const CLI = fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url));
/** The CLI's entry in the sources, for `node --import tsx`. */
export const CLI_SOURCE = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** What it wrote to stderr so far (for failure messages). */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Spawns `node <args>` in the repository root and resolves once its stdout
 * or stderr matches `ready`; rejects if it exits first or takes longer than
 * `timeoutMs`.
 */
export async function startService(
  args: readonly string[],
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")} was not ready after ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    const check = (): void => {
      if (ready.test(out) || ready.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      check();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      check();
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited (${String(code ?? signal)}) before it was ready:\n${err}`));
    });
  });
  return { child, stderr: () => err, stop: () => stopProcess(child) };
}
