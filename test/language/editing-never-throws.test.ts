/**
 * Completion, code actions and formatting answer at every offset of any text, half-typed
 * or garbage, without throwing; and what they answer is well-formed (spans inside the
 * text, edits that do not overlap).
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Span } from "../../grammar/ast.js";
import { createSourceText } from "../../grammar/source.js";
import { compile } from "../../src/compile.js";
import { codeActions } from "../../src/language/code-actions.js";
import { completion } from "../../src/language/completion.js";
import { contextAt } from "../../src/language/context-at.js";
import { formatDocument, formatRange } from "../../src/language/formatting.js";
import type { ManifestState, TextEdit } from "../../src/language/types.js";
import { edit, mutate, tokenSoup, validManifest } from "../grammar/manifest-arbitrary.js";
import { createLanguageProject } from "./language-project.js";

const project = createLanguageProject({
  "etl.methods.ts": "export function extract(): string { return ''; }\nexport function load(s: string): void {}\n",
  "m.ts": "export function a(): string { return ''; }\nexport function transform(s: string): string { return s; }\n",
  "other.ts": "export function b(s: string): string { return s; }\nexport const x_1 = 1;\n",
});
afterAll(() => project.close());

/** A state of `text` compiled without types, with the project's real module host for what asks it. */
async function untypedState(text: string): Promise<ManifestState> {
  const typed = await project.state("etl.flow", "extract { retries: 1; }\n");
  const source = createSourceText(typed.source.path, text);
  return { source, compiled: await compile(source, { types: false }), host: typed.host, lastTyped: typed.lastTyped };
}

function expectInside(span: Span | undefined, length: number): void {
  if (span === undefined) return;
  expect(0 <= span.start && span.start <= span.end && span.end <= length, JSON.stringify(span)).toBe(true);
}

function expectEdits(edits: readonly TextEdit[], length: number): void {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  for (const [index, edit] of sorted.entries()) {
    expectInside(edit.span, length);
    if (index > 0) expect(edit.span.start).toBeGreaterThanOrEqual(sorted[index - 1]!.span.end);
  }
}

/**
 * Completion and code actions at every offset of the state's text; formatting (which reads
 * the whole text each time) at every `stride`-th offset, and over a range of `stride` from there.
 */
function answerEverywhere(state: ManifestState, stride: number): void {
  const length = state.source.text.length;
  expectEdits(formatDocument(state), length);
  for (let offset = 0; offset <= length; offset++) {
    contextAt(state.source.text, offset);
    for (const entry of completion(state, offset)) expectInside(entry.replace, length);
    for (const action of codeActions(state, { start: offset, end: offset })) expectEdits(action.edits, length);
    if (offset % stride !== 0) continue;
    expectEdits(formatRange(state, { start: offset, end: offset }), length);
    expectEdits(formatRange(state, { start: offset, end: Math.min(length, offset + stride) }), length);
  }
}

describe("the editing functions", () => {
  it("answer at every offset of token soup", async () => {
    await fc.assert(
      fc.asyncProperty(tokenSoup, fc.integer({ min: 3, max: 30 }), async (text, stride) => {
        answerEverywhere(await untypedState(text), stride);
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it("answer at every offset of manifests with a few characters deleted, inserted or swapped", async () => {
    await fc.assert(
      fc.asyncProperty(
        validManifest,
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 3, max: 30 }),
        async (text, edits, stride) => {
          answerEverywhere(await untypedState(mutate(text, edits)), stride);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it("answer at every offset of manifests type-checked against real modules", async () => {
    await fc.assert(
      fc.asyncProperty(validManifest, async (text) => {
        answerEverywhere(await project.state("etl.flow", text), 7);
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it("answer outside the text, and on empty text", async () => {
    const state = await untypedState("extract { retries: 1; }");
    for (const offset of [-1, 1000, Number.NaN]) {
      expect(completion(state, offset)).toEqual([]);
      expect(codeActions(state, { start: offset, end: offset })).toEqual([]);
    }
    answerEverywhere(await untypedState(""), 1);
  });
});
