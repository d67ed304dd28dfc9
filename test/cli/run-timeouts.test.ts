/**
 * `flowc run` keeps the promise that a call past its `timeout` counts as a
 * failure, also for calls that never yield: on worker threads and in the
 * calling thread alike.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flowc } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-timeouts-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(name: string, manifest: string, methods: string): string {
  writeFileSync(join(scratch, `${name}.flow`), manifest);
  writeFileSync(join(scratch, `${name}.methods.ts`), methods);
  return join(scratch, `${name}.flow`);
}

describe("flowc run: a call that spins past its timeout", () => {
  it("on a worker thread, fails the item with the timeout instead of hanging (exit 1)", () => {
    const file = project(
      "parallel-spin",
      "spin < execution_flow: parallel; min_worker_count: 2; timeout: 500ms; >\n",
      "export function spin(x: number): number {\n  if (x === 3) for (;;);\n  return x * 2;\n}\n",
    );
    const result = flowc(["run", file, "--input", "[0, 1, 2, 3, 4, 5]", "--quiet"]);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^flowc: run failed: Method 'spin' failed on item 3 after 1 attempt: timed out after 500 ms$/m,
    );
    expect(result.status).toBe(1);
  });

  it("on a worker thread, retries it on a fresh thread with attempt 2 and prints every output once", () => {
    const file = project(
      "parallel-retry",
      "spin < execution_flow: parallel; min_worker_count: 2; timeout: 500ms; retries: 1; shard_size: 4; >\n",
      "export function spin(x: number, context: { readonly attempt: number }): number {\n" +
        "  if (x === 5 && context.attempt === 1) for (;;);\n" +
        "  return x * 2;\n}\n",
    );
    const input = JSON.stringify(Array.from({ length: 12 }, (_, i) => i));
    const result = flowc(["run", file, "--input", input, "--quiet"]);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
    expect(result.status).toBe(0);
  });

  it("in the calling thread, interrupts it and fails the method with the timeout (exit 1)", () => {
    const file = project(
      "single-spin",
      "spin { timeout: 300ms; }\n",
      "export function spin(x: number): number {\n  for (;;);\n  return x;\n}\n",
    );
    const result = flowc(["run", file, "--input", "1", "--quiet"]);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^flowc: run failed: Method 'spin' failed after 1 attempt: timed out after 300 ms$/m);
    expect(result.status).toBe(1);
  });
});
