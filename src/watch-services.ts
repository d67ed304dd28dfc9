import type { TypeScriptServices } from "./compile.js";
import type { TypeScriptVersion } from "./typecheck/engine.js";
import { findTsConfig } from "./typecheck/project.js";
import { createTypeScriptServices } from "./typescript-services.js";

/**
 * TypeScript services that stay warm across the rebuilds of `--watch`: one
 * project per tsconfig, kept (with its parsed libraries and modules) for the
 * whole session, and told which files changed on disk.
 *
 * This is `createTypeScriptServices` (src/typescript-services.ts), keeping
 * every project, plus what a long-lived session needs and a single build does
 * not: re-reading changed files (TypeScript 7 updates its snapshot with them),
 * dropping a project whose tsconfig changed, and fresh module hosts after a change.
 */
export interface WatchServices extends TypeScriptServices {
  /** The tsconfig.json that governs a manifest's methods, if any. */
  tsConfigOf(manifestPath: string): string | undefined;
  /** Re-reads files that changed on disk in every project that holds them. */
  refresh(files: Iterable<string>): void;
  /** Forgets the project of a tsconfig that changed; the next compile makes it anew. */
  forgetProject(tsConfigPath: string): void;
  /**
   * The files under the user's control that `modules` (absolute paths) import,
   * directly or not, themselves included: what a change to should recompile
   * the manifest. Packages (anything under node_modules) are left out.
   */
  localImports(manifestPath: string, modules: Iterable<string>): Promise<Set<string>>;
}

export function createWatchServices(typescript?: TypeScriptVersion): WatchServices {
  // One project per tsconfig for the whole session, however many there are.
  const services = createTypeScriptServices({ typescript, projectLimit: Number.POSITIVE_INFINITY });
  return {
    get version() {
      return services.version;
    },
    forManifest: (manifestPath) => services.forManifest(manifestPath),
    close: () => services.close(),
    tsConfigOf: (manifestPath) => findTsConfig(manifestPath),
    refresh: (files) => services.refresh(files),
    forgetProject: (tsConfigPath) => services.forgetProject(tsConfigPath),
    localImports: async (manifestPath, modules) => (await services.forManifest(manifestPath)).localFiles(modules),
  };
}
