import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSourceText } from "../../grammar/source.js";
import { check } from "../../src/api/compile.js";
import { compile } from "../../src/compile.js";
import type { TypeScriptVersion } from "../../src/typecheck/engine.js";
import type { SourceLocation, TypedPlan } from "../../src/typecheck/types.js";
import { createTypeScriptServices } from "../../src/typescript-services.js";
import { nodeProject } from "../cli/helpers.js";
import { createTempDir, type TempDir } from "./temp-project.js";

/**
 * What the type-check tells editors besides its diagnostics, over real projects on both
 * TypeScript engines: what travels along each edge, each method's signature, and where
 * each method is declared.
 */
let dir: TempDir;
const engines = new Map(
  ([7, 6] as const).map((version) => [version, createTypeScriptServices({ typescript: version })] as const),
);

beforeAll(() => {
  dir = createTempDir("flowc-typed-facts-");
  nodeProject(dir.root);
});
afterAll(() => {
  for (const services of engines.values()) services.close();
  dir.remove();
});

/** Writes `<name>.flow` and its default methods module, and compiles it with TypeScript `version`. */
async function typed(version: TypeScriptVersion, name: string, manifest: string, methods: string): Promise<TypedPlan> {
  dir.write(`${name}.methods.ts`, methods);
  const file = dir.write(`${name}.flow`, manifest);
  const result = await compile(createSourceText(file, readFileSync(file, "utf8")), {}, engines.get(version));
  if (result.typed === undefined) {
    const messages = result.diagnostics.map((diagnostic) => `FLOW${diagnostic.code} ${diagnostic.message}`);
    throw new Error(`${name}.flow was not type-checked:\n${messages.join("\n")}`);
  }
  return result.typed;
}

const errorCodes = (plan: TypedPlan) => plan.diagnostics.map((diagnostic) => diagnostic.code);

describe.each([7, 6] as const)("on TypeScript %i", (version) => {
  describe("the edges", () => {
    it("of a chain carry each sender's output, awaited", async () => {
      const plan = await typed(
        version,
        "chain",
        "extract, transform, load { execution_flow: sequential; }\n",
        [
          "export interface Row { id: number; name: string }",
          "export function extract(path: string): Row[] { return [{ id: path.length, name: path }]; }",
          "export async function transform(rows: Row[]): Promise<string[]> { return rows.map((row) => row.name); }",
          "export function load(lines: string[]): number { return lines.length; }",
        ].join("\n"),
      );
      expect(plan.diagnostics).toEqual([]);
      expect(plan.edges).toEqual([
        { sender: "extract", receiver: "transform", type: "Row[]" },
        { sender: "transform", receiver: "load", type: "string[]" },
      ]);
      expect(plan.types.get("transform")?.signature).toBe("(rows: Row[]) => Promise<string[]>");
      expect(plan.types.get("extract")?.signature).toBe("(path: string) => Row[]");
    });

    it("out of a parallel method carry its items: plain, with skip, with settle; and a skippable sender's may be undefined", async () => {
      const plan = await typed(
        version,
        "items",
        [
          "split, square, sum { execution_flow: sequential; }",
          "split, score, countOk { execution_flow: sequential; }",
          "split, weigh, total { execution_flow: sequential; }",
          "split, check, total { execution_flow: sequential; }",
          "square < execution_flow: parallel; min_worker_count: 2; >",
          "score < execution_flow: parallel; min_worker_count: 2; on_error: settle; >",
          "weigh < execution_flow: parallel; min_worker_count: 2; on_error: skip; >",
          "check { on_error: skip; }",
          "",
        ].join("\n"),
        [
          'export function split(s: string): number[] { return s.split(",").map(Number); }',
          "export function square(x: number): number { return x * x; }",
          "export function sum(xs: readonly number[]): number { return xs.reduce((a, b) => a + b, 0); }",
          "export function score(x: number): number { return x * 2; }",
          "export function countOk(results: readonly { ok: boolean }[]): number { return results.filter((r) => r.ok).length; }",
          "export function weigh(x: number): number { return x / 2; }",
          "export function check(xs: number[]): boolean { return xs.length > 0; }",
          "export function total(parts: { weigh: readonly (number | undefined)[]; check?: boolean }): number {",
          "  return parts.check === false ? 0 : parts.weigh.reduce<number>((a, b) => a + (b ?? 0), 0);",
          "}",
        ].join("\n"),
      );
      expect(plan.diagnostics).toEqual([]);
      expect(plan.edges).toEqual([
        { sender: "split", receiver: "square", type: "number[]" },
        { sender: "square", receiver: "sum", type: "number[]" },
        { sender: "split", receiver: "score", type: "number[]" },
        { sender: "score", receiver: "countOk", type: "Settled<number>[]" },
        { sender: "split", receiver: "weigh", type: "number[]" },
        { sender: "split", receiver: "check", type: "number[]" },
        { sender: "weigh", receiver: "total", type: "(number | undefined)[]" },
        { sender: "check", receiver: "total", type: "boolean | undefined" },
      ]);
    });

    it("out of a branch carry the variants routed to each successor, and the run's input to a fan-in as @input", async () => {
      const plan = await typed(
        version,
        "branch",
        [
          "@input, classify { execution_flow: sequential; }",
          "classify, triage, summary { execution_flow: sequential; }",
          "classify, answer, summary { execution_flow: sequential; }",
          "@input, summary { execution_flow: sequential; }",
          "classify { branch_on: kind; }",
          "",
        ].join("\n"),
        [
          'export type Ticket = { kind: "bug"; stack: string } | { kind: "question"; text: string } | { kind: "spam" };',
          "export interface Report { handled: string }",
          'export function classify(raw: string): Ticket { return raw === "" ? { kind: "spam" } : { kind: "question", text: raw }; }',
          'export function triage(t: { kind: "bug" | "spam" }): Report { return { handled: t.kind }; }',
          'export function answer(t: { kind: "question"; text: string }): Report { return { handled: t.text }; }',
          'export function summary(parts: { "@input": string; triage?: Report; answer?: Report }): string {',
          '  return parts["@input"] + (parts.triage?.handled ?? parts.answer?.handled ?? "");',
          "}",
        ].join("\n"),
      );
      expect(plan.diagnostics).toEqual([]);
      expect(plan.edges).toEqual([
        { sender: "@input", receiver: "classify", type: "string" },
        { sender: "classify", receiver: "triage", type: '{ kind: "bug"; stack: string; } | { kind: "spam"; }' },
        { sender: "classify", receiver: "answer", type: '{ kind: "question"; text: string; }' },
        { sender: "@input", receiver: "summary", type: "string" },
        { sender: "triage", receiver: "summary", type: "Report | undefined" },
        { sender: "answer", receiver: "summary", type: "Report | undefined" },
      ]);
    });

    it("are all there when another edge does not type-check, as long as the methods were read", async () => {
      const plan = await typed(
        version,
        "mistyped",
        "extract, transform, load { execution_flow: sequential; }\n",
        [
          "export function extract(path: string): string[] { return [path]; }",
          "export function transform(rows: number[]): string { return rows.join(); }",
          "export function load(line: string): number { return line.length; }",
        ].join("\n"),
      );
      expect(errorCodes(plan)).toEqual([4001]);
      expect(plan.edges).toEqual([
        { sender: "extract", receiver: "transform", type: "string[]" },
        { sender: "transform", receiver: "load", type: "string" },
      ]);
    });

    it("are none when a method cannot be read", async () => {
      // JavaScript, which this project does not let TypeScript read (no `allowJs`).
      dir.write("legacy.js", "export function load(line) { return line.length; }\n");
      const plan = await typed(
        version,
        "unreadable",
        'import { load } from "./legacy.js";\nextract, load { execution_flow: sequential; }\n',
        "export function extract(path: string): string { return path; }\n",
      );
      expect(errorCodes(plan)).toEqual([4016]);
      expect(plan.edges).toEqual([]);
    });
  });
});

/** Where `name` is written in `file` after `before` (the first such place), as a declaration's location. */
function written(file: string, before: string, name: string): SourceLocation {
  const text = readFileSync(path.join(dir.root, file), "utf8");
  const at = text.indexOf(before);
  if (at < 0) throw new Error(`'${before}' is not in ${file}`);
  const start = text.indexOf(name, at + before.length);
  return { file: path.join(dir.root, file), start, end: start + name.length };
}

describe.each([7, 6] as const)("the declarations on TypeScript %i", (version) => {
  beforeAll(() => {
    // Text before every declaration whose UTF-8 and UTF-16 lengths differ: offsets are UTF-16.
    dir.write(
      "forms.methods.ts",
      [
        "// Größe, 😀: the offsets count UTF-16 code units.",
        'import { helper as imported } from "./helpers.js";',
        "export function plain(x: string): string { return x; }",
        "export const arrow = (x: string): string => x;",
        "const inner = (x: string): string => x;",
        "export { inner as renamed, imported as viaImport };",
        'export { reexported } from "./other.js";',
        'export * from "./star.js";',
        "export default function named(x: string): string { return x; }",
        "",
      ].join("\n"),
    );
    dir.write("helpers.ts", "/* ü */ export function helper(x: string): string { return x; }\n");
    dir.write("other.ts", "export const reexported = (x: string): string => x;\n");
    dir.write("star.ts", "export function starred(x: string): string { return x; }\n");
    dir.write("default-name.ts", "function byName(x: string): string { return x; }\nexport default byName;\n");
    dir.write("default-anonymous.ts", "export default (x: string): string => x;\n");
    const pkg = path.join(dir.root, "node_modules", "text-utils");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      path.join(pkg, "package.json"),
      JSON.stringify({ name: "text-utils", type: "module", exports: { ".": { types: "./index.d.ts" } } }),
    );
    writeFileSync(path.join(pkg, "index.d.ts"), "export declare function tokenize(text: string): string[];\n");
  });

  it("point at the name each export form stands for, in the module that declares it", async () => {
    const plan = await typed(
      version,
      "forms",
      [
        'import { plain, arrow, renamed, viaImport, reexported, starred, default as named } from "./forms.methods";',
        'import { default as byName } from "./default-name";',
        'import { default as anonymous } from "./default-anonymous";',
        'import { tokenize } from "text-utils";',
        "plain, arrow, renamed, viaImport, reexported, starred, named, byName, anonymous, tokenize { execution_flow: sequential; }",
        "",
      ].join("\n"),
      readFileSync(path.join(dir.root, "forms.methods.ts"), "utf8"),
    );
    expect(plan.diagnostics).toEqual([]);
    const anonymous = "export default (x: string): string => x;";
    expect(Object.fromEntries(plan.declarations)).toEqual({
      plain: written("forms.methods.ts", "export function ", "plain"),
      arrow: written("forms.methods.ts", "export const ", "arrow"),
      renamed: written("forms.methods.ts", "const ", "inner"),
      viaImport: written("helpers.ts", "function ", "helper"),
      reexported: written("other.ts", "const ", "reexported"),
      starred: written("star.ts", "function ", "starred"),
      named: written("forms.methods.ts", "default function ", "named"),
      byName: written("default-name.ts", "function ", "byName"),
      anonymous: written("default-anonymous.ts", "", anonymous),
      tokenize: written("node_modules/text-utils/index.d.ts", "function ", "tokenize"),
    });
  });

  it("end where a re-export leaves for a package, and are absent where nothing names the method", async () => {
    dir.write("via-package.ts", 'export { tokenize } from "text-utils";\n');
    // A module that assigns its exports whole: no name leads to its methods.
    dir.write(
      "assigned.cts",
      "namespace api { export function whole(x: string): string { return x; } }\nexport = api;\n",
    );
    const plan = await typed(
      version,
      "ends",
      'import { tokenize } from "./via-package";\nimport { whole } from "./assigned.cjs";\ntokenize, whole { execution_flow: sequential; }\n',
      "",
    );
    expect(plan.declarations.get("tokenize")).toEqual(written("via-package.ts", "export { ", "tokenize"));
    expect(plan.declarations.has("whole")).toBe(false);
  });
});

describe("the public check()", () => {
  it("gives each edge's type and each method's types, also when an edge does not fit", async () => {
    dir.write(
      "api.methods.ts",
      [
        "export function extract(path: string): (string | undefined)[] { return [path]; }",
        "export function load(lines: number[]): number { return lines.length; }",
        "",
      ].join("\n"),
    );
    const file = path.join(dir.root, "api.flow");
    const result = await check({ path: file, text: "extract, load { execution_flow: sequential; }\n" });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(["FLOW4001"]);
    expect(result.edges).toEqual([{ sender: "extract", receiver: "load", type: "(string | undefined)[]" }]);
    expect(result.types?.methods).toEqual({
      extract: {
        input: "string",
        output: "(string | undefined)[]",
        takesInput: true,
        signature: "(path: string) => (string | undefined)[]",
      },
      load: { input: "number[]", output: "number", takesInput: true, signature: "(lines: number[]) => number" },
    });
    const unread = await check(
      { path: file, text: "extract, load { execution_flow: sequential; }\n" },
      { types: false },
    );
    expect(unread.edges).toBeUndefined();
    expect(unread.types).toBeUndefined();
  });
});
