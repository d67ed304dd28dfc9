import path from "node:path";
import { ts, type Project, type SourceFile } from "ts-morph";
import type { ModuleHost, ModuleInfo } from "../resolve/types.js";
import { isPathSpecifier } from "./module-specifier.js";

/**
 * Files a specifier written without an extension may name, in the order
 * TypeScript tries them; `.d.ts` stands for a JavaScript module with declarations.
 */
const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".d.ts", ".d.mts", ".d.cts"];

/** A JavaScript extension names its TypeScript source first, as under NodeNext: `./x.js` → `./x.ts`. */
const SOURCES_OF_JS: Readonly<Record<string, readonly string[]>> = {
  ".js": [".ts", ".tsx", ".d.ts"],
  ".jsx": [".tsx", ".d.ts"],
  ".mjs": [".mts", ".d.mts"],
  ".cjs": [".cts", ".d.cts"],
};

const TYPESCRIPT_FILE = /\.(?:d\.)?[cm]?tsx?$/;

/**
 * JavaScript files a specifier may name, tried after every TypeScript file: a JavaScript
 * module with JSDoc types is read as such (with `allowJs`; without it, the type-check says
 * to turn it on).
 */
export const JAVASCRIPT_FILE = /\.[cm]?jsx?$/;
const JAVASCRIPT_EXTENSIONS = [".js", ".mjs", ".cjs", ".jsx"];

/**
 * A module host that reads methods modules with TypeScript: it finds the file a
 * manifest's specifier names the way TypeScript would, adds it to `project`, and
 * lists its exports (re-exports included) with whether each can be called.
 *
 * A relative specifier is tried with every TypeScript extension, then as a
 * directory with an `index` file, because manifests name modules the short way
 * (`./etl.methods`) whatever the project's module resolution; a package
 * specifier goes through the project's own module resolution.
 */
export function createTypeScriptHost(project: Project): ModuleHost {
  const infos = new Map<string, ModuleInfo>();
  return {
    resolveModule(specifier, fromFile) {
      const file = findModuleFile(project, specifier, path.resolve(fromFile));
      if (file === undefined) return undefined;
      let info = infos.get(file);
      if (info === undefined) {
        info = { path: file, exports: readExports(project, file) };
        infos.set(file, info);
      }
      return info;
    },
  };
}

/** The files a module lookup reads: the project's (in memory, in tests), or the disk's (`ts.sys`). */
export type ModuleFileSystem = ts.ModuleResolutionHost & { getCurrentDirectory(): string };

/** The absolute path of the TypeScript file (or declaration file) `specifier` names from `fromFile`. */
export function findModuleFile(project: Project, specifier: string, fromFile: string): string | undefined {
  const fileSystem = project.getFileSystem();
  const host: ModuleFileSystem = {
    fileExists: (file) => fileSystem.fileExistsSync(file),
    readFile: (file) => fileSystem.readFileSync(file),
    directoryExists: (dir) => fileSystem.directoryExistsSync(dir),
    realpath: (file) => fileSystem.realpathSync(file),
    getCurrentDirectory: () => fileSystem.getCurrentDirectory(),
  };
  return findModuleFileIn(host, project.getCompilerOptions(), specifier, fromFile);
}

/** `findModuleFile` with the files of `fileSystem` and the settings `options`. */
export function findModuleFileIn(
  fileSystem: ModuleFileSystem,
  options: ts.CompilerOptions,
  specifier: string,
  fromFile: string,
): string | undefined {
  const isFile = (candidate: string): boolean => {
    try {
      return fileSystem.fileExists(candidate);
    } catch {
      return false;
    }
  };
  if (specifier.length === 0) return undefined;

  if (isPathSpecifier(specifier)) {
    const base = path.resolve(path.dirname(fromFile), specifier);
    return candidatesFor(base).find(isFile);
  }

  try {
    const resolved = ts.resolveModuleName(
      specifier,
      fromFile,
      options,
      {
        ...fileSystem,
        fileExists: isFile,
        readFile: (file) => {
          try {
            return fileSystem.readFile(file);
          } catch {
            return undefined;
          }
        },
        // The runner that imports the methods is an ES module, so packages resolve with their "import" conditions.
      },
      undefined,
      undefined,
      ts.ModuleKind.ESNext,
    ).resolvedModule;
    if (resolved !== undefined && TYPESCRIPT_FILE.test(resolved.resolvedFileName)) {
      return path.resolve(resolved.resolvedFileName);
    }
  } catch {
    // A resolution failure is a module that was not found, which the caller reports.
  }
  return undefined;
}

/** Every file `base` (a resolved specifier) may stand for, most likely first. */
function candidatesFor(base: string): string[] {
  const candidates: string[] = [];
  if (TYPESCRIPT_FILE.test(base)) candidates.push(base);
  const extension = path.extname(base);
  const sources = SOURCES_OF_JS[extension];
  if (sources !== undefined) {
    const stem = base.slice(0, -extension.length);
    candidates.push(...sources.map((source) => stem + source));
  }
  candidates.push(...EXTENSIONS.map((ext) => base + ext));
  candidates.push(...EXTENSIONS.map((ext) => path.join(base, `index${ext}`)));
  if (JAVASCRIPT_FILE.test(base)) candidates.push(base);
  candidates.push(...JAVASCRIPT_EXTENSIONS.map((ext) => base + ext));
  candidates.push(...JAVASCRIPT_EXTENSIONS.map((ext) => path.join(base, `index${ext}`)));
  return candidates;
}

/**
 * The exports of `file` by name, or `undefined` when TypeScript cannot read it
 * (the resolver then trusts the manifest, and the type-check reports what is wrong).
 */
function readExports(project: Project, file: string): ModuleInfo["exports"] {
  // Without `allowJs` TypeScript does not read JavaScript: what it exports is unknown here (FLOW4016 says why).
  if (JAVASCRIPT_FILE.test(file) && project.getCompilerOptions().allowJs !== true) return undefined;
  try {
    const sourceFile = project.getSourceFile(file) ?? project.addSourceFileAtPath(file);
    return exportsOf(project, sourceFile);
  } catch {
    return undefined;
  }
}

function exportsOf(project: Project, sourceFile: SourceFile): Map<string, { readonly isFunction: boolean }> {
  const checker = project.getTypeChecker().compilerObject;
  const exports = new Map<string, { readonly isFunction: boolean }>();
  const moduleSymbol = checker.getSymbolAtLocation(sourceFile.compilerNode);
  // A file without import or export is a script: it exports nothing.
  if (moduleSymbol === undefined) return exports;
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    // Interfaces and type aliases are exports too, but no value: nothing to call.
    const isValue = (target.flags & ts.SymbolFlags.Value) !== 0;
    const type = isValue ? checker.getTypeOfSymbolAtLocation(target, sourceFile.compilerNode) : undefined;
    exports.set(symbol.name, { isFunction: type !== undefined && type.getCallSignatures().length > 0 });
  }
  return exports;
}
