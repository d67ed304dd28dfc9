/**
 * The text of the in-memory TypeScript file through which the type-check asks
 * its questions. Each question is a declaration or an assignment TypeScript
 * checks with its own rules, so the answers — and the explanations of failed
 * answers — are exactly those `tsc` would give.
 *
 * Only names this module makes up become identifiers; whatever the manifest
 * says (module paths, method names, export names that are no plain identifier)
 * is written as JSON string literals, which are valid TypeScript strings
 * whatever they contain.
 */

/** What a stretch of the probe file asks, so a TypeScript diagnostic there can be told apart. */
export type ProbeSubject =
  | { readonly kind: "preamble" }
  | { readonly kind: "method"; readonly method: string }
  | { readonly kind: "context"; readonly method: string }
  | { readonly kind: "array"; readonly receiver: string }
  | { readonly kind: "edge"; readonly receiver: string }
  | { readonly kind: "run" };

/** What `flowc` passes a method: its input, then a run context (see `CallShape.arity`). */
export type ProbeArity = 0 | 1 | 2;

export interface ProbeRange {
  readonly start: number;
  readonly end: number;
  readonly subject: ProbeSubject;
}

/** Prefix of every name the probe file declares; nothing a user writes is declared there. */
const PREFIX = "__flowc_";

/**
 * Helpers shared by every question. `Input`/`Output` follow the runtime's
 * `MethodInput`/`MethodOutput` (stdlib/api.ts) so that the generated runner,
 * which uses those, agrees with this check; `Target` is what a method accepts
 * from its predecessors: `unknown` for a method without input, which ignores it.
 * `Context` is the second parameter, or the run context itself when there is
 * none. `AbortSignal` is taken from the project's globals when it has them
 * (DOM or Node types), and is `never` — which fits any parameter — when it does not.
 * `Items` is what a parallel method may receive (an array, or an iterable or async
 * iterable object: the runtime streams those, but never a string's characters), judged
 * as an array when it is one so that TypeScript's explanations read as they would for
 * one; `Item` is what one call of it receives.
 */
const PREAMBLE = [
  `type ${PREFIX}Method = (...args: never[]) => unknown;`,
  `type ${PREFIX}Input<F extends ${PREFIX}Method> = Parameters<F> extends [] ? void : Parameters<F>[0];`,
  `type ${PREFIX}Output<F extends ${PREFIX}Method> = Awaited<ReturnType<F>>;`,
  `type ${PREFIX}Target<F extends ${PREFIX}Method> = Parameters<F> extends [] ? unknown : Parameters<F>[0];`,
  `type ${PREFIX}Context<F extends ${PREFIX}Method> = Parameters<F> extends readonly [unknown?] ? ${PREFIX}RunContext : Parameters<F>[1];`,
  `type ${PREFIX}AbortSignal = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : never;`,
  `interface ${PREFIX}RunContext { readonly signal: ${PREFIX}AbortSignal; readonly attempt: number; readonly method: string; readonly item: number | undefined; }`,
  `declare const ${PREFIX}runContext: ${PREFIX}RunContext;`,
  `type ${PREFIX}AnyItems = readonly unknown[] | (Iterable<unknown> & object) | (AsyncIterable<unknown> & object);`,
  `type ${PREFIX}Items<I, T> = I extends readonly unknown[] ? readonly T[] : I extends AsyncIterable<unknown> ? AsyncIterable<T> & object : Iterable<T> & object;`,
  `type ${PREFIX}Item<I> = I extends readonly (infer E)[] ? E : I extends AsyncIterable<infer E> ? E : I extends Iterable<infer E> ? E : never;`,
];

/** Names of the declarations the type-check reads back, by method index. */
export const probeNames = {
  imported: (index: number) => `${PREFIX}import${index}`,
  method: (index: number) => `${PREFIX}fn${index}`,
  parameters: (index: number) => `${PREFIX}parameters${index}`,
  input: (index: number) => `${PREFIX}input${index}`,
  output: (index: number) => `${PREFIX}output${index}`,
  context: (index: number) => `${PREFIX}context${index}`,
  incoming: (index: number) => `${PREFIX}incoming${index}`,
  array: (index: number) => `${PREFIX}array${index}`,
  edge: (index: number) => `${PREFIX}edge${index}`,
  /** What one call of a parallel method receives: an element of its incoming items. */
  item: (index: number) => `${PREFIX}item${index}`,
  /** A call of a generic or overloaded method with what it receives, resolved by TypeScript. */
  call: (index: number) => `${PREFIX}call${index}`,
  /** What the `position`-th source needs of the run's input. */
  source: (position: number) => `${PREFIX}source${position}`,
  /** The run's input as the first `position + 1` sources need it. */
  runInput: (position: number) => `${PREFIX}runInput${position}`,
  runOutput: `${PREFIX}runOutput`,
};

/** A method as the probe file sees it. */
export interface ProbeMethod {
  readonly name: string;
  /** Index in the plan; names the method's declarations. */
  readonly index: number;
  /** Specifier of its module relative to the probe file, as a runner would import it. */
  readonly specifier: string;
  readonly exportName: string;
  readonly parallel: boolean;
  /**
   * For a generic or overloaded method: how many arguments the probe's call passes.
   * Its output is then what that call returns, so TypeScript infers type arguments and
   * picks the overload from the value the method receives; `undefined` for any other
   * method, whose output is its declared return type.
   */
  readonly call: ProbeArity | undefined;
  /** Indices of its predecessors, in the order of the plan's `inputs`. */
  readonly inputs: readonly { readonly name: string; readonly index: number; readonly parallel: boolean }[];
}

export interface ProbePlan {
  readonly methods: readonly ProbeMethod[];
  /** Indices of the methods that receive the run's input, in plan order. */
  readonly sources: readonly number[];
  /** Indices of the methods whose output forms the run's output, in plan order. */
  readonly sinks: readonly number[];
}

export interface ProbeFile {
  readonly text: string;
  readonly ranges: readonly ProbeRange[];
}

const literal = (value: string): string => JSON.stringify(value);

/** An export name as an import specifier writes it: bare when it is an identifier, else as a string. */
function exportedName(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : literal(name);
}

/** The value a method hands on: its output, or the array of outputs of a parallel method. */
function handedOn(method: { readonly index: number; readonly parallel: boolean }): string {
  const output = `typeof ${probeNames.output(method.index)}`;
  return method.parallel ? `(${output})[]` : output;
}

/**
 * What a source needs of the run's input: its input (`unknown`, which does not
 * narrow the intersection, when it takes none), or an array of them when it is parallel.
 */
function sourcePart(method: ProbeMethod): string {
  const target = `${PREFIX}Target<typeof ${probeNames.method(method.index)}>`;
  return method.parallel ? `readonly ${target}[]` : target;
}

export function writeProbeFile(plan: ProbePlan): ProbeFile {
  let text = "";
  const ranges: ProbeRange[] = [];
  const add = (lines: readonly string[], subject: ProbeSubject): void => {
    const start = text.length;
    text += lines.map((line) => `${line}\n`).join("");
    ranges.push({ start, end: text.length, subject });
  };

  // One import per method, of the method alone: the types its signature uses
  // stay out of scope, so TypeScript names them as a reader would
  // (`Row`, or `import("./a").Row` when two modules both have a `Row`).
  for (const method of plan.methods) {
    add(
      [
        `import type { ${exportedName(method.exportName)} as ${probeNames.imported(method.index)} } from ${literal(method.specifier)};`,
      ],
      {
        kind: "method",
        method: method.name,
      },
    );
  }
  add(PREAMBLE, { kind: "preamble" });

  for (const method of plan.methods) {
    const fn = probeNames.method(method.index);
    const output =
      method.call === undefined ? `${PREFIX}Output<typeof ${fn}>` : `Awaited<typeof ${probeNames.call(method.index)}>`;
    add(
      [
        `declare const ${fn}: typeof ${probeNames.imported(method.index)};`,
        `declare const ${probeNames.parameters(method.index)}: Parameters<typeof ${fn}>;`,
        `declare const ${probeNames.input(method.index)}: ${PREFIX}Input<typeof ${fn}>;`,
        `declare const ${probeNames.output(method.index)}: ${output};`,
      ],
      { kind: "method", method: method.name },
    );
    // A call passes the run context itself, where TypeScript judges it against the signature it picks.
    if (method.call !== undefined) continue;
    add([`const ${probeNames.context(method.index)}: ${PREFIX}Context<typeof ${fn}> = ${PREFIX}runContext;`], {
      kind: "context",
      method: method.name,
    });
  }

  for (const method of plan.methods) {
    const first = method.inputs[0];
    if (first === undefined) {
      // A source receives the run's input, which is whatever it accepts.
      if (method.call !== undefined) {
        const fn = `typeof ${probeNames.method(method.index)}`;
        const given = method.parallel ? `${PREFIX}Target<${fn}>` : `${PREFIX}Input<${fn}>`;
        add([`declare const ${probeNames.item(method.index)}: ${given};`], { kind: "run" });
        addCall(add, method, probeNames.item(method.index));
      }
      continue;
    }
    const incoming =
      method.inputs.length === 1
        ? handedOn(first)
        : `{ ${method.inputs.map((input) => `${literal(input.name)}: ${handedOn(input)};`).join(" ")} }`;
    const name = probeNames.incoming(method.index);
    const target = `${PREFIX}Target<typeof ${probeNames.method(method.index)}>`;
    add([`declare const ${name}: ${incoming};`], { kind: "run" });
    if (method.parallel) {
      add([`const ${probeNames.array(method.index)}: ${PREFIX}AnyItems = ${name};`], {
        kind: "array",
        receiver: method.name,
      });
      add([`declare const ${probeNames.item(method.index)}: ${PREFIX}Item<typeof ${name}>;`], { kind: "run" });
      if (method.call === undefined) {
        add([`const ${probeNames.edge(method.index)}: ${PREFIX}Items<typeof ${name}, ${target}> = ${name};`], {
          kind: "edge",
          receiver: method.name,
        });
      } else {
        addCall(add, method, probeNames.item(method.index));
      }
    } else if (method.call === undefined) {
      add([`const ${probeNames.edge(method.index)}: ${target} = ${name};`], { kind: "edge", receiver: method.name });
    } else {
      addCall(add, method, name);
    }
  }

  // The run's input, intersected one source at a time, so that the source that
  // makes it impossible can be named.
  const sources = plan.sources.map((index) => plan.methods[index]).filter((m) => m !== undefined);
  sources.forEach((source, position) => {
    const parts = sources.slice(0, position + 1).map((_, earlier) => `typeof ${probeNames.source(earlier)}`);
    add(
      [
        `declare const ${probeNames.source(position)}: ${sourcePart(source)};`,
        `declare const ${probeNames.runInput(position)}: ${parts.join(" & ")};`,
      ],
      { kind: "run" },
    );
  });

  const sinks = plan.sinks.map((index) => plan.methods[index]).filter((m) => m !== undefined);
  const output =
    sinks.length === 1 && sinks[0] !== undefined
      ? handedOn(sinks[0])
      : `{ ${sinks.map((sink) => `${literal(sink.name)}: ${handedOn(sink)};`).join(" ")} }`;
  add([`declare const ${probeNames.runOutput}: ${output};`], { kind: "run" });

  return { text, ranges };
}

/**
 * `const call = fn(value, context);` for a generic or overloaded method, one argument a
 * line, so that TypeScript's complaint about an argument says which: what the method
 * receives (an edge) or the run context (its second parameter).
 */
function addCall(
  add: (lines: readonly string[], subject: ProbeSubject) => void,
  method: ProbeMethod,
  argument: string,
): void {
  const arity = method.call ?? 0;
  const callee = `const ${probeNames.call(method.index)} = ${probeNames.method(method.index)}(`;
  if (arity === 0) {
    add([`${callee});`], { kind: "edge", receiver: method.name });
    return;
  }
  add([callee, arity === 1 ? `${argument});` : `${argument},`], { kind: "edge", receiver: method.name });
  if (arity === 2) add([`${PREFIX}runContext);`], { kind: "context", method: method.name });
}
