import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TypeScriptVersion } from "../../src/typecheck/engine.js";
import { typeCheck } from "../../src/typecheck/type-check.js";
import type { TypeCheckOptions } from "../../src/typecheck/types.js";
import { createTypeScriptServices } from "../../src/typescript-services.js";
import { analyseManifest } from "./pipeline.js";
import { describeDiagnostics, fixtureCases, goldenJson, type ExpectedDiagnostic } from "./fixture-support.js";

/** Every fixture runs on both engines, against the same golden files. */
const engines = new Map(
  ([7, 6] as const).map((version) => [version, createTypeScriptServices({ typescript: version })] as const),
);
afterAll(() => {
  for (const services of engines.values()) services.close();
});

/**
 * Where TypeScript 7 itself words a message otherwise than 6: it explains only the last
 * overload a call refuses (FLOW4015), where 6 explains each. Same code, same place.
 */
function asEngineSays(version: TypeScriptVersion, expected: readonly ExpectedDiagnostic[]): unknown[] {
  if (version === 6) return [...expected];
  return expected.map((diagnostic) =>
    diagnostic.code === "FLOW4015"
      ? { ...diagnostic, message: expect.stringContaining("the last overload") }
      : diagnostic,
  );
}

/** A fixture's type-check options, from its `options.json` (e.g. `{ "backend": "bullmq" }`). */
function optionsOf(dir: string): TypeCheckOptions | undefined {
  const file = path.join(dir, "options.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as TypeCheckOptions) : undefined;
}

/** As `compile` runs it: the options' backend, else the one the manifest declares. */
async function typeCheckFixture(dir: string, version: TypeScriptVersion) {
  const manifest = path.join(dir, "input.flow");
  const project = await engines.get(version)!.forManifest(manifest);
  const analysis = analyseManifest(manifest, project.host);
  return typeCheck(analysis, project, { backend: optionsOf(dir)?.backend ?? analysis.backend });
}

describe.each([7, 6] as const)("type-check fixtures on TypeScript %i", (version) => {
  for (const { name, dir } of fixtureCases("typecheck")) {
    it(name, async () => {
      const typed = await typeCheckFixture(dir, version);
      const diagnostics = describeDiagnostics(typed.analysis.source, typed.diagnostics);
      // The golden files are TypeScript 6's words; UPDATE_FIXTURES rewrites them from 6 only.
      const golden =
        version === 6 ? goldenJson(path.join(dir, "expected.json"), diagnostics) : readJson(dir, "expected.json");
      expect(diagnostics).toEqual(asEngineSays(version, golden as ExpectedDiagnostic[]));
      const types = {
        input: typed.inputType,
        output: typed.outputType,
        methods: Object.fromEntries(typed.types),
        edges: typed.edges,
      };
      expect(types).toEqual(
        version === 6 ? goldenJson(path.join(dir, "expected-types.json"), types) : readJson(dir, "expected-types.json"),
      );
      // What the options change in the plan: whether its values were proved to survive JSON.
      if (optionsOf(dir) !== undefined || typed.analysis.backend !== undefined) {
        const plan = { jsonSafe: typed.plan.jsonSafe, shardSizes: typed.plan.methods.map((m) => m.shardSize) };
        expect(plan).toEqual(
          version === 6 ? goldenJson(path.join(dir, "expected-plan.json"), plan) : readJson(dir, "expected-plan.json"),
        );
      }
    });
  }
});

function readJson(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(path.join(dir, file), "utf8")) as unknown;
}
