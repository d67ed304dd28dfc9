import { describe, expect, it } from "vitest";
import { positionAt } from "../../grammar/source.js";
import { foldingRanges } from "../../src/language/folding.js";
import { documentSymbols } from "../../src/language/symbols.js";
import type { ManifestState, SymbolEntry } from "../../src/language/types.js";
import { textOf, untypedState } from "./language-project.js";

const manifest = `import { transform as clean } from "./etl.methods";
import { load } from "./warehouse";
backend threads;

{
  extract, clean, load { execution_flow: sequential; }
  clean <
    execution_flow: parallel;
    min_worker_count: 4;
  >
  load { retries: 3; timeout: "soon"; }
}
`;

/** Each symbol as `kind name (detail) [span text | selection text]`, children indented below it. */
function outline(state: ManifestState, symbols: readonly SymbolEntry[], depth = 0): string[] {
  const text = state.source.text;
  return symbols.flatMap((symbol) => [
    `${"  ".repeat(depth)}${symbol.kind} ${symbol.name}${symbol.detail === undefined ? "" : ` (${symbol.detail})`} [${textOf(text, symbol.span).replace(/\s+/g, " ")} | ${textOf(text, symbol.selection)}]`,
    ...outline(state, symbol.children, depth + 1),
  ]);
}

describe("documentSymbols", () => {
  it("lists the imports with their names, the backend, and the groups with their methods and properties", async () => {
    const state = await untypedState(manifest);
    expect(outline(state, documentSymbols(state))).toEqual([
      `import "./etl.methods" (import) [import { transform as clean } from "./etl.methods"; | "./etl.methods"]`,
      "  method clean (exported as transform) [transform as clean | clean]",
      `import "./warehouse" (import) [import { load } from "./warehouse"; | "./warehouse"]`,
      "  method load [load | load]",
      "backend threads (backend) [backend threads; | threads]",
      "group extract, clean, load (sequential) [extract, clean, load { execution_flow: sequential; } | extract, clean, load]",
      "  method extract (./etl.methods) [extract | extract]",
      "  method clean (./etl.methods) [clean | clean]",
      "  method load (./warehouse) [load | load]",
      "  property execution_flow (sequential) [execution_flow: sequential; | execution_flow]",
      "group clean (parallel) [clean < execution_flow: parallel; min_worker_count: 4; > | clean]",
      "  method clean (./etl.methods) [clean | clean]",
      "  property execution_flow (parallel) [execution_flow: parallel; | execution_flow]",
      "  property min_worker_count (4) [min_worker_count: 4; | min_worker_count]",
      'group load (retries, timeout) [load { retries: 3; timeout: "soon"; } | load]',
      "  method load (./warehouse) [load | load]",
      "  property retries (3) [retries: 3; | retries]",
      `  property timeout ("soon") [timeout: "soon"; | timeout]`,
    ]);
  });

  it("lists what the parser could read of a manifest with syntax errors", async () => {
    const state = await untypedState(
      `extract, load { execution_flow: sequential; }\nload { retries 3; }\ntransform,\n`,
    );
    expect(state.compiled.diagnostics.length).toBeGreaterThan(0);
    expect(documentSymbols(state).map((symbol) => `${symbol.kind} ${symbol.name}`)).toEqual([
      "group extract, load",
      "group load",
    ]);
  });
});

describe("foldingRanges", () => {
  /** Each range as `kind first-line–last-line: first … last character`. */
  function folds(state: ManifestState): string[] {
    return foldingRanges(state).map((range) => {
      const from = positionAt(state.source, range.start).line;
      const to = positionAt(state.source, range.end).line;
      const text = state.source.text;
      return `${range.kind ?? "block"} ${from}-${to}: ${text[range.start]}…${text[range.end]}`;
    });
  }

  it("folds the outer braces, groups over several lines, runs of imports, and long comments", async () => {
    const text = `/* The nightly
   totals. */
import { transform as clean } from "./etl.methods";
import {
  load,
} from "./warehouse";
backend threads;
import { audit } from "./audit";

// extract, then
// clean and load
{
  extract, clean, load { execution_flow: sequential; } // on one line
  clean <
    execution_flow: parallel;
  >
  audit { retries: 3; }
}
`;
    const state = await untypedState(text);
    expect(folds(state)).toEqual([
      "comment 1-2: /…/",
      "imports 3-6: i…;",
      "block 4-6: i…;",
      "comment 10-11: /…d",
      "block 12-18: {…}",
      "block 14-16: c…>",
    ]);
  });

  it("folds nothing in a manifest of one-line statements, and still folds one with syntax errors", async () => {
    expect(foldingRanges(await untypedState(`a, b { execution_flow: sequential; }\n`))).toEqual([]);
    const broken = await untypedState(`a {\n  retries: 3;\n}\nb {\n  retries 3;\n}\nc,\n`);
    expect(broken.compiled.diagnostics.length).toBeGreaterThan(0);
    expect(folds(broken)).toEqual(["block 1-3: a…}", "block 4-6: b…}"]);
  });

  it("reads lines ended by \\r\\n", async () => {
    const state = await untypedState("a {\r\n  retries: 3;\r\n}\r\n");
    expect(folds(state)).toEqual(["block 1-3: a…}"]);
  });
});
