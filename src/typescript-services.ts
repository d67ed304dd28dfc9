import { existsSync } from "node:fs";
import path from "node:path";
import type { TypeScriptServices } from "./compile.js";
import { createTypeScriptHost } from "./typecheck/module-host.js";
import { configFilesOf, createProjectCache, type ProjectCache } from "./typecheck/project.js";

/** TypeScript services, with the project cache behind them and a way to drop their module hosts. */
export interface CachedTypeScriptServices extends TypeScriptServices {
  readonly projects: ProjectCache;
  /** Forgets every module host: a host remembers each module's exports for good, so files that changed need new ones. */
  forgetHosts(): void;
  /**
   * Every file on disk the project of `manifestPath` has read so far (sources, declaration
   * files, its tsconfig and those it extends), absolute: what the rebuild cache fingerprints.
   */
  filesRead(manifestPath: string): string[];
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
    filesRead(manifestPath) {
      const project = projects.forManifest(manifestPath);
      const sources = project.getProgram().compilerObject.getSourceFiles();
      // The default libraries live in memory, under paths that exist nowhere: the engine's version stands for them.
      const onDisk = sources.map((file) => path.resolve(file.fileName)).filter((file) => existsSync(file));
      return [...onDisk, ...configFilesOf(project)];
    },
  };
}
