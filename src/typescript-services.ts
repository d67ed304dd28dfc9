import type { TypeScriptServices } from "./compile.js";
import type { TypeScriptVersion } from "./typecheck/engine.js";
import { createProjectCache, type ProjectCache } from "./typecheck/project.js";
import { createTypeScript6Engine } from "./typecheck/ts6/engine.js";
import { createTypeScript7Engine } from "./typecheck/ts7/engine.js";

/** The TypeScript version that type-checks when none is named. */
export const DEFAULT_TYPESCRIPT: TypeScriptVersion = 7;

export interface TypeScriptServicesOptions {
  /**
   * `--typescript 6|7`: the TypeScript that reads the methods. 7 is the native compiler, in a
   * process of its own; 6 runs in this process. Where 7 cannot start (no binary for the
   * platform), 6 takes over and `warn` says so.
   */
  readonly typescript?: TypeScriptVersion | undefined;
  /** How many projects to keep (TypeScript 6; `--watch` keeps them all). */
  readonly projects?: ProjectCache | undefined;
  /** Where the warning that TypeScript 7 could not start goes; standard error by default. */
  readonly warn?: ((message: string) => void) | undefined;
}

/** TypeScript services with what a long-lived session needs to keep them warm. */
export interface WarmTypeScriptServices extends TypeScriptServices {
  /** Reads files that changed on disk again, and forgets the exports read before. */
  refresh(files: Iterable<string>): void;
  /** Forgets the project of a tsconfig that changed; the next compile makes it anew. */
  forgetProject(tsConfigPath: string): void;
}

/**
 * TypeScript services for one `flowc` invocation: manifests under the same tsconfig
 * share one project (and its parsed libraries) and one module host. Closing them ends
 * the TypeScript 7 compiler's process, so every command closes what it created.
 */
export function createTypeScriptServices(options: TypeScriptServicesOptions = {}): WarmTypeScriptServices {
  const wanted = options.typescript ?? DEFAULT_TYPESCRIPT;
  let engine: WarmTypeScriptServices | undefined;
  const current = (): WarmTypeScriptServices => {
    if (engine !== undefined) return engine;
    if (wanted === 7) {
      const native = createTypeScript7Engine();
      try {
        native.start();
        engine = { ...native, forManifest: (path) => native.projectFor(path) };
        return engine;
      } catch (error) {
        native.close();
        const reason = error instanceof Error ? error.message : String(error);
        (options.warn ?? warnOnStderr)(`TypeScript 7 could not start (${reason}); type-checking with TypeScript 6`);
      }
    }
    engine = typeScript6Services(options.projects);
    return engine;
  };
  return {
    get version() {
      return current().version;
    },
    forManifest: (path) => current().forManifest(path),
    refresh: (files) => engine?.refresh(files),
    forgetProject: (tsConfigPath) => engine?.forgetProject(tsConfigPath),
    close: () => engine?.close(),
  };
}

function typeScript6Services(projects: ProjectCache = createProjectCache()): WarmTypeScriptServices {
  const engine = createTypeScript6Engine(projects);
  return {
    version: 6,
    forManifest: (path) => engine.projectFor(path),
    refresh(files) {
      const changed = [...files];
      for (const project of projects.projects()) {
        for (const file of changed) {
          const sourceFile = project.getSourceFile(file);
          if (sourceFile === undefined) continue;
          try {
            // Removes the file from the project when it no longer exists.
            sourceFile.refreshFromFileSystemSync();
          } catch {
            // Unreadable now (permissions, a directory): forget it; resolving it again reports what is wrong.
            project.removeSourceFile(sourceFile);
          }
        }
      }
      if (changed.length > 0) engine.forgetHosts();
    },
    forgetProject: (tsConfigPath) => projects.forget(tsConfigPath),
    close: () => engine.close(),
  };
}

function warnOnStderr(message: string): void {
  process.stderr.write(`flowc: warning: ${message}\n`);
}
