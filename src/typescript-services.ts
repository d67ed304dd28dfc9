import type { TypeScriptServices } from "./compile.js";
import type { ProjectCache } from "./typecheck/project.js";
import { createTypeScript6Engine } from "./typecheck/ts6/engine.js";

/** TypeScript services, with the project cache behind them and a way to drop their module hosts. */
export interface CachedTypeScriptServices extends TypeScriptServices {
  readonly projects: ProjectCache;
  /** Forgets every module host: a host remembers each module's exports for good, so files that changed need new ones. */
  forgetHosts(): void;
}

/**
 * TypeScript services for one `flowc` invocation: manifests under the same
 * tsconfig share one project (and its parsed libraries) and one module host.
 */
export function createTypeScriptServices(projects?: ProjectCache): CachedTypeScriptServices {
  const engine = createTypeScript6Engine(projects);
  return {
    version: engine.version,
    projects: engine.projects,
    forManifest: (manifestPath) => engine.projectFor(manifestPath),
    forgetHosts: () => engine.forgetHosts(),
    close: () => engine.close(),
  };
}
