import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { MethodTable, PlanDescriptor } from "../../stdlib/index.js";
import { threadModuleUrls } from "../../stdlib/backends/threads/compiled-methods.js";
import { importModule } from "../../stdlib/import-module.js";
import { importMethods } from "../../stdlib/modules.js";
import { methodModuleUrls, moduleLocations } from "../run/load-methods.js";
import { CommandFailure, describeThrown } from "./io.js";

/** A manifest's methods, and where their modules are for backends that import them themselves. */
export interface ManifestMethods {
  readonly methods: MethodTable;
  /** File URL of each module, keyed by the plan's specifier (the runner option `modules`). */
  readonly modules: Readonly<Record<string, string>>;
  /** File URL of each method's module, keyed by manifest name (the worker option `moduleUrls`). */
  readonly urls: Readonly<Record<string, string>>;
}

/**
 * Imports a manifest's methods for `flowc run` and `flowc worker`: from the
 * files the compiler checked (TypeScript compiled to JavaScript, see
 * compiled-methods.ts), or for a package the module Node resolves from the
 * manifest's folder (see `methodModuleUrls`). A module that throws while
 * it is imported is the user's code failing, not flowc: it becomes a one-line
 * reason naming the manifest, the module and the error (exit 1), never an
 * internal error with a stack trace.
 */
export async function loadManifestMethods(
  manifest: string,
  plan: PlanDescriptor,
  modulePaths: ReadonlyMap<string, string>,
): Promise<ManifestMethods> {
  let urls: Map<string, string>;
  try {
    urls = await methodModuleUrls(plan, modulePaths, dirname(resolve(manifest)));
  } catch (error) {
    throw new CommandFailure(`cannot load the methods of '${manifest}': ${describeThrown(errorText(error))}`);
  }
  // TypeScript modules load from the JavaScript esbuild compiled them to, as on worker threads: tsx, its
  // loader thread and esbuild's process are needed only for a module that cannot be compiled (or for a
  // graph that changed, esbuild alone, to compile it again).
  const loadFrom = await threadModuleUrls(urls.values());
  // Compiled files carry inline source maps: a failing method's stack then points at its `.ts` lines.
  if ([...loadFrom].some(([url, load]) => load !== url)) process.setSourceMapsEnabled(true);
  for (const url of new Set(urls.values())) {
    try {
      // Imported once: `importMethods` below gets the same module from the cache.
      await importModule(loadFrom.get(url) ?? url);
    } catch (error) {
      throw new CommandFailure(
        `cannot load the methods of '${manifest}' from ${displayPath(fileURLToPath(url))}: ${describeThrown(error)}`,
      );
    }
  }
  try {
    return {
      methods: await importMethods(plan, urls, undefined, loadFrom),
      modules: moduleLocations(plan, urls),
      urls: Object.fromEntries(urls),
    };
  } catch (error) {
    throw new CommandFailure(`cannot load the methods of '${manifest}': ${describeThrown(errorText(error))}`);
  }
}

function errorText(error: unknown): unknown {
  return error instanceof Error ? error.message : error;
}

/** `./flows/etl.methods.ts` for a file under the current directory, else the path as it is. */
function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  if (isAbsolute(shown) || shown === ".." || shown.startsWith(`..${sep}`)) return shown;
  return `.${sep}${shown}`;
}
