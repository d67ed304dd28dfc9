import { cpSync, readFileSync } from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { codeHashes, type HashedMethod } from "../../src/typecheck/code-hash.js";
import { diskSources, ModuleReader } from "../../src/typecheck/module-reader.js";
import { syntaxKinds, type SyntaxNode } from "../../src/typecheck/code-outline.js";
import { createTempDir, type TempDir } from "./temp-project.js";

/**
 * The code hash over real files, read as a program would give them: every TypeScript (and
 * JavaScript) file parses; `unparsed` names files the program does not have (as one only a
 * `require` names), which are read as text.
 */
const kinds = syntaxKinds(ts.SyntaxKind);

let dir: TempDir;
beforeEach(() => {
  dir = createTempDir("flowc-code-hash-");
});
afterEach(() => dir.remove());

function hashesOf(root: string, methods: readonly (string | HashedMethod)[], unparsed: readonly string[] = []) {
  const sources = diskSources((file) => {
    if (unparsed.some((name) => path.join(root, name) === file)) return undefined;
    if (!/\.[cm]?[jt]sx?$/.test(file)) return undefined;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
    const tree = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    return { root: tree as unknown as SyntaxNode, kinds };
  });
  return codeHashes(
    methods.map((method) =>
      typeof method === "string"
        ? { name: method, exportName: method, modulePath: path.join(root, "etl.methods.ts") }
        : method,
    ),
    new ModuleReader(sources),
  );
}

/** Each method's hash, by name. */
function hashes(
  methods: readonly (string | HashedMethod)[],
  unparsed: readonly string[] = [],
): Record<string, string | null> {
  return Object.fromEntries(hashesOf(dir.root, methods, unparsed).hashes);
}

/** Which of `methods` changed their hash after `edit`. */
function changedBy(edit: () => void, methods: readonly string[], unparsed: readonly string[] = []): string[] {
  const before = hashes(methods, unparsed);
  edit();
  const after = hashes(methods, unparsed);
  return methods.filter((name) => before[name] !== after[name]);
}

function replaceIn(file: string, from: string, to: string): void {
  const full = path.join(dir.root, file);
  const text = readFileSync(full, "utf8");
  if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
  dir.write(file, text.replace(from, to));
}

describe("code hashes", () => {
  it("are hex SHA-256, the same for unchanged sources, wherever the files are", () => {
    dir.write(
      "etl.methods.ts",
      'import { trim } from "./text.js";\nexport function clean(s: string): string { return trim(s); }\n',
    );
    dir.write("text.ts", "export function trim(s: string): string { return s.trim(); }\n");
    const first = hashes(["clean"]);
    expect(first["clean"]).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes(["clean"])).toEqual(first);
    const elsewhere = path.join(dir.root, "elsewhere");
    cpSync(path.join(dir.root, "etl.methods.ts"), path.join(elsewhere, "etl.methods.ts"));
    cpSync(path.join(dir.root, "text.ts"), path.join(elsewhere, "text.ts"));
    expect(Object.fromEntries(hashesOf(elsewhere, ["clean"]).hashes)).toEqual(first);
  });

  it("change with a method's own code, and not with its neighbours'", () => {
    dir.write(
      "etl.methods.ts",
      [
        "export function extract(n: number): number[] { return [n]; }",
        "export function load(rows: number[]): string { return rows.join(); }",
        "",
      ].join("\n"),
    );
    expect(changedBy(() => replaceIn("etl.methods.ts", "[n]", "[n, n]"), ["extract", "load"])).toEqual(["extract"]);
    // A method added between them changes neither.
    expect(
      changedBy(
        () => replaceIn("etl.methods.ts", "export function load", "export function other() {}\nexport function load"),
        ["extract", "load"],
      ),
    ).toEqual([]);
  });

  it("follow a local helper in the same module, and what it refers to in turn", () => {
    dir.write(
      "etl.methods.ts",
      [
        "const SEPARATOR = ',';",
        "function join(rows: number[]): string { return rows.join(SEPARATOR); }",
        "function unused(): void {}",
        "export function load(rows: number[]): string { return join(rows); }",
        "export function extract(n: number): number[] { return [n]; }",
        "",
      ].join("\n"),
    );
    const methods = ["load", "extract"];
    expect(
      changedBy(() => replaceIn("etl.methods.ts", "rows.join(SEPARATOR)", "rows.join(SEPARATOR) + ''"), methods),
    ).toEqual(["load"]);
    expect(changedBy(() => replaceIn("etl.methods.ts", "','", "';'"), methods)).toEqual(["load"]);
    expect(
      changedBy(
        () => replaceIn("etl.methods.ts", "function unused(): void {}", "function unused(): number { return 1; }"),
        methods,
      ),
    ).toEqual([]);
  });

  it("follow a helper imported from a local module, and not that module's other declarations", () => {
    dir.write(
      "etl.methods.ts",
      [
        'import { double, half } from "./math.js";',
        "export function grow(n: number): number { return double(n); }",
        "export function shrink(n: number): number { return half(n); }",
        "",
      ].join("\n"),
    );
    dir.write(
      "math.ts",
      "export function double(n: number): number { return n * 2; }\nexport function half(n: number): number { return n / 2; }\n",
    );
    const methods = ["grow", "shrink"];
    expect(changedBy(() => replaceIn("math.ts", "n * 2", "n + n"), methods)).toEqual(["grow"]);
    expect(changedBy(() => replaceIn("math.ts", "n / 2", "n * 0.5"), methods)).toEqual(["shrink"]);
  });

  it("follow re-exports and the members of a namespace import to the declaration", () => {
    dir.write(
      "etl.methods.ts",
      [
        'import * as text from "./text.js";',
        'import { pad as padded } from "./index.js";',
        "export function shout(s: string): string { return text.upper(s); }",
        "export function align(s: string): string { return padded(s); }",
        "",
      ].join("\n"),
    );
    dir.write("index.ts", 'export { pad } from "./pad.js";\n');
    dir.write("pad.ts", "export function pad(s: string): string { return ` ${s}`; }\nexport function other() {}\n");
    dir.write(
      "text.ts",
      "export function upper(s: string): string { return s.toUpperCase(); }\nexport function lower(s: string) { return s; }\n",
    );
    const methods = ["shout", "align"];
    expect(changedBy(() => replaceIn("pad.ts", "` ${s}`", "`  ${s}`"), methods)).toEqual(["align"]);
    expect(
      changedBy(
        () => replaceIn("pad.ts", "export function other() {}", "export function other() { return 1; }"),
        methods,
      ),
    ).toEqual([]);
    expect(changedBy(() => replaceIn("text.ts", "s.toUpperCase()", "s.toLocaleUpperCase()"), methods)).toEqual([
      "shout",
    ]);
    expect(changedBy(() => replaceIn("text.ts", "return s; }", "return s.toLowerCase(); }"), methods)).toEqual([]);
  });

  it("cover the types of the signature, in the module and imported", () => {
    dir.write(
      "etl.methods.ts",
      [
        'import type { Row } from "./types.js";',
        "export interface Options { readonly limit: number; }",
        "export interface Unrelated { readonly x: number; }",
        "export function take(rows: Row[], options?: Options): Row[] { return rows.slice(0, options?.limit); }",
        "export function count(rows: number[]): number { return rows.length; }",
        "",
      ].join("\n"),
    );
    dir.write("types.ts", "export interface Row { readonly id: number; }\n");
    const methods = ["take", "count"];
    expect(changedBy(() => replaceIn("types.ts", "id: number", "id: string"), methods)).toEqual(["take"]);
    expect(changedBy(() => replaceIn("etl.methods.ts", "limit: number", "limit?: number"), methods)).toEqual(["take"]);
    expect(changedBy(() => replaceIn("etl.methods.ts", "x: number", "x: string"), methods)).toEqual([]);
  });

  it("count the statements every involved module runs when it loads", () => {
    dir.write(
      "etl.methods.ts",
      [
        'import "./setup.js";',
        'import { lookup } from "./registry.js";',
        "export function find(key: string): number { return lookup(key); }",
        "export function size(n: number): number { return n; }",
        "",
      ].join("\n"),
    );
    dir.write("setup.ts", "globalThis.setup = 1;\n");
    dir.write(
      "registry.ts",
      [
        "const entries = new Map<string, number>();",
        "entries.set('a', 1);",
        "export function lookup(key: string): number { return entries.get(key) ?? 0; }",
        "export function unrelated() {}",
        "",
      ].join("\n"),
    );
    // `registry` is loaded by the module of both methods: its top-level statement runs for both.
    expect(
      changedBy(() => replaceIn("registry.ts", "entries.set('a', 1);", "entries.set('a', 2);"), ["find", "size"]),
    ).toEqual(["find", "size"]);
    expect(changedBy(() => replaceIn("setup.ts", "= 1", "= 2"), ["find", "size"])).toEqual(["find", "size"]);
    expect(
      changedBy(
        () => replaceIn("registry.ts", "export function unrelated() {}", "export function unrelated() { return 1; }"),
        ["find", "size"],
      ),
    ).toEqual([]);
  });

  it("hash the text as written: a comment inside a declaration counts, one above it does not", () => {
    dir.write("etl.methods.ts", "/** Doubles. */\nexport function grow(n: number): number {\n  return n * 2;\n}\n");
    expect(changedBy(() => replaceIn("etl.methods.ts", "/** Doubles. */", "/** Twice as much. */"), ["grow"])).toEqual(
      [],
    );
    expect(
      changedBy(() => replaceIn("etl.methods.ts", "  return n * 2;", "  // why\n  return n * 2;"), ["grow"]),
    ).toEqual(["grow"]);
  });

  it("count a whole module that a name is looked up in through `export *`", () => {
    dir.write(
      "etl.methods.ts",
      'import { trim } from "./text.js";\nexport function clean(s: string): string { return trim(s); }\nexport function other(n: number): number { return n; }\n',
    );
    dir.write("text.ts", 'export * from "./trim.js";\nexport function unrelated() {}\n');
    dir.write("trim.ts", "export function trim(s: string): string { return s.trim(); }\nexport function also() {}\n");
    const methods = ["clean", "other"];
    expect(
      changedBy(
        () => replaceIn("text.ts", "export function unrelated() {}", "export function unrelated() { return 1; }"),
        methods,
      ),
    ).toEqual(["clean"]);
    expect(
      changedBy(
        () => replaceIn("trim.ts", "export function also() {}", "export function also() { return 1; }"),
        methods,
      ),
    ).toEqual(["clean"]);
    expect(changedBy(() => replaceIn("trim.ts", "s.trim()", "s.trimEnd()"), methods)).toEqual(["clean"]);
  });

  it("count the whole module for a dynamic import or `require`, and the module it names", () => {
    dir.write(
      "etl.methods.ts",
      [
        "export async function load(name: string): Promise<string> { const m = await import('./plugins.js'); return m.run(name); }",
        "export function neighbour(n: number): number { return n; }",
        "",
      ].join("\n"),
    );
    dir.write("plugins.ts", "export function run(name: string): string { return name; }\nexport function more() {}\n");
    expect(changedBy(() => replaceIn("etl.methods.ts", "return n;", "return n + 1;"), ["load", "neighbour"])).toEqual([
      "load",
      "neighbour",
    ]);
    expect(
      changedBy(
        () => replaceIn("plugins.ts", "export function more() {}", "export function more() { return 1; }"),
        ["load", "neighbour"],
      ),
    ).toEqual(["load"]);

    dir.write(
      "etl.methods.ts",
      "declare const require: (name: string) => { run(n: string): string };\nexport function legacy(name: string): string { return require('./old.cjs').run(name); }\n",
    );
    dir.write("old.cjs", "exports.run = (name) => name;\n");
    // The program has no `old.cjs` (only `require` names it): its text is read as it is.
    expect(changedBy(() => replaceIn("old.cjs", "=> name", "=> name + '!'"), ["legacy"], ["old.cjs"])).toEqual([
      "legacy",
    ]);
    expect(hashesOf(dir.root, ["legacy"], ["old.cjs"]).files).toContain(path.join(dir.root, "old.cjs"));
  });

  it("count the whole module of a namespace object used otherwise than by its members", () => {
    dir.write(
      "etl.methods.ts",
      'import * as steps from "./steps.js";\nexport function all(): string[] { return Object.keys(steps); }\n',
    );
    dir.write("steps.ts", "export function a() {}\nexport function b() {}\n");
    expect(
      changedBy(() => replaceIn("steps.ts", "export function b() {}", "export function b() { return 1; }"), ["all"]),
    ).toEqual(["all"]);
  });

  it("end where re-exports go round in circles", () => {
    dir.write("etl.methods.ts", 'export { run } from "./a.js";\n');
    dir.write("a.ts", 'export { run } from "./b.js";\n');
    dir.write("b.ts", 'export { run } from "./a.js";\n');
    expect(hashes(["run"])["run"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("count the names imported from packages, not the packages", () => {
    dir.write(
      "etl.methods.ts",
      'import { readFile } from "node:fs/promises";\nexport async function load(file: string): Promise<string> { return readFile(file, "utf8"); }\n',
    );
    const { files } = hashesOf(dir.root, ["load"]);
    expect(files).toEqual([path.join(dir.root, "etl.methods.ts")]);
    expect(changedBy(() => replaceIn("etl.methods.ts", "node:fs/promises", "fs/promises"), ["load"])).toEqual(["load"]);
  });

  it("count a JavaScript module with a declaration file by both, and leave a package's method without a hash", () => {
    dir.write("legacy.d.ts", "export declare function run(n: number): number;\n");
    dir.write("legacy.js", "export function run(n) { return n; }\n");
    const legacy = { name: "run", exportName: "run", modulePath: path.join(dir.root, "legacy.d.ts") };
    const pkg = { name: "pad", exportName: "pad", modulePath: path.join(dir.root, "node_modules/pad/index.d.ts") };
    const before = hashes([legacy, pkg]);
    expect(before["pad"]).toBeNull();
    dir.write("legacy.js", "export function run(n) { return n + 1; }\n");
    expect(hashes([legacy, pkg])["run"]).not.toBe(before["run"]);
  });
});
