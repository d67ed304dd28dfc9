/**
 * What the runtime avoids: interpreting the plan on every call — name lookups,
 * maps of values and in-degrees rebuilt per run, a context object and an
 * `await` per method. Shown in the bench for comparison only.
 */
import type { MethodTable, RunContext } from "../stdlib/api.js";
import type { PlanDescriptor } from "../stdlib/plan.js";

type Invocable = (input?: unknown, context?: RunContext) => unknown;

export async function naiveRun(plan: PlanDescriptor, methods: MethodTable, input: unknown): Promise<unknown> {
  const controller = new AbortController();
  const values = new Map<string, unknown>();
  const waiting = new Map(plan.methods.map((method) => [method.name, method.inputs.length]));
  let ready = plan.methods.filter((method) => method.inputs.length === 0).map((method) => method.name);
  while (ready.length > 0) {
    const next: string[] = [];
    await Promise.all(
      ready.map(async (name) => {
        const method = plan.methods.find((m) => m.name === name);
        if (method === undefined) throw new Error(`no method ${name}`);
        const argument =
          method.inputs.length === 0
            ? input
            : method.inputs.length === 1
              ? values.get(method.inputs[0] ?? "")
              : Object.fromEntries(method.inputs.map((from) => [from, values.get(from)]));
        const context: RunContext = { signal: controller.signal, attempt: 1, method: name, item: undefined };
        values.set(name, await (methods[name] as Invocable)(argument, context));
        for (const edge of plan.edges) {
          if (edge.from !== name) continue;
          const left = (waiting.get(edge.to) ?? 0) - 1;
          waiting.set(edge.to, left);
          if (left === 0) next.push(edge.to);
        }
      }),
    );
    ready = next;
  }
  return plan.sinks.length === 1
    ? values.get(plan.sinks[0] ?? "")
    : Object.fromEntries(plan.sinks.map((sink) => [sink, values.get(sink)]));
}
