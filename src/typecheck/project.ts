import path from "node:path";
import { Project, ts, type CompilerOptions } from "ts-morph";

/**
 * Options for methods that live outside any TypeScript project: what `tsc --init`
 * would choose for a modern Node package, strict.
 */
export const DEFAULT_COMPILER_OPTIONS: CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
};

/**
 * Settings flowc imposes on every project. The type-check reads declarations and
 * never writes anything, so emit-related options only cost time; and the probe
 * file it adds declares values nobody reads, which `noUnusedLocals` would flag.
 */
const OVERRIDES: CompilerOptions = {
  noEmit: true,
  declaration: false,
  declarationMap: false,
  emitDeclarationOnly: false,
  sourceMap: false,
  inlineSourceMap: false,
  composite: false,
  incremental: false,
  noUnusedLocals: false,
  noUnusedParameters: false,
};

/** The `tsconfig.json` nearest to the manifest, searching its directory and then each parent. */
export function findTsConfig(manifestPath: string): string | undefined {
  return ts.findConfigFile(path.dirname(path.resolve(manifestPath)), ts.sys.fileExists, "tsconfig.json");
}

/**
 * A project for the methods of manifests governed by `tsConfigPath` (or by the
 * defaults when there is none). It starts empty: the files a tsconfig includes
 * are not loaded, because only the methods modules and what they import matter,
 * and reading a whole application would make a cold check slow.
 */
export function createProject(tsConfigPath: string | undefined): Project {
  if (tsConfigPath !== undefined) {
    try {
      return new Project({
        tsConfigFilePath: tsConfigPath,
        skipAddingFilesFromTsConfig: true,
        compilerOptions: OVERRIDES,
      });
    } catch {
      // An unreadable tsconfig must not stop the build: the methods are still
      // checked, under the defaults, and the user's own tsc reports the config error.
    }
  }
  return new Project({ compilerOptions: { ...DEFAULT_COMPILER_OPTIONS, ...OVERRIDES } });
}

/** Hands out one project per tsconfig, so the manifests of one build share their parsed libraries. */
export interface ProjectCache {
  forManifest(manifestPath: string): Project;
  /** The projects held now. */
  projects(): IterableIterator<Project>;
  /** Drops the project of a tsconfig (one that changed, say); the next manifest under it gets a new one. */
  forget(tsConfigPath: string): void;
}

/**
 * @param limit how many projects to keep; the least recently used one is dropped
 *   beyond it, so a build over many unrelated packages does not hold them all
 *   (`--watch` keeps every one for its whole session).
 */
export function createProjectCache(limit = 4): ProjectCache {
  const projects = new Map<string, Project>();
  // Without a tsconfig every manifest gets the same defaults, so they share one key.
  const defaultsKey = "\0defaults";
  return {
    forManifest(manifestPath) {
      const configPath = findTsConfig(manifestPath);
      const key = configPath ?? defaultsKey;
      let project = projects.get(key);
      if (project !== undefined) {
        projects.delete(key);
      } else {
        project = createProject(configPath);
      }
      projects.set(key, project);
      while (projects.size > limit) {
        const oldest = projects.keys().next();
        if (oldest.done === true) break;
        projects.delete(oldest.value);
      }
      return project;
    },
    projects: () => projects.values(),
    forget(tsConfigPath) {
      projects.delete(tsConfigPath);
    },
  };
}
