import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CheckOptions } from "../../src/check/types.js";
import { printed, runCheck, tableHost, type ExportTable } from "./pipeline.js";

/**
 * Golden tests of the resolve and check phases. Each folder of test/fixtures/check holds
 * `input.flow`, optionally `host.json` (an export table: specifier → export → is a function;
 * without it every module exists and nothing is checked about exports) and `options.json`
 * (check options, and `limit`: the diagnostics per file, to show the limit on a small file), and the expected `expected.json` diagnostics plus `plan.json` when the
 * manifest yields a plan. `UPDATE_FIXTURES=1` rewrites the expectations.
 */
const fixtures = fileURLToPath(new URL("../fixtures/check/", import.meta.url));
const update = process.env.UPDATE_FIXTURES === "1";

const readJson = <T>(file: string): T | undefined =>
  existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as T) : undefined;

const writeJson = (file: string, value: unknown): void => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

describe("check fixtures", () => {
  const cases = readdirSync(fixtures, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  it("has fixtures", () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  for (const name of cases) {
    it(name, () => {
      const dir = path.join(fixtures, name);
      const text = readFileSync(path.join(dir, "input.flow"), "utf8");
      const table = readJson<ExportTable>(path.join(dir, "host.json"));
      const { limit, ...options } = readJson<CheckOptions & { limit?: number }>(path.join(dir, "options.json")) ?? {};
      const result = runCheck(text, {
        path: "input.flow",
        ...(table === undefined ? {} : { host: tableHost(table) }),
        check: options,
        limit,
      });

      expect(result.syntax, "fixtures must parse cleanly").toEqual([]);
      const actual = result.diagnostics.map((d) => printed(result.source, d));
      const plan = result.analysis.plan;
      const expectedFile = path.join(dir, "expected.json");
      const planFile = path.join(dir, "plan.json");

      if (update) {
        writeJson(expectedFile, actual);
        if (plan === undefined) rmSync(planFile, { force: true });
        else writeJson(planFile, plan);
        return;
      }
      expect(actual).toEqual(readJson(expectedFile));
      if (plan === undefined) expect(existsSync(planFile), "no plan is expected").toBe(false);
      else expect(JSON.parse(JSON.stringify(plan))).toEqual(readJson(planFile));
    });
  }
});
