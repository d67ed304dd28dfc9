/**
 * Skips, branches and failures through the real `flowc run`, on the inline
 * and threads backends: each scenario of routing-scenarios.ts runs with a
 * folder of marker files of its own, so that every call is counted wherever
 * it ran (this thread or a worker thread).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";
import { MARKS_ENV, readMarks } from "../fixtures/cli/routing/marks.js";
import { flowc } from "./helpers.js";
import { scenarios, type Scenario, type ScenarioRun } from "./routing-scenarios.js";

function run(scenario: Scenario, backend: string): ScenarioRun {
  const marks = mkdtempSync(join(tmpdir(), "flowc-routing-"));
  try {
    const result = flowc(["run", scenario.manifest, "--input", JSON.stringify(scenario.input), "--backend", backend], {
      env: { [MARKS_ENV]: marks },
    });
    return { ...result, ...readMarks(marks) };
  } finally {
    rmSync(marks, { recursive: true, force: true });
  }
}

describe.each(["inline", "threads"])("flowc run --backend %s: skips, branches and failures", (backend) => {
  for (const scenario of Object.values(scenarios)) {
    it(scenario.name, () => scenario.check(run(scenario, backend)));
  }
});
