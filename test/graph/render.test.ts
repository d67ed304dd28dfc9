import { describe, expect, it } from "vitest";
import { PLAN_FORMAT, type PlanDescriptor, type PlanMethod } from "../../stdlib/plan.js";
import { renderGraph } from "../../src/graph/render.js";
import { runCheck } from "../check/pipeline.js";
import { buildPlan } from "../runtime/plans.js";

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

  describe("skips, branches, fallbacks and the run's input", () => {
    // load → classify, which routes "a"/"b" to small and 3 to large; small has a predicate, a fallback and
    // on_error: skip; large takes the run's input too; report goes without either.
    const plan = buildPlan(
      {
        load: {},
        classify: { branch: { property: "kind", routes: { small: ["a", "b"], large: [3] } } },
        small: { runIf: "isWorth", fallback: "rescue", onError: "skip", retries: 2 },
        large: {
          mode: "parallel",
          minWorkers: 2,
          onError: "settle",
          maxFailures: { kind: "percent", value: 5 },
          inputs: ["@input", "classify"],
        },
        report: { optional: ["small", "large"] },
        tail: {},
        isWorth: { helper: true },
        rescue: { helper: true },
      },
      [
        ["load", "classify"],
        ["classify", "small"],
        ["classify", "large"],
        ["small", "report"],
        ["large", "report"],
        ["small", "tail"],
      ],
      "routes",
    );

    it("draws them in Mermaid", () => {
      expect(renderGraph(plan, "mermaid")).toMatchInlineSnapshot(`
        "flowchart TD
          input(["run input"])
          m0["load"]
          m1["classify"]
          m2["small<br/>retries 2 · on_error skip · may skip"]
          m3[["large<br/>×2 · on_error settle · max_failures 5#37; · may skip"]]
          m4["report"]
          m5["tail<br/>may skip"]
          m6("isWorth<br/>helper")
          m7("rescue<br/>helper")
          input --> m3
          m0 --> m1
          m1 -->|"kind #61; #34;a#34; #124; #34;b#34;"| m2
          m1 -->|"kind #61; 3"| m3
          m2 --> m4
          m3 --> m4
          m2 --> m5
          m2 -.->|"fallback"| m7
          m6 -.->|"run_if"| m2
          classDef source stroke-width:3px
          classDef sink stroke-dasharray:5 3
          classDef lone stroke-width:3px,stroke-dasharray:5 3
          classDef helper fill:#f4f4f4
          class m0 source
          class m4,m5 sink
          class m6,m7 helper
          linkStyle 7 stroke-dasharray:6 4
          linkStyle 8 stroke-dasharray:1 4
        "
      `);
    });

    it("draws them in dot", () => {
      expect(renderGraph(plan, "dot")).toMatchInlineSnapshot(`
        "digraph "routes" {
          rankdir=TB;
          node [shape=box, fontname="Helvetica"];
          input [label="run input", shape=oval];
          m0 [label="load", penwidth=2];
          m1 [label="classify"];
          m2 [label="small\\nretries 2 · on_error skip · may skip"];
          m3 [label="large\\n×2 · on_error settle · max_failures 5% · may skip", shape=box3d];
          m4 [label="report", peripheries=2];
          m5 [label="tail\\nmay skip", peripheries=2];
          m6 [label="isWorth\\nhelper", style="rounded,filled", fillcolor="#f4f4f4"];
          m7 [label="rescue\\nhelper", style="rounded,filled", fillcolor="#f4f4f4"];
          input -> m3;
          m0 -> m1;
          m1 -> m2 [label="kind = \\"a\\" | \\"b\\""];
          m1 -> m3 [label="kind = 3"];
          m2 -> m4;
          m3 -> m4;
          m2 -> m5;
          m2 -> m7 [label="fallback", style=dashed];
          m6 -> m2 [label="run_if", style=dotted];
        }
        "
      `);
    });
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
      cache: true,
      codeHash: null,
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

    // A branch's property and values come from the plan too: an edge label is escaped as a node's is.
    const branched: PlanDescriptor = {
      ...plan,
      methods: [
        method(odd, { branch: { property: odd, routes: { next: [odd, null] } } }),
        method("next", { inputs: [odd] }),
      ],
    };

    it("escapes a branch edge's label in Mermaid", () => {
      const mermaid = renderGraph(branched, "mermaid");
      const escaped = "x#34;#93;#59; A--#62;B#59; #37;#37; #60;br#47;#62; #35;quot#59; #92; #10;";
      expect(mermaid).toContain(
        `m0 -->|"${escaped} #61; #34;x#92;#34;#93;#59; A--#62;B#59; #37;#37; #60;br#47;#62; #35;quot#59; #92;#92; #92;n#34; #124; null"| m1`,
      );
      const outside = mermaid.split("\n").map((line) => line.replace(/"[^"]*"/g, '""'));
      expect(outside.filter((line) => line.includes('""'))).toEqual(['  m0[""]', '  m1[""]', '  m0 -->|""| m1']);
    });

    it("escapes a branch edge's label in dot", () => {
      const dot = renderGraph(branched, "dot");
      expect(dot).toContain(
        'm0 -> m1 [label="x\\"]; A-->B; %% <br/> #quot; \\\\ \\n = \\"x\\\\\\"]; A-->B; %% <br/> #quot; \\\\\\\\ \\\\n\\" | null"];',
      );
      for (const line of dot.split("\n")) expect((line.replace(/\\./g, "").match(/"/g) ?? []).length % 2).toBe(0);
    });

    // A type prints what the methods' code says: string literal types may hold anything.
    const hostileType = '{ "a\\"]; B-->C; %%": `${string}|x`; } | Map<"<br/>", "\\n">';
    const typed = [{ sender: odd, receiver: "next", type: hostileType }];

    it("escapes an edge's type in Mermaid", () => {
      const mermaid = renderGraph(plan, "mermaid", typed);
      expect(mermaid).toContain(
        'm0 -->|"#123; #34;a#92;#34;#93;#59; B--#62;C#59; #37;#37;#34;: #96;#36;#123;string#125;#124;x#96;#59; #125; ' +
          '#124; Map#60;#34;#60;br#47;#62;#34;, #34;#92;n#34;#62;"| m1',
      );
      const outside = mermaid.split("\n").map((line) => line.replace(/"[^"]*"/g, '""'));
      expect(outside.filter((line) => line.includes('""'))).toEqual(['  m0[""]', '  m1[""]', '  m0 -->|""| m1']);
    });

    it("escapes an edge's type in dot, on a line below a branch's values", () => {
      const dot = renderGraph(branched, "dot", typed);
      expect(dot).toContain(
        '\\" | null\\n{ \\"a\\\\\\"]; B-->C; %%\\": `${string}|x`; } | Map<\\"<br/>\\", \\"\\\\n\\">"];',
      );
      for (const line of dot.split("\n")) expect((line.replace(/\\./g, "").match(/"/g) ?? []).length % 2).toBe(0);
    });
  });
});
