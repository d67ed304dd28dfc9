import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSourceText, parse, type FlowDocument } from "../../grammar/index.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { formatDocument } from "../../src/format/format.js";
import { edit, mutate, tokenSoup, validManifest } from "./manifest-arbitrary.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Parsing must not throw, and every diagnostic must be a syntax diagnostic inside the text, once per offset and code. */
function checkParse(text: string): void {
  const { diagnostics, document } = parse(createSourceText("fuzz.flow", text));
  const seen = new Set<string>();
  for (const d of diagnostics) {
    expect(d.code).toBeGreaterThanOrEqual(1001);
    expect(d.code).toBeLessThan(2000);
    expect(d.file).toBe("fuzz.flow");
    expect(d.span.start).toBeGreaterThanOrEqual(0);
    expect(d.span.end).toBeGreaterThanOrEqual(d.span.start);
    expect(d.span.end).toBeLessThanOrEqual(text.length);
    const key = `${d.span.start}:${d.code}`;
    expect(seen.has(key)).toBe(false);
    seen.add(key);
  }
  for (const group of document.groups) {
    expect(group.methods.length).toBeGreaterThan(0);
    expect(group.span.start).toBeGreaterThanOrEqual(0);
    expect(group.span.end).toBeLessThanOrEqual(text.length);
  }
}

/** The tree without positions: what the formatter must preserve. */
function shape(document: FlowDocument): unknown {
  return JSON.parse(
    JSON.stringify({ ...document, comments: [] }, (key, value: unknown) => (key === "span" ? undefined : value)),
  );
}

describe("parser robustness", () => {
  it("never throws on random strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), checkParse), { numRuns: RUNS });
  });

  it("never throws on soups of the language's tokens", () => {
    fc.assert(fc.property(tokenSoup, checkParse), { numRuns: RUNS });
  });

  it("never throws on mutated valid manifests", () => {
    fc.assert(
      fc.property(validManifest, fc.array(edit, { minLength: 1, maxLength: 3 }), (text, edits) =>
        checkParse(mutate(text, edits)),
      ),
      { numRuns: RUNS },
    );
  });
});

describe("the limit of diagnostics per file", () => {
  it("keeps the first diagnostics, in source order, and one error after them that counts the rest", () => {
    const soup = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), tokenSoup);
    fc.assert(
      fc.property(soup, fc.integer({ min: 1, max: 6 }), (text, limit) => {
        const source = createSourceText("fuzz.flow", text);
        const all = parse(source, { limit: Infinity }).diagnostics;
        const limited = parse(source, { limit }).diagnostics;
        const summary = limited.at(-1)?.code === Messages.MoreErrorsNotShown.code ? limited.at(-1) : undefined;
        const shown = summary === undefined ? limited : limited.slice(0, -1);
        expect(shown).toEqual(all.slice(0, shown.length));
        if (summary === undefined) {
          expect(all.length).toBeLessThanOrEqual(limit);
          expect(shown).toHaveLength(all.length);
          return;
        }
        // Past twice the limit the parser may stop reading: it says so instead of counting what follows.
        if (/flowc stopped reading it after \d+ problems, so more may follow\.$/.test(summary.message)) return;
        const rest = all.length - limit;
        expect(shown).toHaveLength(limit);
        expect(summary.span).toEqual(all[limit]!.span);
        const more = `${rest} more ${rest === 1 ? "follows" : "follow"} from here (${rest} error${rest === 1 ? "" : "s"}, 0 warnings).`;
        expect(summary.message).toBe(`Only the first ${limit} diagnostics of this file are shown: ${more}`);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("generated valid manifests", () => {
  it("parse without diagnostics", () => {
    fc.assert(
      fc.property(validManifest, (text) => {
        expect(parse(createSourceText("gen.flow", text)).diagnostics).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it("that still parse cleanly after mutation also format to a fixed point", () => {
    fc.assert(
      fc.property(validManifest, fc.array(edit, { minLength: 1, maxLength: 2 }), (valid, edits) => {
        const text = mutate(valid, edits);
        const source = createSourceText("gen.flow", text);
        const { document, diagnostics } = parse(source);
        if (diagnostics.length > 0) return;
        const formatted = formatDocument(document, source);
        const again = createSourceText("gen.flow", formatted);
        const reparsed = parse(again);
        expect(reparsed.diagnostics).toEqual([]);
        expect(shape(reparsed.document)).toEqual(shape(document));
        expect(reparsed.document.comments.map((c) => c.text).sort()).toEqual(
          document.comments.map((c) => c.text).sort(),
        );
        expect(formatDocument(reparsed.document, again)).toBe(formatted);
      }),
      { numRuns: RUNS },
    );
  });

  it("round-trip through the formatter to the same tree, the same comments, and a fixed point", () => {
    fc.assert(
      fc.property(validManifest, (text) => {
        const source = createSourceText("gen.flow", text);
        const original = parse(source).document;
        const formatted = formatDocument(original, source);
        const reparsed = parse(createSourceText("gen.flow", formatted));
        expect(reparsed.diagnostics).toEqual([]);
        expect(shape(reparsed.document)).toEqual(shape(original));
        expect(reparsed.document.comments.map((c) => c.text).sort()).toEqual(
          original.comments.map((c) => c.text).sort(),
        );
        expect(formatDocument(reparsed.document, createSourceText("gen.flow", formatted))).toBe(formatted);
      }),
      { numRuns: RUNS },
    );
  });
});
