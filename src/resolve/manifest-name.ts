import path from "node:path";

/** `etl` for `examples/etl.flow`: the file's base name without the `.flow` extension. */
export function manifestName(manifestPath: string): string {
  const base = path.basename(manifestPath);
  return base.endsWith(".flow") ? base.slice(0, -".flow".length) : base;
}

/** The module methods come from when no import names them: `./etl.methods` beside `etl.flow`. */
export function defaultModuleSpecifier(manifestPath: string): string {
  return `./${manifestName(manifestPath)}.methods`;
}

/**
 * The TypeScript file a relative specifier points at, relative to the manifest as the user
 * gave it (`./etl.methods` from `examples/etl.flow` → `examples/etl.methods.ts`), or
 * `undefined` for a package specifier. A `.js` suffix names the `.ts` source, as in NodeNext.
 */
export function likelySourcePath(specifier: string, fromFile: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../") && !path.isAbsolute(specifier)) {
    return undefined;
  }
  const joined = path.join(path.dirname(fromFile), specifier);
  if (/\.(?:c|m)?tsx?$/.test(joined)) return joined;
  const jsMatch = /\.(c|m)?js(x)?$/.exec(joined);
  if (jsMatch !== null) return `${joined.slice(0, jsMatch.index)}.${jsMatch[1] ?? ""}ts${jsMatch[2] ?? ""}`;
  return `${joined}.ts`;
}
