import type { TypeScriptServices } from "./compile.js";
import { createTypeScriptHost } from "./typecheck/module-host.js";
import { createProjectCache } from "./typecheck/project.js";

/**
 * TypeScript services for one `flowc` invocation: manifests under the same
 * tsconfig share one project (and its parsed libraries) and one module host.
 */
export function createTypeScriptServices(): TypeScriptServices {
  const projects = createProjectCache();
  const hosts = new WeakMap<object, ReturnType<typeof createTypeScriptHost>>();
  return {
    forManifest(manifestPath) {
      const project = projects.forManifest(manifestPath);
      let host = hosts.get(project);
      if (host === undefined) {
        host = createTypeScriptHost(project);
        hosts.set(project, host);
      }
      return { project, host };
    },
  };
}
