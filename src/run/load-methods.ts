import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import type { MethodTable } from "../../stdlib/api.js";
import { importMethods, resolvePackageModule } from "../../stdlib/modules.js";
import type { PlanDescriptor } from "../../stdlib/plan.js";
import { isPathSpecifier } from "../typecheck/module-specifier.js";

/** What TypeScript reads for types only: such a file is never the module that runs. */
const DECLARATION_FILE = /\.d\.[cm]?ts$|\.d\.[^/\\]*\.ts$/;

/**
 * The file URL of the module each method runs from, keyed by manifest name:
 * the file the compiler checked when it is a source (`./etl.methods` →
 * `etl.methods.ts`), and otherwise — a package
 * (`text-utils`), or a path whose types come from a declaration file — the
 * module Node resolves for the specifier from the manifest's folder, exactly
 * as a built runner's `import` would. Rejects with an `Error` naming the specifier
 * when Node resolves nothing.
 *
 * @param modulePaths resolved file of each method, keyed by manifest name
 * @param manifestDir the folder of the manifest, which its specifiers are written from
 */
export async function methodModuleUrls(
  plan: PlanDescriptor,
  modulePaths: ReadonlyMap<string, string>,
  manifestDir: string | undefined,
): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  for (const method of plan.methods) {
    const path = modulePaths.get(method.name);
    if (path === undefined) continue;
    const typesOnly = !isPathSpecifier(method.module) || DECLARATION_FILE.test(path);
    if (!typesOnly) {
      urls.set(method.name, pathToFileURL(path).href);
      continue;
    }
    const base = pathToFileURL(`${manifestDir ?? dirname(path)}/`).href;
    const found = await resolvePackageModule(method.module, base);
    if ("error" in found) throw new Error(`cannot import ${found.error}`);
    urls.set(method.name, found.url);
  }
  return urls;
}

/**
 * Imports the modules a plan's methods come from (see `methodModuleUrls`) and
 * collects the methods by manifest name. TypeScript modules load through tsx,
 * without a build step (`flowc run` loads them compiled instead: see
 * `loadManifestMethods` in src/cli/methods.ts).
 */
export async function loadMethods(
  plan: PlanDescriptor,
  modulePaths: ReadonlyMap<string, string>,
  manifestDir?: string,
): Promise<MethodTable> {
  return importMethods(plan, await methodModuleUrls(plan, modulePaths, manifestDir));
}

/**
 * Where each of the plan's modules is, keyed by the specifier the plan names
 * it with: what backends that import methods themselves (worker threads) need.
 *
 * @param urls the file URL of each method's module, keyed by manifest name (see `methodModuleUrls`)
 */
export function moduleLocations(
  plan: PlanDescriptor,
  urls: ReadonlyMap<string, string>,
): Readonly<Record<string, string>> {
  const locations: Record<string, string> = {};
  for (const method of plan.methods) {
    const url = urls.get(method.name);
    if (url !== undefined) locations[method.module] = url;
  }
  return locations;
}
