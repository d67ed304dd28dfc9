/**
 * What the types decide about skips and branches, read from a probe asked with
 * `ProbePlan.decisions`:
 *
 * - which inputs a method runs without (`PlanMethod.optional`): a predecessor that may be
 *   skipped, where the method's parameter — or, for a method with several inputs, that
 *   member of it — accepts `undefined`. A parallel method never does (it needs items), nor
 *   does a generic or overloaded one, whose parameter depends on what it receives;
 * - where a branch routes (`Branch.routes`): for each successor, the discriminant values of
 *   the members of the output's union that its parameter accepts, exactly as TypeScript
 *   judges assignability; with the branch's own diagnostics (FLOW4021–4023).
 */
import type { Identifier, Span } from "../../grammar/ast.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { createDiagnostic, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { RUN_INPUT, type DiscriminantValue, type PlanDescriptor, type PlanMethod } from "../../stdlib/plan.js";
import { skippableMethods } from "../../stdlib/skippable.js";
import type { Analysis } from "../analysis.js";
import type { ProbeTypes, TypeModel } from "./engine.js";
import { probeNames } from "./probe-plan.js";

/** Whether a plan has anything the types decide: a branch, or a method that may be skipped and feeds another. */
export function needsDecisions(plan: PlanDescriptor): boolean {
  if (plan.methods.some((method) => method.branch !== null)) return true;
  const skippable = skippableMethods(plan);
  return plan.methods.some((method) => method.inputs.some((input) => skippable.has(input)));
}

export interface Decided {
  /** The plan with `optional` and each branch's `routes` filled in. */
  readonly plan: PlanDescriptor;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Decides `optional` and `routes` from the answers of a probe of `plan` (asked with
 * `decisions`); `calls` are the generic and overloaded methods.
 */
export function decide(
  analysis: Analysis,
  plan: PlanDescriptor,
  types: ProbeTypes,
  calls: ReadonlyMap<string, unknown>,
  mention: (method: string) => Identifier,
): Decided {
  const diagnostics: Diagnostic[] = [];
  const report = (message: (typeof Messages)[keyof typeof Messages], span: Span, args: readonly string[]) =>
    diagnostics.push(createDiagnostic(message, analysis.source.path, span, args));
  const index = new Map(plan.methods.map((method, i) => [method.name, i]));
  const reader = new Reader(types);

  // Which predecessors each method runs without, judged for every predecessor that may be
  // skipped at all (as if no method ran without any), then kept where one really may be.
  const atMost = skippableMethods(plan);
  const tolerated = new Map<string, string[]>();
  for (const method of plan.methods) {
    if (method.mode === "parallel" || calls.has(method.name)) continue;
    const at = index.get(method.name) ?? -1;
    const accepted = method.inputs.filter(
      (input, position) => input !== RUN_INPUT && atMost.has(input) && reader.isTrue(probeNames.accepts(at, position)),
    );
    if (accepted.length > 0) tolerated.set(method.name, accepted);
  }

  const routed = new Map<string, Record<string, readonly DiscriminantValue[]>>();
  for (const method of plan.methods) {
    if (method.branch === null) continue;
    const routes = route(method, method.branch.property);
    if (routes !== undefined) routed.set(method.name, routes);
  }

  const withOptional = rebuild(plan, (method) => ({ optional: tolerated.get(method.name) ?? [] }));
  const skippable = skippableMethods(withOptional);
  const decided = rebuild(withOptional, (method) => ({
    optional: method.optional.filter((input) => skippable.has(input)),
    branch:
      method.branch === null
        ? null
        : { property: method.branch.property, routes: routed.get(method.name) ?? method.branch.routes },
  }));
  return { plan: decided, diagnostics };

  function route(method: PlanMethod, property: string): Record<string, readonly DiscriminantValue[]> | undefined {
    const at = branchSpan(method.name);
    const output = reader.type(probeNames.output(index.get(method.name) ?? -1));
    if (output === undefined) return undefined;
    const members = reader.members(output);
    const variants = members.map((member) => ({ member, values: reader.discriminant(member, property) }));
    const bad = variants.filter((variant) => variant.values === undefined);
    if (members.length < 2 || bad.length > 0) {
      const why =
        members.length < 2
          ? `it is '${reader.print(output)}', which is no union.`
          : `${bad.map((variant) => `'${reader.print(variant.member)}'`).join(", ")} ${bad.length === 1 ? "has" : "have"} no literal '${property}'.`;
      report(Messages.BranchNotDiscriminated, at, [property, method.name, why]);
      return undefined;
    }
    const successors = Object.keys(method.branch?.routes ?? {});
    const routes: Record<string, readonly DiscriminantValue[]> = {};
    const reached = new Set<DiscriminantValue>();
    for (const successor of successors) {
      const target = reader.type(probeNames.target(index.get(successor) ?? -1));
      const values: DiscriminantValue[] = [];
      for (const { member, values: own } of variants) {
        if (target === undefined || !reader.model.isAssignable(member, target)) continue;
        for (const value of own ?? []) if (!values.includes(value)) values.push(value);
      }
      values.forEach((value) => reached.add(value));
      routes[successor] = values;
      if (values.length === 0) {
        const edge = analysis.graph.edges.find((e) => e.from === method.name && e.to === successor);
        report(Messages.BranchSuccessorAcceptsNothing, (edge?.declaration ?? mention(successor)).span, [
          successor,
          method.name,
          reader.print(output),
          property,
        ]);
      }
    }
    const missing = variants.flatMap((variant) => variant.values ?? []).filter((value) => !reached.has(value));
    const unrouted = [...new Set(missing)];
    if (unrouted.length > 0) {
      const listed = orList(unrouted.map((value) => JSON.stringify(value)));
      const those = variants
        .filter((variant) => (variant.values ?? []).some((value) => unrouted.includes(value)))
        .map((variant) => `'${reader.print(variant.member)}'`);
      report(Messages.BranchNotExhaustive, at, [method.name, property, listed, andList(those)]);
    }
    return routes;
  }

  /** The value of the `branch_on` that applies to `method`, where its diagnostics point. */
  function branchSpan(method: string): Span {
    return analysis.origins.get(method)?.routing.branch_on?.property.value.span ?? mention(method).span;
  }
}

/** A new plan with some fields of each method replaced. */
function rebuild(
  plan: PlanDescriptor,
  change: (method: PlanMethod) => Partial<Pick<PlanMethod, "optional" | "branch">>,
): PlanDescriptor {
  return { ...plan, methods: plan.methods.map((method) => ({ ...method, ...change(method) })) };
}

/** Reads the declarations of a decisions probe. */
class Reader<T = unknown> {
  readonly model: TypeModel<T>;
  readonly #types: ProbeTypes<T>;

  constructor(types: ProbeTypes<T>) {
    this.#types = types;
    this.model = types.model;
  }

  type(name: string): T | undefined {
    return this.#types.typeOf(name);
  }

  print(type: T): string {
    return this.model.print(type);
  }

  members(type: T): readonly T[] {
    return this.model.unionMembers(type) ?? [type];
  }

  /** Whether a declaration's type is `true`. */
  isTrue(name: string): boolean {
    const type = this.type(name);
    return type !== undefined && this.print(type) === "true";
  }

  /** The literal values `property` has in `member`, or `undefined` when it has none that are all literals. */
  discriminant(member: T, property: string): DiscriminantValue[] | undefined {
    const { model } = this;
    const found = model.properties(member).find((candidate) => candidate.name === property);
    if (found === undefined) return undefined;
    const literal =
      model.TypeFlags.StringLiteral |
      model.TypeFlags.NumberLiteral |
      model.TypeFlags.BooleanLiteral |
      model.TypeFlags.Null;
    const values: DiscriminantValue[] = [];
    for (const part of this.members(found.type())) {
      if ((model.flags(part) & literal) === 0) return undefined;
      const value = literalValue(model.print(part));
      if (value === undefined) return undefined;
      values.push(value);
    }
    return values;
  }
}

/** The value of a literal type as TypeScript prints it: `"a"`, `3`, `-1.5`, `true`, `null`. */
function literalValue(printed: string): DiscriminantValue | undefined {
  try {
    const value: unknown = JSON.parse(printed);
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value === null
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

function orList(words: readonly string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

function andList(words: readonly string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}
