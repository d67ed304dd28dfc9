/**
 * How worker threads find the methods they import, and when a runner picks
 * the threads backend by itself.
 */
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  createRunner,
  ErrorCode,
  PlanError,
  threads,
  type AnyMethod,
  type FlowEvent,
  type MethodTable,
  type PlanDescriptor,
  type Runner,
  type RunnerOptions,
} from "../../stdlib/index.js";
import { plusOne as elsewherePlusOne } from "../fixtures/threads/resolve/elsewhere.js";
import { plusOne } from "../fixtures/threads/resolve/ext.methods.js";
import { plusTwo } from "../fixtures/threads/resolve/folder/index.js";
import { plusFour } from "../fixtures/threads/resolve/plain.methods.mjs";
import { plusThree } from "../fixtures/threads/resolve/written.js";
import { buildPlan } from "./plans.js";
import { recorder } from "./threads-harness.js";

const base = new URL("../fixtures/threads/resolve/", import.meta.url);

const runners: Runner<unknown, unknown>[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});

function make<I, O>(plan: PlanDescriptor, methods: Record<string, AnyMethod>, options: RunnerOptions): Runner<I, O> {
  const runner = createRunner<I, O>(plan, methods as MethodTable, options);
  runners.push(runner as Runner<unknown, unknown>);
  return runner;
}

const parallel = (module: string, exportName: string) => ({
  mode: "parallel" as const,
  minWorkers: 1,
  module,
  exportName,
});

/** Workers that ran shards of `method`. */
function workersOf(events: readonly FlowEvent[], method: string): Set<number> {
  return new Set(
    events.flatMap((event) => (event.type === "shard:end" && event.method === method ? [event.worker] : [])),
  );
}

describe("threads: where methods come from", () => {
  it("resolves each module against moduleBase: extensions, index files, .js written for .ts, JavaScript", async () => {
    const plan = buildPlan({
      a: parallel("./ext.methods", "plusOne"),
      b: parallel("./folder", "plusTwo"),
      c: parallel("./written.js", "plusThree"),
      d: parallel("./plain.methods", "plusFour"),
    });
    const { events, onEvent } = recorder();
    // A directory path without a trailing slash works as well as a URL.
    const runner = make<number[], unknown>(
      plan,
      { a: plusOne, b: plusTwo, c: plusThree, d: plusFour },
      { backend: "threads", moduleBase: fileURLToPath(base) },
    );
    await expect(runner.run([10, 20], { onEvent })).resolves.toEqual({
      a: [11, 21],
      b: [12, 22],
      c: [13, 23],
      d: [14, 24],
    });
    for (const method of ["a", "b", "c", "d"]) {
      expect([...workersOf(events, method)].every((worker) => worker > 0)).toBe(true);
    }
  });

  it("takes a module's location from 'modules' before resolving it against moduleBase", async () => {
    const plan = buildPlan({ each: parallel("./ext.methods", "plusOne") });
    const runner = make<number[], number[]>(
      plan,
      { each: elsewherePlusOne },
      {
        backend: threads(),
        moduleBase: base,
        modules: { "./ext.methods": new URL("elsewhere.ts", base) },
      },
    );
    await expect(runner.run([1, 2])).resolves.toEqual([101, 102]);
  });

  it("refuses to open when a module cannot be found, naming the method and the places tried", async () => {
    const plan = buildPlan({ each: parallel("./missing.methods", "plusOne") });
    const runner = make<number[], number[]>(plan, { each: plusOne }, { backend: "threads", moduleBase: base });
    const error = await runner.run([1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect(error).toMatchObject({ code: ErrorCode.MissingMethod, methods: ["each"] });
    const tried = [".ts", ".mts", ".js", ".mjs", "/index.ts", "/index.js"].map(
      (ext) => `${base.href}missing.methods${ext}`,
    );
    expect((error as Error).message).toBe(
      `Worker threads cannot import module './missing.methods' of 'each' (tried ${tried.join(", ")}). ` +
        "Pass each module's file URL in the runner option 'modules', keyed by the plan's module specifier, " +
        'or run in this thread with backend: "inline".',
    );
  });

  it("refuses to open when nothing says where a module is", async () => {
    const plan = buildPlan({ each: parallel("./ext.methods", "plusOne") });
    const runner = make<number[], number[]>(plan, { each: plusOne }, { backend: "threads" });
    await expect(runner.run([1])).rejects.toThrow(
      "Worker threads cannot import module './ext.methods' of 'each' (no 'modules' entry for it and no 'moduleBase' " +
        "to resolve it against).",
    );
  });

  it("refuses to open when a module does not export the method, naming both", async () => {
    const plan = buildPlan({ each: parallel("./ext.methods", "nope") });
    const runner = make<number[], number[]>(plan, { each: plusOne }, { backend: "threads", moduleBase: base });
    const error = await runner.run([1]).catch((e: unknown) => e);
    const file = new URL("ext.methods.ts", base).href;
    expect(error).toMatchObject({ code: ErrorCode.MissingMethod, methods: ["each"] });
    expect((error as Error).message).toBe(
      `Worker threads cannot load method 'each' from ${file} ('nope' is not a function exported by ${file}: ` +
        "it has no such export).",
    );
    // A later run tries to open again, and fails the same way rather than hanging.
    await expect(runner.run([1])).rejects.toThrow("Worker threads cannot load method 'each'");
  });
});

describe("threads: the default backend", () => {
  async function backendOf(plan: PlanDescriptor, options: RunnerOptions): Promise<string[]> {
    const { events, onEvent } = recorder();
    const runner = make<number[], unknown>(plan, { each: plusOne, one: (x: number[]) => x }, options);
    await runner.run([1, 2], { onEvent });
    return [...new Set(events.flatMap((event) => (event.type === "worker:up" ? [event.backend] : [])))];
  }

  it("is threads for a plan with a parallel method when the modules can be located", async () => {
    const plan = buildPlan({ each: parallel("./ext.methods", "plusOne") });
    expect(await backendOf(plan, { moduleBase: base })).toEqual(["threads"]);
    expect(await backendOf(plan, { modules: { "./ext.methods": new URL("ext.methods.ts", base) } })).toEqual([
      "threads",
    ]);
  });

  it("is inline when nothing locates the modules, or when no method is parallel", async () => {
    expect(await backendOf(buildPlan({ each: parallel("./ext.methods", "plusOne") }), {})).toEqual(["inline"]);
    expect(await backendOf(buildPlan({ one: { module: "./ext.methods" } }), { moduleBase: base })).toEqual(["inline"]);
  });
});
