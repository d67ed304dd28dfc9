/**
 * Everything the compiler knows about one method of a manifest, gathered for hover and
 * definition from the best source at hand: the compilation of the current text, else the last
 * type-check of an earlier text (which still knows the methods' types while the current text
 * has errors), else the document itself (where a name comes from needs no compiler).
 */
import { existsSync } from "node:fs";
import type { PlanDescriptor, PlanMethod } from "../../stdlib/plan.js";
import type { MethodSettings } from "../bind/types.js";
import { defaultModuleSpecifier } from "../resolve/manifest-name.js";
import type { MethodBinding } from "../resolve/types.js";
import type { EdgeType, MethodTypes, SourceLocation, TypedPlan } from "../typecheck/types.js";
import { importOf } from "./mentions.js";
import type { ManifestState } from "./types.js";

export interface MethodFacts {
  readonly name: string;
  /** The module specifier as written, or the default `./<manifest>.methods`. */
  readonly module: string;
  readonly exportName: string;
  /** Whether an import names it (else it comes from the default module). */
  readonly imported: boolean;
  /** The module's file, when it is known to exist. */
  readonly modulePath: string | undefined;
  /** Its merged settings, from the current analysis or else the last type-check's. */
  readonly settings: MethodSettings | undefined;
  /** The plan that holds it, and its entry there (effective settings: minimum workers, retries…). */
  readonly plan: PlanDescriptor | undefined;
  readonly planMethod: PlanMethod | undefined;
  /** Its TypeScript types, edges and declaration, from `typed`. */
  readonly types: MethodTypes | undefined;
  readonly incoming: readonly EdgeType[];
  readonly outgoing: readonly EdgeType[];
  readonly declaration: SourceLocation | undefined;
  /** The type-check the types come from; `stale` when it is of an earlier text than the editor's. */
  readonly typed: TypedPlan | undefined;
  readonly stale: boolean;
}

/** The type-check that knows `name`: the current one, else the last one, else the current one anyway. */
function typedFor(state: ManifestState, name: string): { typed: TypedPlan | undefined; stale: boolean } {
  const current = state.compiled.typed;
  if (current?.types.has(name) === true) return { typed: current, stale: false };
  const last = state.lastTyped;
  if (last !== undefined && last !== current && last.types.has(name)) return { typed: last, stale: true };
  return { typed: current, stale: false };
}

/** Where `name` comes from: the current resolution, else the document's imports (and the last resolution's files). */
function bindingFor(state: ManifestState, name: string): Omit<MethodBinding, "declaration"> {
  const resolved = state.compiled.resolution?.bindings.get(name);
  if (resolved !== undefined) return resolved;
  const found = importOf(state.compiled.document, name);
  const module = found?.declaration.source.value ?? defaultModuleSpecifier(state.source.path);
  const exportName = found?.specifier.imported.name ?? name;
  return { name, module, exportName, modulePath: modulePathOf(state, module) };
}

/**
 * The file `specifier` names from this manifest, as the TypeScript project resolves it, or
 * `undefined` when it resolves to nothing (or nothing can resolve it yet).
 */
export function modulePathOf(state: ManifestState, specifier: string): string | undefined {
  const resolutions = [state.compiled.resolution, state.lastTyped?.analysis.resolution];
  for (const resolution of resolutions) {
    for (const binding of resolution?.bindings.values() ?? []) {
      if (binding.module === specifier && binding.modulePath !== undefined) return checked(state, binding.modulePath);
    }
  }
  try {
    return state.host?.resolveModule(specifier, state.source.path)?.path;
  } catch {
    // A host that cannot read the module has not found it.
    return undefined;
  }
}

/** A path the untyped resolver only guessed is kept when the file is there. */
function checked(state: ManifestState, file: string): string | undefined {
  return state.host !== undefined || existsSync(file) ? file : undefined;
}

export function methodFacts(state: ManifestState, name: string): MethodFacts {
  const binding = bindingFor(state, name);
  const { typed, stale } = typedFor(state, name);
  const analyses = [state.compiled.analysis, state.lastTyped?.analysis];
  const settings = analyses.map((analysis) => analysis?.settings.get(name)).find((found) => found !== undefined);
  const plans = [state.compiled.plan, state.lastTyped?.plan];
  const plan = plans.find((candidate) => candidate?.methods.some((method) => method.name === name));
  const edges = typed?.edges ?? [];
  return {
    name,
    module: binding.module,
    exportName: binding.exportName,
    imported: importOf(state.compiled.document, name) !== undefined,
    modulePath: binding.modulePath === undefined ? undefined : checked(state, binding.modulePath),
    settings,
    plan,
    planMethod: plan?.methods.find((method) => method.name === name),
    types: typed?.types.get(name),
    incoming: edges.filter((edge) => edge.receiver === name),
    outgoing: edges.filter((edge) => edge.sender === name),
    declaration: typed?.declarations.get(name),
    typed,
    stale,
  };
}
