/**
 * What `flowc run` loads to start: with nothing changed, the rebuild cache answers the
 * compile and the methods' TypeScript loads from the JavaScript esbuild compiled it to
 * before, in the calling thread as on worker threads, so that neither esbuild nor tsx
 * is loaded. Every module the process (and each of its threads) loads is recorded by a
 * loader hook given with `--import`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { flowc, nodeProject } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-startup-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Registers the hooks below in every thread that starts with `--import` (worker threads inherit it).
writeFileSync(
  join(scratch, "record-loads.mjs"),
  'import { register } from "node:module";\nregister("./record-loads-hooks.mjs", import.meta.url);\n',
);
writeFileSync(
  join(scratch, "record-loads-hooks.mjs"),
  [
    'import { appendFileSync } from "node:fs";',
    "export async function load(url, context, nextLoad) {",
    "  appendFileSync(process.env.FLOWC_TEST_LOADS, `${url}\\n`);",
    "  return nextLoad(url, context);",
    "}",
    "",
  ].join("\n"),
);

let count = 0;

/** A project of `files`, with a `node_modules` of its own (where compiled methods are kept). */
function project(files: Record<string, string>, esm = true): string {
  const dir = join(scratch, `p${++count}`);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  nodeProject(dir);
  if (!esm) writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "commonjs" }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** `flowc run` in `dir`, with the modules it loaded (file URLs, every thread's). */
function run(
  dir: string,
  args: readonly string[],
): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  // Both outside the project: a file created beside the methods is a change that misses.
  const loads = join(scratch, `loads-${++count}.txt`);
  writeFileSync(loads, "");
  const result = flowc(["run", ...args, "--quiet"], {
    cwd: dir,
    nodeArgs: ["--import", pathToFileURL(join(scratch, "record-loads.mjs")).href],
    env: { FLOWC_TEST_LOADS: loads, FLOWC_CACHE_DIR: `${dir}-rebuild-cache` },
  });
  return {
    ...result,
    loaded: readFileSync(loads, "utf8")
      .split("\n")
      .filter((line) => line !== ""),
  };
}

const TSX = /[\\/]node_modules[\\/]tsx[\\/]/;
const ESBUILD = /[\\/]node_modules[\\/]esbuild[\\/]/;
const COMPILED = /[\\/]node_modules[\\/]\.cache[\\/]flowc[\\/]threads[\\/][0-9a-f]+\.mjs$/;

const COUNT_FILES = {
  "count.flow":
    "double, total { execution_flow: sequential; }\ndouble < execution_flow: parallel; min_worker_count: 2; >\n",
  "count.methods.ts": [
    'import { factor } from "./scale.js";',
    "export function double(x: number): number {",
    "  return x * factor;",
    "}",
    "export function total(xs: number[]): number {",
    "  return xs.reduce((sum, x) => sum + x, 0);",
    "}",
    "",
  ].join("\n"),
  "scale.ts": "export const factor: number = 2;\n",
};

describe("flowc run, nothing changed", () => {
  it("loads the methods compiled before, in this thread and on threads, without esbuild or tsx", () => {
    const dir = project(COUNT_FILES);
    const first = run(dir, ["count.flow", "--input", "[1, 2, 3]"]);
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe("12\n");
    // The first run compiled them: the hook does see esbuild when it loads.
    expect(first.loaded.some((url) => ESBUILD.test(url))).toBe(true);

    const again = run(dir, ["count.flow", "--input", "[1, 2, 3]"]);
    expect(again.stderr).toBe("");
    expect(again.stdout).toBe("12\n");
    expect(again.loaded.filter((url) => ESBUILD.test(url) || TSX.test(url))).toEqual([]);
    // The calling thread and both worker threads imported the compiled methods module and its import.
    const compiled = again.loaded.filter((url) => COMPILED.test(url));
    expect(compiled).toHaveLength(6);
    expect(new Set(compiled).size).toBe(2);
  }, 120_000);

  it("sees a local module the methods import edited: its new code runs", () => {
    const dir = project(COUNT_FILES);
    expect(run(dir, ["count.flow", "--input", "[1, 2, 3]"]).stdout).toBe("12\n");
    writeFileSync(join(dir, "scale.ts"), "export const factor: number = 3;\n");
    const edited = run(dir, ["count.flow", "--input", "[1, 2, 3]"]);
    expect(edited.stdout).toBe("18\n");
    expect(edited.loaded.filter((url) => TSX.test(url))).toEqual([]);
  }, 120_000);

  it("still loads a CommonJS methods module through tsx", () => {
    const dir = project(
      {
        "sum.flow": "total { retries: 0; }\n",
        "sum.methods.ts":
          "export function total(xs: number[]): number {\n  return xs.reduce((sum, x) => sum + x, 0);\n}\n",
      },
      false,
    );
    run(dir, ["sum.flow", "--input", "[1, 2, 3]"]);
    const again = run(dir, ["sum.flow", "--input", "[1, 2, 3]"]);
    expect(again.stderr).toBe("");
    expect(again.stdout).toBe("6\n");
    expect(again.loaded.some((url) => TSX.test(url))).toBe(true);
    expect(again.loaded.filter((url) => COMPILED.test(url))).toEqual([]);
  }, 120_000);
});
