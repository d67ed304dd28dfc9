import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEdits } from "../../grammar/diagnostics/fixes.js";
import { references } from "../../src/language/references.js";
import { prepareRename, rename } from "../../src/language/rename.js";
import type { ManifestState } from "../../src/language/types.js";
import { etlManifest, etlMethods } from "./etl-project.js";
import { createLanguageProject, offsetOf, textOf, type LanguageProject } from "./language-project.js";

let project: LanguageProject;
let etl: ManifestState;

beforeAll(async () => {
  project = createLanguageProject({ "etl.methods.ts": etlMethods });
  etl = await project.state("etl.flow", etlManifest);
  expect(etl.compiled.diagnostics).toEqual([]);
});

afterAll(() => project.close());

/** Where each reference stands: `line:column text`. */
function shown(state: ManifestState, spans: readonly { start: number; end: number }[]): string[] {
  const text = state.source.text;
  return spans.map((span) => {
    const before = text.slice(0, span.start);
    const line = before.split("\n").length;
    const column = span.start - before.lastIndexOf("\n");
    return `${line}:${column} ${textOf(text, span)}`;
  });
}

describe("references", () => {
  it("lists every mention of an imported method, its import counted only as its declaration", () => {
    const at = offsetOf(etlManifest, "clean,", 0, 2);
    expect(shown(etl, references(etl, at, true))).toEqual(["1:23 clean", "4:10 clean", "5:1 clean"]);
    expect(shown(etl, references(etl, at, false))).toEqual(["4:10 clean", "5:1 clean"]);
    // From the import's exported name, the same method.
    expect(references(etl, offsetOf(etlManifest, "transform"), true)).toEqual(references(etl, at, true));
  });

  it("counts the first mention of a name of the default module as its declaration, and run_if values as mentions", async () => {
    const text = `extract, ready { execution_flow: sequential; }\nload { run_if: ready; }\nextract, load { execution_flow: sequential; }\n`;
    const state = await project.state("etl.flow", text, { types: false });
    const at = offsetOf(text, "ready;");
    expect(shown(state, references(state, at, true))).toEqual(["1:10 ready", "2:16 ready"]);
    expect(shown(state, references(state, at, false))).toEqual(["2:16 ready"]);
  });

  it("finds nothing from a property or a value", () => {
    expect(references(etl, offsetOf(etlManifest, "retries"), true)).toEqual([]);
    expect(references(etl, offsetOf(etlManifest, "sequential"), true)).toEqual([]);
  });
});

describe("prepareRename", () => {
  it("offers a method's name wherever the manifest names it", () => {
    for (const [needle, occurrence] of [
      ["clean,", 1],
      ["clean,", 2],
      ["extract", 1],
      ["ready", 1],
    ] as const) {
      const at = offsetOf(etlManifest, needle, 1, occurrence);
      const prepared = prepareRename(etl, at);
      expect(prepared).toEqual({
        span: { start: at - 1, end: at - 1 + prepared!.placeholder.length },
        placeholder: needle.replace(",", ""),
      });
    }
  });

  it("offers neither an import's exported name, nor a property, nor a value", () => {
    expect(prepareRename(etl, offsetOf(etlManifest, "transform"))).toBeUndefined();
    expect(prepareRename(etl, offsetOf(etlManifest, "retries"))).toBeUndefined();
    expect(prepareRename(etl, offsetOf(etlManifest, "skip"))).toBeUndefined();
  });
});

describe("rename", () => {
  /** Renames the method at `needle` and compiles the result with its types. */
  async function renamed(text: string, needle: string, newName: string, occurrence = 1): Promise<string> {
    const state = text === etlManifest ? etl : await project.state("etl.flow", text);
    const result = rename(state, offsetOf(text, needle, 0, occurrence), newName);
    if (!result.ok) throw new Error(result.reason);
    const after = applyEdits(text, result.edits);
    const compiled = await project.state("etl.flow", after);
    expect(compiled.compiled.diagnostics.map((d) => d.message)).toEqual([]);
    return after;
  }

  it("renames an imported name under an alias that keeps its export, wherever it stands", async () => {
    expect(await renamed(etlManifest, "load {", "store")).toBe(
      etlManifest
        .replace("clean, load }", "clean, load as store }")
        .replaceAll("load {", "store {")
        .replace(", load {", ", store {"),
    );
  });

  it("renames an alias, and drops it when the new name is the export's", async () => {
    expect(await renamed(etlManifest, "clean", "tidy", 2)).toBe(etlManifest.replaceAll("clean", "tidy"));
    expect(await renamed(etlManifest, "clean", "transform", 3)).toBe(
      etlManifest.replace("transform as clean", "transform").replaceAll("clean", "transform"),
    );
  });

  it("imports a name of the default module under the new name, into an import of that module when there is one", async () => {
    expect(await renamed(etlManifest, "extract", "pull")).toBe(
      etlManifest.replace("clean, load }", "clean, load, extract as pull }").replace("extract,", "pull,"),
    );
  });

  it("imports a name of the default module in a new import, below the comments that head the file", async () => {
    const text = `// Nightly totals.\n\nextract, load { execution_flow: sequential; }\nload { run_if: ready; }\n`;
    expect(await renamed(text, "ready", "hasRows")).toBe(
      `// Nightly totals.\n\nimport { ready as hasRows } from "./etl.methods";\n\nextract, load { execution_flow: sequential; }\nload { run_if: hasRows; }\n`,
    );
    const imported = `import { load } from "./etl.methods";\nextract, load { execution_flow: sequential; }\n`;
    expect(await renamed(imported.replace('"./etl.methods"', '"./etl.methods.js"'), "extract", "pull")).toBe(
      `import { load } from "./etl.methods.js";\nimport { extract as pull } from "./etl.methods";\npull, load { execution_flow: sequential; }\n`,
    );
  });

  it("writes the new import with the file's own line breaks", async () => {
    const text = `extract, load { execution_flow: sequential; }\r\nload { run_if: ready; }\r\n`;
    expect(await renamed(text, "extract", "pull")).toBe(
      `import { extract as pull } from "./etl.methods";\r\n\r\npull, load { execution_flow: sequential; }\r\nload { run_if: ready; }\r\n`,
    );
    const imported = `import { load } from "./etl.methods.js";\r\nextract, load { execution_flow: sequential; }\r\n`;
    expect(await renamed(imported, "extract", "pull")).toBe(
      `import { load } from "./etl.methods.js";\r\nimport { extract as pull } from "./etl.methods";\r\npull, load { execution_flow: sequential; }\r\n`,
    );
  });

  it("refuses a new name that cannot name a method, saying why", () => {
    const at = offsetOf(etlManifest, "load {");
    const reasons = ["class", "__proto__", "then", "@input", "two words", "1st", "a.b", "", "import"].map((name) => {
      const result = rename(etl, at, name);
      return [name, result.ok ? "renamed" : result.reason];
    });
    expect(reasons).toEqual([
      ["class", "'class' cannot name a method: it is a reserved word in TypeScript."],
      [
        "__proto__",
        "'__proto__' cannot name a method: the runner keys objects by method name, and in JavaScript that key would set an object's prototype instead.",
      ],
      [
        "then",
        "'then' cannot name a method: a module or an object with a 'then' function is a thenable, so 'await' and 'import()' would call it instead of handing it on. Rename it.",
      ],
      [
        "@input",
        "'@input' cannot name a method: a name that begins with '@' is no method ('@input' is the run's input).",
      ],
      [
        "two words",
        expect.stringContaining("'two words' is not a name: a method's name is spelt like a TypeScript identifier"),
      ],
      ["1st", expect.stringContaining("'1st' is not a name")],
      ["a.b", expect.stringContaining("'a.b' is not a name")],
      ["", expect.stringContaining("'' is not a name")],
      ["import", "'import' cannot name a method: it is a reserved word in TypeScript."],
    ]);
  });

  it("accepts the names that are keywords only in an import", () => {
    const result = rename(etl, offsetOf(etlManifest, "load {"), "from");
    expect(result.ok).toBe(true);
  });

  it("refuses a name another method has, an import's exported name, and what is no method", () => {
    expect(rename(etl, offsetOf(etlManifest, "load {"), "extract")).toEqual({
      ok: false,
      reason: "'extract' already names a method of this manifest.",
    });
    expect(rename(etl, offsetOf(etlManifest, "transform"), "change")).toEqual({
      ok: false,
      reason:
        "'transform' is the name its module exports: rename the function in TypeScript. Its name in this manifest is 'clean'.",
    });
    expect(rename(etl, offsetOf(etlManifest, "retries"), "tries")).toEqual({
      ok: false,
      reason: "Only the name of a method can be renamed.",
    });
  });

  it("refuses while the name stands where a syntax error keeps the manifest from being read", async () => {
    // A group without its block is not in the document.
    const text = `${etlManifest}extract, load\n`;
    const state = await project.state("etl.flow", text);
    expect(state.compiled.diagnostics.map((d) => d.code)).toEqual([1006]);
    expect(rename(state, offsetOf(text, "load {"), "store")).toEqual({
      ok: false,
      reason: "'load' also stands at 7:10, where the manifest cannot be read: fix its syntax errors first.",
    });
  });
});
