import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTypeScriptHost } from "../../src/typecheck/module-host.js";
import { createProjectCache } from "../../src/typecheck/project.js";
import { typeCheck } from "../../src/typecheck/type-check.js";
import { analyseManifest } from "./pipeline.js";
import { describeDiagnostics, fixtureCases, goldenJson } from "./fixture-support.js";

const projects = createProjectCache();

function typeCheckFixture(dir: string) {
  const manifest = path.join(dir, "input.flow");
  const project = projects.forManifest(manifest);
  const analysis = analyseManifest(manifest, createTypeScriptHost(project));
  return typeCheck(analysis, project);
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
    });
  }
});
