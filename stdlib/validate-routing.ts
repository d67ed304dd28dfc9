/**
 * The part of plan validation (validate-plan.ts) about routing and recovery:
 * helpers, predicates, fallbacks, `on_error`, `max_failures`, branches,
 * optional inputs and the run's input as a node. The scheduler's routing
 * tables (routing.ts) rely on these facts instead of checking them per run.
 */
import { isIntegerIn, MAX_COUNT } from "./limits.js";
import { RUN_INPUT, type PlanDescriptor, type PlanMethod } from "./plan.js";

/** Fails (through `fail`, which throws) on the first inconsistency of the routing fields. */
export function validateRouting(
  plan: PlanDescriptor,
  position: ReadonlyMap<string, number>,
  outgoing: ReadonlySet<string>,
  fail: (detail: string, methods?: readonly string[]) => never,
): void {
  if (position.has(RUN_INPUT)) fail(`a method is named '${RUN_INPUT}', the name of the run's input`, [RUN_INPUT]);
  const successors = new Map<string, string[]>();
  for (const edge of plan.edges) successors.set(edge.from, [...(successors.get(edge.from) ?? []), edge.to]);
  const named = new Set<string>();

  for (const method of plan.methods) {
    const name = method.name;
    if (typeof method.helper !== "boolean")
      fail(`'${name}' has helper ${String(method.helper)}; it must be a boolean`, [name]);
    if (method.helper && (method.inputs.length > 0 || outgoing.has(name))) {
      fail(`helper '${name}' has inputs or outputs; a helper is only called as a predicate or fallback`, [name]);
    }
    for (const [field, target] of [
      ["runIf", method.runIf],
      ["fallback", method.fallback],
    ] as const) {
      if (target === null) continue;
      if (typeof target !== "string" || !position.has(target) || target === name) {
        fail(`'${name}' has ${field} ${JSON.stringify(target)}; it must name another method of the plan, or be null`, [
          name,
        ]);
      }
      named.add(target);
    }
    if (method.onError !== "fail" && method.onError !== "skip" && method.onError !== "settle") {
      fail(`'${name}' has onError ${JSON.stringify(method.onError)}; it must be "fail", "skip" or "settle"`, [name]);
    }
    if (method.onError === "settle" && method.mode !== "parallel") {
      fail(`'${name}' has onError "settle", which only a parallel method can have`, [name]);
    }
    checkMaxFailures(method, fail);
    checkBranch(method, successors.get(name) ?? [], fail);
    if (!Array.isArray(method.optional) || method.optional.some((input) => !method.inputs.includes(input))) {
      fail(
        `'${name}' has optional inputs ${JSON.stringify(method.optional)}, which must be among its inputs ` +
          `(${method.inputs.join(", ") || "none"})`,
        [name],
      );
    }
  }
  const unused = plan.methods.filter((method) => method.helper && !named.has(method.name)).map((m) => m.name);
  if (unused.length > 0) fail(`helper '${unused[0]}' is no method's runIf or fallback`, unused);
}

function checkMaxFailures(method: PlanMethod, fail: (detail: string, methods?: readonly string[]) => never): void {
  const limit = method.maxFailures;
  if (limit === null) return;
  const name = method.name;
  const fits =
    typeof limit === "object" &&
    ((limit.kind === "count" && isIntegerIn(limit.value, 0, MAX_COUNT)) ||
      (limit.kind === "percent" && typeof limit.value === "number" && limit.value >= 0 && limit.value <= 100));
  if (!fits) {
    fail(
      `'${name}' has maxFailures ${JSON.stringify(limit)}; it must be a count (an integer from 0 to ${MAX_COUNT}), ` +
        "a percent from 0 to 100, or null",
      [name],
    );
  }
  if (method.mode !== "parallel") fail(`'${name}' has maxFailures, which only a parallel method can have`, [name]);
}

function checkBranch(
  method: PlanMethod,
  successors: readonly string[],
  fail: (detail: string, methods?: readonly string[]) => never,
): void {
  const branch = method.branch;
  if (branch === null) return;
  const name = method.name;
  if (typeof branch !== "object" || typeof branch.property !== "string" || branch.property === "") {
    fail(`'${name}' has a branch without a property name`, [name]);
  }
  const routes = typeof branch.routes === "object" && branch.routes !== null ? branch.routes : {};
  const listed = Object.keys(routes);
  if (listed.length !== successors.length || listed.some((to) => !successors.includes(to))) {
    fail(
      `the branch routes of '${name}' (${listed.join(", ") || "none"}) must list exactly its successors ` +
        `(${successors.join(", ") || "none"})`,
      [name],
    );
  }
  for (const to of listed) {
    const values: unknown = routes[to];
    if (!Array.isArray(values) || !values.every(isPrimitive)) {
      fail(`the branch route of '${name}' to '${to}' must be a list of strings, numbers, booleans or null`, [name, to]);
    }
  }
}

function isPrimitive(value: unknown): boolean {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}
