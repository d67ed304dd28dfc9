import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGeneratedWorkspace, repoRoot, runtimeEntry, type GeneratedWorkspace } from "./generated-workspace.js";

/**
 * Generated runners, imported and run against the real runtime: the plan they
 * embed, the methods table and `run` work together, whatever the methods are called.
 */

interface RunnerModule {
  run(input: unknown, options?: { workers?: number }): Promise<unknown>;
  close(): Promise<void>;
  createRunner(options?: { workers?: number }): {
    run(input: unknown): Promise<unknown>;
    close(): Promise<void>;
  };
}

let workspace: GeneratedWorkspace;

beforeAll(async () => {
  // The runners import the runtime's source directly, so nothing has to be built first.
  workspace = await createGeneratedWorkspace("flowc-run-", pathToFileURL(runtimeEntry).href);
}, 60_000);

const loaded: RunnerModule[] = [];

afterAll(async () => {
  await Promise.all(loaded.map((module) => module.close()));
  workspace.dir.remove();
});

async function load(name: string): Promise<RunnerModule> {
  const file = workspace.runners.get(name);
  if (file === undefined) throw new Error(`no runner for ${name}`);
  const { tsImport } = await import("tsx/esm/api");
  const module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as RunnerModule;
  loaded.push(module);
  return module;
}

/** Runs `script` (an ES module) under tsx in its own process; resolves when the process has exited. */
async function runScript(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = workspace.dir.write(`script-${loaded.length}-${Date.now()}.mts`, script);
  const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: repoRoot });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

describe("generated runners run", () => {
  it.each([
    ["chain", "a\n\nb", { count: 2, names: ["a", "b"] }],
    [
      "fan-in-parallel",
      ["x", "yy"],
      {
        report: "X: 3\nYY: 3",
        archive: [
          { url: "x", bytes: 9 },
          { url: "yy", bytes: 10 },
        ],
      },
    ],
    ["two-sources", { id: 7, name: "ada" }, "ada (#7)"],
    ["no-input", undefined, "count: 1"],
    ["modules", "hello  big world", { text: "HELLO BIG WORLD", length: 15 }],
    // plan → run → createRunner → methods → Input → m0 → Fits → constructor → Output
    ["colliding-names", 5, "yes"],
  ])("%s", async (name, input, output) => {
    const runner = await load(name);
    expect(await runner.run(input)).toEqual(output);
  });

  it("keeps the runner `run` starts: a second run is served by the same worker threads, and idle threads let the process end", async () => {
    const runner = workspace.runners.get("kept-runner");
    if (runner === undefined) throw new Error("no runner for kept-runner");
    const specifier = JSON.stringify(pathToFileURL(runner).href);
    const { code, stdout, stderr } = await runScript(
      [
        `import { run } from ${specifier};`,
        "const first = await run([1, 2, 3, 4]);",
        "const second = await run([1, 2, 3, 4]);",
        "console.log(JSON.stringify({ first, second }));",
        // No close(): the process must still end once nothing runs.
      ].join("\n"),
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const { first, second } = JSON.parse(stdout) as { first: number[]; second: number[] };
    expect(first.every((id) => id > 0)).toBe(true);
    // A runner of its own per run would start new threads, whose ids are all higher.
    expect(Math.min(...second)).toBeLessThanOrEqual(Math.max(...first));
  }, 60_000);

  it("closes the kept runner on close(), and starts another on the next run", async () => {
    const module = await load("kept-runner");
    const first = (await module.run([1, 2])) as number[];
    await module.close();
    const second = (await module.run([1, 2])) as number[];
    expect(Math.min(...second)).toBeGreaterThan(Math.max(...first));
  }, 60_000);

  it("gives a runner that can be kept and reused", async () => {
    const module = await load("chain");
    const runner = module.createRunner({ workers: 2 });
    try {
      expect(await runner.run("x")).toEqual({ count: 1, names: ["x"] });
      expect(await runner.run("x\ny\nz")).toEqual({ count: 3, names: ["x", "y", "z"] });
    } finally {
      await runner.close();
    }
  });
});
