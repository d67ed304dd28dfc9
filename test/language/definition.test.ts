import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition } from "../../src/language/definition.js";
import type { Location, ManifestState } from "../../src/language/types.js";
import { etlManifest, etlMethods } from "./etl-project.js";
import { createLanguageProject, offsetOf, textOf, type LanguageProject } from "./language-project.js";

let project: LanguageProject;
let etl: ManifestState;
let methodsFile: string;

beforeAll(async () => {
  project = createLanguageProject({ "etl.methods.ts": etlMethods });
  methodsFile = path.join(project.dir.root, "etl.methods.ts");
  etl = await project.state("etl.flow", etlManifest);
  expect(etl.compiled.diagnostics).toEqual([]);
});

afterAll(() => project.close());

function definitionOn(state: ManifestState, needle: string, shift = 0, occurrence = 1): readonly Location[] {
  return definition(state, offsetOf(state.source.text, needle, shift, occurrence));
}

/** What a location points at: a file with the text there, or a span of the manifest. */
function shown(state: ManifestState, locations: readonly Location[]): string[] {
  return locations.map((location) =>
    location.kind === "manifest"
      ? `manifest: ${textOf(state.source.text, location.span)}`
      : `${path.basename(location.file)}: ${textOf(etlMethods, location)}`,
  );
}

describe("definition", () => {
  it("leads from a method's name in a group to the function its module exports", () => {
    expect(shown(etl, definitionOn(etl, "extract"))).toEqual(["etl.methods.ts: extract"]);
    expect(shown(etl, definitionOn(etl, "load {"))).toEqual(["etl.methods.ts: load"]);
    const [location] = definitionOn(etl, "extract");
    expect(location).toMatchObject({ kind: "file", file: methodsFile });
  });

  it("leads from an import's local and exported names, and from a predicate, to the function", () => {
    expect(shown(etl, definitionOn(etl, "clean,"))).toEqual(["etl.methods.ts: transform"]);
    expect(shown(etl, definitionOn(etl, "transform"))).toEqual(["etl.methods.ts: transform"]);
    expect(shown(etl, definitionOn(etl, "clean,", 0, 2))).toEqual(["etl.methods.ts: transform"]);
    expect(shown(etl, definitionOn(etl, "ready"))).toEqual(["etl.methods.ts: ready"]);
  });

  it("leads from an import's module path to the start of the module's file", () => {
    expect(definitionOn(etl, '"./etl.methods"', 2)).toEqual([{ kind: "file", file: methodsFile, start: 0, end: 0 }]);
  });

  it("leads to the module's file while types are unknown", async () => {
    const untyped = await project.state("etl.flow", etlManifest, { types: false });
    expect(definitionOn(untyped, "extract")).toEqual([{ kind: "file", file: methodsFile, start: 0, end: 0 }]);
    expect(definitionOn(untyped, "clean,", 0, 2)).toEqual([{ kind: "file", file: methodsFile, start: 0, end: 0 }]);
  });

  it("leads to the name's import in the manifest when its module cannot be found", async () => {
    const text = `import { fetch } from "./nowhere";\nfetch, extract { execution_flow: sequential; }\n`;
    const state = await project.state("etl.flow", text);
    expect(state.compiled.diagnostics.map((d) => d.code)).toContain(2002);
    expect(definitionOn(state, "fetch,")).toEqual([
      { kind: "manifest", span: { start: offsetOf(text, "fetch"), end: offsetOf(text, "fetch") + 5 } },
    ]);
    expect(definitionOn(state, '"./nowhere"', 1)).toEqual([]);
  });

  it("has nothing to say of properties, values and punctuation", () => {
    expect(definitionOn(etl, "retries")).toEqual([]);
    expect(definitionOn(etl, "parallel")).toEqual([]);
    expect(definitionOn(etl, "{ execution_flow")).toEqual([]);
  });
});
