import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTypeScriptHost } from "../../src/typecheck/module-host.js";
import { createProjectCache } from "../../src/typecheck/project.js";
import { typeCheck } from "../../src/typecheck/type-check.js";
import type { TypeCheckOptions } from "../../src/typecheck/types.js";
import { analyseManifest } from "./pipeline.js";
import { describeDiagnostics, fixtureCases, goldenJson } from "./fixture-support.js";

const projects = createProjectCache();

/** A fixture's type-check options, from its `options.json` (e.g. `{ "backend": "bullmq" }`). */
function optionsOf(dir: string): TypeCheckOptions | undefined {
  const file = path.join(dir, "options.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as TypeCheckOptions) : undefined;
}

/** As `compile` runs it: the options' backend, else the one the manifest declares. */
function typeCheckFixture(dir: string) {
  const manifest = path.join(dir, "input.flow");
  const project = projects.forManifest(manifest);
  const analysis = analyseManifest(manifest, createTypeScriptHost(project));
  return typeCheck(analysis, project, { backend: optionsOf(dir)?.backend ?? analysis.backend });
}

describe("type-check fixtures", () => {
  for (const { name, dir } of fixtureCases("typecheck")) {
    it(name, () => {
      const typed = typeCheckFixture(dir);
      const diagnostics = describeDiagnostics(typed.analysis.source, typed.diagnostics);
      expect(diagnostics).toEqual(goldenJson(path.join(dir, "expected.json"), diagnostics));
      const types = {
        input: typed.inputType,
        output: typed.outputType,
        methods: Object.fromEntries(typed.types),
      };
      expect(types).toEqual(goldenJson(path.join(dir, "expected-types.json"), types));
      // What the options change in the plan: whether its values were proved to survive JSON.
      if (optionsOf(dir) !== undefined || typed.analysis.backend !== undefined) {
        const plan = { jsonSafe: typed.plan.jsonSafe, shardSizes: typed.plan.methods.map((m) => m.shardSize) };
        expect(plan).toEqual(goldenJson(path.join(dir, "expected-plan.json"), plan));
      }
    });
  }
});
