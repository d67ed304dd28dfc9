import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settingsLocations } from "../../src/language/settings-locations.js";
import type { ManifestState } from "../../src/language/types.js";
import { etlManifest, etlMethods } from "./etl-project.js";
import { createLanguageProject, offsetOf, textOf, type LanguageProject } from "./language-project.js";

let project: LanguageProject;
let etl: ManifestState;

beforeAll(async () => {
  project = createLanguageProject({ "etl.methods.ts": etlMethods });
  etl = await project.state("etl.flow", etlManifest);
});

afterAll(() => project.close());

/** The text of each property go to declaration lists from the `occurrence`-th `needle`. */
function settingsFrom(state: ManifestState, needle: string, occurrence = 1): string[] {
  return settingsLocations(state, offsetOf(state.source.text, needle, 0, occurrence)).map((location) =>
    location.kind === "manifest" ? textOf(state.source.text, location.span) : `file ${location.file}`,
  );
}

describe("go to declaration", () => {
  it("lists every property of every group that lists the method, in source order", () => {
    expect(settingsFrom(etl, "load {")).toEqual([
      "execution_flow: sequential;",
      "retries: 3;",
      "timeout: 30s;",
      "run_if: ready;",
      "cache: false;",
    ]);
    expect(settingsFrom(etl, "clean,", 2)).toEqual([
      "execution_flow: sequential;",
      "execution_flow: parallel;",
      "min_worker_count: 4;",
      "max_worker_count: 8;",
      "on_error: skip;",
    ]);
  });

  it("leads from an import's name and a predicate's value too, and from nothing else", () => {
    expect(settingsFrom(etl, "load }")).toHaveLength(5);
    expect(settingsFrom(etl, "ready")).toEqual([]);
    expect(settingsFrom(etl, "retries")).toEqual([]);
    expect(settingsFrom(etl, "// The pipeline")).toEqual([]);
  });
});
