/**
 * Checks, once per runner, that a plan descriptor is self-consistent. The
 * compiler only produces sound plans, but runners also accept hand-written
 * or stale descriptors, and the scheduler's precomputed tables rely on these
 * facts instead of re-checking them on every run.
 */
import { errors } from "./errors.js";
import { isIntegerIn, isTimerMs, MAX_TIMER_MS, MAX_COUNT } from "./limits.js";
import type { AnyMethod, MethodTable } from "./api.js";
import { PLAN_FORMAT, RUN_INPUT, type PlanDescriptor } from "./plan.js";
import { validateRouting } from "./validate-routing.js";

/** Throws a `PlanError` (`InvalidPlan`) naming the first inconsistency found. */
export function validatePlan(plan: PlanDescriptor): void {
  const fail = (detail: string, methods: readonly string[] = []): never => {
    throw errors.invalidPlan(plan.name, detail, methods);
  };
  if (plan.format !== PLAN_FORMAT) {
    fail(
      `format ${String(plan.format)} is not supported (expected ${PLAN_FORMAT}); rebuild it with this version of flowc`,
    );
  }
  if (plan.methods.length === 0) fail("it has no methods");

  const position = new Map<string, number>();
  plan.methods.forEach((method, i) => {
    // The scheduler keys objects by method name (fan-in inputs, the run's output), and assigning
    // that key sets an object's prototype instead of storing the value; flowc refuses the name (FLOW2011).
    if (method.name === "__proto__" || method.exportName === "__proto__") {
      const which = method.name === "__proto__" ? "a method" : `the export of '${method.name}'`;
      fail(`${which} is named '__proto__', which objects keyed by method name cannot hold; rename it`, [method.name]);
    }
    // `await` and `import()` call a `then` function they find (a module namespace, an object of outputs) (FLOW2020).
    if (method.name === "then" || method.exportName === "then") {
      const which = method.name === "then" ? "a method" : `the export of '${method.name}'`;
      fail(`${which} is named 'then', which would make a module or an object of outputs a thenable; rename it`, [
        method.name,
      ]);
    }
    if (position.has(method.name)) fail(`method '${method.name}' appears twice`, [method.name]);
    position.set(method.name, i);
  });

  const incoming = new Map<string, Set<string>>(plan.methods.map((m) => [m.name, new Set<string>()]));
  const outgoing = new Set<string>();
  for (const edge of plan.edges) {
    if (edge.from === RUN_INPUT || edge.to === RUN_INPUT) {
      fail(`edge ${edge.from} → ${edge.to} names ${RUN_INPUT}, which is no method: list it in the inputs instead`, [
        edge.from,
        edge.to,
      ]);
    }
    if (!position.has(edge.from) || !position.has(edge.to)) {
      fail(`edge ${edge.from} → ${edge.to} names an unknown method`, [edge.from, edge.to]);
    }
    incoming.get(edge.to)?.add(edge.from);
    outgoing.add(edge.from);
  }

  plan.methods.forEach((method, i) => {
    const name = method.name;
    const edgesIn = incoming.get(name) ?? new Set<string>();
    const at = method.inputs.indexOf(RUN_INPUT);
    if (at > 0 || method.inputs.lastIndexOf(RUN_INPUT) !== at) {
      fail(`'${name}' lists ${RUN_INPUT} among its inputs other than once and first`, [name]);
    }
    const fromMethods = method.inputs[0] === RUN_INPUT ? method.inputs.slice(1) : method.inputs;
    if (fromMethods.length !== edgesIn.size || fromMethods.some((input) => !edgesIn.has(input))) {
      fail(`the inputs of '${name}' (${method.inputs.join(", ") || "none"}) do not match its edges`, [name]);
    }
    for (const input of fromMethods) {
      if ((position.get(input) ?? i) >= i) fail(`'${name}' comes before its input '${input}'`, [name, input]);
    }
    if (!isIntegerIn(method.minWorkers, 1, MAX_COUNT)) {
      fail(`'${name}' has minWorkers ${String(method.minWorkers)}; it must be an integer from 1 to ${MAX_COUNT}`, [
        name,
      ]);
    }
    if (method.maxWorkers !== null && !isIntegerIn(method.maxWorkers, method.minWorkers, MAX_COUNT)) {
      fail(
        `'${name}' has maxWorkers ${String(method.maxWorkers)}; it must be an integer from minWorkers ` +
          `(${method.minWorkers}) to ${MAX_COUNT}, or null`,
        [name],
      );
    }
    if (!isIntegerIn(method.retries, 0, MAX_COUNT)) {
      fail(`'${name}' has retries ${String(method.retries)}; it must be an integer from 0 to ${MAX_COUNT}`, [name]);
    }
    if (method.timeoutMs !== null && !(isTimerMs(method.timeoutMs) && method.timeoutMs > 0)) {
      fail(
        `'${name}' has timeoutMs ${String(method.timeoutMs)}; it must be more than 0 and at most ${MAX_TIMER_MS} ` +
          "(2^31 − 1 ms, about 24.8 days: the longest delay Node's timers honour), or null",
        [name],
      );
    }
    if (method.shardSize != null && !isIntegerIn(method.shardSize, 1, MAX_COUNT)) {
      fail(`'${name}' has shardSize ${String(method.shardSize)}; it must be an integer ≥ 1, or null`, [name]);
    }
  });

  validateRouting(plan, position, outgoing, fail);

  if (!Array.isArray(plan.concurrent)) fail("'concurrent' must be a list of groups of method names");
  for (const group of plan.concurrent) {
    const unknown = Array.isArray(group) ? group.filter((name) => !position.has(name)) : [];
    if (!Array.isArray(group) || group.length < 2 || unknown.length > 0) {
      fail(`a concurrent group must name two or more of its methods, got ${JSON.stringify(group)}`, unknown);
    }
  }

  const sources = plan.methods.filter((m) => m.inputs.length === 0 && m.helper !== true).map((m) => m.name);
  const sinks = plan.methods.filter((m) => !outgoing.has(m.name) && m.helper !== true).map((m) => m.name);
  if (!sameSet(sources, plan.sources)) fail(`sources [${plan.sources.join(", ")}] should be [${sources.join(", ")}]`);
  if (!sameSet(sinks, plan.sinks)) fail(`sinks [${plan.sinks.join(", ")}] should be [${sinks.join(", ")}]`);
}

/** Throws a `PlanError` (`MissingMethod`) when `methods` lacks a function the plan names. */
export function validateMethods(plan: PlanDescriptor, methods: MethodTable): void {
  const missing = plan.methods.filter((m) => lookupMethod(methods, m.name) === undefined);
  if (missing.length === 0) return;
  const available = Object.keys(methods).filter((key) => lookupMethod(methods, key) !== undefined);
  throw errors.missingMethods(plan.name, missing, available);
}

/**
 * The function named `name`, if the table itself holds one: inherited members
 * such as `toString` must not stand in for a method the user forgot.
 */
export function lookupMethod(methods: MethodTable, name: string): AnyMethod | undefined {
  if (!Object.hasOwn(methods, name)) return undefined;
  const method: unknown = methods[name];
  return typeof method === "function" ? (method as AnyMethod) : undefined;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name) => b.includes(name));
}
