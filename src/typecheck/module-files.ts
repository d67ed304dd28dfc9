/**
 * The files a manifest's module specifier may name, as flowc looks for them whatever
 * TypeScript reads them: a relative specifier is tried with every TypeScript extension,
 * then as a directory with an `index` file, because manifests name modules the short way
 * (`./etl.methods`) whatever the project's module resolution.
 */
import path from "node:path";
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

export const TYPESCRIPT_FILE = /\.(?:d\.)?[cm]?tsx?$/;

/**
 * JavaScript files a specifier may name, tried after every TypeScript file: a JavaScript
 * module with JSDoc types is read as such (with `allowJs`; without it, the type-check says
 * to turn it on).
 */
export const JAVASCRIPT_FILE = /\.[cm]?jsx?$/;
const JAVASCRIPT_EXTENSIONS = [".js", ".mjs", ".cjs", ".jsx"];

/**
 * The file a relative or absolute `specifier` names from `fromFile`, the first candidate
 * `isFile` accepts; `undefined` for a package specifier (the engine resolves those) or
 * when none exists.
 */
export function findPathModule(
  specifier: string,
  fromFile: string,
  isFile: (file: string) => boolean,
): string | undefined {
  if (specifier.length === 0 || !isPathSpecifier(specifier)) return undefined;
  const base = path.resolve(path.dirname(fromFile), specifier);
  return candidatesFor(base).find((candidate) => {
    try {
      return isFile(candidate);
    } catch {
      return false;
    }
  });
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
 * A module host from an engine's two answers: the file a specifier names, and what a file
 * exports. Each module is read once; the same module is answered with the same information.
 */
export function cachedModuleHost(
  find: (specifier: string, fromFile: string) => string | undefined,
  readExports: (file: string) => ModuleInfo["exports"],
): ModuleHost {
  const infos = new Map<string, ModuleInfo>();
  return {
    resolveModule(specifier, fromFile) {
      const file = find(specifier, path.resolve(fromFile));
      if (file === undefined) return undefined;
      let info = infos.get(file);
      if (info === undefined) {
        info = { path: file, exports: readExports(file) };
        infos.set(file, info);
      }
      return info;
    },
  };
}
