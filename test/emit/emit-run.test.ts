import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGeneratedWorkspace, runtimeEntry, type GeneratedWorkspace } from "./generated-workspace.js";

/**
 * Generated runners, imported and run against the real runtime: the plan they
 * embed, the methods table and `run` work together, whatever the methods are called.
 */

interface RunnerModule {
  run(input: unknown, options?: { workers?: number }): Promise<unknown>;
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

afterAll(() => workspace.dir.remove());

async function load(name: string): Promise<RunnerModule> {
  const file = workspace.runners.get(name);
  if (file === undefined) throw new Error(`no runner for ${name}`);
  const { tsImport } = await import("tsx/esm/api");
  return (await tsImport(pathToFileURL(file).href, import.meta.url)) as RunnerModule;
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
