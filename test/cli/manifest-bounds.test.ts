import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flowc, nodeProject, root } from "./helpers.js";

/** Settings that parse and look like numbers, but that no backend can honour: refused by `check`, where they are. */
const scratch = mkdtempSync(join(tmpdir(), "flowc-bounds-"));
nodeProject(scratch);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The word-count example with `extra` appended to its manifest. */
function wordCount(name: string, extra: string): string {
  const dir = join(scratch, name);
  cpSync(join(root, "examples/word-count"), dir, { recursive: true });
  const manifest = join(dir, "word-count.flow");
  writeFileSync(manifest, `splitChapters, countWords, mergeCounts { execution_flow: sequential; }\n${extra}`);
  return manifest;
}

interface JsonDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: string;
}

function check(manifest: string): { status: number | null; diagnostics: JsonDiagnostic[] } {
  const result = flowc(["check", manifest, "--format", "json"]);
  return { status: result.status, diagnostics: JSON.parse(result.stdout) as JsonDiagnostic[] };
}

describe("flowc check bounds worker counts and shard sizes", () => {
  it("a min_worker_count of 99999999999 is an error where it is written", () => {
    const manifest = wordCount("workers", "countWords < execution_flow: parallel; min_worker_count: 99999999999; >\n");
    const { status, diagnostics } = check(manifest);
    expect(status).toBe(1);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        line: 2,
        column: 58,
        code: "FLOW3016",
        message: "'min_worker_count' must be at most 10000, not '99999999999': no backend can start more workers.",
      }),
    ]);
  });

  it("max_worker_count and shard_size too; the bounds themselves are accepted", () => {
    const manifest = wordCount(
      "shards",
      "countWords < execution_flow: parallel; min_worker_count: 10000; max_worker_count: 10001; shard_size: 1000001; >\n",
    );
    const { diagnostics } = check(manifest);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["FLOW3016", "'max_worker_count' must be at most 10000, not '10001': no backend can start more workers."],
      [
        "FLOW3016",
        "'shard_size' must be at most 1000000, not '1000001': a shard travels to its worker as one message.",
      ],
    ]);
    const fine = wordCount(
      "fine",
      "countWords < execution_flow: parallel; min_worker_count: 3; max_worker_count: 10000; shard_size: 1000000; >\n",
    );
    expect(check(fine)).toEqual({ status: 0, diagnostics: [] });
  });
});

describe("durations are bounded by what a timer can wait", () => {
  const limit = "2147483647ms (about 24.8 days, the longest a timer can wait)";

  it("a timeout of 597h is an error where it is written; 2147483647ms is accepted", () => {
    const manifest = wordCount("timeout", "mergeCounts { timeout: 597h; }\ncountWords { timeout: 2147483647ms; }\n");
    const { status, diagnostics } = check(manifest);
    expect(status).toBe(1);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        line: 2,
        column: 24,
        code: "FLOW3017",
        message: `'timeout' must be at most ${limit}, not '597h'.`,
      }),
    ]);
  });

  for (const flag of ["--worker-wait", "--connection-wait"]) {
    it(`${flag} 597h is bad usage naming the limit`, () => {
      const manifest = join(root, "test/fixtures/cli/no-input/no-input.flow");
      const result = flowc(["run", manifest, "--backend", "bullmq", flag, "597h"]);
      expect(result.stderr).toBe(`flowc: ${flag} must be at most ${limit}, not '597h'\n`);
      expect(result.status).toBe(2);
    });
  }
});
