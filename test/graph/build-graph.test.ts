import { describe, expect, it } from "vitest";
import type { Identifier } from "../../grammar/ast.js";
import { buildGraph, type ExecutionFlow, type GraphGroup } from "../../src/graph/build-graph.js";

let offset = 0;
/** A group of fresh identifiers; each mention gets its own span so edges can be traced to it. */
function group(flow: ExecutionFlow | undefined, ...names: string[]): GraphGroup {
  const methods: Identifier[] = names.map((name) => {
    const span = { start: offset, end: offset + name.length };
    offset += name.length + 2;
    return { kind: "Identifier", span, name };
  });
  return { methods, flow };
}

const edgeList = (groups: GraphGroup[]): string[] => buildGraph(groups).edges.map((e) => `${e.from}>${e.to}`);

describe("buildGraph", () => {
  it("chains a sequential group", () => {
    expect(edgeList([group("sequential", "a", "b", "c")])).toEqual(["a>b", "b>c"]);
  });

  it("unites sequential groups into fan-out and fan-in, without repeating an edge", () => {
    const graph = buildGraph([
      group("sequential", "load", "left", "join"),
      group("sequential", "load", "right", "join"),
      group("sequential", "load", "left"),
    ]);
    expect(graph.nodes).toEqual(["load", "left", "join", "right"]);
    expect(graph.edges.map((e) => `${e.from}>${e.to}`)).toEqual(["load>left", "left>join", "load>right", "right>join"]);
  });

  it("turns concurrent neighbours of a chain into a layer", () => {
    expect(edgeList([group("sequential", "a", "b", "c", "d"), group("concurrent", "b", "c")])).toEqual([
      "a>b",
      "a>c",
      "b>d",
      "c>d",
    ]);
  });

  it("applies a concurrent group declared before the chain just the same", () => {
    expect(edgeList([group("concurrent", "c", "b"), group("sequential", "a", "b", "c", "d")])).toEqual([
      "a>b",
      "a>c",
      "b>d",
      "c>d",
    ]);
  });

  it("grows a layer along overlapping concurrent declarations", () => {
    expect(
      edgeList([
        group("sequential", "a", "b", "c", "d", "e"),
        group("concurrent", "b", "c"),
        group("concurrent", "c", "d"),
      ]),
    ).toEqual(["a>b", "a>c", "a>d", "b>e", "c>e", "d>e"]);
  });

  it("keeps the chain where concurrent members are not neighbours", () => {
    expect(edgeList([group("sequential", "a", "b", "x", "c"), group("concurrent", "b", "c")])).toEqual([
      "a>b",
      "b>x",
      "x>c",
    ]);
  });

  it("adds no edge for parallel, concurrent, property-only and one-name sequential groups", () => {
    const graph = buildGraph([
      group("parallel", "p", "q"),
      group("concurrent", "r", "s"),
      group(undefined, "t", "u"),
      group("sequential", "v"),
    ]);
    expect(graph.nodes).toEqual(["p", "q", "r", "s", "t", "u", "v"]);
    expect(graph.edges).toEqual([]);
  });

  it("keeps the mention of the target as the declaration of an edge, from the first group that declares it", () => {
    const first = group("sequential", "a", "b");
    const second = group("sequential", "a", "b");
    const [edge] = buildGraph([first, second]).edges;
    expect(edge?.declaration).toBe(first.methods[1]);
  });

  it("lets every edge into a layer point at its own member, and edges out of it at the next method", () => {
    const chain = group("sequential", "a", "b", "c", "d");
    const graph = buildGraph([chain, group("concurrent", "b", "c")]);
    const declared = Object.fromEntries(graph.edges.map((e) => [`${e.from}>${e.to}`, e.declaration]));
    expect(declared["a>b"]).toBe(chain.methods[1]);
    expect(declared["a>c"]).toBe(chain.methods[2]);
    expect(declared["b>d"]).toBe(chain.methods[3]);
    expect(declared["c>d"]).toBe(chain.methods[3]);
  });
});
