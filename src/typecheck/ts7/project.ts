import path from "node:path";
import {
  DiagnosticCategory,
  ModuleKind,
  type Diagnostic,
  type Project,
  type Symbol as NativeSymbol,
  type Type,
} from "typescript/unstable/sync";
import { SyntaxKind } from "typescript/unstable/ast";
import type { ModuleHost } from "../../resolve/types.js";
import { syntaxKinds, type SyntaxNode } from "../code-outline.js";
import type { CallShape } from "../call-shape.js";
import type { EngineDiagnostic, EngineProject, MessageChain, ModuleFormat, ProbeCheck, ProbeTypes } from "../engine.js";
import { moduleFormatOf } from "../module-format.js";
import { DEFAULT_SETTINGS, NO_INPUTS, onDisk, OVERRIDES } from "../project.js";
import { QUALIFIED_PRINT_FLAGS, typeScript7Model } from "./model.js";
import { localFilesOf, nativeModuleHost, type ModuleProject, type NativeModuleHost } from "./modules.js";
import type { NativeSession } from "./session.js";

const KINDS = syntaxKinds(SyntaxKind);

/** The declarations the probe file makes: `const __flowc_…` at the top or in a question's function. */
const PROBE_DECLARATION = /\bconst (__flowc_\w+)/g;

/** What flowc reads of the settings, once the compiler has read the tsconfig. */
interface Settings {
  readonly errors: readonly EngineDiagnostic[];
  readonly allowJs: boolean;
  readonly module: number | undefined;
}

/**
 * The project of the methods of the manifests under one tsconfig, in the native
 * compiler: a tsconfig of flowc's own, in memory beside the user's, extends it (so its
 * settings apply as the user's tsc reads them, and the compiler reports what is wrong
 * with them) and lists only the methods modules and the probe file, never the files the
 * user's tsconfig includes.
 */
export class NativeProject implements EngineProject, ModuleProject {
  readonly configFile: string | undefined;
  private moduleHost: NativeModuleHost;
  private readonly configPath: string;
  private readonly files = new Set<string>();
  /** The program's files as the last probe check saw them (the probe gone, nothing else changed since). */
  private checkedFiles: readonly string[] | undefined;
  private opened = false;
  private settingsRead: Settings | undefined;
  /** Module symbols by file, for the snapshot `symbolsOf` was read in. */
  private symbols = new Map<string, NativeSymbol | undefined>();
  private symbolsOf: unknown;
  /** The last probe checked at each probe path and its answers, valid while the compiler's snapshot stays the same. */
  private readonly lastChecks = new Map<
    string,
    {
      readonly snapshot: unknown;
      readonly text: string;
      readonly modules: readonly string[];
      readonly check: ProbeCheck;
    }
  >();

  constructor(
    private readonly session: NativeSession,
    tsConfigPath: string | undefined,
  ) {
    this.configFile = tsConfigPath;
    const dir = tsConfigPath === undefined ? process.cwd() : path.dirname(tsConfigPath);
    this.configPath = path.join(dir, "tsconfig.__flowc__.json");
    this.moduleHost = nativeModuleHost(this);
  }

  get host(): ModuleHost {
    return this.moduleHost;
  }

  get configErrors(): readonly EngineDiagnostic[] {
    return this.settings().errors;
  }

  get allowJs(): boolean {
    return this.settings().allowJs;
  }

  moduleFormat(file: string): ModuleFormat {
    // TypeScript 7 compiles to ES modules unless told otherwise.
    return moduleFormatOf(this.settings().module ?? ModuleKind.ESNext, file);
  }

  localFiles(modules: Iterable<string>): Set<string> {
    return localFilesOf(this.project(), modules);
  }

  /** Forgets the exports read so far: a host remembers them for good, so files that changed need a new one. */
  forgetExports(): void {
    this.moduleHost = nativeModuleHost(this);
  }

  callShape(modulePath: string, exportName: string): CallShape | undefined {
    return this.moduleHost.callShape(modulePath, exportName);
  }

  checkProbe(probePath: string, text: string, modules: Iterable<string>): ProbeCheck {
    this.session.write(probePath, text);
    this.include(probePath);
    // The probe stays in the project: the manifest's next probe (the next round of `--watch`) is then a
    // change to a file the program has, which the compiler checks incrementally, where a file taken out
    // and added again changes flowc's tsconfig, and the compiler builds the program anew.
    const dispose = () => undefined;
    const moduleList = [...modules];
    const snapshot = this.session.current();
    const last = this.lastChecks.get(probePath);
    // The same probe in the same snapshot (an edit of a setting the types do not depend on, a comment):
    // the compiler would answer exactly as before, so the answers are those it gave, printed types included.
    if (last !== undefined && last.snapshot === snapshot && last.text === text && sameList(last.modules, moduleList)) {
      return last.check;
    }
    this.lastChecks.delete(probePath);
    try {
      const project = this.project();
      const program = project.program;
      const inProgram = new Set(program.getSourceFileNames());
      this.checkedFiles = [...inProgram];
      const texts = new Map<string, string>([[probePath, text]]);
      const errorsOf = (file: string): EngineDiagnostic[] =>
        [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
          .filter((diagnostic) => diagnostic.category === DiagnosticCategory.Error)
          .map((diagnostic) => normaliseNative(diagnostic, texts, this.session));
      const check: ProbeCheck = {
        diagnostics: errorsOf(probePath),
        moduleErrors: moduleList.flatMap((module) =>
          inProgram.has(module) && !/\.d\.[cm]?ts$/.test(module) ? errorsOf(module) : [],
        ),
        types: probeTypes(project, probePath, text),
        syntaxTree(file) {
          const tree = program.getSourceFile(file);
          return tree === undefined ? undefined : { root: tree as unknown as SyntaxNode, kinds: KINDS };
        },
        dispose,
      };
      this.lastChecks.set(probePath, { snapshot, text, modules: moduleList, check });
      return check;
    } catch (error) {
      dispose();
      throw error;
    }
  }

  filesRead(): readonly string[] {
    // The probe and flowc's own tsconfig live only in memory, as do the default libraries. Read from the
    // last check where there was one: asking the project again would make the compiler build it anew.
    const sources = this.checkedFiles ?? (this.opened ? this.project().program.getSourceFileNames() : []);
    // The tsconfig, the configs it extends and the package.json files that set module formats.
    const settings = [...this.session.filesRead()].filter((file) => file.endsWith(".json"));
    return [...new Set([...onDisk(sources), ...settings])];
  }

  /** Releases the project in the compiler (its tsconfig changed, or the session ends). */
  release(): void {
    if (this.opened) this.session.release(this.configPath);
    this.session.write(this.configPath, undefined);
    this.opened = false;
  }

  including(file: string): Project {
    this.include(file);
    return this.project();
  }

  withFile<T>(file: string, text: string, use: (project: Project) => T): T {
    this.session.write(file, text);
    this.include(file);
    try {
      return use(this.project());
    } finally {
      this.exclude(file);
    }
  }

  moduleSymbol(project: Project, file: string): NativeSymbol | undefined {
    if (this.symbolsOf !== project) {
      this.symbols = new Map();
      this.symbolsOf = project;
    }
    if (!this.symbols.has(file)) {
      const sourceFile = project.program.getSourceFile(file);
      this.symbols.set(file, sourceFile === undefined ? undefined : project.checker.getSymbolAtLocation(sourceFile));
    }
    return this.symbols.get(file);
  }

  /** The settings, read from the project (opened for it if need be). */
  private settings(): Settings {
    if (this.settingsRead !== undefined) return this.settingsRead;
    const project = this.project();
    const texts = new Map<string, string>();
    const errors = project.program
      .getConfigFileParsingDiagnostics()
      // flowc's own config lists only the files it reads: the compiler may find that list empty (TS18002).
      .filter((diagnostic) => diagnostic.code !== NO_INPUTS && diagnostic.fileName !== this.configPath)
      .map((diagnostic) => normaliseNative(diagnostic, texts, this.session));
    const options = project.compilerOptions;
    this.settingsRead = {
      errors,
      allowJs: options.allowJs === true,
      module: typeof options.module === "number" ? options.module : undefined,
    };
    return this.settingsRead;
  }

  private include(file: string): void {
    if (this.files.has(file)) return;
    this.files.add(file);
    // The program grows by this file and what it imports: the last check's list no longer covers it.
    this.checkedFiles = undefined;
    this.writeConfig();
  }

  /** Takes a file that lives only in memory out of the project again. */
  private exclude(file: string): void {
    this.session.write(file, undefined);
    this.files.delete(file);
    this.writeConfig();
  }

  private writeConfig(): void {
    const config = {
      ...(this.configFile === undefined ? {} : { extends: this.configFile }),
      compilerOptions: { ...(this.configFile === undefined ? DEFAULT_SETTINGS : {}), ...OVERRIDES },
      files: [...this.files],
      include: [],
    };
    this.session.write(this.configPath, JSON.stringify(config));
    if (!this.opened) {
      this.session.open(this.configPath);
      this.opened = true;
    }
  }

  private project(): Project {
    if (!this.opened) this.writeConfig();
    const project = this.session.current().getProject(this.configPath);
    if (project === undefined) throw new Error(`TypeScript 7 did not open ${this.configPath}`);
    return project;
  }
}

/** The probe's declarations by name, their types asked for all at once. */
function probeTypes(project: Project, probePath: string, text: string): ProbeTypes<Type> {
  const positions = new Map<string, number>();
  for (const match of text.matchAll(PROBE_DECLARATION)) {
    positions.set(match[1]!, match.index + "const ".length);
  }
  const names = [...positions.keys()];
  let types: Map<string, Type | undefined> | undefined;
  const typeOf = (name: string): Type | undefined => {
    if (types === undefined) {
      const found = project.checker.getTypeAtPosition(probePath, [...positions.values()]);
      types = new Map(names.map((key, index) => [key, found[index]]));
    }
    return types.get(name);
  };
  return {
    model: typeScript7Model(project.program, project.checker),
    typeOf,
    printQualified(name) {
      const type = typeOf(name);
      if (type === undefined) return "unknown";
      return project.checker.typeToString(type, declarationNode(project, probePath, name), QUALIFIED_PRINT_FLAGS);
    },
  };
}

/** The declaration `name` in the probe file, as a node of its syntax tree. */
function declarationNode(project: Project, probePath: string, name: string) {
  interface Shape {
    readonly body?: { readonly statements?: readonly Shape[] };
    readonly declarationList?: { readonly declarations: readonly { readonly name: { readonly text?: string } }[] };
  }
  const file = project.program.getSourceFile(probePath);
  for (const statement of (file?.statements ?? []) as unknown as readonly Shape[]) {
    for (const inner of statement.body?.statements ?? [statement]) {
      const found = inner.declarationList?.declarations.find((declaration) => declaration.name.text === name);
      if (found !== undefined) return found as unknown as Parameters<Project["checker"]["typeToString"]>[1];
    }
  }
  return undefined;
}

/** A native diagnostic in the engines' common terms, with the text of its file as the compiler read it. */
function normaliseNative(
  diagnostic: Diagnostic,
  texts: Map<string, string>,
  session: Pick<NativeSession, "textOf">,
): EngineDiagnostic {
  const chain = (message: Diagnostic): MessageChain => ({
    text: message.text,
    next: (message.messageChain ?? []).map(chain),
  });
  const file = diagnostic.fileName;
  if (file !== undefined && !texts.has(file)) texts.set(file, session.textOf(file));
  return {
    code: diagnostic.code,
    file,
    fileText: file === undefined ? undefined : texts.get(file),
    start: file === undefined ? undefined : diagnostic.pos,
    length: file === undefined ? undefined : diagnostic.end - diagnostic.pos,
    message: chain(diagnostic),
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
