/**
 * Projects in TypeScript 6 (ts-morph): one per tsconfig, with the tsconfig's settings as
 * the user's `tsc` reads them.
 */
import path from "node:path";
import { Project, ts, type CompilerOptions, type FileSystemHost } from "ts-morph";
import { DEFAULT_SETTINGS, findTsConfig, NO_INPUTS, OVERRIDES } from "../project.js";

/** flowc's default settings (see ../project.ts), as TypeScript 6 holds them. */
export const DEFAULT_COMPILER_OPTIONS: CompilerOptions = ts.convertCompilerOptionsFromJson(
  DEFAULT_SETTINGS,
  "",
).options;

/** What went wrong reading a project's tsconfig (and the configs it extends), as TypeScript says it. */
const configErrors = new WeakMap<Project, readonly ts.Diagnostic[]>();
/** The config files read for a project: its tsconfig and those it extends. */
const configFiles = new WeakMap<Project, readonly string[]>();

/** The tsconfig of `project` and every config it extends, as read (absolute paths). */
export function configFilesOf(project: Project): readonly string[] {
  return configFiles.get(project) ?? [];
}

/**
 * The errors TypeScript found in the tsconfig of `project` (a file it cannot read, JSON
 * it cannot parse, an option it does not know, a config it extends that is missing).
 * The project then runs on what could be read, or on the defaults.
 */
export function configErrorsOf(project: Project): readonly ts.Diagnostic[] {
  return configErrors.get(project) ?? [];
}

/**
 * A project for the methods of manifests governed by `tsConfigPath` (or by the
 * defaults when there is none), with its settings as the user's `tsc` reads them
 * (`extends`, `paths`, strictness, `allowJs` …). It starts empty: the files a tsconfig
 * includes are not loaded, because only the methods modules and what they import
 * matter, and reading a whole application would make a cold check slow.
 * `fileSystem`, when given, is what the project reads its files from (the disk by default).
 */
export function createProject(tsConfigPath: string | undefined, fileSystem?: FileSystemHost): Project {
  const { options, errors, read } = readProjectSettings(tsConfigPath);
  const project = new Project({ compilerOptions: options, ...(fileSystem === undefined ? {} : { fileSystem }) });
  if (errors.length > 0) configErrors.set(project, errors);
  configFiles.set(project, read);
  return project;
}

/** What flowc reads of a project's settings, whatever TypeScript then reads the methods. */
export interface ProjectSettings {
  /** The tsconfig's options (or the defaults, when there is none or it cannot be read), with flowc's overrides. */
  readonly options: CompilerOptions;
  readonly errors: readonly ts.Diagnostic[];
  /** Whether the options are the tsconfig's own (else they are the defaults). */
  readonly fromTsConfig: boolean;
  /** The config files read: the tsconfig and every config it extends (absolute paths). */
  readonly read: readonly string[];
}

/** The settings of the project of `tsConfigPath`, or the defaults when it is `undefined`. */
export function readProjectSettings(tsConfigPath: string | undefined): ProjectSettings {
  const read = tsConfigPath === undefined ? undefined : readTsConfig(tsConfigPath);
  return {
    options:
      read?.options === undefined ? { ...DEFAULT_COMPILER_OPTIONS, ...OVERRIDES } : { ...read.options, ...OVERRIDES },
    errors: read?.errors ?? [],
    fromTsConfig: read?.options !== undefined,
    read: read?.read ?? [],
  };
}

/** The compiler options of a tsconfig (`undefined` when it cannot be read at all), and its errors. */
function readTsConfig(tsConfigPath: string): {
  options: CompilerOptions | undefined;
  errors: ts.Diagnostic[];
  read: string[];
} {
  const fatal: ts.Diagnostic[] = [];
  const read: string[] = [path.resolve(tsConfigPath)];
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    readFile: (file: string) => {
      read.push(path.resolve(file));
      return ts.sys.readFile(file);
    },
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => fatal.push(diagnostic),
  };
  let parsed: ts.ParsedCommandLine | undefined;
  try {
    parsed = ts.getParsedCommandLineOfConfigFile(tsConfigPath, undefined, host);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    fatal.push({
      category: ts.DiagnosticCategory.Error,
      code: 5083,
      file: undefined,
      start: undefined,
      length: undefined,
      messageText: `Cannot read file '${tsConfigPath}': ${message}`,
    });
  }
  // The parse errors of the JSON itself are kept apart from the errors of its settings.
  const found = parsed === undefined ? [] : ts.getConfigFileParsingDiagnostics(parsed);
  const errors = [...fatal, ...found.filter((error) => error.code !== NO_INPUTS)];
  return { options: fatal.length > 0 ? undefined : parsed?.options, errors, read };
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
 * @param fileSystem what every project reads its files from (the disk by default).
 */
export function createProjectCache(limit = 4, fileSystem?: FileSystemHost): ProjectCache {
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
        project = createProject(configPath, fileSystem);
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
