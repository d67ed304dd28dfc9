/**
 * The threads backend outside the test runner, in a process of its own: from
 * the runtime built to JavaScript (its worker entry is `worker.js`, and
 * TypeScript methods still load through tsx), and from the TypeScript sources
 * run with tsx (the worker entry loads `worker.ts`).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = new URL("../../", import.meta.url);
const repoRoot = fileURLToPath(repo);
const script = fileURLToPath(new URL("../fixtures/threads/e2e/run-plan.mjs", import.meta.url));
const require = createRequire(import.meta.url);

// Under the repository, so that the built runtime finds piscina and tsx in its node_modules.
const buildRoot = join(repoRoot, ".flowc-cache", `threads-build-${process.pid}`);

interface Outcome {
  output: { js: number[]; ts: number[] };
  workers: number[];
  backends: string[];
}

const expected = { js: [5, 6, 7], ts: [10, 20, 30] };

beforeAll(async () => {
  mkdirSync(buildRoot, { recursive: true });
  const config = join(buildRoot, "tsconfig.json");
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(repoRoot, "tsconfig.json"),
      compilerOptions: { outDir: join(buildRoot, "out"), rootDir: repoRoot, declaration: false, sourceMap: false },
      include: [join(repoRoot, "stdlib", "**", "*.ts")],
    }),
  );
  // TypeScript's package exports no `bin/tsc`: its folder is found from its package.json.
  const tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
  await run(process.execPath, [tsc, "-p", config]);
}, 120_000);

afterAll(() => {
  rmSync(buildRoot, { recursive: true, force: true });
});

describe("threads: outside the test runner", () => {
  it("runs from the built runtime, with worker.js as the worker entry", async () => {
    const threadsDir = join(buildRoot, "out", "stdlib", "backends", "threads");
    expect(existsSync(join(threadsDir, "worker.js"))).toBe(true);
    expect(existsSync(join(threadsDir, "worker-source.mjs"))).toBe(false);
    const entry = pathToFileURL(join(buildRoot, "out", "stdlib", "index.js")).href;
    const { stdout } = await run(process.execPath, [script, entry]);
    const outcome = JSON.parse(stdout) as Outcome;
    expect(outcome.output).toEqual(expected);
    expect(outcome.backends).toEqual(["threads"]);
    expect(outcome.workers.length).toBeGreaterThanOrEqual(2);
    expect(outcome.workers.every((worker) => worker > 0)).toBe(true);
  }, 60_000);

  it("runs from the TypeScript sources under tsx", async () => {
    const entry = new URL("stdlib/index.ts", repo).href;
    const tsx = require.resolve("tsx/cli");
    const { stdout } = await run(process.execPath, [tsx, script, entry]);
    const outcome = JSON.parse(stdout) as Outcome;
    expect(outcome.output).toEqual(expected);
    expect(outcome.backends).toEqual(["threads"]);
    expect(outcome.workers.every((worker) => worker > 0)).toBe(true);
  }, 60_000);
});
