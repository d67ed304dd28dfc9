import type { TypeScriptEngine } from "../engine.js";
import { findTsConfig } from "../project.js";
import { NativeProject } from "./project.js";
import { NativeSession } from "./session.js";

/** The TypeScript 7 engine, with what `--watch` needs to keep it warm. */
export interface TypeScript7Engine extends TypeScriptEngine {
  /** Tells the compiler that files on disk changed, so that the next check reads them again. */
  refresh(files: Iterable<string>): void;
  /** Drops the project of a tsconfig that changed; the next manifest under it opens it anew. */
  forgetProject(tsConfigPath: string): void;
  /** Has the compiler read `file` as `text` instead of what is on disk, until given `undefined`. */
  overlay(file: string, text: string | undefined): void;
  /** Starts the compiler now; throws when it cannot start. */
  start(): void;
  /** Whether the compiler's process ended on its own (killed, crashed): the engine cannot answer again. */
  readonly lost: boolean;
}

/**
 * TypeScript 7, the native compiler, in a process of its own: started on the first
 * question, shared by every project of the invocation (one per tsconfig), and ended by
 * `close`.
 */
export function createTypeScript7Engine(cwd = process.cwd()): TypeScript7Engine {
  const session = new NativeSession(cwd);
  const projects = new Map<string, NativeProject>();
  // Without a tsconfig every manifest gets the same defaults, so they share one key.
  const defaultsKey = "\0defaults";
  return {
    version: 7,
    projectFor(path) {
      const configPath = findTsConfig(path);
      const key = configPath ?? defaultsKey;
      let project = projects.get(key);
      if (project === undefined) {
        project = new NativeProject(session, configPath);
        projects.set(key, project);
      }
      return project;
    },
    refresh(files) {
      const changed = [...files];
      session.changed(changed);
      if (changed.length > 0) for (const project of projects.values()) project.forgetExports();
    },
    overlay(file, text) {
      // Read from memory as flowc's own files are; the exports read before are forgotten, as on a refresh.
      session.write(file, text);
      for (const project of projects.values()) project.forgetExports();
    },
    start: () => void session.start(),
    get lost() {
      return session.lost;
    },
    forgetProject(tsConfigPath) {
      projects.get(tsConfigPath)?.release();
      projects.delete(tsConfigPath);
    },
    close: () => session.close(),
  };
}
