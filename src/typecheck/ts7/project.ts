import { readFileSync } from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";
import {
  DiagnosticCategory,
  SignatureKind,
  SymbolFlags,
  TypeFlags,
  type Diagnostic,
  type Project,
  type Symbol as NativeSymbol,
  type Type,
} from "typescript/unstable/sync";
import type { ModuleHost, ModuleInfo } from "../../resolve/types.js";
import type { CallShape } from "../call-shape.js";
import type { EngineDiagnostic, EngineProject, MessageChain, ProbeCheck, ProbeTypes } from "../engine.js";
import { findModuleFileIn, JAVASCRIPT_FILE } from "../module-host.js";
import { DEFAULT_COMPILER_OPTIONS, onDisk, OVERRIDES, readProjectSettings } from "../project.js";
import { normalise } from "../ts6/engine.js";
import { NO_TRUNCATION, QUALIFIED_PRINT_FLAGS, typeScript7Model } from "./model.js";
import type { NativeSession } from "./session.js";

/** The declarations the probe file makes: `const __flowc_…` at the top or in a question's function. */
const PROBE_DECLARATION = /\bconst (__flowc_\w+)/g;

/**
 * The project of the methods of the manifests under one tsconfig, in the native
 * compiler: a tsconfig of flowc's own, in memory beside the user's, extends it (so its
 * settings apply as the user's tsc reads them) and lists only the methods modules and
 * the probe file, never the files the user's tsconfig includes.
 */
export class NativeProject implements EngineProject {
  readonly options: ts.CompilerOptions;
  readonly configErrors: readonly EngineDiagnostic[];
  private moduleHost: ModuleHost;
  private readonly configPath: string;
  private readonly extendsPath: string | undefined;
  private readonly files = new Set<string>();
  /** The tsconfig and the configs it extends, as flowc read them. */
  private readonly settingsRead: readonly string[];
  /** The program's files as the last probe check saw them (the probe gone, nothing else changed since). */
  private checkedFiles: readonly string[] | undefined;
  private opened = false;
  /** Module symbols by file, for the snapshot `symbolsOf` was read in. */
  private symbols = new Map<string, NativeSymbol | undefined>();
  private symbolsOf: unknown;

  constructor(
    private readonly session: NativeSession,
    tsConfigPath: string | undefined,
  ) {
    const settings = readProjectSettings(tsConfigPath);
    this.options = settings.options;
    this.configErrors = settings.errors.map(normalise);
    this.extendsPath = settings.fromTsConfig ? tsConfigPath : undefined;
    this.settingsRead = settings.read;
    const dir = tsConfigPath === undefined ? process.cwd() : path.dirname(tsConfigPath);
    this.configPath = path.join(dir, "tsconfig.__flowc__.json");
    this.moduleHost = this.createHost();
  }

  get host(): ModuleHost {
    return this.moduleHost;
  }

  /** Forgets the exports read so far: a host remembers them for good, so files that changed need a new one. */
  forgetExports(): void {
    this.moduleHost = this.createHost();
  }

  callShape(modulePath: string, exportName: string): CallShape | undefined {
    const { project, moduleSymbol } = this.moduleOf(modulePath);
    if (moduleSymbol === undefined) return undefined;
    const checker = project.checker;
    const exported = checker.getMemberInModuleExports(moduleSymbol, exportName);
    if (exported === undefined) return undefined;
    const target = exported.flags & SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if ((target.flags & SymbolFlags.Value) === 0) return undefined;
    const type = checker.getTypeOfSymbol(target);
    const signatures = type === undefined ? [] : checker.getSignaturesOfType(type, SignatureKind.Call);
    if (signatures.length === 0) return undefined;
    let arity: 0 | 1 | 2 = 0;
    let thisType: string | undefined;
    for (const signature of signatures) {
      const count = signature.hasRestParameter ? 2 : Math.min(2, signature.getParameters().length);
      if (count > arity) arity = count as 0 | 1 | 2;
      const self = signature.getThisParameter();
      if (thisType === undefined && self !== undefined) {
        const selfType = checker.getTypeOfSymbol(self);
        // `this: void` (and an untyped `this`) says the function needs no receiver.
        if (selfType !== undefined && (selfType.flags & (TypeFlags.Void | TypeFlags.Any | TypeFlags.Unknown)) === 0) {
          thisType = checker.typeToString(selfType, undefined, NO_TRUNCATION);
        }
      }
    }
    return {
      overloaded: signatures.length > 1,
      generic: signatures.some((signature) => signature.getTypeParameters().length > 0),
      arity,
      thisType,
    };
  }

  checkProbe(probePath: string, text: string, modules: Iterable<string>): ProbeCheck {
    this.session.write(probePath, text);
    this.include(probePath);
    const dispose = () => {
      this.session.write(probePath, undefined);
      this.files.delete(probePath);
      this.writeConfig();
    };
    try {
      const project = this.project();
      const program = project.program;
      const inProgram = new Set(program.getSourceFileNames());
      this.checkedFiles = [...inProgram];
      const texts = new Map<string, string>([[probePath, text]]);
      const errorsOf = (file: string): EngineDiagnostic[] =>
        [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
          .filter((diagnostic) => diagnostic.category === DiagnosticCategory.Error)
          .map((diagnostic) => normaliseNative(diagnostic, texts));
      return {
        diagnostics: errorsOf(probePath),
        moduleErrors: [...modules].flatMap((module) =>
          inProgram.has(module) && !/\.d\.[cm]?ts$/.test(module) ? errorsOf(module) : [],
        ),
        types: probeTypes(project, probePath, text),
        dispose,
      };
    } catch (error) {
      dispose();
      throw error;
    }
  }

  filesRead(): readonly string[] {
    // The probe and flowc's own tsconfig live only in memory, as do the default libraries. Read from the
    // last check where there was one: asking the project again would make the compiler build it anew.
    const sources = this.checkedFiles ?? (this.opened ? this.project().program.getSourceFileNames() : []);
    return [...onDisk(sources), ...this.settingsRead];
  }

  /** Releases the project in the compiler (its tsconfig changed, or the session ends). */
  release(): void {
    if (this.opened) this.session.release(this.configPath);
    this.session.write(this.configPath, undefined);
    this.opened = false;
  }

  private createHost(): ModuleHost {
    const infos = new Map<string, ModuleInfo>();
    return {
      resolveModule: (specifier, fromFile) => {
        const file = findModuleFileIn(ts.sys, this.options, specifier, path.resolve(fromFile));
        if (file === undefined) return undefined;
        let info = infos.get(file);
        if (info === undefined) {
          info = { path: file, exports: this.readExports(file) };
          infos.set(file, info);
        }
        return info;
      },
    };
  }

  /** The exports of `file` by name, or `undefined` when TypeScript cannot read it. */
  private readExports(file: string): ModuleInfo["exports"] {
    // Without `allowJs` TypeScript does not read JavaScript: what it exports is unknown here (FLOW4016 says why).
    if (JAVASCRIPT_FILE.test(file) && this.options.allowJs !== true) return undefined;
    try {
      const { project, moduleSymbol } = this.moduleOf(file);
      const exports = new Map<string, { readonly isFunction: boolean }>();
      // A file without import or export is a script: it exports nothing.
      if (moduleSymbol === undefined) return exports;
      const checker = project.checker;
      for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
        const target = symbol.flags & SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        // Interfaces and type aliases are exports too, but no value: nothing to call.
        const type = (target.flags & SymbolFlags.Value) !== 0 ? checker.getTypeOfSymbol(target) : undefined;
        const isFunction = type !== undefined && checker.getSignaturesOfType(type, SignatureKind.Call).length > 0;
        exports.set(symbol.name, { isFunction });
      }
      return exports;
    } catch {
      return undefined;
    }
  }

  /** The project with `file` in it, and the file's module symbol (`undefined` for a script). */
  private moduleOf(file: string): { project: Project; moduleSymbol: NativeSymbol | undefined } {
    this.include(file);
    const project = this.project();
    if (this.symbolsOf !== project) {
      this.symbols = new Map();
      this.symbolsOf = project;
    }
    if (!this.symbols.has(file)) {
      const sourceFile = project.program.getSourceFile(file);
      this.symbols.set(file, sourceFile === undefined ? undefined : project.checker.getSymbolAtLocation(sourceFile));
    }
    return { project, moduleSymbol: this.symbols.get(file) };
  }

  private include(file: string): void {
    if (this.files.has(file)) return;
    this.files.add(file);
    // The program grows by this file and what it imports: the last check's list no longer covers it.
    this.checkedFiles = undefined;
    this.writeConfig();
  }

  private writeConfig(): void {
    const compilerOptions = {
      ...(this.extendsPath === undefined ? defaultsAsJson() : {}),
      ...overridesAsJson(),
    };
    const config = {
      ...(this.extendsPath === undefined ? {} : { extends: this.extendsPath }),
      compilerOptions,
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

function normaliseNative(diagnostic: Diagnostic, texts: Map<string, string>): EngineDiagnostic {
  const chain = (message: Diagnostic): MessageChain => ({
    text: message.text,
    next: (message.messageChain ?? []).map(chain),
  });
  const file = diagnostic.fileName;
  if (file !== undefined && !texts.has(file)) texts.set(file, readText(file));
  return {
    code: diagnostic.code,
    file,
    fileText: file === undefined ? undefined : texts.get(file),
    start: file === undefined ? undefined : diagnostic.pos,
    length: file === undefined ? undefined : diagnostic.end - diagnostic.pos,
    message: chain(diagnostic),
  };
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** flowc's overrides as a tsconfig writes them. */
function overridesAsJson(): Record<string, unknown> {
  return { ...OVERRIDES };
}

/** The defaults for methods outside any project, as a tsconfig writes them. */
function defaultsAsJson(): Record<string, unknown> {
  const defaults = DEFAULT_COMPILER_OPTIONS;
  return {
    ...defaults,
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
  };
}
