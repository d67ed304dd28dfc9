import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSourceText } from "../../grammar/source.js";
import { compile } from "../../src/compile.js";
import {
  definition,
  documentSymbols,
  foldingRanges,
  hover,
  prepareRename,
  references,
  rename,
  semanticTokens,
  settingsLocations,
  type ManifestState,
  type SymbolEntry,
} from "../../src/language/index.js";
import { edit, mutate, tokenSoup, validManifest } from "../grammar/manifest-arbitrary.js";
import { branchManifest, etlManifest, etlMethods } from "./etl-project.js";
import { createLanguageProject, type LanguageProject } from "./language-project.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

let project: LanguageProject;
/** A real type-checked state: its host and its type-check stand beside every text below, as an editor's would. */
let typed: ManifestState;

beforeAll(async () => {
  project = createLanguageProject({ "etl.methods.ts": etlMethods });
  typed = await project.state("etl.flow", etlManifest);
  expect(typed.compiled.typed).toBeDefined();
});

afterAll(() => project.close());

function inside(span: { readonly start: number; readonly end: number }, length: number): void {
  expect(span.start).toBeGreaterThanOrEqual(0);
  expect(span.end).toBeGreaterThanOrEqual(span.start);
  expect(span.end).toBeLessThanOrEqual(length);
}

function checkSymbols(symbols: readonly SymbolEntry[], length: number): void {
  for (const symbol of symbols) {
    expect(symbol.name).not.toBe("");
    inside(symbol.span, length);
    inside(symbol.selection, length);
    expect(symbol.selection.start).toBeGreaterThanOrEqual(symbol.span.start);
    expect(symbol.selection.end).toBeLessThanOrEqual(symbol.span.end);
    checkSymbols(symbol.children, length);
  }
}

/** Every feature at every offset of `text` answers, within the text, without throwing. */
async function checkEverywhere(text: string): Promise<void> {
  const compiled = await compile(createSourceText(typed.source.path, text), { types: false });
  const state: ManifestState = { source: compiled.source, compiled, host: typed.host, lastTyped: typed.lastTyped };
  const length = text.length;
  for (let offset = 0; offset <= length; offset++) {
    const info = hover(state, offset);
    if (info !== undefined) inside(info.span, length);
    for (const location of definition(state, offset)) if (location.kind === "manifest") inside(location.span, length);
    for (const location of settingsLocations(state, offset)) {
      expect(location.kind).toBe("manifest");
      if (location.kind === "manifest") inside(location.span, length);
    }
    for (const span of references(state, offset, true)) inside(span, length);
    expect(references(state, offset, false).length).toBeLessThanOrEqual(references(state, offset, true).length);
    const prepared = prepareRename(state, offset);
    if (prepared !== undefined) inside(prepared.span, length);
    const renamed = rename(state, offset, "renamed");
    if (renamed.ok) for (const change of renamed.edits) inside(change.span, length);
    else expect(renamed.reason).not.toBe("");
  }
  checkSymbols(documentSymbols(state), length);
  for (const range of foldingRanges(state)) {
    expect(range.start).toBeLessThan(range.end);
    expect(range.end).toBeLessThan(length);
  }
  let previousEnd = 0;
  for (const token of semanticTokens(state)) {
    expect(token.start).toBeGreaterThanOrEqual(previousEnd);
    expect(token.length).toBeGreaterThan(0);
    previousEnd = token.start + token.length;
    expect(previousEnd).toBeLessThanOrEqual(length);
    expect(text.slice(token.start, previousEnd)).not.toMatch(/[\r\n]/);
  }
}

describe("the language service on any text", () => {
  it("never throws on random strings", async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: "binary", maxLength: 120 }), checkEverywhere), {
      numRuns: RUNS,
    });
  });

  it("never throws on soups of the language's tokens", async () => {
    await fc.assert(fc.asyncProperty(tokenSoup, checkEverywhere), { numRuns: RUNS });
  });

  it("never throws on mutated manifests, valid ones and these tests' own", async () => {
    const manifests = fc.oneof(validManifest, fc.constantFrom(etlManifest, branchManifest));
    await fc.assert(
      fc.asyncProperty(manifests, fc.array(edit, { maxLength: 3 }), (text, edits) =>
        checkEverywhere(mutate(text, edits)),
      ),
      { numRuns: RUNS },
    );
  });
});
