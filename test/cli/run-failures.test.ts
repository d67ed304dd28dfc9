/**
 * A method that fails under `flowc run` is reported on one line (method,
 * item, cause), followed, unless `--quiet`, by the method's own stack: the
 * user's frames at their `.ts` lines, without flowc's or Node's frames —
 * whether it failed in the calling thread or on a worker thread.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { userFrames } from "../../src/cli/method-stack.js";
import { flowc, type CliResult } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-failures-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Line 12 throws (column 22), called from line 8 (column 10).
const methods = `// a comment line
type Row = { n: number };

export function check(x: number): number {
  if (x === 2) {
    throw new Error(\`cannot check \${x}\`);
  }
  return helper(x);
}

function helper(x: number): number {
  if (x === 3) throw new RangeError("three is too many");
  return x;
}
`;

function project(folder: string, module: boolean): string {
  const dir = join(scratch, folder);
  mkdirSync(dir);
  if (module) writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(dir, "single.methods.ts"), methods);
  writeFileSync(join(dir, "parallel.methods.ts"), methods);
  writeFileSync(join(dir, "single.flow"), "check { retries: 0; }\n");
  writeFileSync(join(dir, "parallel.flow"), "check < execution_flow: parallel; min_worker_count: 2; >\n");
  return dir;
}

/** A failed run whose stderr ends with `lines`, and shows none of flowc's, its runners' or Node's frames. */
function expectFailureEnding(result: CliResult, lines: readonly string[]): void {
  expect(result.status).toBe(1);
  expect(result.stderr.endsWith(lines.map((line) => `${line}\n`).join(""))).toBe(true);
  expect(result.stderr).not.toMatch(/node:|dist[\\/]|stdlib|node_modules|piscina/);
}

const esm = project("esm", true);
const cjs = project("cjs", false);

describe("flowc run: a failing method's stack", () => {
  it("in the calling thread: the reason, then the method's frames at its .ts lines", () => {
    expectFailureEnding(flowc(["run", "single.flow", "--input", "3"], { cwd: esm }), [
      "flowc: run failed: Method 'check' failed after 1 attempt: three is too many",
      "    at helper (single.methods.ts:12:22)",
      "    at check (single.methods.ts:8:10)",
    ]);
  });

  it("on a worker thread: the same, from the stack carried back as a string", () => {
    expectFailureEnding(flowc(["run", "parallel.flow", "--input", "[1, 3]", "--backend", "threads"], { cwd: esm }), [
      "flowc: run failed: Method 'check' failed on item 1 after 1 attempt: three is too many",
      "    at helper (parallel.methods.ts:12:22)",
      "    at check (parallel.methods.ts:8:10)",
    ]);
  });

  it("through a local module the methods module imports, each at its own .ts lines", () => {
    const dir = join(scratch, "imports");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(dir, "lib.ts"), methods);
    writeFileSync(
      join(dir, "single.methods.ts"),
      'import { check as checked } from "./lib.js";\n\nexport function check(x: number): number {\n  return checked(x);\n}\n',
    );
    writeFileSync(join(dir, "single.flow"), "check { retries: 0; }\n");
    expectFailureEnding(flowc(["run", "single.flow", "--input", "3"], { cwd: dir }), [
      "flowc: run failed: Method 'check' failed after 1 attempt: three is too many",
      "    at helper (lib.ts:12:22)",
      "    at check (lib.ts:8:10)",
      "    at check (single.methods.ts:4:10)",
    ]);
  });

  it("--quiet keeps the one line", () => {
    const result = flowc(["run", "single.flow", "--input", "2", "--quiet"], { cwd: esm });
    expect(result.stderr).toBe("flowc: run failed: Method 'check' failed after 1 attempt: cannot check 2\n");
    expect(result.status).toBe(1);
  });

  it("a module tsx loads as CommonJS (no source map) is named without a line that would mislead", () => {
    expectFailureEnding(flowc(["run", "single.flow", "--input", "3"], { cwd: cjs }), [
      "flowc: run failed: Method 'check' failed after 1 attempt: three is too many",
      "    at helper (single.methods.ts)",
      "    at check (single.methods.ts)",
    ]);
  });
});

describe("userFrames", () => {
  const root = "/opt/flowc";
  const stackOf = (stack: string): Error => Object.assign(new Error("x"), { stack });

  it("keeps the user's frames, relative to the current folder, and drops flowc's, its runners' and Node's", () => {
    const error = stackOf(
      [
        "Error: x",
        "    at parse (/home/me/etl/etl.methods.ts:3:9)",
        "    at file:///home/me/etl/lib/util.ts?tsx-namespace=1:7:2",
        "    at /opt/flowc/dist/stdlib/policy.js:46:22",
        // Code esbuild added to a compiled methods module, which no source map sends anywhere.
        "    at __using (file:///home/me/etl/node_modules/.cache/flowc/threads/0123abcd.mjs:4:9)",
        `    at ${join(tmpdir(), "flowc-threads-1000", "4567cdef.mjs")}:1:1`,
        "    at execute (/opt/flowc/node_modules/piscina/dist/worker.js:1:1)",
        "    at load (/home/me/etl/node_modules/tsx/dist/esm/index.mjs:2:2)",
        "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
        "    at new Promise (<anonymous>)",
        "    at async Promise.all (index 0)",
      ].join("\n"),
    );
    expect(userFrames(error, "/home/me/etl", root)).toEqual(["at parse (etl.methods.ts:3:9)", "at lib/util.ts:7:2"]);
  });

  it("gives nothing for a value that is not an error, or an error with no frame of the user's", () => {
    expect(userFrames("boom", "/", root)).toEqual([]);
    expect(
      userFrames(stackOf("TimeoutError: timed out\n    at /opt/flowc/dist/stdlib/policy.js:1:1"), "/", root),
    ).toEqual([]);
  });
});
