/**
 * Finding and importing the modules of a plan's methods, for every place that
 * loads methods itself: worker threads, worker processes and the CLI. (Importing
 * one module by URL, all a worker thread needs, is ./import-module.ts.)
 *
 * Where a module is: the caller knows best (`RunnerOptions.modules`: the code
 * generator and `flowc run` resolved every module already); otherwise each
 * specifier is resolved against a base URL (`moduleBase`, the folder of the
 * manifest or runner): a path the way TypeScript sources are laid out, a
 * package name the way Node resolves it (`exports` conditions `node`,
 * `import`, `default`: the JavaScript a package ships, never its `types`).
 */
import { stat } from "node:fs/promises";
import { dirname, resolve as resolvePath } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AnyMethod, MethodTable } from "./api.js";
import { errors } from "./errors.js";
import { importModule } from "./import-module.js";
import type { PlanDescriptor, PlanMethod } from "./plan.js";

/** Tried in this order after a specifier written without extension (`./etl.methods`). */
const EXTENSIONS = [".ts", ".mts", ".js", ".mjs", "/index.ts", "/index.js"] as const;

/** What TypeScript's NodeNext resolution maps a written JavaScript extension to in sources. */
const SOURCE_OF: Readonly<Record<string, string>> = { ".js": ".ts", ".mjs": ".mts", ".cjs": ".cts", ".jsx": ".tsx" };

const WRITTEN_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** Whether the runner was told anything that can locate modules. */
export function canLocateModules(modules: Readonly<Record<string, unknown>> | undefined, moduleBase: unknown): boolean {
  return (modules !== undefined && Object.keys(modules).length > 0) || moduleBase !== undefined;
}

/**
 * The file URL of each method's module, keyed by method name. Throws a
 * `PlanError` (`MissingMethod`) naming every method whose module cannot be
 * found, with the places tried.
 */
export async function resolveModuleUrls(
  methods: readonly PlanMethod[],
  modules: Readonly<Record<string, string>> | undefined,
  moduleBase: string | undefined,
  /** Who imports them, for the error message: `Worker threads`, `Worker processes`. */
  importer = "Worker threads",
): Promise<Map<string, string>> {
  const base = moduleBase === undefined ? undefined : await directoryUrl(toFileUrl(moduleBase));
  const bySpecifier = new Map<string, Promise<{ url: string } | { tried: readonly string[] }>>();
  const resolve = (specifier: string) => {
    let found = bySpecifier.get(specifier);
    if (found === undefined) {
      found = locate(specifier, modules, base);
      bySpecifier.set(specifier, found);
    }
    return found;
  };
  const urls = new Map<string, string>();
  const problems: string[] = [];
  const missing: string[] = [];
  for (const method of methods) {
    const found = await resolve(method.module);
    if ("url" in found) {
      urls.set(method.name, found.url);
      continue;
    }
    missing.push(method.name);
    problems.push(
      found.tried.length === 0
        ? `module '${method.module}' of '${method.name}' (no 'modules' entry for it and no 'moduleBase' to resolve it against)`
        : `module '${method.module}' of '${method.name}' (tried ${found.tried.join(", ")})`,
    );
  }
  if (missing.length > 0) {
    throw errors.modulesNotFound(importer, problems, missing);
  }
  return urls;
}

async function locate(
  specifier: string,
  modules: Readonly<Record<string, string>> | undefined,
  base: string | undefined,
): Promise<{ url: string } | { tried: readonly string[] }> {
  const given = modules !== undefined && Object.hasOwn(modules, specifier) ? modules[specifier] : undefined;
  if (given !== undefined) return { url: toFileUrl(given) };
  if (/^file:/i.test(specifier)) return { url: specifier };
  const relative = specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/");
  if (base === undefined) return { tried: [] };
  if (!relative) {
    const found = await resolvePackageModule(specifier, base);
    return "url" in found ? found : { tried: [found.error] };
  }
  if (!base.startsWith("file:")) return { tried: [] };
  // File names joined as paths, then made a URL: `new URL("./m%41.ts", base)` would read `%41` as an escape
  // and name `mA.ts`, and a `#` or `?` would cut the name short.
  // A base that names a file (not ending in '/') stands for its folder, as it would for `new URL`.
  const folder = base.endsWith("/") ? fileURLToPath(base) : dirname(fileURLToPath(base));
  const tried: string[] = [];
  for (const candidate of candidates(specifier)) {
    const url = pathToFileURL(resolvePath(folder, candidate)).href;
    tried.push(url);
    if (await isFile(url)) return { url };
  }
  return { tried };
}

/**
 * The module Node's ESM resolution picks for a package specifier (`text-utils`,
 * `@scope/pkg/sub`) imported from `base` (a file URL; a directory's ends in
 * `/`), or why there is none. The resolver is loaded on the first package
 * looked up: methods from files, the usual case, never need it.
 */
export async function resolvePackageModule(
  specifier: string,
  base: string,
): Promise<{ url: string } | { error: string }> {
  const { resolve: resolveAsNode } = await import("import-meta-resolve");
  try {
    return { url: resolveAsNode(specifier, base) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { error: `'${specifier}' as Node resolves it from ${base} (${reason})` };
  }
}

function candidates(specifier: string): string[] {
  const written = WRITTEN_EXTENSION.exec(specifier)?.[0];
  if (written === undefined) return EXTENSIONS.map((extension) => `${specifier}${extension}`);
  const source = SOURCE_OF[written];
  return source === undefined ? [specifier] : [specifier, `${specifier.slice(0, -written.length)}${source}`];
}

/** A file URL from a URL string or an absolute path. */
function toFileUrl(location: string): string {
  // A scheme of two letters or more: a one-letter "scheme" is a Windows drive.
  return /^[a-z][a-z\d+.-]+:/i.test(location) ? new URL(location).href : pathToFileURL(location).href;
}

/** `base` with a trailing slash when it names a directory, so that relative specifiers resolve inside it. */
async function directoryUrl(base: string): Promise<string> {
  if (base.endsWith("/") || !base.startsWith("file:")) return base;
  try {
    return (await stat(fileURLToPath(base))).isDirectory() ? `${base}/` : base;
  } catch {
    return base;
  }
}

async function isFile(url: string): Promise<boolean> {
  try {
    return (await stat(fileURLToPath(url))).isFile();
  } catch {
    return false;
  }
}

/**
 * The functions of `plan`'s methods (those named in `only`, or all), keyed by
 * manifest name, imported from the modules at `urls` (method name → file URL),
 * or from what `loadFrom` gives for a module's URL (its compiled file).
 */
export async function importMethods(
  plan: PlanDescriptor,
  urls: ReadonlyMap<string, string>,
  only?: readonly string[],
  loadFrom?: ReadonlyMap<string, string>,
): Promise<MethodTable> {
  const methods: Record<string, AnyMethod> = {};
  for (const method of plan.methods) {
    if (only !== undefined && !only.includes(method.name)) continue;
    const url = urls.get(method.name);
    if (url === undefined) throw errors.noModule(method.name);
    const value = (await importModule(loadFrom?.get(url) ?? url))[method.exportName];
    if (typeof value !== "function") {
      throw errors.notAFunction(method.name, method.exportName, fileURLToPath(url));
    }
    methods[method.name] = value as AnyMethod;
  }
  return methods;
}
