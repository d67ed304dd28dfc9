import type { TypeScriptServices } from "./compile.js";
import { createTypeScriptHost } from "./typecheck/module-host.js";
import { createProjectCache, type ProjectCache } from "./typecheck/project.js";

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
export function createTypeScriptServices(projects: ProjectCache = createProjectCache()): CachedTypeScriptServices {
  let hosts = new WeakMap<object, ReturnType<typeof createTypeScriptHost>>();
  return {
    projects,
    forManifest(manifestPath) {
      const project = projects.forManifest(manifestPath);
      let host = hosts.get(project);
      if (host === undefined) {
        host = createTypeScriptHost(project);
        hosts.set(project, host);
      }
      return { project, host };
    },
    forgetHosts() {
      hosts = new WeakMap();
    },
  };
}
