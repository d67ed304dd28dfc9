import path from "node:path";

/** The extension a compiled module has at run time, for each TypeScript source extension. */
const RUNTIME_EXTENSIONS: readonly (readonly [source: string, runtime: string])[] = [
  [".d.ts", ".js"],
  [".d.mts", ".mjs"],
  [".d.cts", ".cjs"],
  [".tsx", ".js"],
  [".ts", ".js"],
  [".mts", ".mjs"],
  [".cts", ".cjs"],
];

/**
 * The specifier a module in `fromDir` imports `modulePath` with, written the
 * NodeNext way: relative, with `/` separators, starting with `./` or `../`, and
 * naming the file that exists at run time (`etl.methods.ts` → `./etl.methods.js`).
 * Every module resolution TypeScript offers maps such a `.js` specifier back to
 * its `.ts` source.
 */
export function relativeImportSpecifier(fromDir: string, modulePath: string): string {
  let relative = path.relative(path.resolve(fromDir), path.resolve(modulePath)).split(path.sep).join("/");
  for (const [source, runtime] of RUNTIME_EXTENSIONS) {
    if (relative.endsWith(source)) {
      relative = relative.slice(0, -source.length) + runtime;
      break;
    }
  }
  return relative.startsWith("../") ? relative : `./${relative}`;
}

// Whether a manifest's module specifier names a file (rather than a package): the resolver's rule.
export { isPathSpecifier } from "../resolve/module-path-characters.js";
