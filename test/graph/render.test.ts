import { describe, expect, it } from "vitest";
import { PLAN_FORMAT, type PlanDescriptor, type PlanMethod } from "../../stdlib/plan.js";
import { renderGraph } from "../../src/graph/render.js";
import { runCheck } from "../check/pipeline.js";

function planOf(text: string): PlanDescriptor {
  const { analysis, diagnostics } = runCheck(text, { path: "etl.flow" });
  expect(diagnostics).toEqual([]);
  return analysis.plan!;
}

const manifest = `
fetch, parse, score, publish { execution_flow: sequential; }
parse, score { execution_flow: concurrent; }
score { execution_flow: parallel; min_worker_count: 2; max_worker_count: 6; retries: 1; timeout: 90s; }
publish { timeout: 250ms; }
`;

describe("renderGraph", () => {
  it("draws a Mermaid flowchart with a concurrent subgraph, worker counts and source/sink styles", () => {
    expect(renderGraph(planOf(manifest), "mermaid")).toMatchInlineSnapshot(`
      "flowchart TD
        m0["fetch"]
        m3["publish<br/>timeout 250ms"]
        subgraph concurrent_0["concurrent"]
          m1["parse"]
          m2[["score<br/>×2..6 · retries 1 · timeout 90s"]]
        end
        m0 --> m1
        m0 --> m2
        m1 --> m3
        m2 --> m3
        classDef source stroke-width:3px
        classDef sink stroke-dasharray:5 3
        classDef lone stroke-width:3px,stroke-dasharray:5 3
        class m0 source
        class m3 sink
      "
    `);
  });

  it("draws a Graphviz digraph with a dashed cluster and marked sources and sinks", () => {
    expect(renderGraph(planOf(manifest), "dot")).toMatchInlineSnapshot(`
      "digraph "etl" {
        rankdir=TB;
        node [shape=box, fontname="Helvetica"];
        m0 [label="fetch", penwidth=2];
        m3 [label="publish\\ntimeout 250ms", peripheries=2];
        subgraph cluster_concurrent_0 {
          label="concurrent";
          style=dashed;
          m1 [label="parse"];
          m2 [label="score\\n×2..6 · retries 1 · timeout 90s", shape=box3d];
        }
        m0 -> m1;
        m0 -> m2;
        m1 -> m3;
        m2 -> m3;
      }
      "
    `);
  });

  it("marks a method that is both source and sink, and shows a parallel method's minimum alone", () => {
    const plan = planOf("hash { execution_flow: parallel; min_worker_count: 4; timeout: 2h; }");
    expect(renderGraph(plan, "mermaid")).toContain('m0[["hash<br/>×4 · timeout 2h"]]');
    expect(renderGraph(plan, "mermaid")).toContain("class m0 lone");
    expect(renderGraph(plan, "dot")).toContain(
      'm0 [label="hash\\n×4 · timeout 2h", shape=box3d, penwidth=2, peripheries=2];',
    );
  });

  it("merges overlapping concurrent declarations into one box", () => {
    const plan = planOf(`
      a, b, c, d, e { execution_flow: sequential; }
      b, c { execution_flow: concurrent; }
      c, d { execution_flow: concurrent; }
    `);
    const mermaid = renderGraph(plan, "mermaid");
    expect(mermaid.match(/subgraph/g)).toHaveLength(1);
    expect(mermaid).toMatch(
      /subgraph concurrent_0\["concurrent"\]\n {4}m1\["b"\]\n {4}m2\["c"\]\n {4}m3\["d"\]\n {2}end/,
    );
  });

  describe("escaping", () => {
    // Manifest names are identifiers, but a plan is plain data that may come from anywhere.
    const odd = 'x"]; A-->B; %% <br/> #quot; \\ \n';
    const method = (name: string, extra: Partial<PlanMethod> = {}): PlanMethod => ({
      name,
      module: "./m.methods",
      exportName: name,
      mode: "single",
      minWorkers: 1,
      maxWorkers: null,
      retries: 0,
      timeoutMs: null,
      shardSize: null,
      takesInput: true,
      helper: false,
      runIf: null,
      fallback: null,
      onError: "fail",
      maxFailures: null,
      branch: null,
      optional: [],
      inputs: [],
      ...extra,
    });
    const plan: PlanDescriptor = {
      format: PLAN_FORMAT,
      name: 'graph" { evil',
      hash: "0",
      jsonSafe: false,
      methods: [method(odd), method("next", { inputs: [odd] })],
      edges: [{ from: odd, to: "next" }],
      sources: [odd],
      sinks: ["next"],
      concurrent: [],
    };

    it("writes every unsafe character of a Mermaid label as a character reference", () => {
      const mermaid = renderGraph(plan, "mermaid");
      expect(mermaid).toContain('m0["x#34;#93;#59; A--#62;B#59; #37;#37; #60;br#47;#62; #35;quot#59; #92; #10;"]');
      // Only the generated ids appear outside quotes.
      expect(mermaid).toContain("m0 --> m1");
      // Each label is one quoted string: with the strings emptied, only ids and brackets remain.
      const outside = mermaid.split("\n").map((line) => line.replace(/"[^"]*"/g, '""'));
      expect(outside.filter((line) => line.includes('""'))).toEqual(['  m0[""]', '  m1[""]']);
    });

    it("quotes dot strings with escaped backslashes, quotes and line breaks", () => {
      const dot = renderGraph(plan, "dot");
      expect(dot.split("\n")[0]).toBe('digraph "graph\\" { evil" {');
      expect(dot).toContain('m0 [label="x\\"]; A-->B; %% <br/> #quot; \\\\ \\n", penwidth=2];');
      // Every quote inside a label is escaped, so each line has an even number of unescaped quotes.
      for (const line of dot.split("\n")) expect((line.replace(/\\./g, "").match(/"/g) ?? []).length % 2).toBe(0);
    });
  });
});
