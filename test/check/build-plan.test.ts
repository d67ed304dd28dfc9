import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PLAN_FORMAT, type PlanDescriptor } from "../../stdlib/plan.js";
import { renderGraph } from "../../src/graph/render.js";
import { buildPlan } from "../../src/plan/build-plan.js";
import { runCheck, tableHost } from "./pipeline.js";

function plan(text: string, path = "etl.flow"): PlanDescriptor {
  const { analysis, diagnostics } = runCheck(text, { path });
  expect(diagnostics).toEqual([]);
  expect(analysis.plan).toBeDefined();
  return analysis.plan!;
}

/** Canonical JSON written independently of the implementation: sorted keys, no spaces. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const etl = `
import { pull as extract } from "./sources.methods";
extract, transform, load { execution_flow: sequential; }
transform { execution_flow: parallel; min_worker_count: 4; max_worker_count: 8; }
load { retries: 3; timeout: 5m; }
`;

describe("buildPlan", () => {
  it("describes every method with its module, export and settings, absent settings as null", () => {
    const p = plan(etl);
    expect(p.format).toBe(PLAN_FORMAT);
    expect(p.name).toBe("etl");
    expect(p.methods).toEqual([
      {
        name: "extract",
        module: "./sources.methods",
        exportName: "pull",
        mode: "single",
        minWorkers: 1,
        maxWorkers: null,
        retries: 0,
        timeoutMs: null,
        shardSize: null,
        takesInput: true,
        inputs: [],
        helper: false,
        runIf: null,
        fallback: null,
        onError: "fail",
        maxFailures: null,
        branch: null,
        optional: [],
        cache: true,
        codeHash: null,
      },
      {
        name: "transform",
        module: "./etl.methods",
        exportName: "transform",
        mode: "parallel",
        minWorkers: 4,
        maxWorkers: 8,
        retries: 0,
        timeoutMs: null,
        shardSize: null,
        takesInput: true,
        inputs: ["extract"],
        helper: false,
        runIf: null,
        fallback: null,
        onError: "fail",
        maxFailures: null,
        branch: null,
        optional: [],
        cache: true,
        codeHash: null,
      },
      {
        name: "load",
        module: "./etl.methods",
        exportName: "load",
        mode: "single",
        minWorkers: 1,
        maxWorkers: null,
        retries: 3,
        timeoutMs: 300_000,
        shardSize: null,
        takesInput: true,
        inputs: ["transform"],
        helper: false,
        runIf: null,
        fallback: null,
        onError: "fail",
        maxFailures: null,
        branch: null,
        optional: [],
        cache: true,
        codeHash: null,
      },
    ]);
    expect(p.sources).toEqual(["extract"]);
    expect(p.sinks).toEqual(["load"]);
  });

  it("orders methods topologically, ties by first mention, and fan-in inputs in that order", () => {
    // First mention: p, join, q, r. q and r are ready first; p needs r.
    const p = plan(`
      p, join { execution_flow: sequential; }
      q, join { execution_flow: sequential; }
      r, p { execution_flow: sequential; }
    `);
    expect(p.methods.map((m) => m.name)).toEqual(["q", "r", "p", "join"]);
    expect(p.methods.find((m) => m.name === "join")?.inputs).toEqual(["q", "p"]);
    expect(p.edges).toEqual([
      { from: "r", to: "p" },
      { from: "q", to: "join" },
      { from: "p", to: "join" },
    ]);
    expect(p.sources).toEqual(["q", "r"]);
    expect(p.sinks).toEqual(["join"]);
  });

  it("records concurrent groups once each, in plan order, and keeps a parallel method's maximum only when parallel", () => {
    const p = plan(`
      a, b, c, d { execution_flow: sequential; }
      c, b { execution_flow: concurrent; }
      c { execution_flow: parallel; min_worker_count: 2; }
    `);
    expect(p.concurrent).toEqual([["b", "c"]]);
    expect(p.methods.map((m) => [m.name, m.mode, m.minWorkers, m.maxWorkers])).toEqual([
      ["a", "single", 1, null],
      ["b", "single", 1, null],
      ["c", "parallel", 2, null],
      ["d", "single", 1, null],
    ]);
  });

  it("writes a concurrent group of n methods as n names, not n² (one group of 2,000 independent methods)", () => {
    const names = Array.from({ length: 2_000 }, (_, i) => `m${i}`);
    const p = plan(`${names.join(", ")} { execution_flow: concurrent; }\n`);
    expect(p.concurrent).toEqual([names]);
    // Every method once in the group, and nowhere else: the plan's JSON grows with n.
    expect(JSON.stringify(p).length).toBeLessThan(2_000 * 400);
  });

  it("carries a parallel method's shard_size, null elsewhere, into the hash and the graph label", () => {
    const sharded = `${etl}transform { shard_size: 32; }\n`;
    const p = plan(sharded);
    expect(p.methods.map((m) => [m.name, m.shardSize])).toEqual([
      ["extract", null],
      ["transform", 32],
      ["load", null],
    ]);
    expect(p.jsonSafe).toBe(false);
    expect(p.hash).not.toBe(plan(etl).hash);
    expect(renderGraph(p, "mermaid")).toContain('m1[["transform<br/>×4..8 · shards of 32"]]');
    expect(renderGraph(p, "dot")).toContain('m1 [label="transform\\n×4..8 · shards of 32", shape=box3d];');
  });

  it("hashes the canonical JSON of the plan without its hash", () => {
    const p = plan(etl);
    const { hash, ...rest } = p;
    expect(hash).toBe(createHash("sha256").update(canonical(rest)).digest("hex"));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is plain JSON data", () => {
    const p = plan(etl);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it("gives the same plan and hash for the same manifest, whatever its layout and comments", () => {
    const reformatted = `// the same flow
      import { pull as extract } from "./sources.methods";
      {
        extract,transform,load < execution_flow: sequential; >
        load { timeout: 300s; retries: 3; }   /* same settings, other order and unit */
        transform { max_worker_count: 8; execution_flow: parallel; min_worker_count: 4; }
      }`;
    expect(plan(reformatted)).toEqual(plan(etl));
  });

  it("changes the hash when anything that affects a run changes", () => {
    const base = plan(etl).hash;
    expect(plan(etl.replace("retries: 3", "retries: 4")).hash).not.toBe(base);
    expect(plan(etl.replace("pull as extract", "pull2 as extract")).hash).not.toBe(base);
    expect(plan(etl, "other.flow").hash).not.toBe(base);
  });

  it("is built by check only when no phase reported an error", () => {
    const missingModule = runCheck("a, b { execution_flow: sequential; }", { host: tableHost({}) });
    expect(missingModule.analysis.diagnostics).toEqual([]);
    expect(missingModule.resolution.diagnostics.map((d) => d.code)).toEqual([2002]);
    expect(missingModule.analysis.plan).toBeUndefined();

    const cyclic = runCheck("a, b, a2 { execution_flow: sequential; } a2, a { execution_flow: sequential; }");
    expect(cyclic.analysis.plan).toBeUndefined();

    const warned = runCheck("a, b { execution_flow: sequential; } c { retries: 1; }");
    expect(warned.diagnostics.map((d) => d.code)).toEqual([3008]);
    expect(warned.analysis.plan?.methods.map((m) => m.name)).toEqual(["a", "b", "c"]);
  });

  it("never fails on a graph with a cycle when called directly", () => {
    const { analysis } = runCheck("a, b { execution_flow: sequential; } b, a { execution_flow: sequential; }");
    const p = buildPlan("loop", analysis.graph, analysis.settings, analysis.resolution);
    expect(p.methods.map((m) => m.name)).toEqual(["a", "b"]);
  });
});
