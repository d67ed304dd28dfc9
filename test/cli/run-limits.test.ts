/**
 * `flowc run` refuses, before any worker thread starts, a plan whose parallel
 * stage needs more threads than the machine can sanely give.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { flowc, nodeProject } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-limits-"));
nodeProject(scratch);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const bound = Math.max(1, Math.min(8 * availableParallelism(), Math.floor(totalmem() / 2 ** 20 / 2 / 64)));

describe("flowc run: threads beyond the machine's bound", () => {
  it("refuses the plan with one reason naming the method, its need and the bound, and imports the methods in no thread", () => {
    const marker = join(scratch, "imported-in.txt");
    writeFileSync(
      join(scratch, "many.methods.ts"),
      'import { appendFileSync } from "node:fs";\nimport { threadId } from "node:worker_threads";\n' +
        `appendFileSync(${JSON.stringify(marker)}, \`\${threadId}\\n\`);\n` +
        "export function m(x: number): number {\n  return x;\n}\n",
    );
    writeFileSync(join(scratch, "many.flow"), `m < execution_flow: parallel; min_worker_count: ${bound + 1}; >\n`);
    const result = flowc(["run", "many.flow", "--input", "[1, 2, 3]", "--quiet"], { cwd: scratch });
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      new RegExp(
        `^flowc: run failed: Plan 'many': method 'm' needs ${bound + 1} threads \\(min_worker_count\\), more than ` +
          `the threads backend runs at once: ${bound} \\(this machine's bound: .*flowc run --workers.*\\)\\. ` +
          "Lower min_worker_count\\.\\n$",
      ),
    );
    expect(result.status).toBe(1);
    // Only the calling thread (thread 0) imported the methods: no worker thread was started.
    expect(readFileSync(marker, "utf8")).toBe("0\n");
  });
});
