import { pathToFileURL } from "node:url";
import type { MethodTable } from "../../stdlib/api.js";
import { importMethods } from "../../stdlib/modules.js";
import type { PlanDescriptor } from "../../stdlib/plan.js";

/**
 * Imports the modules a plan's methods come from, as the compiler resolved
 * them, and collects the methods by manifest name. TypeScript modules load
 * through tsx, so `flowc run` works on sources without a build step.
 *
 * @param modulePaths resolved file of each method, keyed by manifest name
 */
export function loadMethods(plan: PlanDescriptor, modulePaths: ReadonlyMap<string, string>): Promise<MethodTable> {
  const urls = new Map([...modulePaths].map(([name, path]) => [name, pathToFileURL(path).href]));
  return importMethods(plan, urls);
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
