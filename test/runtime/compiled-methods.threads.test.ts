import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { threadModuleUrls } from "../../stdlib/backends/threads/compiled-methods.js";
import { createRunner, MethodError } from "../../stdlib/index.js";
import { buildPlan } from "./plans.js";

/**
 * Methods written in TypeScript reach worker threads compiled to JavaScript, behaving as
 * the TypeScript module does under tsx: the same imports, the same `import.meta`, stack
 * frames at the `.ts` lines. What compiling could change is left to tsx.
 */

const scratch = mkdtempSync(join(tmpdir(), "flowc-compiled-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let count = 0;

/** A package of its own holding `files`; returns its folder. */
function project(files: Record<string, string>, type: "module" | "commonjs" = "module"): string {
  const dir = join(scratch, `p${++count}`);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const urlOf = (dir: string, file: string) => pathToFileURL(join(dir, file)).href;

const METHODS = [
  'import { readFileSync } from "node:fs";',
  'import { offset } from "./helper.js";',
  'import { label } from "./plain.js";',
  "export function shift(x: number): number {",
  "  return x + offset;",
  "}",
  "export function where(_: number): string {",
  "  return `${import.meta.url} ${label} ${readFileSync(new URL('./data.txt', import.meta.url), 'utf8')}`;",
  "}",
  "export function fail(x: number): number {",
  "  if (x > 1) throw new Error(`item ${x} is too big`);",
  "  return x;",
  "}",
  "",
].join("\n");

/** The methods module, a local TypeScript module it imports, a JavaScript one, and a file it reads. */
const METHODS_PROJECT = {
  "m.methods.ts": METHODS,
  "helper.ts": "export const offset: number = 10;\n",
  "plain.js": 'export const label = "js";\n',
  "data.txt": "data",
};

describe("TypeScript methods on worker threads", () => {
  it("are compiled into the nearest node_modules' cache, a local TypeScript import compiled with them", async () => {
    const dir = project(METHODS_PROJECT);
    const url = urlOf(dir, "m.methods.ts");
    const loadFrom = (await threadModuleUrls([url])).get(url)!;
    expect(loadFrom).not.toBe(url);
    expect(loadFrom.startsWith(pathToFileURL(join(dir, "node_modules", ".cache", "flowc", "threads")).href)).toBe(true);
    const module = (await import(loadFrom)) as { shift(x: number): number; where(x: number): string };
    expect(module.shift(1)).toBe(11);
    // import.meta is the original module's: a file beside it is read from beside it.
    expect(module.where(0)).toBe(`${url} js data`);
    // Given the compiled file itself, there is nothing to compile.
    expect((await threadModuleUrls([loadFrom])).get(loadFrom)).toBe(loadFrom);
  });

  it("run on threads from the compiled module, with failures pointing at the .ts lines", async () => {
    const dir = project(METHODS_PROJECT);
    const plan = buildPlan({
      each: { mode: "parallel", minWorkers: 2, module: "./m.methods", exportName: "shift" },
    });
    const failing = buildPlan({
      each: { mode: "parallel", minWorkers: 2, module: "./m.methods", exportName: "fail" },
    });
    const options = { backend: "threads" as const, moduleBase: pathToFileURL(`${dir}/`).href };
    const runner = createRunner<number[], number[]>(plan, { each: (x: number) => x }, options);
    const failingRunner = createRunner<number[], number[]>(failing, { each: (x: number) => x }, options);
    try {
      expect(await runner.run([1, 2, 3])).toEqual([11, 12, 13]);
      // The session compiled the methods module and the helper it imports for its threads.
      expect(
        readdirSync(join(dir, "node_modules", ".cache", "flowc", "threads")).filter((f) => f.endsWith(".mjs")),
      ).toHaveLength(2);
      const error = (await failingRunner.run([1, 2]).catch((e: unknown) => e)) as MethodError;
      expect(error).toBeInstanceOf(MethodError);
      expect(error).toMatchObject({ method: "each", item: 1 });
      const cause = error.cause as Error;
      expect(cause.message).toBe("item 2 is too big");
      // Line 11 of m.methods.ts, where the error is thrown.
      expect(cause.stack).toContain(`${join(dir, "m.methods.ts")}:11:`);
    } finally {
      await runner.close();
      await failingRunner.close();
    }
  }, 60_000);

  it("are left to tsx when compiling could change what they do", async () => {
    const commonjs = project({ "m.methods.ts": "export const f = (x: number) => x;\n" }, "commonjs");
    const computed = project({
      "m.methods.ts": "export async function f(name: string) {\n  return import(`./${name}.js`);\n}\n",
    });
    const broken = project({ "m.methods.ts": "export const f = (x: number => x;\n" });
    const cts = project({ "m.methods.cts": "export const f = (x: number) => x;\n" });
    // Compiled, `import.meta.resolve` would resolve from the cache folder.
    const meta = project({
      "m.methods.ts":
        'export const f = (x: number) => x;\nexport const here = import.meta.resolve("./m.methods.ts");\n',
    });
    // A package whose module is TypeScript: Node alone cannot import it.
    const typeScriptPackage = project({
      "m.methods.ts": 'import { g } from "ts-only";\nexport const f = (x: number) => g(x);\n',
    });
    mkdirSync(join(typeScriptPackage, "node_modules", "ts-only"));
    writeFileSync(
      join(typeScriptPackage, "node_modules", "ts-only", "package.json"),
      JSON.stringify({ name: "ts-only", type: "module", exports: "./index.ts" }),
    );
    writeFileSync(
      join(typeScriptPackage, "node_modules", "ts-only", "index.ts"),
      "export const g = (x: number): number => x;\n",
    );
    const urls = [
      urlOf(commonjs, "m.methods.ts"),
      urlOf(computed, "m.methods.ts"),
      urlOf(broken, "m.methods.ts"),
      urlOf(cts, "m.methods.cts"),
      urlOf(meta, "m.methods.ts"),
      urlOf(typeScriptPackage, "m.methods.ts"),
    ];
    const loadFrom = await threadModuleUrls(urls);
    for (const url of urls) expect(loadFrom.get(url)).toBe(url);
  });

  it("are used again without compiling while their graph is unchanged, and compiled again when it changes", async () => {
    const dir = project(METHODS_PROJECT);
    const url = urlOf(dir, "m.methods.ts");
    const cache = join(dir, "node_modules", ".cache", "flowc", "threads");
    const compiled = fileURLToPath((await threadModuleUrls([url])).get(url)!);
    const files = () => readdirSync(cache).filter((name) => name.endsWith(".mjs"));
    expect(files()).toHaveLength(2);
    // Written an hour ago: compiling again would write (or touch) them now.
    const anHourAgo = new Date((Math.floor(Date.now() / 1000) - 60 * 60) * 1000);
    for (const name of readdirSync(cache)) utimesSync(join(cache, name), anHourAgo, anHourAgo);
    expect((await threadModuleUrls([url])).get(url)).toBe(pathToFileURL(compiled).href);
    for (const name of readdirSync(cache)) {
      expect(Math.round(statSync(join(cache, name)).mtimeMs)).toBe(anHourAgo.getTime());
    }

    // The helper edited: compiled again, the entry now importing the helper's new compiled file.
    writeFileSync(join(dir, "helper.ts"), "export const offset: number = 20;\n");
    expect((await threadModuleUrls([url])).get(url)).toBe(pathToFileURL(compiled).href);
    expect(files()).toHaveLength(3);
    const helper = files()
      .map((name) => join(cache, name))
      .find((file) => readFileSync(file, "utf8").includes("offset = 20"))!;
    expect(readFileSync(compiled, "utf8")).toContain(pathToFileURL(helper).href);

    // A compiled file removed: compiled again.
    rmSync(helper);
    await threadModuleUrls([url]);
    expect(existsSync(helper)).toBe(true);

    // The package no longer an ES module: left to tsx, however recently compiled.
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "commonjs" }));
    expect((await threadModuleUrls([url])).get(url)).toBe(url);
  });

  it("keep their cache folder bounded: files unused for a month go once there are many, those in use stay", async () => {
    const dir = project(METHODS_PROJECT);
    const cache = join(dir, "node_modules", ".cache", "flowc", "threads");
    mkdirSync(cache, { recursive: true });
    const longAgo = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    const recently = new Date(Date.now() - 24 * 60 * 60 * 1000);
    for (let i = 0; i < 250; i++) {
      const file = join(cache, `old${i}.mjs`);
      writeFileSync(file, "export {};\n");
      utimesSync(file, longAgo, longAgo);
    }
    writeFileSync(join(cache, "recent.mjs"), "export {};\n");
    utimesSync(join(cache, "recent.mjs"), recently, recently);
    const url = urlOf(dir, "m.methods.ts");
    // Compiled once a month ago: used again now, it is kept.
    const compiled = fileURLToPath((await threadModuleUrls([url])).get(url)!);
    utimesSync(compiled, longAgo, longAgo);
    await threadModuleUrls([url]);
    const left = readdirSync(cache).filter((name) => name.endsWith(".mjs"));
    expect(left.filter((name) => name.startsWith("old"))).toEqual([]);
    expect(left).toContain("recent.mjs");
    expect(left).toContain(basename(compiled));
    expect(statSync(compiled).mtimeMs).toBeGreaterThan(recently.getTime());
  });

  it("leave JavaScript modules as they are", async () => {
    const dir = project({ "m.methods.js": "export const f = (x) => x;\n" });
    const url = urlOf(dir, "m.methods.js");
    expect((await threadModuleUrls([url])).get(url)).toBe(url);
  });
});
