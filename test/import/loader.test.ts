/**
 * `flowc/register`, the Node loader, as users start it: `node --import flowc/register app.mjs`
 * and `tsx --import flowc/register app.ts` in an app of their own (apps.ts), importing a copy
 * of examples/word-count straight from its `.flow`. The manifest runs as the CLI runs it (its
 * parallel stage on worker threads), a manifest with errors fails the import with the
 * diagnostics `flowc check` prints, warnings are printed without stopping it, and a second
 * start is answered from the rebuild cache until the manifest or its methods change.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookSummaryFromCli, createApp, positionOf, type App, type Exit } from "./apps.js";

const MANIFEST = "word-count/word-count.flow";
const METHODS = "word-count/word-count.methods.ts";
const BOOK = "word-count/data/lighthouse.txt";
/** An import of every method the manifest uses, and of one it does not (FLOW2010, a warning). */
const UNUSED_IMPORT = 'import { splitChapters, countWords, mergeCounts, shout } from "./word-count.methods";';

/** Runs the example on its book and prints the output with what the run said of its workers. */
const PROGRAM_JS = [
  'import { run } from "./word-count/word-count.flow";',
  "const workers = {};",
  "const shards = [];",
  `const output = await run(${JSON.stringify(BOOK)}, {`,
  "  onEvent(event) {",
  '    if (event.type === "worker:up") workers[event.worker] = event.backend;',
  '    if (event.type === "shard:start") shards.push({ method: event.method, worker: event.worker, count: event.count });',
  "  },",
  "});",
  "console.log(JSON.stringify({ output, workers, shards }));",
  "",
].join("\n");

/** The same in TypeScript, with the types of the import. */
const PROGRAM_TS = [
  'import type { FlowEvent } from "flowc/runtime";',
  'import { run, type Output } from "./word-count/word-count.flow";',
  "const workers: Record<number, string> = {};",
  "const shards: { method: string; worker: number; count: number }[] = [];",
  `const output: Output = await run(${JSON.stringify(BOOK)}, {`,
  "  onEvent(event: FlowEvent) {",
  '    if (event.type === "worker:up") workers[event.worker] = event.backend;',
  '    if (event.type === "shard:start") shards.push({ method: event.method, worker: event.worker, count: event.count });',
  "  },",
  "});",
  "console.log(JSON.stringify({ output, workers, shards }));",
  "",
].join("\n");

interface Report {
  readonly output: unknown;
  readonly workers: Record<string, string>;
  readonly shards: readonly { readonly method: string; readonly worker: number; readonly count: number }[];
}

/** The two ways to start an app with the loader: plain Node on `app.mjs`, tsx on `app.ts`. */
const HOSTS = {
  node: (app: App) => app.node(["--import", "flowc/register", "app.mjs"]),
  tsx: (app: App) => app.tsx(["--import", "flowc/register", "app.ts"]),
} as const;

let scratch: string;
let expected: unknown;
const apps: App[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "flowc-loader-"));
  expected = await bookSummaryFromCli(path.join(scratch, "cli-cache"));
}, 120_000);

afterAll(() => {
  for (const app of apps) app.remove();
  rmSync(scratch, { recursive: true, force: true });
});

function newApp(): App {
  const app = createApp("flowc-loader-app-");
  apps.push(app);
  app.write("app.mjs", PROGRAM_JS);
  app.write("app.ts", PROGRAM_TS);
  return app;
}

function reportOf(exit: Exit): Report {
  expect(exit.code, exit.stderr).toBe(0);
  return JSON.parse(exit.stdout) as Report;
}

/** The parallel stage ran on worker threads: every chapter on a thread the threads backend started. */
function expectCountedOnThreads(report: Report): void {
  const counted = report.shards.filter((shard) => shard.method === "countWords");
  expect(counted.reduce((sum, shard) => sum + shard.count, 0)).toBe((expected as { chapters: number }).chapters);
  for (const { worker } of counted) {
    // Worker 0 is the calling thread in every backend.
    expect(worker).not.toBe(0);
    expect(report.workers[String(worker)]).toBe("threads");
  }
}

/** What `flowc check` prints for the app's manifest (its diagnostics, on stderr). */
async function checkOutput(app: App): Promise<string> {
  return (await app.flowc(["check", MANIFEST])).stderr;
}

describe.each(Object.keys(HOSTS) as (keyof typeof HOSTS)[])("flowc/register under %s", (host) => {
  const start = HOSTS[host];

  it("runs the imported manifest as the CLI runs it, its parallel stage on worker threads", async () => {
    const app = newApp();
    const report = reportOf(await start(app));
    expect(report.output).toEqual(expected);
    expect(report.output).toMatchObject({ chapters: 4 });
    expectCountedOnThreads(report);
    // Nothing is written beside the manifest: the runner exists only in memory.
    expect(existsSync(app.path(`${MANIFEST}.ts`))).toBe(false);
  }, 120_000);

  it("fails the import of a manifest with an error, printing its diagnostics with code frames", async () => {
    const app = newApp();
    app.edit(MANIFEST, "splitChapters, countWords, mergeCounts {", "splitChapters, mergeCounts, countWords {");
    const at = positionOf(app.read(MANIFEST), "mergeCounts", "splitChapters, ");
    const exit = await start(app);
    expect(exit.code).not.toBe(0);
    expect(exit.stdout).toBe("");
    expect(exit.stderr).toContain(`flowc could not compile ${app.path(MANIFEST)}:`);
    expect(exit.stderr).toContain(
      `${MANIFEST}:${at.line}:${at.column} - error FLOW4001: The output of 'splitChapters' does not fit the input of 'mergeCounts'`,
    );
    expect(exit.stderr).toContain(`> ${at.line} | splitChapters, mergeCounts, countWords {`);
  }, 120_000);

  it("prints a manifest's warnings on stderr and runs it all the same", async () => {
    const app = newApp();
    app.edit(
      MANIFEST,
      "splitChapters, countWords, mergeCounts {",
      `${UNUSED_IMPORT}\nsplitChapters, countWords, mergeCounts {`,
    );
    app.write(
      METHODS,
      `${app.read(METHODS)}\nexport function shout(text: string): string {\n  return text.toUpperCase();\n}\n`,
    );
    const at = positionOf(app.read(MANIFEST), "shout", "import {");
    const exit = await start(app);
    expect(reportOf(exit).output).toEqual(expected);
    expect(exit.stderr).toContain(
      `${MANIFEST}:${at.line}:${at.column} - warning FLOW2010: 'shout' is imported but never used.`,
    );
    expect(exit.stderr).toContain(`> ${at.line} | ${UNUSED_IMPORT}`);
    // Exactly as `flowc check` prints it.
    expect(exit.stderr).toContain(await checkOutput(app));
  }, 120_000);
});

describe("flowc/register's errors", () => {
  it("rejects the import with the diagnostics as `flowc check` prints them, which the importer may catch", async () => {
    const app = newApp();
    app.edit(MANIFEST, "splitChapters, countWords, mergeCounts {", "splitChapters, countWord, mergeCounts {");
    app.write(
      "catch.mjs",
      [
        "try {",
        '  await import("./word-count/word-count.flow");',
        '  console.log(JSON.stringify("imported"));',
        "} catch (error) {",
        "  console.log(JSON.stringify(error.message));",
        "}",
        "",
      ].join("\n"),
    );
    const exit = await app.node(["--import", "flowc/register", "catch.mjs"]);
    expect(exit.code, exit.stderr).toBe(0);
    const message = JSON.parse(exit.stdout) as string;
    const printed = await checkOutput(app);
    expect(printed).toContain("error FLOW2003");
    expect(message).toBe(`flowc could not compile ${app.path(MANIFEST)}:\n\n${printed}`);
  }, 120_000);
});

/** A diagnostic only an answer from the rebuild cache can print: the test writes it into the cached entries. */
const MARKER = "answered from the rebuild cache";

/** Adds the marker, as a warning at the manifest's first character, to every cached compilation. */
function markCache(app: App): number {
  let marked = 0;
  for (const name of app.cacheEntries()) {
    const file = path.join(app.cacheDir, name);
    const entry = JSON.parse(readFileSync(file, "utf8")) as { key: string; value: unknown };
    const value = entry.value as { diagnostics?: unknown[] } | string;
    if (typeof value !== "object" || !Array.isArray(value.diagnostics)) continue;
    const [, key] = JSON.parse(entry.key) as [string, { manifest: string }];
    value.diagnostics.push({
      code: 4999,
      severity: "warning",
      message: MARKER,
      file: key.manifest,
      span: { start: 0, end: 1 },
      related: [],
    });
    writeFileSync(file, JSON.stringify(entry));
    marked++;
  }
  return marked;
}

describe("flowc/register and the rebuild cache", () => {
  it("answers a second start from the cache, and compiles again once the methods or the manifest change", async () => {
    const app = newApp();
    const start = HOSTS.node;
    expect(app.cacheEntries()).toEqual([]);
    const first = await start(app);
    expect(reportOf(first).output).toEqual(expected);
    expect(first.stderr).not.toContain(MARKER);
    expect(markCache(app)).toBe(1);

    const second = await start(app);
    expect(reportOf(second).output).toEqual(expected);
    expect(second.stderr).toContain(`${MANIFEST}:1:1 - warning FLOW4999: ${MARKER}`);
    expectCountedOnThreads(reportOf(second));

    // A methods module that changes: compiled again, and the threads run the new code.
    app.edit(METHODS, "chapters: perChapter.length,", "chapters: perChapter.length * 10,");
    const third = await start(app);
    expect(third.stderr).not.toContain(MARKER);
    expect(reportOf(third).output).toEqual({ ...(expected as object), chapters: 40 });
    markCache(app);
    expect((await start(app)).stderr).toContain(MARKER);

    // A manifest that changes: the flow now ends with the parallel stage, whose output is one count per chapter.
    app.edit(MANIFEST, "splitChapters, countWords, mergeCounts {", "splitChapters, countWords {");
    const fourth = await start(app);
    expect(fourth.stderr).not.toContain(MARKER);
    const perChapter = reportOf(fourth).output as Record<string, number>[];
    expect(perChapter).toHaveLength(4);
    // Their sum is what the whole flow counted.
    const top = (expected as { top: [string, number][] }).top;
    for (const [word, count] of top) {
      expect(perChapter.reduce((sum, counts) => sum + (counts[word] ?? 0), 0)).toBe(count);
    }
  }, 180_000);
});

describe("flowc/register with FLOWC_DECLARATIONS=1", () => {
  it("writes the manifest's declaration file beside it, as flowc build --declarations does, only when it changes", async () => {
    const app = newApp();
    const declarations = app.path("word-count/word-count.d.flow.ts");
    reportOf(await app.node(["--import", "flowc/register", "app.mjs"], { FLOWC_DECLARATIONS: "1" }));
    const written = readFileSync(declarations, "utf8");
    expect(written).toContain("export declare function run(");
    const firstWrite = statSync(declarations).mtimeMs;
    // Answered from the cache the second time, and the file is left as it was.
    reportOf(await app.node(["--import", "flowc/register", "app.mjs"], { FLOWC_DECLARATIONS: "1" }));
    expect(statSync(declarations).mtimeMs).toBe(firstWrite);
    rmSync(declarations);
    expect((await app.flowc(["build", "--declarations", MANIFEST])).code).toBe(0);
    expect(readFileSync(declarations, "utf8")).toBe(written);
    // Without the variable, nothing is written.
    const other = newApp();
    reportOf(await other.node(["--import", "flowc/register", "app.mjs"]));
    expect(existsSync(other.path("word-count/word-count.d.flow.ts"))).toBe(false);
  }, 120_000);
});

describe("flowc/register and methods plain Node cannot load", () => {
  // A CommonJS TypeScript module: esbuild compiles no ES module of it, and Node 20 runs no TypeScript.
  const CALC = [
    'import { double, sum } from "./calc.methods.cjs";',
    "double, sum { execution_flow: sequential; }",
    "double < execution_flow: parallel; min_worker_count: 2; >",
    "",
  ].join("\n");
  const METHODS_CTS = [
    "export function double(x: number): number { return x * 2; }",
    "export function sum(xs: number[]): number { return xs.reduce((a, b) => a + b, 0); }",
    "",
  ].join("\n");
  const PROGRAM = 'import { run } from "./calc/calc.flow";\nconsole.log(JSON.stringify(await run([1, 2, 3])));\n';

  it("says so and names tsx under plain Node, and runs under tsx", async () => {
    const app = newApp();
    app.write("calc/calc.flow", CALC);
    app.write("calc/calc.methods.cts", METHODS_CTS);
    app.write("calc.mjs", PROGRAM);
    const plain = await app.node(["--import", "flowc/register", "calc.mjs"]);
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toContain(
      `flowc/register: ${app.path("calc/calc.methods.cts")}, the methods of ${app.path("calc/calc.flow")}, is ` +
        "TypeScript that cannot be compiled to an ES module on its own",
    );
    expect(plain.stderr).toContain("tsx --import flowc/register");
    const underTsx = await app.tsx(["--import", "flowc/register", "calc.mjs"]);
    expect(underTsx.code, underTsx.stderr).toBe(0);
    expect(JSON.parse(underTsx.stdout)).toBe(12);
  }, 120_000);
});
