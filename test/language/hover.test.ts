import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hover } from "../../src/language/hover.js";
import type { ManifestState } from "../../src/language/types.js";
import { branchManifest, etlManifest, etlMethods } from "./etl-project.js";
import { createLanguageProject, offsetOf, textOf, type LanguageProject } from "./language-project.js";

let project: LanguageProject;
let etl: ManifestState;
let branch: ManifestState;

beforeAll(async () => {
  project = createLanguageProject({ "etl.methods.ts": etlMethods, "branch.methods.ts": etlMethods });
  etl = await project.state("etl.flow", etlManifest);
  branch = await project.state("branch.flow", branchManifest);
  expect(etl.compiled.diagnostics).toEqual([]);
  expect(branch.compiled.diagnostics).toEqual([]);
});

afterAll(() => project.close());

function hoverOn(state: ManifestState, needle: string, shift = 0, occurrence = 1) {
  const text = state.source.text;
  const info = hover(state, offsetOf(text, needle, shift, occurrence));
  return info === undefined ? undefined : { text: textOf(text, info.span), markdown: info.markdown };
}

describe("hover on a method", () => {
  it("shows its signature, its module, what it receives and sends, and its settings", () => {
    const load = hoverOn(etl, "load {", 1);
    expect(load?.text).toBe("load");
    expect(load?.markdown).toContain("(method) load: (rows: readonly (Row | undefined)[]) => number");
    expect(load?.markdown).toContain("From `./etl.methods`");
    expect(load?.markdown).toContain("**Receives**\n- from `clean`: `(Row | undefined)[]`");
    expect(load?.markdown).toContain("Its output (`number`) is the run's output.");
    expect(load?.markdown).toContain("Runs only when `ready` returns `true`");
    expect(load?.markdown).toContain("- retries: 3\n- timeout: 30s\n- cache: false");

    const extract = hoverOn(etl, "extract")?.markdown;
    expect(extract).toContain("(method) extract: (since: string) => Promise<Row[]>");
    expect(extract).toContain("From `./etl.methods`, the manifest's default module");
    expect(extract).toContain("**Receives**\n- the run's input: `string`\n\n**Sends**\n- to `clean`: `Row[]`");
  });

  it("names an aliased method's export, says in words that a failure skips an item, and gives its workers", () => {
    const clean = hoverOn(etl, "clean,", 0, 2)?.markdown;
    expect(clean).toContain("`transform` from `./etl.methods`, imported as `clean`");
    expect(clean).toContain("A call that fails for good skips its item (`on_error: skip`)");
    expect(clean).toContain("- execution: parallel\n- workers: at least 4, at most 8");
    // The same card on the import's local and exported names.
    expect(hoverOn(etl, "clean,")?.markdown).toBe(clean);
    expect(hoverOn(etl, "transform")?.markdown).toBe(clean);
  });

  it("gives a parallel method without a minimum the plan's least number of workers", async () => {
    const state = await project.state("etl.flow", etlManifest.replace("min_worker_count: 4; ", ""));
    expect(hoverOn(state, "clean,", 0, 2)?.markdown).toContain(
      "- workers: at least 1 (no `min_worker_count`: the least there is), at most 8",
    );
  });

  it("shows where a branch routes each variant, and the run's input among what a method receives", () => {
    const classify = hoverOn(branch, "classify")?.markdown;
    expect(classify).toContain("Routes its output by `kind` (`branch_on`)");
    expect(classify).toContain('- `triageBug` when `kind` is `"bug"`\n- `answer` when `kind` is `"question"`');
    const audit = hoverOn(branch, "audit")?.markdown;
    expect(audit).toContain("- from `@input`: `number`");
    expect(audit).toContain("- from `answer`: `string`");
    expect(audit).toContain("Its output (`void`) is the member `audit` of the run's output.");
  });

  it("says that a predicate is in no flow", () => {
    expect(hoverOn(etl, "ready")?.markdown).toContain("Only a predicate or a fallback of other methods");
  });

  it("answers from the last type-check while the text has a syntax error, and says so", async () => {
    const broken = await project.state("etl.flow", `${etlManifest}load {`, { lastTyped: etl.lastTyped });
    expect(broken.compiled.typed).toBeUndefined();
    const load = hoverOn(broken, "load {", 1)?.markdown;
    expect(load).toContain("(method) load: (rows: readonly (Row | undefined)[]) => number");
    expect(load).toContain("*Types from the last successful check: the current text has errors.*");
    expect(load).toContain("- retries: 3");
  });

  it("without types, shows the module and the settings and says the types are unknown", async () => {
    const untyped = await project.state("etl.flow", etlManifest, { types: false });
    const load = hoverOn(untyped, "load {", 1)?.markdown;
    expect(load).toContain("```typescript\n(method) load\n```");
    expect(load).toContain("*Types unknown");
    expect(load).toContain("From `./etl.methods`");
    expect(load).toContain("- retries: 3");
  });

  it("finds the name the caret ends, and nothing on punctuation or blank space", () => {
    const text = etl.source.text;
    expect(hover(etl, offsetOf(text, ", clean"))?.span).toEqual({
      start: offsetOf(text, "extract"),
      end: offsetOf(text, ", clean"),
    });
    expect(hover(etl, offsetOf(text, "{ execution_flow"))).toBeUndefined();
    expect(hover(etl, offsetOf(text, "// The pipeline", 3))).toBeUndefined();
    expect(hover(etl, text.length)).toBeUndefined();
  });
});

describe("hover on a property", () => {
  it("shows the reference's row for it", () => {
    const retries = hoverOn(etl, "retries");
    expect(retries?.text).toBe("retries");
    expect(retries?.markdown).toContain(
      "How many more times a failed call is tried; waits between attempts grow exponentially.",
    );
    expect(retries?.markdown).toContain("- value: whole number ≥ 0\n- applies to: each method");
  });

  it("adds the reference's passage on it, without links to the reference's own headings", () => {
    const runIf = hoverOn(etl, "run_if")?.markdown;
    expect(runIf).toContain("**`run_if: predicate;`** calls `predicate` with exactly the input");
    expect(runIf).toContain("notify { run_if: hasSubscribers; }");
    const cache = hoverOn(etl, "cache")?.markdown;
    expect(cache).toContain("**`cache: false;`** keeps a method out of it");
    expect(cache).toContain("(see Resumed runs and `cache`)");
    expect(cache).not.toContain("](#");
    expect(hoverOn(etl, "min_worker_count")?.markdown).toContain(
      "`min_worker_count`, `max_worker_count` and `shard_size` only make sense for a method that is `parallel`",
    );
  });

  it("says nothing of a property the language does not have", async () => {
    const state = await project.state("etl.flow", etlManifest.replace("retries: 3", "retry: 3"), { types: false });
    expect(hoverOn(state, "retry")).toBeUndefined();
  });
});

describe("hover on a value", () => {
  it("explains a word a property takes", () => {
    expect(hoverOn(etl, "skip")?.markdown).toContain("`on_error: skip`: A call that failed for good skips the method");
    const parallel = hoverOn(etl, "parallel")?.markdown;
    expect(parallel).toContain("`execution_flow: parallel`: Each method is applied to every element");
    expect(parallel).toContain("The same method is scaled out over several workers");
    expect(hoverOn(etl, "false")?.markdown).toContain("never stored in a run's journal");
  });

  it("gives a timeout in milliseconds, and a branch's discriminant in words", () => {
    expect(hoverOn(etl, "30s")?.markdown).toBe("`30s`: 30,000 ms");
    expect(hoverOn(branch, "kind")?.markdown).toContain("The property of the method's output");
  });

  it("gives the run's input its type and the methods it flows to", () => {
    const input = hoverOn(branch, "@input");
    expect(input?.text).toBe("@input");
    expect(input?.markdown).toContain("```typescript\n@input: number\n```");
    expect(input?.markdown).toContain("- to `audit`: `number`");
  });

  it("gives an import's module path the file it names", () => {
    const path = project.dir.root;
    const module = hoverOn(etl, '"./etl.methods"', 1);
    expect(module?.text).toBe('"./etl.methods"');
    expect(module?.markdown).toContain('module "./etl.methods"');
    expect(module?.markdown).toContain(`\`${path}/etl.methods.ts\``);
  });

  it("explains the backend a manifest names", async () => {
    const state = await project.state("etl.flow", `backend threads;\n${etlManifest}`, { types: false });
    expect(hoverOn(state, "threads")?.markdown).toContain("Parallel methods run on worker threads");
  });
});
