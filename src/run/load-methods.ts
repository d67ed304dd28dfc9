import { pathToFileURL } from "node:url";
import type { MethodTable } from "../../stdlib/api.js";
import type { PlanDescriptor } from "../../stdlib/plan.js";

/**
 * Imports the modules a plan's methods come from and collects the methods by
 * manifest name. TypeScript modules are loaded through tsx, so `flowc run`
 * works on sources without a build step; JavaScript modules load natively.
 *
 * @param modulePaths resolved file of each method, keyed by manifest name
 */
export async function loadMethods(plan: PlanDescriptor, modulePaths: ReadonlyMap<string, string>): Promise<MethodTable> {
  const loaded = new Map<string, Promise<Record<string, unknown>>>();
  const methods: Record<string, (...args: never[]) => unknown> = {};
  for (const method of plan.methods) {
    const path = modulePaths.get(method.name);
    if (path === undefined) throw new Error(`no module is known for method '${method.name}'`);
    let module = loaded.get(path);
    if (module === undefined) {
      module = importModule(path);
      loaded.set(path, module);
    }
    const value = (await module)[method.exportName];
    if (typeof value !== "function") {
      throw new Error(`'${method.exportName}' exported by ${path} is not a function`);
    }
    methods[method.name] = value as (...args: never[]) => unknown;
  }
  return methods;
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (/\.[cm]?tsx?$/.test(path)) {
    const { tsImport } = await import("tsx/esm/api");
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}

/**
 * Where each of the plan's modules is, keyed by the specifier the plan names
 * it with: what backends that import methods themselves (worker threads) need.
 */
export function moduleLocations(
  plan: PlanDescriptor,
  modulePaths: ReadonlyMap<string, string>,
): Readonly<Record<string, string>> {
  const locations: Record<string, string> = {};
  for (const method of plan.methods) {
    const path = modulePaths.get(method.name);
    if (path !== undefined) locations[method.module] = pathToFileURL(path).href;
  }
  return locations;
}
