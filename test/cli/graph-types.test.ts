import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flowc, nodeProject } from "./helpers.js";

/**
 * `flowc graph --types`: the real binary reads the methods' types and labels each edge with
 * what travels along it, escaped for the format; a manifest whose types do not fit draws nothing.
 */
const scratch = mkdtempSync(join(tmpdir(), "flowc-graph-types-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
nodeProject(scratch);
const manifest = [
  "@input, load { execution_flow: sequential; }",
  "load, measure, report { execution_flow: sequential; }",
  "@input, report { execution_flow: sequential; }",
  "",
].join("\n");
writeFileSync(join(scratch, "shapes.flow"), manifest);
writeFileSync(
  join(scratch, "shapes.methods.ts"),
  [
    'export function load(path: string): { kind: "circle" | "square"; size: number }[] {',
    '  return [{ kind: "circle", size: path.length }];',
    "}",
    "export function measure(shapes: { size: number }[]): Map<string, number> {",
    "  return new Map(shapes.map((shape, i) => [String(i), shape.size]));",
    "}",
    'export function report(parts: { "@input": string; measure: Map<string, number> }): string {',
    '  return `${parts["@input"]}: ${parts.measure.size}`;',
    "}",
    "",
  ].join("\n"),
);
writeFileSync(join(scratch, "mistyped.flow"), "load, report { execution_flow: sequential; }\n");
writeFileSync(
  join(scratch, "mistyped.methods.ts"),
  [
    "export function load(path: string): number { return path.length; }",
    "export function report(text: string): string { return text; }",
    "",
  ].join("\n"),
);

describe("flowc graph --types", () => {
  it("labels each edge of a Mermaid flowchart with its type, every unsafe character a character reference", () => {
    const result = flowc(["graph", "shapes.flow", "--types"], { cwd: scratch });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        "flowchart TD",
        '  input(["run input"])',
        '  m0["load"]',
        '  m1["measure"]',
        '  m2["report"]',
        '  input -->|"string"| m0',
        '  input -->|"string"| m2',
        '  m0 -->|"#123; kind: #34;circle#34; #124; #34;square#34;#59; size: number#59; #125;#91;#93;"| m1',
        '  m1 -->|"Map#60;string, number#62;"| m2',
        "  classDef source stroke-width:3px",
        "  classDef sink stroke-dasharray:5 3",
        "  classDef lone stroke-width:3px,stroke-dasharray:5 3",
        "  class m2 sink",
        "",
      ].join("\n"),
    );
  });

  it("labels each edge of a dot digraph with its type, quotes escaped", () => {
    const result = flowc(["graph", "shapes.flow", "--types", "--format", "dot"], { cwd: scratch });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        'digraph "shapes" {',
        "  rankdir=TB;",
        '  node [shape=box, fontname="Helvetica"];',
        '  input [label="run input", shape=oval];',
        '  m0 [label="load"];',
        '  m1 [label="measure"];',
        '  m2 [label="report", peripheries=2];',
        '  input -> m0 [label="string"];',
        '  input -> m2 [label="string"];',
        '  m0 -> m1 [label="{ kind: \\"circle\\" | \\"square\\"; size: number; }[]"];',
        '  m1 -> m2 [label="Map<string, number>"];',
        "}",
        "",
      ].join("\n"),
    );
  });

  it("labels no edge without --types", () => {
    const result = flowc(["graph", "shapes.flow", "--format", "dot"], { cwd: scratch });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("  m0 -> m1;\n  m1 -> m2;\n");
    expect(result.stdout).not.toContain('label="string"');
  });

  it("draws nothing and fails with the diagnostics when the types do not fit", () => {
    const result = flowc(["graph", "mistyped.flow", "--types"], { cwd: scratch });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("FLOW4001");
    // Without --types the methods' types are not read: the graph is drawn.
    expect(flowc(["graph", "mistyped.flow"], { cwd: scratch }).status).toBe(0);
  });
});
