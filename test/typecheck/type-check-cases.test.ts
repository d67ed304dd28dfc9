import { createHash } from "node:crypto";
import path from "node:path";
import type { Project } from "ts-morph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../../src/analysis.js";
import { canonicalJson } from "../../src/plan/canonical-json.js";
import { createTypeScriptHost } from "../../src/typecheck/ts6/module-host.js";
import { createProject } from "../../src/typecheck/ts6/project.js";
import { typeScript6Project } from "../../src/typecheck/ts6/engine.js";
import { typeCheck } from "../../src/typecheck/type-check.js";
import type { TypeCheckOptions, TypedPlan } from "../../src/typecheck/types.js";
import { buildAnalysis } from "./analysis-builder.js";
import { describeDiagnostics } from "./fixture-support.js";
import { analyseManifest } from "./pipeline.js";
import { createTempDir, type TempDir } from "./temp-project.js";

let dir: TempDir;
let project: Project;
let count = 0;

beforeAll(() => {
  dir = createTempDir("flowc-typecheck-");
  dir.write("package.json", JSON.stringify({ type: "module" }));
  dir.write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: "NodeNext",
        lib: ["ES2023"],
        types: ["node"],
        typeRoots: [path.resolve("node_modules/@types")],
      },
    }),
  );
  project = createProject(path.join(dir.root, "tsconfig.json"));
});

afterAll(() => dir.remove());

/** Writes a manifest and its default methods module, and runs the real front end on it. */
function analyse(manifest: string, methods: string): Analysis {
  const name = `case${++count}`;
  dir.write(`${name}.methods.ts`, methods);
  const file = dir.write(`${name}.flow`, manifest);
  return analyseManifest(file, createTypeScriptHost(project));
}

function check(manifest: string, methods: string, options?: TypeCheckOptions): TypedPlan {
  return typeCheck(analyse(manifest, methods), typeScript6Project(project), options);
}

const messages = (typed: TypedPlan) => describeDiagnostics(typed.analysis.source, typed.diagnostics);

describe("the typed plan", () => {
  it("is a new plan with takesInput from the signatures and a hash to match; the analysis is untouched", () => {
    const analysis = analyse(
      "start, finish { execution_flow: sequential; }\n",
      "export const start = (): number => 1;\nexport const finish = (n: number): string => String(n);\n",
    );
    const before = JSON.stringify(analysis.plan);
    const typed = typeCheck(analysis, typeScript6Project(project));
    expect(typed.diagnostics).toEqual([]);
    expect(JSON.stringify(analysis.plan)).toBe(before);
    expect(typed.plan).not.toBe(analysis.plan);
    expect(typed.plan.methods.map((m) => [m.name, m.takesInput])).toEqual([
      ["start", false],
      ["finish", true],
    ]);
    const { hash, ...body } = typed.plan;
    expect(hash).toBe(createHash("sha256").update(canonicalJson(body)).digest("hex"));
    expect(hash).not.toBe(analysis.plan?.hash);
  });

  it("leaves the project as it found it, ready for the next manifest", () => {
    const files = () =>
      project
        .getSourceFiles()
        .map((file) => file.getFilePath())
        .filter((p) => p.includes("__flowc"));
    check("only { retries: 1; }\n", "export function only(x: string): string { return x; }\n");
    expect(files()).toEqual([]);
  });

  it("gives the run's input as an array for a parallel source, and keys several sinks by name", () => {
    const typed = check(
      "each { execution_flow: parallel; min_worker_count: 2; }\neach, sum { execution_flow: sequential; }\neach, max { execution_flow: sequential; }\n",
      [
        "export const each = (s: string) => s.length;",
        "export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);",
        "export async function max(xs: readonly number[]) { return Math.max(...xs); }",
      ].join("\n"),
    );
    expect(typed.diagnostics).toEqual([]);
    expect(typed.inputType).toBe("readonly string[]");
    expect(typed.outputType).toBe("{ sum: number; max: number; }");
  });

  it("reads optional and rest inputs as Parameters does, and the outputs of generic and overloaded methods from a call", () => {
    const typed = check(
      "opt, rest, generic, overloaded { execution_flow: sequential; }\n",
      [
        "export function opt(x?: string): number { return x?.length ?? 0; }",
        "export function rest(...xs: unknown[]): number { return xs.length; }",
        "export function generic<T>(x: T): T { return x; }",
        // The last overload is the one TypeScript's Parameters sees; a call with a number picks it too.
        "export function overloaded(x: string): string;",
        "export function overloaded(x: unknown): boolean;",
        "export function overloaded(x: unknown): unknown { return x; }",
      ].join("\n"),
    );
    expect(messages(typed)).toEqual([]);
    expect(Object.fromEntries(typed.types)).toEqual({
      opt: {
        input: "string | undefined",
        output: "number",
        takesInput: true,
        signature: "(x?: string | undefined) => number",
      },
      rest: { input: "unknown", output: "number", takesInput: true, signature: "(...xs: unknown[]) => number" },
      // Called with what `rest` returns, `generic` infers T = number; its signature stays generic.
      generic: { input: "unknown", output: "number", takesInput: true, signature: "<T>(x: T) => T" },
      // Every overload, as TypeScript prints a function type that has several.
      overloaded: {
        input: "unknown",
        output: "boolean",
        takesInput: true,
        signature: "{ (x: string): string; (x: unknown): boolean; }",
      },
    });
    expect(typed.inputType).toBe("string | undefined");
  });

  it("checks the context parameter even when its second parameter is optional or a rest", () => {
    const typed = check(
      "a, b, c { execution_flow: sequential; }\n",
      [
        "export function a(x: string, ctx?: { readonly attempt: number; readonly item: number | undefined }): string { return x; }",
        "export function b(x: string, ...more: string[]): string { return x + more.length; }",
        "export function c(x: string, ctx: { signal: AbortSignal; retry: boolean }): string { return x; }",
      ].join("\n"),
    );
    expect(messages(typed)).toEqual([
      {
        code: "FLOW4004",
        severity: "error",
        line: 1,
        column: 4,
        endLine: 1,
        endColumn: 5,
        message:
          "The second parameter of 'b' has type 'string', which a run context ('RunContext') cannot be assigned to.",
      },
      {
        code: "FLOW4004",
        severity: "error",
        line: 1,
        column: 7,
        endLine: 1,
        endColumn: 8,
        message:
          "The second parameter of 'c' has type '{ signal: AbortSignal; retry: boolean; }', which a run context ('RunContext') cannot be assigned to.",
      },
    ]);
  });

  it("reports a fan-in mismatch once, at the receiver's first incoming edge, naming every sender", () => {
    const typed = check(
      [
        "x, z { execution_flow: sequential; }",
        "y, z { execution_flow: sequential; }",
        "w, z { execution_flow: sequential; }",
        "",
      ].join("\n"),
      [
        "export const x = () => 1;",
        "export const y = () => 'y';",
        "export const w = () => true;",
        "export const z = (input: { x: number; y: number }) => input.x + input.y;",
      ].join("\n"),
    );
    expect(messages(typed)).toEqual([
      {
        code: "FLOW4001",
        severity: "error",
        line: 1,
        column: 4,
        endLine: 1,
        endColumn: 5,
        message:
          "The output of 'x', 'y' and 'w' together does not fit the input of 'z': type '{ x: number; y: string; w: boolean; }' is not assignable to type '{ x: number; y: number; }'. Types of property 'y' are incompatible. Type 'string' is not assignable to type 'number'.",
      },
    ]);
  });

  it("accepts a readonly array for a parallel method, and any value for a method without input", () => {
    const typed = check(
      "list, each, ignore { execution_flow: sequential; }\neach { execution_flow: parallel; min_worker_count: 2; }\n",
      [
        "export const list = (): readonly string[] => ['a'];",
        "export const each = (s: string) => s.length;",
        "export const ignore = () => 'done';",
      ].join("\n"),
    );
    expect(typed.diagnostics).toEqual([]);
    expect(typed.outputType).toBe("string");
  });

  it("reports a parallel method without input that receives no array", () => {
    const typed = check(
      "one, tick { execution_flow: sequential; }\ntick { execution_flow: parallel; min_worker_count: 2; }\n",
      "export const one = () => 1;\nexport const tick = () => Date.now();\n",
    );
    expect(messages(typed).map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      [
        "FLOW4002",
        1,
        6,
        "'tick' is parallel, so it must receive an array (or an iterable object) of its input, but it receives 'number' from 'one'.",
      ],
    ]);
  });

  it("does not call sources that take `never` a disagreement", () => {
    const typed = check(
      "a, c { execution_flow: sequential; }\nb, c { execution_flow: sequential; }\n",
      "export const a = (x: never) => 1;\nexport const b = (x: string) => 2;\nexport const c = (i: { a: number; b: number }) => i.a + i.b;\n",
    );
    expect(typed.diagnostics).toEqual([]);
  });

  it("lists every source that takes part in an impossible run input", () => {
    const typed = check(
      "a, d { execution_flow: sequential; }\nb, d { execution_flow: sequential; }\nc, d { execution_flow: sequential; }\n",
      [
        "export const a = (x: { id: number }) => 1;",
        "export const b = (x: string) => 2;",
        "export const c = (x: number) => 3;",
        "export const d = (i: unknown) => i;",
      ].join("\n"),
    );
    expect(messages(typed).map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      [
        "FLOW4005",
        3,
        1,
        "The methods that receive the run's input disagree on its type: 'a' takes '{ id: number; }', 'b' takes 'string' and 'c' takes 'number'.",
      ],
    ]);
    expect(typed.inputType).toBe("never");
  });
});

describe("failures of TypeScript itself (FLOW4006)", () => {
  it("reports a method TypeScript cannot find in its module once, at its mention, and nothing that follows from it", () => {
    const analysis = analyse(
      "first, second { execution_flow: sequential; }\n",
      "export const first = () => 1;\nexport const second = (n: string) => n;\n",
    );
    const plan = analysis.plan;
    if (plan === undefined) throw new Error("no plan");
    const tampered: Analysis = {
      ...analysis,
      plan: { ...plan, methods: plan.methods.map((m) => (m.name === "first" ? { ...m, exportName: "missing" } : m)) },
    };
    expect(
      messages(typeCheck(tampered, typeScript6Project(project))).map((d) => [d.code, d.line, d.column, d.message]),
    ).toEqual([
      [
        "FLOW4006",
        1,
        1,
        "TypeScript cannot read 'first': Module '\"./case11.methods.js\"' has no exported member 'missing'.",
      ],
    ]);
  });

  it("writes names and paths from the manifest as strings, so that they cannot change the probe file", () => {
    const analysis = analyse("hostile { retries: 1; }\n", "export const hostile = (x: string) => x;\n");
    const plan = analysis.plan;
    if (plan === undefined) throw new Error("no plan");
    const exportName = '"]; declare const broken: number; type X = ["';
    const tampered: Analysis = {
      ...analysis,
      plan: { ...plan, methods: plan.methods.map((m) => ({ ...m, exportName })) },
    };
    const typed = typeCheck(tampered, typeScript6Project(project));
    expect(typed.diagnostics).toHaveLength(1);
    // TypeScript names the member as the probe quotes it: with single quotes, the string holding double ones.
    expect(typed.diagnostics[0]?.message).toBe(
      `TypeScript cannot read 'hostile': Module '"./case12.methods.js"' has no exported member ''"]; declare const broken: number; type X = ["''.`,
    );
  });

  it("reports a value that cannot be called", () => {
    // The resolver refuses such a method; the type-check must still cope with it.
    dir.write("value.methods.ts", "export const value = 42;\n");
    const analysis = buildAnalysis(path.join(dir.root, "value.flow"), "value { retries: 1; }\n", {
      host: createTypeScriptHost(project),
    });
    expect(
      messages(typeCheck(analysis, typeScript6Project(project))).map((d) => [d.code, d.column, d.message]),
    ).toEqual([
      [
        "FLOW4006",
        1,
        "TypeScript cannot read 'value': Type 'number' does not satisfy the constraint '(...args: any) => any'.",
      ],
    ]);
  });

  it("reports a method whose module is unknown without asking TypeScript", () => {
    const built = buildAnalysis(path.join(dir.root, "lost.flow"), "lost, found { execution_flow: sequential; }\n", {
      host: { resolveModule: () => undefined },
    });
    const typed = typeCheck(built, typeScript6Project(project));
    expect(messages(typed).map((d) => [d.code, d.column, d.message])).toEqual([
      ["FLOW4006", 1, "TypeScript cannot check 'lost': module './lost.methods' was not found."],
      ["FLOW4006", 7, "TypeScript cannot check 'found': module './lost.methods' was not found."],
    ]);
    expect(typed.plan).toBe(built.plan);
  });

  it("reports a missing plan instead of throwing", () => {
    const built = buildAnalysis(path.join(dir.root, "none.flow"), "a { retries: 1; }\n");
    const typed = typeCheck({ ...built, plan: undefined }, typeScript6Project(project));
    expect(typed.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [4006, "The manifest has no plan to type-check; fix the errors reported before."],
    ]);
    expect(typed.plan.methods).toEqual([]);
  });

  it("turns an exception inside TypeScript into a diagnostic at the first method", () => {
    const built = buildAnalysis(path.join(dir.root, "boom.flow"), "\n  boom { retries: 1; }\n");
    const fire = () => {
      throw new Error("disk on fire");
    };
    // A project whose compiler fails as soon as it is asked to check anything.
    const broken = { ...typeScript6Project(createProject(undefined)), checkProbe: fire, callShape: fire };
    const typed = typeCheck(built, broken);
    expect(messages(typed).map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ["FLOW4006", 2, 3, "TypeScript failed while checking the methods: disk on fire"],
    ]);
  });
});

describe("messages", () => {
  it("tells namesake types from different modules apart", () => {
    dir.write("namesakes/a.ts", "export interface Row { readonly id: number }\nexport const make = (): Row[] => [];\n");
    dir.write(
      "namesakes/b.ts",
      "export interface Row { readonly id: string }\nexport const take = (rows: Row[]): number => rows.length;\n",
    );
    const manifest = dir.write(
      "namesakes/rows.flow",
      'import { make } from "./a";\nimport { take } from "./b";\nmake, take { execution_flow: sequential; }\n',
    );
    const typed = typeCheck(analyseManifest(manifest, createTypeScriptHost(project)), typeScript6Project(project));
    expect(messages(typed).map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      [
        "FLOW4001",
        3,
        7,
        `The output of 'make' does not fit the input of 'take': type 'import("./a.js").Row[]' is not assignable to type 'import("./b.js").Row[]'. Type 'import("./a").Row' is not assignable to type 'import("./b").Row'. Types of property 'id' are incompatible. Type 'number' is not assignable to type 'string'.`,
      ],
    ]);
  });
});

describe("module formats", () => {
  it("reads ES-module methods from a manifest in a CommonJS package", () => {
    dir.write("cjs/package.json", JSON.stringify({ type: "commonjs" }));
    dir.write(
      "cjs/steps.mts",
      "export const first = (s: string): number => s.length;\nexport const second = (n: string): string => n;\n",
    );
    const manifest = dir.write(
      "cjs/steps.flow",
      'import { first, second } from "./steps.mjs";\nfirst, second { execution_flow: sequential; }\n',
    );
    const typed = typeCheck(analyseManifest(manifest, createTypeScriptHost(project)), typeScript6Project(project));
    expect(messages(typed).map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      [
        "FLOW4001",
        2,
        8,
        "The output of 'first' does not fit the input of 'second': type 'number' is not assignable to type 'string'.",
      ],
    ]);
  });
});

describe("values between threads and processes (FLOW4007, FLOW4008)", () => {
  const chain =
    "make, each, gather { execution_flow: sequential; }\neach < execution_flow: parallel; min_worker_count: 2; >\n";
  const codes = (typed: TypedPlan) => messages(typed).map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`);

  it("refuses only edges into or out of a parallel method, and only warns when the backend is inline", () => {
    // No call is kept in a run's journal, which would lose the functions too (FLOW4024): only threads are judged.
    const manifest =
      "start, make, each, gather, finish { execution_flow: sequential; cache: false; }\neach < execution_flow: parallel; min_worker_count: 2; >\n";
    const methods = [
      "export const start = (n: number) => ({ n, f: () => n });",
      "export const make = (x: { n: number; f: () => number }) => [x];",
      "export const each = (x: { n: number; f: () => number }) => ({ ...x });",
      "export const gather = (xs: { n: number; f: () => number }[]) => xs;",
      "export const finish = (xs: { n: number; f: () => number }[]) => xs.length;",
    ].join("\n");
    const refused = [
      "FLOW4007 1:14 Values from 'make' to 'each' cross between threads, but f: () => number cannot be cloned.",
      "FLOW4007 1:20 Values from 'each' to 'gather' cross between threads, but f: () => number cannot be cloned.",
    ];
    expect(codes(check(manifest, methods))).toEqual(refused);
    expect(messages(check(manifest, methods)).map((d) => d.severity)).toEqual(["error", "error"]);
    expect(codes(check(manifest, methods, { backend: "threads" }))).toEqual(refused);
    const inline = check(manifest, methods, { backend: "inline" });
    expect(codes(inline)).toEqual([
      "FLOW4010 1:14 Values from 'make' to 'each' stay in this thread with the 'inline' backend, but would cross between threads on 'threads', where f: () => number cannot be cloned.",
      "FLOW4010 1:20 Values from 'each' to 'gather' stay in this thread with the 'inline' backend, but would cross between threads on 'threads', where f: () => number cannot be cloned.",
    ]);
    expect(messages(inline).map((d) => d.severity)).toEqual(["warning", "warning"]);
  });

  it("refuses the run's input into a parallel source and a parallel sink's output that cannot cross", () => {
    const typed = check(
      "each { execution_flow: parallel; min_worker_count: 2; }\n",
      "export const each = (job: { run: () => void }): symbol => Symbol(String(job));\n",
    );
    expect(codes(typed)).toEqual([
      "FLOW4007 1:1 Values from the run's input to 'each' cross between threads, but run: () => void cannot be cloned.",
      "FLOW4007 1:1 Values from 'each' to the run's output cross between threads, but symbol cannot be cloned.",
    ]);
  });

  it("says nothing about an edge whose types do not fit, which is reported already", () => {
    const typed = check(
      chain,
      [
        "export const make = () => [() => 1];",
        "export const each = (x: string) => x;",
        "export const gather = (xs: string[]) => xs;",
      ].join("\n"),
    );
    expect(messages(typed).map((d) => d.code)).toEqual(["FLOW4001"]);
  });

  it("with bullmq, checks every edge, the run's input and the run's output as JSON", () => {
    const typed = check(
      "a, b { execution_flow: sequential; }\n",
      [
        "export const a = (since: Date) => ({ at: since, count: 1n });",
        "export const b = (x: { at: Date; count: bigint }) => new Map([[x.at, x.count]]);",
      ].join("\n"),
      { backend: "bullmq" },
    );
    expect(codes(typed)).toEqual([
      "FLOW4008 1:1 Values from the run's input to 'a' travel as JSON with the 'bullmq' backend, but Date becomes a string.",
      "FLOW4008 1:4 Values from 'a' to 'b' travel as JSON with the 'bullmq' backend, but at: Date becomes a string; count: bigint cannot be written as JSON.",
      "FLOW4008 1:4 Values from 'b' to the run's output travel as JSON with the 'bullmq' backend, but Map<Date, bigint> becomes an empty object.",
    ]);
    expect(typed.plan.jsonSafe).toBe(false);
  });

  it("with bullmq, keeps undefined items and fan-in members, but not undefined in an array sent whole", () => {
    const typed = check(
      `${chain}solo, gather2 { execution_flow: sequential; }\neach, gather2 { execution_flow: sequential; }\n`,
      [
        "export const make = (): (string | undefined)[] => [undefined];",
        "export const each = (x: string | undefined): number | undefined => x?.length;",
        "export const gather = (xs: (number | undefined)[]) => xs.length;",
        "export const solo = (): string | undefined => undefined;",
        "export const gather2 = (x: { solo: unknown; each: unknown }) => String(x);",
      ].join("\n"),
      { backend: "bullmq" },
    );
    // 'make' → 'each' sends items one by one and 'solo' is a fan-in member of its own: both keep undefined.
    // A run's journal keeps the output of 'make' whole, as JSON, where its undefined element would become null.
    expect(codes(typed)).toEqual([
      "FLOW4024 1:1 The output of 'make' cannot be stored in a run's journal, which keeps it as JSON: undefined becomes null. Its calls will be neither stored nor reused on --resume; write 'cache: false;' for 'make', or return plain data.",
      "FLOW4008 1:13 Values from 'each' to 'gather' travel as JSON with the 'bullmq' backend, but undefined becomes null.",
      "FLOW4008 4:7 Values from 'each' to 'gather2' travel as JSON with the 'bullmq' backend, but undefined becomes null.",
    ]);
  });

  it("marks the plan jsonSafe only with bullmq and no error, and hashes the mark", () => {
    const methods = [
      "export const make = (n: number) => Array.from({ length: n }, (_, i) => ({ i, label: String(i) }));",
      "export const each = async (x: { i: number; label?: string }) => ({ ...x, done: true });",
      "export const gather = (xs: readonly { i: number; done: boolean }[]) => xs.length;",
    ].join("\n");
    const plain = check(chain, methods);
    const bullmq = check(chain, methods, { backend: "bullmq" });
    const threads = check(chain, methods, { backend: "threads" });
    expect([messages(plain), messages(bullmq), messages(threads)]).toEqual([[], [], []]);
    expect([plain.plan.jsonSafe, bullmq.plan.jsonSafe, threads.plan.jsonSafe]).toEqual([false, true, false]);
    const { hash, ...body } = bullmq.plan;
    expect(hash).toBe(createHash("sha256").update(canonicalJson(body)).digest("hex"));
    expect(hash).not.toBe(plain.plan.hash);
  });
});

describe("outputs a run's journal cannot store (FLOW4024)", () => {
  const codes = (typed: TypedPlan) => messages(typed).map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`);
  const warning = (method: string, keeps: string, lost: string) =>
    `The output of '${method}' cannot be stored in a run's journal, which keeps ${keeps}: ${lost}. Its calls will be neither stored nor reused on --resume; write 'cache: false;' for '${method}', or return plain data.`;

  it("judges every cached method's own output, as a structured clone or, with bullmq, as JSON", () => {
    const manifest = "open, read { execution_flow: sequential; }\nread { fallback: reread; }\n";
    const methods = [
      "export const open = (path: string) => ({ path, close: () => undefined });",
      "export const read = (file: { path: string }): { text: string } => ({ text: file.path });",
      "export const reread = (file: { path: string }) => ({ text: file.path, at: new Date() });",
    ].join("\n");
    expect(codes(check(manifest, methods, { backend: "inline" }))).toEqual([
      `FLOW4024 1:1 ${warning("open", "a structured clone of it", "close: () => undefined cannot be cloned")}`,
    ]);
    // With bullmq the edge refuses the output of 'open' already; the fallback's own output is judged here only.
    expect(codes(check(manifest, methods, { backend: "bullmq" }))).toEqual([
      "FLOW4008 1:7 Values from 'open' to 'read' travel as JSON with the 'bullmq' backend, but close: () => undefined is dropped.",
      `FLOW4024 2:18 ${warning("reread", "it as JSON", "at: Date becomes a string")}`,
    ]);
  });

  it("says nothing of a method with 'cache: false;', nor of a generator a parallel method reads item by item", () => {
    const manifest = [
      "numbers, square, total { execution_flow: sequential; }",
      "square < execution_flow: parallel; min_worker_count: 2; >",
      "clock, total { execution_flow: sequential; }",
      "clock { cache: false; }",
      "",
    ].join("\n");
    const methods = [
      "export function* numbers(limit: number): Generator<number> { for (let n = 1; n <= limit; n++) yield n; }",
      "export const square = (n: number): number => n * n;",
      "export const clock = () => ({ now: () => Date.now() });",
      "export const total = (parts: { square: number[]; clock: { now: () => number } }): number => parts.square.length;",
    ].join("\n");
    expect(codes(check(manifest, methods, { backend: "inline" }))).toEqual([]);
    // The same manifest with the clock cached.
    expect(codes(check(manifest.replace("clock { cache: false; }\n", ""), methods, { backend: "inline" }))).toEqual([
      `FLOW4024 3:1 ${warning("clock", "a structured clone of it", "now: () => number cannot be cloned")}`,
    ]);
  });
});
