import { isAbsolute, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { MethodTable, PlanDescriptor } from "../../stdlib/index.js";
import { importModule } from "../../stdlib/modules.js";
import { loadMethods } from "../run/load-methods.js";
import { CommandFailure, describeThrown } from "./io.js";

/**
 * Imports a manifest's methods for `flowc run` and `flowc worker`. A module
 * that throws while it is imported is the user's code failing, not flowc:
 * it becomes a one-line reason naming the manifest, the module and the error
 * (exit 1), never an internal error with a stack trace.
 */
export async function loadManifestMethods(
  manifest: string,
  plan: PlanDescriptor,
  modulePaths: ReadonlyMap<string, string>,
): Promise<MethodTable> {
  const modules = new Set(plan.methods.flatMap((method) => modulePaths.get(method.name) ?? []));
  for (const path of modules) {
    try {
      // Imported once: `loadMethods` below gets the same module from the cache.
      await importModule(pathToFileURL(path).href);
    } catch (error) {
      throw new CommandFailure(
        `cannot load the methods of '${manifest}' from ${displayPath(path)}: ${describeThrown(error)}`,
      );
    }
  }
  try {
    return await loadMethods(plan, modulePaths);
  } catch (error) {
    throw new CommandFailure(
      `cannot load the methods of '${manifest}': ${error instanceof Error ? describeThrown(error.message) : describeThrown(error)}`,
    );
  }
}

/** `./flows/etl.methods.ts` for a file under the current directory, else the path as it is. */
function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  if (isAbsolute(shown) || shown === ".." || shown.startsWith(`..${sep}`)) return shown;
  return `.${sep}${shown}`;
}
