/**
 * Hand-built plan descriptors for runtime tests, so that the runtime is tested
 * on its own contract (stdlib/plan.ts) without the compiler.
 *
 * @example
 * buildPlan({ a: {}, b: { mode: "parallel", minWorkers: 4 } }, [["a", "b"]])
 * chain("a", "b", "c")
 */
import { createHash } from "node:crypto";
import {
  PLAN_FORMAT,
  type Branch,
  type MaxFailures,
  type OnError,
  type PlanDescriptor,
  type PlanMethod,
} from "../../stdlib/plan.js";

export interface MethodSpec {
  readonly mode?: "single" | "parallel";
  /** The export that provides it (for backends that import methods themselves); defaults to its name. */
  readonly exportName?: string;
  /** The module specifier it comes from; defaults to `./test.methods`. */
  readonly module?: string;
  readonly minWorkers?: number;
  readonly maxWorkers?: number | null;
  readonly retries?: number;
  readonly timeoutMs?: number | null;
  /** Items per shard of a parallel method; `null` (the default) lets the backend choose. */
  readonly shardSize?: number | null;
  readonly takesInput?: boolean;
  /** Order of the fan-in object's keys; defaults to the predecessors' topological order (`@input` first when given). */
  readonly inputs?: readonly string[];
  readonly helper?: boolean;
  readonly runIf?: string | null;
  readonly fallback?: string | null;
  readonly onError?: OnError;
  readonly maxFailures?: MaxFailures | null;
  readonly branch?: Branch | null;
  readonly optional?: readonly string[];
  readonly cache?: boolean;
  readonly codeHash?: string | null;
}

export type EdgeSpec = readonly [from: string, to: string];

/**
 * A plan over `methods` (declaration order breaks ties in the topological
 * order) with data edges `edges`, filled in the way the compiler fills it.
 */
export function buildPlan(
  methods: Readonly<Record<string, MethodSpec>>,
  edges: readonly EdgeSpec[] = [],
  name = "test",
): PlanDescriptor {
  const declared = Object.keys(methods);
  for (const [from, to] of edges) {
    if (!declared.includes(from) || !declared.includes(to))
      throw new Error(`edge ${from} → ${to} names an undeclared method`);
  }
  const order = topologicalOrder(declared, edges);
  const position = new Map(order.map((method, i) => [method, i]));
  const predecessors = (method: string): string[] =>
    edges
      .filter(([, to]) => to === method)
      .map(([from]) => from)
      .filter((from, i, all) => all.indexOf(from) === i)
      .sort((x, y) => (position.get(x) ?? 0) - (position.get(y) ?? 0));

  const planMethods: PlanMethod[] = order.map((method) => {
    const spec = methods[method] ?? {};
    const mode = spec.mode ?? "single";
    return {
      name: method,
      module: spec.module ?? "./test.methods",
      exportName: spec.exportName ?? method,
      mode,
      minWorkers: spec.minWorkers ?? 1,
      maxWorkers: spec.maxWorkers ?? null,
      retries: spec.retries ?? 0,
      timeoutMs: spec.timeoutMs ?? null,
      shardSize: spec.shardSize ?? null,
      takesInput: spec.takesInput ?? true,
      inputs: spec.inputs ?? predecessors(method),
      helper: spec.helper ?? false,
      runIf: spec.runIf ?? null,
      fallback: spec.fallback ?? null,
      onError: spec.onError ?? "fail",
      maxFailures: spec.maxFailures ?? null,
      branch: spec.branch ?? null,
      optional: spec.optional ?? [],
      cache: spec.cache ?? true,
      codeHash: spec.codeHash ?? null,
    };
  });
  const sortedEdges = edges
    .map(([from, to]) => ({ from, to }))
    .filter((edge, i, all) => all.findIndex((other) => other.from === edge.from && other.to === edge.to) === i)
    .sort(
      (x, y) =>
        (position.get(x.to) ?? 0) - (position.get(y.to) ?? 0) ||
        (position.get(x.from) ?? 0) - (position.get(y.from) ?? 0),
    );
  const body = {
    methods: planMethods,
    edges: sortedEdges,
    sources: order.filter(
      (method) =>
        predecessors(method).length === 0 &&
        methods[method]?.helper !== true &&
        (methods[method]?.inputs ?? []).length === 0,
    ),
    sinks: order.filter((method) => !edges.some(([from]) => from === method) && methods[method]?.helper !== true),
    concurrent: [],
    // Test methods exchange plain JSON values, so every backend, those that move values between processes included, can run these plans.
    jsonSafe: true,
  };
  const hash = createHash("sha256").update(JSON.stringify(body)).digest("hex");
  return { format: PLAN_FORMAT, name, hash, ...body };
}

/** `a → b → c …`, each method with the same `spec`. */
export function chain(...names: string[]): PlanDescriptor {
  const methods = Object.fromEntries(names.map((method) => [method, {}]));
  return buildPlan(
    methods,
    names.slice(1).map((to, i) => [names[i] ?? "", to] as const),
  );
}

/** Kahn's algorithm, taking ready methods in declaration order. */
function topologicalOrder(declared: readonly string[], edges: readonly EdgeSpec[]): string[] {
  const indegree = new Map(declared.map((method) => [method, 0]));
  for (const [, to] of edges) indegree.set(to, (indegree.get(to) ?? 0) + 1);
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < declared.length) {
    const next = declared.find((method) => !done.has(method) && indegree.get(method) === 0);
    if (next === undefined) throw new Error("the test plan has a cycle");
    done.add(next);
    order.push(next);
    for (const [from, to] of edges) if (from === next) indegree.set(to, (indegree.get(to) ?? 0) - 1);
  }
  return order;
}
