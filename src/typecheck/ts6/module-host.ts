import path from "node:path";
import { ts, type Project, type SourceFile } from "ts-morph";
import type { ModuleHost, ModuleInfo } from "../../resolve/types.js";
import { cachedModuleHost, findPathModule, JAVASCRIPT_FILE, TYPESCRIPT_FILE } from "../module-files.js";
import { isPathSpecifier } from "../module-specifier.js";

/**
 * A module host that reads methods modules with TypeScript 6: it finds the file a
 * manifest's specifier names (see ../module-files.ts; a package specifier goes through
 * the project's own module resolution), adds it to `project`, and lists its exports
 * (re-exports included) with whether each can be called.
 */
export function createTypeScriptHost(project: Project): ModuleHost {
  return cachedModuleHost(
    (specifier, fromFile) => findModuleFile(project, specifier, fromFile),
    (file) => readExports(project, file),
  );
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

  if (isPathSpecifier(specifier)) return findPathModule(specifier, fromFile, isFile);

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
