/**
 * The in-process backend: methods run in the calling thread, and "workers"
 * are concurrency slots — the lanes a parallel stage spreads its items over,
 * each lane keeping one call in flight. It is the default backend, and the
 * reference the others are measured against by the conformance suite.
 */
import type {
  Backend,
  BackendMethod,
  BackendOpenOptions,
  BackendSession,
  CallScope,
  MethodTable,
  RunContext,
} from "../api.js";
import { DetachedContext, isThenable } from "../context.js";
import type { PlanDescriptor, PlanMethod } from "../plan.js";
import { CallPolicy, type Attempt } from "../policy.js";
import { lookupMethod } from "../validate-plan.js";

/** How the runtime calls a method: its input first, then its context. */
type Invocable = (input?: unknown, context?: RunContext) => unknown;

/**
 * Creates the in-process backend.
 *
 * @example
 * createRunner(plan, methods, { backend: inline(), workers: 8 });
 */
export function inline(): Backend {
  return {
    name: "inline",
    open: (plan, methods, options) => new InlineSession(plan, methods, options),
  };
}

class InlineSession implements BackendSession {
  readonly #methods: MethodTable;
  readonly #options: BackendOpenOptions;

  constructor(_plan: PlanDescriptor, methods: MethodTable, options: BackendOpenOptions) {
    this.#methods = methods;
    this.#options = options;
  }

  method(method: PlanMethod): BackendMethod {
    const fn = lookupMethod(this.#methods, method.name) as Invocable | undefined;
    if (fn === undefined) throw new Error(`inline backend: no function for method '${method.name}'`);
    return new InlineMethod(method, fn, new CallPolicy(method, this.#options.retryBackoff));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class InlineMethod implements BackendMethod {
  readonly #name: string;
  readonly #fn: Invocable;
  readonly #takesInput: boolean;
  readonly #policy: CallPolicy;
  readonly direct: ((input: unknown) => unknown) | undefined;

  constructor(method: PlanMethod, fn: Invocable, policy: CallPolicy) {
    this.#name = method.name;
    this.#fn = fn;
    this.#takesInput = method.takesInput;
    this.#policy = policy;
    // A method without an input parameter is called without arguments: it could not receive a context anyway.
    this.direct = method.takesInput ? (input) => fn(input, new DetachedContext(this.#name)) : () => fn();
  }

  call(input: unknown, scope: CallScope): unknown {
    const fn = this.#fn;
    const attempt: Attempt = this.#takesInput ? (context) => fn(input, context) : () => fn();
    return this.#policy.run(attempt, undefined, scope);
  }

  map(items: readonly unknown[], lanes: number, scope: CallScope): Promise<unknown[]> {
    const results = new Array<unknown>(items.length);
    const fn = this.#fn;
    const policy = this.#policy;
    let next = 0;
    let failed = false;
    // Each lane keeps one call in flight and takes the next unclaimed item when it is done,
    // so results land at their own index whatever order the calls finish in.
    const lane = async (): Promise<void> => {
      while (!failed && !scope.cancelled && next < items.length) {
        const index = next++;
        const item = items[index];
        try {
          const output = policy.run((context) => fn(item, context), index, scope);
          results[index] = isThenable(output) ? await output : output;
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const running: Promise<void>[] = [];
    for (let i = 0; i < lanes; i++) running.push(lane());
    return Promise.all(running).then(() => results);
  }
}
