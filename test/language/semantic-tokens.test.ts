import { describe, expect, it } from "vitest";
import { semanticTokens } from "../../src/language/semantic-tokens.js";
import type { ManifestState } from "../../src/language/types.js";
import { untypedState } from "./language-project.js";

/** Each token as `text:type.modifier…`. */
function tokens(state: ManifestState): string[] {
  return semanticTokens(state).map((token) => {
    const text = state.source.text.slice(token.start, token.start + token.length);
    return [`${text}:${token.type}`, ...token.modifiers].join(".");
  });
}

describe("semanticTokens", () => {
  it("tells methods, properties, values, numbers, strings, keywords and comments apart", async () => {
    const state = await untypedState(`import { transform as clean, from } from "./etl.methods";
backend bullmq;
// The flow.
@input, extract, clean, from { execution_flow: sequential; }
clean < execution_flow: parallel; min_worker_count: 4; on_error: skip; >
from { retries: 3; timeout: 30s; run_if: ready; fallback: clean; branch_on: "kind"; cache: false; }
`);
    expect(tokens(state)).toEqual([
      "import:keyword",
      "transform:function",
      "as:keyword",
      "clean:function.declaration",
      "from:function.declaration",
      "from:keyword",
      '"./etl.methods":string',
      "backend:keyword",
      "bullmq:enumMember",
      "// The flow.:comment",
      "@input:keyword.defaultLibrary",
      "extract:function.declaration",
      "clean:function",
      "from:function",
      "execution_flow:property",
      "sequential:enumMember",
      "clean:function",
      "execution_flow:property",
      "parallel:enumMember",
      "min_worker_count:property",
      "4:number",
      "on_error:property",
      "skip:enumMember",
      "from:function",
      "retries:property",
      "3:number",
      "timeout:property",
      "30s:number",
      "run_if:property",
      "ready:function.declaration",
      "fallback:property",
      "clean:function",
      "branch_on:property",
      '"kind":string',
      "cache:property",
      "false:enumMember",
    ]);
  });

  it("gives a block comment over several lines a token per line", async () => {
    const state = await untypedState("/* one\r\n   two\n\n   three */\na { retries: 1; }\n");
    expect(tokens(state).slice(0, 3)).toEqual(["/* one:comment", "   two:comment", "   three */:comment"]);
    for (const token of semanticTokens(state)) {
      expect(state.source.text.slice(token.start, token.start + token.length)).not.toMatch(/[\r\n]/);
    }
  });

  it("still colours what it can read of a manifest with syntax errors", async () => {
    const state = await untypedState(`import { load } from "./x"\na, load { retries 3; }\n/* never closed\n  b { }`);
    expect(state.compiled.diagnostics.length).toBeGreaterThan(0);
    expect(tokens(state)).toEqual([
      "import:keyword",
      "load:function.declaration",
      "from:keyword",
      '"./x":string',
      "a:function.declaration",
      "load:function",
      "retries:property",
      "3:number",
      "/* never closed:comment",
      "  b { }:comment",
    ]);
  });

  it("leaves names the parser could not place to the grammar", async () => {
    const state = await untypedState(`a, b\n"text" 12`);
    expect(tokens(state)).toEqual(['"text":string', "12:number"]);
  });
});
