/**
 * The methods a manifest may name, as completion and code actions offer them: the
 * functions its modules export (the default module's, an import's) and the names its
 * imports bind, each with where it comes from and, when a type-check read it, its
 * signature; and the modules beside the manifest an import may name.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { defaultModuleSpecifier } from "../resolve/manifest-name.js";
import type { Span } from "../../grammar/ast.js";
import { groupMentions, methodMentions } from "../resolve/mentions.js";
import { urlUnsafeCharacter } from "../resolve/module-path-characters.js";
import { methodNameProblem } from "../resolve/reserved-words.js";
import type { ModuleInfo } from "../resolve/types.js";
import type { ManifestState } from "./types.js";

export interface MethodOffer {
  /** The name the manifest calls it by. */
  readonly name: string;
  /** The module specifier as written, or the default `./<manifest>.methods`. */
  readonly module: string;
  readonly exportName: string;
  /** The call signature, when a type-check of this manifest read it. */
  readonly signature: string | undefined;
}

/**
 * The exports of the module `specifier` names from the manifest, or `undefined` when the
 * module is not found or its exports are not known (types not read).
 */
export function moduleExports(state: ManifestState, specifier: string): ModuleInfo["exports"] {
  try {
    return state.host?.resolveModule(specifier, state.source.path)?.exports;
  } catch {
    // A host that fails to read a module has not found it.
    return undefined;
  }
}

/** The functions `specifier` exports that can name a method, in the module's order. */
export function exportedFunctions(state: ManifestState, specifier: string): string[] {
  const exports = moduleExports(state, specifier);
  if (exports === undefined) return [];
  return [...exports]
    .filter(([name, info]) => info.isFunction && methodNameProblem(name) === undefined)
    .map(([n]) => n);
}

/**
 * Every method the manifest may name: the imported names, then the functions of the
 * default module that no import shadows. Without types, the names the manifest already
 * mentions stand in for the default module's exports, which are unknown.
 */
export function methodOffers(state: ManifestState): MethodOffer[] {
  const offers = new Map<string, MethodOffer>();
  const add = (name: string, module: string, exportName: string): void => {
    if (offers.has(name) || methodNameProblem(name) !== undefined) return;
    offers.set(name, { name, module, exportName, signature: signatureOf(state, name, module, exportName) });
  };
  for (const declaration of state.compiled.document.imports) {
    for (const specifier of declaration.specifiers) {
      add(specifier.local.name, declaration.source.value, specifier.imported.name);
    }
  }
  const defaultModule = defaultModuleSpecifier(state.source.path);
  if (state.host === undefined) {
    for (const name of methodMentions(state.compiled.document).keys()) add(name, defaultModule, name);
  } else {
    for (const name of exportedFunctions(state, defaultModule)) add(name, defaultModule, name);
  }
  return [...offers.values()];
}

/** One line on where a method comes from: its signature when known, else its module. */
export function methodDetail(offer: MethodOffer): string {
  if (offer.signature !== undefined) return offer.signature;
  const what = offer.exportName === offer.name ? "function" : `'${offer.exportName}'`;
  return `${what} exported by '${offer.module}'`;
}

/**
 * The signature of `name` from the latest type-check that read it from the same module and
 * export (an earlier text may have taken the name from elsewhere).
 */
function signatureOf(state: ManifestState, name: string, module: string, exportName: string): string | undefined {
  for (const typed of [state.compiled.typed, state.lastTyped]) {
    const binding = typed?.analysis.resolution.bindings.get(name);
    if (binding === undefined || binding.module !== module || binding.exportName !== exportName) continue;
    const signature = typed!.types.get(name)?.signature;
    if (signature !== undefined && signature !== "") return signature;
  }
  return undefined;
}

/**
 * The methods the manifest mentions (in groups, as `run_if` or `fallback`) other than at
 * `except`, the word being typed, which is no mention yet.
 */
export function mentionedMethods(state: ManifestState, except: Span): ReadonlySet<string> {
  const names = new Set<string>();
  for (const group of state.compiled.document.groups) {
    for (const mention of groupMentions(group)) if (mention.span.start !== except.start) names.add(mention.name);
  }
  return names;
}

export interface SiblingModule {
  /** How an import names it: `./etl.methods` for `etl.methods.ts`. */
  readonly specifier: string;
  /** Its file name. */
  readonly file: string;
}

/** TypeScript and JavaScript files a module may be, most preferred first (as src/typecheck/module-files.ts tries them). */
const MODULE_FILE = /^(.*?)(\.tsx?|\.mts|\.cts|\.jsx?|\.mjs|\.cjs)$/;
const EXTENSION_ORDER = [".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"];

/**
 * The modules beside the manifest an import may name, written without extension as the
 * resolver finds them (`./etl.methods` for `etl.methods.ts`). Declaration files, flowc's
 * own runners (`*.flow.ts`) and files whose name a URL would read differently (FLOW2018)
 * are left out.
 */
export function siblingModules(manifestPath: string): SiblingModule[] {
  const folder = path.dirname(path.resolve(manifestPath));
  let entries: string[];
  try {
    entries = readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isFile() || entry.isSymbolicLink())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
  const byStem = new Map<string, { file: string; rank: number }>();
  for (const file of entries) {
    const match = MODULE_FILE.exec(file);
    if (match === null || /\.d\.[cm]?ts$/.test(file) || /\.flow\.[cm]?[jt]sx?$/.test(file)) continue;
    const stem = match[1]!;
    const extension = match[2]!;
    if (stem === "" || urlUnsafeCharacter(`./${stem}`, path.join(folder, file), manifestPath) !== undefined) continue;
    const rank = EXTENSION_ORDER.indexOf(extension);
    const known = byStem.get(stem);
    if (known === undefined || rank < known.rank) byStem.set(stem, { file, rank });
  }
  return [...byStem]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stem, { file }]) => ({ specifier: `./${stem}`, file }));
}
