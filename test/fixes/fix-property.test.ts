import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Identifier, Span } from "../../grammar/ast.js";
import type { TextEdit } from "../../grammar/diagnostics/diagnostic.js";
import { applyEdits } from "../../grammar/diagnostics/fixes.js";
import { parse } from "../../grammar/index.js";
import { createSourceText } from "../../grammar/source.js";
import { applyAndCheck, closeServices, compileText, errorCodes } from "./fix-support.js";

afterAll(closeServices);

// Each case compiles its manifest and every fix of it with the real TypeScript: a fifth of the usual runs.
const RUNS = Math.max(10, Math.floor(Number(process.env.FUZZ_RUNS ?? 300) / 5));

/** A manifest without a diagnostic, using every kind of name, property and value a fix may touch. */
const base = `import { fetchRows, cleanup as scrub } from "./sources";
backend threads;

extract, transform, load {
  execution_flow: sequential;
}
fetchRows, scrub, audit { execution_flow: sequential; }
extract, count, merge { execution_flow: sequential; }
count < execution_flow: parallel; min_worker_count: 2; >
load { retries: 2; timeout: 5s; on_error: skip; cache: false; }
`;

const document = parse(createSourceText("etl.flow", base)).document;

/** Every word of the manifest a typo can hit: names, imported names, keys and word values. */
const words: readonly Identifier[] = [
  ...document.imports.flatMap((d) =>
    d.specifiers.flatMap((s) => (s.imported === s.local ? [s.local] : [s.imported, s.local])),
  ),
  ...document.backends.flatMap((b) => (b.value.kind === "Identifier" ? [b.value] : [])),
  ...document.groups.flatMap((g) => [
    ...g.methods,
    ...g.block.properties.flatMap((p) => [p.key, ...(p.value.kind === "Identifier" ? [p.value] : [])]),
  ]),
];

const at = (part: string): Span => {
  const start = base.indexOf(part);
  if (start < 0) throw new Error(`'${part}' is not in the manifest`);
  return { start, end: start + part.length };
};
const insertAfter = (part: string, text: string): TextEdit => ({
  span: { start: at(part).end, end: at(part).end },
  text,
});

/** Mistakes of structure, each one edit of the manifest. */
const mistakes: readonly TextEdit[] = [
  insertAfter("extract, transform, load", ", transform"),
  insertAfter("retries: 2;", " retries: 3;"),
  { span: at("backend threads;"), text: "backend threads" },
  insertAfter("backend threads;", "\nbackend inline;"),
  {
    span: { start: 0, end: 0 },
    text: 'import { audit } from "./etl.methods";\nimport { audit } from "./etl.methods";\n',
  },
  { span: { start: 0, end: 0 }, text: 'import { merge } from "./etl.methods";\n' },
  insertAfter("cache: false; }\n", "load { shard_size: 8; }\naudit { on_error: settle; }\n"),
  { span: at("min_worker_count: 2; "), text: "" },
  { span: at('import { fetchRows, cleanup as scrub } from "./sources";\n'), text: "" },
  insertAfter("cache: false; }\n", 'import { fetchRows, cleanup as scrub } from "./sources";\n'),
];

/** A typo in a word: a letter dropped, doubled, or swapped with the next. */
const typo = fc
  .record({ word: fc.nat(words.length - 1), kind: fc.constantFrom("drop", "double", "swap"), at: fc.nat() })
  .map(({ word, kind, at: position }): TextEdit => {
    const { name, span } = words[word]!;
    const i = position % Math.max(1, name.length - 1);
    const changed =
      kind === "drop"
        ? name.slice(0, i) + name.slice(i + 1)
        : kind === "double"
          ? name.slice(0, i + 1) + name.slice(i)
          : name.slice(0, i) + name.slice(i + 1, i + 2) + name.slice(i, i + 1) + name.slice(i + 2);
    return { span, text: changed };
  });

const edit = fc.oneof(typo, fc.constantFrom(...mistakes));

/** The fixes of every diagnostic of `text`, each applied alone; `check` sees what each gave. */
async function eachFix(
  text: string,
  check: (fixed: {
    readonly text: string;
    readonly code: number;
    readonly title: string;
    readonly fresh: number[];
  }) => void,
): Promise<number> {
  const before = await compileText(text);
  const errorsBefore = new Set(errorCodes(before.diagnostics));
  let count = 0;
  for (const diagnostic of before.diagnostics) {
    for (const fix of diagnostic.fixes ?? []) {
      const { text: fixed, after } = await applyAndCheck(text, before, diagnostic, fix);
      const fresh = errorCodes(after.diagnostics).filter((code) => !errorsBefore.has(code));
      check({ text: fixed, code: diagnostic.code, title: fix.title, fresh });
      count++;
    }
  }
  return count;
}

describe("a fix of any diagnostic of a manifest with mistakes in it", () => {
  it("with one mistake: removes it, and brings no error of its own phase or an earlier one", async () => {
    let fixes = 0;
    await fc.assert(
      fc.asyncProperty(edit, async (mistake) => {
        const text = applyEdits(base, [mistake]);
        fixes += await eachFix(text, ({ text: fixed, code, title, fresh }) => {
          // A later phase runs once the mistake is gone, and may say what else is wrong.
          const phase = Math.floor(code / 1000);
          const own = fresh.filter((c) => Math.floor(c / 1000) <= phase);
          expect(own, `FLOW${code} "${title}" on:\n${text}\ngave:\n${fixed}`).toEqual([]);
        });
      }),
      { numRuns: RUNS },
    );
    // Most mistakes are ones the compiler knows the fix of.
    expect(fixes).toBeGreaterThan(RUNS / 2);
  });

  it("with several mistakes: removes its own, and leaves a manifest that parses", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 2, maxLength: 4 }), async (edits) => {
        let text: string;
        try {
          text = applyEdits(base, edits);
        } catch {
          // Two mistakes in the same place.
          fc.pre(false);
          return;
        }
        // A fix may uncover a mistake that the one it fixes hid (`ache: alse;`, the key misspelt, then the value).
        await eachFix(text, () => {});
      }),
      { numRuns: RUNS },
    );
  });
});
