/**
 * What the native compiler says of modules: the file a specifier names, what a module
 * exports, and which local files a module imports. TypeScript 7's API has no module
 * resolution of its own to call, so a package specifier is resolved the way a runner
 * would import it: by an in-memory ES module (`.mts`) beside the manifest that imports it,
 * whose import the checker then follows.
 */
import path from "node:path";
import { existsSync } from "node:fs";
import {
  SignatureKind,
  SymbolFlags,
  TypeFlags,
  type Project,
  type Signature,
  type Symbol as NativeSymbol,
} from "typescript/unstable/sync";
import type { ModuleHost } from "../../resolve/types.js";
import type { CallShape } from "../call-shape.js";
import { MAX_LOCAL_FILES } from "../engine.js";
import { isFile } from "../find-up.js";
import { cachedModuleHost, findPathModule, JAVASCRIPT_FILE, TYPESCRIPT_FILE } from "../module-files.js";
import { isPathSpecifier } from "../module-specifier.js";
import { NO_TRUNCATION } from "./model.js";

/** What the module host needs of its project. */
export interface ModuleProject {
  readonly allowJs: boolean;
  /** The project with `file` in its program (added for good). */
  including(file: string): Project;
  /** The project with `file` (text in memory) in its program, for `use`, then taken out again. */
  withFile<T>(file: string, text: string, use: (project: Project) => T): T;
  /** The module symbol of `file` in `project` (`undefined` for a script). */
  moduleSymbol(project: Project, file: string): NativeSymbol | undefined;
}

/** A module host that also says how each export can be called, read with its exports. */
export interface NativeModuleHost extends ModuleHost {
  /** How the export `exportName` of `file` can be called; `undefined` when it is no function (or unknown). */
  callShape(file: string, exportName: string): CallShape | undefined;
}

/**
 * A module host on the native compiler: a relative specifier by flowc's own lookup (see
 * ../module-files.ts), a package specifier by the compiler's resolution; each module's
 * exports, and how each can be called, read once, with as few questions to the compiler
 * as it takes (the types of all exports in one).
 */
export function nativeModuleHost(project: ModuleProject): NativeModuleHost {
  const packages = new Map<string, string | undefined>();
  const modules = new Map<string, ModuleRead | undefined>();
  const read = (file: string): ModuleRead | undefined => {
    if (!modules.has(file)) modules.set(file, readModule(project, file));
    return modules.get(file);
  };
  const find = (specifier: string, fromFile: string): string | undefined => {
    const file = findPathModule(specifier, fromFile, isFile);
    if (file !== undefined || specifier.length === 0 || isPathSpecifier(specifier)) return file;
    const key = `${path.dirname(fromFile)}\0${specifier}`;
    if (!packages.has(key)) packages.set(key, resolvePackage(project, specifier, fromFile));
    return packages.get(key);
  };
  const host = cachedModuleHost(find, (file) => read(file)?.exports);
  return {
    resolveModule: (specifier, fromFile) => host.resolveModule(specifier, fromFile),
    callShape: (file, exportName) => read(file)?.shapes.get(exportName),
  };
}

/** The TypeScript file (or declaration file) a package specifier names from `fromFile`, as an ES module imports it. */
function resolvePackage(project: ModuleProject, specifier: string, fromFile: string): string | undefined {
  const lookup = path.join(path.dirname(fromFile), "__flowc_lookup__.mts");
  const text = `import * as lookup from ${JSON.stringify(specifier)};\nexport { lookup };\n`;
  try {
    return project.withFile(lookup, text, (opened) => {
      const [found] = importedFiles(opened, lookup);
      return found !== undefined && TYPESCRIPT_FILE.test(found) ? found : undefined;
    });
  } catch {
    // A resolution failure is a module that was not found, which the caller reports.
    return undefined;
  }
}

/** What a module exports, and how each function among its exports can be called. */
interface ModuleRead {
  readonly exports: Map<string, { readonly isFunction: boolean }>;
  readonly shapes: Map<string, CallShape>;
}

/** The exports of `file`, or `undefined` when TypeScript cannot read it. */
function readModule(project: ModuleProject, file: string): ModuleRead | undefined {
  // Without `allowJs` TypeScript does not read JavaScript: what it exports is unknown here (FLOW4016 says why).
  if (JAVASCRIPT_FILE.test(file) && !project.allowJs) return undefined;
  try {
    const opened = project.including(file);
    const moduleSymbol = project.moduleSymbol(opened, file);
    const exports = new Map<string, { readonly isFunction: boolean }>();
    const shapes = new Map<string, CallShape>();
    // A file without import or export is a script: it exports nothing.
    if (moduleSymbol === undefined) return { exports, shapes };
    const checker = opened.checker;
    const symbols = checker.getExportsOfModule(moduleSymbol);
    const targets = symbols.map((symbol) =>
      symbol.flags & SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
    );
    // Interfaces and type aliases are exports too, but no value: nothing to call.
    const values = targets.filter((target) => (target.flags & SymbolFlags.Value) !== 0);
    const valueTypes = values.length === 0 ? [] : checker.getTypeOfSymbol(values);
    const types = new Map(values.map((target, index) => [target, valueTypes[index]] as const));
    symbols.forEach((symbol, index) => {
      const type = types.get(targets[index]!);
      const signatures = type === undefined ? [] : checker.getSignaturesOfType(type, SignatureKind.Call);
      exports.set(symbol.name, { isFunction: signatures.length > 0 });
      if (signatures.length > 0) shapes.set(symbol.name, callShapeOf(opened, signatures));
    });
    return { exports, shapes };
  } catch {
    return undefined;
  }
}

/** How a function with these call signatures can be called, from what the compiler sent with them. */
function callShapeOf(project: Project, signatures: readonly Signature[]): CallShape {
  const checker = project.checker;
  let arity: 0 | 1 | 2 = 0;
  let thisType: string | undefined;
  for (const signature of signatures) {
    const count = signature.hasRestParameter ? 2 : Math.min(2, signature.parameters.length);
    if (count > arity) arity = count as 0 | 1 | 2;
    if (thisType === undefined && signature.thisParameter !== undefined) {
      const self = signature.getThisParameter();
      const selfType = self === undefined ? undefined : checker.getTypeOfSymbol(self);
      // `this: void` (and an untyped `this`) says the function needs no receiver.
      if (selfType !== undefined && (selfType.flags & (TypeFlags.Void | TypeFlags.Any | TypeFlags.Unknown)) === 0) {
        thisType = checker.typeToString(selfType, undefined, NO_TRUNCATION);
      }
    }
  }
  return {
    overloaded: signatures.length > 1,
    generic: signatures.some((signature) => (signature.typeParameters?.length ?? 0) > 0),
    arity,
    thisType,
  };
}

/**
 * `EngineProject.localFiles` on the native compiler: the imports of each file, followed
 * as the compiler resolved them, leaving out packages (anything under node_modules).
 */
export function localFilesOf(project: Project, modules: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const queue = [...modules].map((file) => path.resolve(file));
  while (queue.length > 0 && found.size < MAX_LOCAL_FILES) {
    const file = queue.shift()!;
    if (found.has(file) || file.split(path.sep).includes("node_modules")) continue;
    found.add(file);
    for (const imported of importedFiles(project, file)) if (!found.has(imported)) queue.push(imported);
  }
  return found;
}

/** The files the imports of `file` resolve to, asked of the checker all at once. */
function importedFiles(project: Project, file: string): string[] {
  const sourceFile = project.program.getSourceFile(file);
  if (sourceFile === undefined || sourceFile.imports.length === 0) return [];
  const symbols = project.checker.getSymbolAtLocation(sourceFile.imports);
  const files: string[] = [];
  for (const symbol of symbols) {
    for (const declaration of symbol?.declarations ?? []) {
      // Only a module's own file: an ambient `declare module "x"` in some other file is no import of it.
      if (declaration.kind === sourceFile.kind && existsSync(declaration.path))
        files.push(path.resolve(declaration.path));
    }
  }
  return files;
}
