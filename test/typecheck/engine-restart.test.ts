import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { afterAll, expect, it } from "vitest";
import { createSourceText } from "../../grammar/source.js";
import { compile } from "../../src/compile.js";
import { createTypeScriptServices } from "../../src/typescript-services.js";
import { MANIFEST, METHODS, METHODS_RETURNING_STRINGS } from "./two-method-project.js";

/**
 * TypeScript 7 runs in a process of its own, which may end under flowc (killed, out of memory):
 * long-lived services (the language server, `--watch`) start it again on the next question,
 * with the overlays they hold, instead of failing every compile from then on.
 */
const dir = mkdtempSync(path.join(tmpdir(), "flowc-engine-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The pids of this process's children that run TypeScript 7's compiler. */
function compilerProcesses(): number[] {
  const listing = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return listing
    .split("\n")
    .filter((line) => /\btsc\b.*--api/.test(line))
    .map((line) => Number.parseInt(line.trim(), 10));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it("starts TypeScript 7 again when its process was killed, keeping the overlays", async () => {
  const manifest = path.join(dir, "etl.flow");
  const methods = path.join(dir, "etl.methods.ts");
  writeFileSync(manifest, MANIFEST);
  writeFileSync(methods, METHODS);
  const warnings: string[] = [];
  const services = createTypeScriptServices({ typescript: 7, warn: (message) => warnings.push(message) });
  const codes = async () =>
    (await compile(createSourceText(manifest, readFileSync(manifest, "utf8")), {}, services)).diagnostics.map(
      (d) => d.code,
    );
  try {
    services.overlay(methods, METHODS_RETURNING_STRINGS);
    expect(await codes()).toEqual([4001]);
    const [pid, ...others] = compilerProcesses();
    expect(others).toEqual([]);
    process.kill(pid!, "SIGKILL");
    // The child's exit reaches this process through its event loop.
    while (alive(pid!) || services.lost?.() !== true) await nextTurn();
    expect(await codes()).toEqual([4001]);
    expect(warnings).toEqual(["TypeScript 7 stopped; it was started again"]);
    const [restarted] = compilerProcesses();
    expect(restarted).not.toBe(pid);
    services.overlay(methods, undefined);
    expect(await codes()).toEqual([]);
  } finally {
    services.close();
  }
});
