import { createHash } from "node:crypto";
import path from "node:path";
import type { Project } from "ts-morph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../../src/check/types.js";
import { canonicalJson } from "../../src/plan/canonical-json.js";
import { createTypeScriptHost } from "../../src/typecheck/module-host.js";
import { createProject } from "../../src/typecheck/project.js";
import { typeCheck } from "../../src/typecheck/type-check.js";
import type { TypedPlan } from "../../src/typecheck/types.js";
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

function check(manifest: string, methods: string): TypedPlan {
  return typeCheck(analyse(manifest, methods), project);
}

const messages = (typed: TypedPlan) => describeDiagnostics(typed.analysis.source, typed.diagnostics);

describe("the typed plan", () => {
  it("is a new plan with takesInput from the signatures and a hash to match; the analysis is untouched", () => {
    const analysis = analyse(
      "start, finish { execution_flow: sequential; }\n",
      "export const start = (): number => 1;\nexport const finish = (n: number): string => String(n);\n",
    );
    const before = JSON.stringify(analysis.plan);
    const typed = typeCheck(analysis, project);
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

  it("reads optional, rest, generic and overloaded signatures the way TypeScript's Parameters does", () => {
    const typed = check(
      "opt, rest, generic, overloaded { execution_flow: sequential; }\n",
      [
        "export function opt(x?: string): number { return x?.length ?? 0; }",
        "export function rest(...xs: unknown[]): number { return xs.length; }",
        "export function generic<T>(x: T): T { return x; }",
        // The last overload is the one TypeScript's Parameters and ReturnType see, and so do generated runners.
        "export function overloaded(x: string): string;",
        "export function overloaded(x: unknown): boolean;",
        "export function overloaded(x: unknown): unknown { return x; }",
      ].join("\n"),
    );
    expect(messages(typed)).toEqual([]);
    expect(Object.fromEntries(typed.types)).toEqual({
      opt: { input: "string | undefined", output: "number", takesInput: true },
      rest: { input: "unknown", output: "number", takesInput: true },
      generic: { input: "unknown", output: "unknown", takesInput: true },
      overloaded: { input: "unknown", output: "boolean", takesInput: true },
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
        "'tick' is parallel, so it must receive an array of its input, but it receives 'number' from 'one'.",
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
    expect(messages(typeCheck(tampered, project)).map((d) => [d.code, d.line, d.column, d.message])).toEqual([
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
    const typed = typeCheck(tampered, project);
    expect(typed.diagnostics).toHaveLength(1);
    expect(typed.diagnostics[0]?.message).toBe(
      `TypeScript cannot read 'hostile': Module '"./case12.methods.js"' has no exported member '${JSON.stringify(exportName)}'.`,
    );
  });

  it("reports a value that cannot be called", () => {
    // The resolver refuses such a method; the type-check must still cope with it.
    dir.write("value.methods.ts", "export const value = 42;\n");
    const analysis = buildAnalysis(path.join(dir.root, "value.flow"), "value { retries: 1; }\n", {
      host: createTypeScriptHost(project),
    });
    expect(messages(typeCheck(analysis, project)).map((d) => [d.code, d.column, d.message])).toEqual([
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
    const typed = typeCheck(built, project);
    expect(messages(typed).map((d) => [d.code, d.column, d.message])).toEqual([
      ["FLOW4006", 1, "TypeScript cannot check 'lost': module './lost.methods' was not found."],
      ["FLOW4006", 7, "TypeScript cannot check 'found': module './lost.methods' was not found."],
    ]);
    expect(typed.plan).toBe(built.plan);
  });

  it("reports a missing plan instead of throwing", () => {
    const built = buildAnalysis(path.join(dir.root, "none.flow"), "a { retries: 1; }\n");
    const typed = typeCheck({ ...built, plan: undefined }, project);
    expect(typed.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [4006, "The manifest has no plan to type-check; fix the errors reported before."],
    ]);
    expect(typed.plan.methods).toEqual([]);
  });

  it("turns an exception inside TypeScript into a diagnostic at the first method", () => {
    const built = buildAnalysis(path.join(dir.root, "boom.flow"), "\n  boom { retries: 1; }\n");
    const broken = {
      createSourceFile: () => {
        throw new Error("disk on fire");
      },
    } as unknown as Project;
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
    const typed = typeCheck(analyseManifest(manifest, createTypeScriptHost(project)), project);
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
    const typed = typeCheck(analyseManifest(manifest, createTypeScriptHost(project)), project);
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
