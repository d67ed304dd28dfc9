import { ts, type Project } from "ts-morph";
import type { ModuleHost } from "../../resolve/types.js";
import type {
  EngineDiagnostic,
  EngineProject,
  MessageChain,
  ProbeCheck,
  ProbeTypes,
  TypeScriptEngine,
} from "../engine.js";
import { onDisk } from "../project.js";
import { syntaxKinds, type SyntaxNode, type SyntaxTree } from "../code-outline.js";
import { localImports } from "./local-imports.js";
import { createTypeScriptHost } from "./module-host.js";
import { typeScript6ModuleFormat } from "./module-format.js";
import { configErrorsOf, configFilesOf, createProjectCache, type ProjectCache } from "./project.js";
import { readCallShape } from "./call-shape.js";
import { QUALIFIED_PRINT_FLAGS, typeScript6Model } from "./model.js";

/** The TypeScript 6 engine, with the project cache behind it and a way to drop its module hosts. */
export interface TypeScript6Engine extends TypeScriptEngine {
  readonly projects: ProjectCache;
  /** The engine's project for a ts-morph project of its cache. */
  engineProject(project: Project): EngineProject;
  /** Forgets every module host: a host remembers each module's exports for good, so files that changed need new ones. */
  forgetHosts(): void;
}

/**
 * TypeScript 6, through ts-morph, in this process: manifests under the same tsconfig
 * share one project (and its parsed libraries) and one module host.
 */
export function createTypeScript6Engine(projects: ProjectCache = createProjectCache()): TypeScript6Engine {
  let wrapped = new WeakMap<Project, EngineProject>();
  const engineProject = (project: Project): EngineProject => {
    let found = wrapped.get(project);
    if (found === undefined) {
      found = typeScript6Project(project, createTypeScriptHost(project));
      wrapped.set(project, found);
    }
    return found;
  };
  return {
    version: 6,
    projects,
    engineProject,
    projectFor: (path) => engineProject(projects.forManifest(path)),
    forgetHosts() {
      wrapped = new WeakMap();
    },
    close() {
      // Nothing runs outside this process.
    },
  };
}

/** A ts-morph project as the type-check asks it. */
export function typeScript6Project(project: Project, host: ModuleHost = createTypeScriptHost(project)): EngineProject {
  return {
    configFile: configFileOf(project),
    configErrors: configErrorsOf(project).map(normalise),
    allowJs: project.getCompilerOptions().allowJs === true,
    moduleFormat: (file) => typeScript6ModuleFormat(project.getCompilerOptions(), file),
    localFiles: (modules) => localImports(project.getCompilerOptions(), modules),
    host,
    callShape: (modulePath, exportName) => readCallShape(project, modulePath, exportName),
    checkProbe: (probePath, text, modules) => checkProbe(project, probePath, text, modules),
    filesRead: () => [
      // The default libraries live in memory, under paths that exist nowhere: the engine's version stands for them.
      ...onDisk(
        project
          .getProgram()
          .compilerObject.getSourceFiles()
          .map((file) => file.fileName),
      ),
      ...configFilesOf(project),
    ],
  };
}

function configFileOf(project: Project): string | undefined {
  const config = project.getCompilerOptions().configFilePath;
  return typeof config === "string" ? config : undefined;
}

function checkProbe(project: Project, probePath: string, text: string, modules: Iterable<string>): ProbeCheck {
  const sourceFile = project.createSourceFile(probePath, text, { overwrite: true });
  try {
    const program = project.getProgram().compilerObject;
    const file = program.getSourceFile(sourceFile.getFilePath());
    if (file === undefined) throw new Error("the probe file is not part of the program");
    return {
      diagnostics: errorsOf(program, file),
      moduleErrors: [...modules].flatMap((module) => {
        const moduleFile = program.getSourceFile(module);
        return moduleFile === undefined || moduleFile.isDeclarationFile ? [] : errorsOf(program, moduleFile);
      }),
      types: probeTypes(program, file),
      syntaxTree: (module) => syntaxTreeOf(program, module),
      dispose: () => project.removeSourceFile(sourceFile),
    };
  } catch (error) {
    project.removeSourceFile(sourceFile);
    throw error;
  }
}

const KINDS = syntaxKinds(ts.SyntaxKind);

function syntaxTreeOf(program: ts.Program, file: string): SyntaxTree | undefined {
  const tree = program.getSourceFile(file);
  return tree === undefined ? undefined : { root: tree as unknown as SyntaxNode, kinds: KINDS };
}

function errorsOf(program: ts.Program, file: ts.SourceFile): EngineDiagnostic[] {
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
    .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
    .map(normalise);
}

/** The declarations of the probe file by name, with their types. */
function probeTypes(program: ts.Program, file: ts.SourceFile): ProbeTypes<ts.Type> {
  const checker = program.getTypeChecker();
  const declarations = new Map<string, ts.VariableDeclaration>();
  // Questions with a value are asked in functions of their own (see `askedApart`).
  for (const statement of file.statements) {
    const statements = ts.isFunctionDeclaration(statement) ? (statement.body?.statements ?? []) : [statement];
    for (const inner of statements) {
      if (!ts.isVariableStatement(inner)) continue;
      for (const declaration of inner.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) declarations.set(declaration.name.text, declaration);
      }
    }
  }
  const typeOf = (name: string): ts.Type | undefined => {
    const declaration = declarations.get(name);
    return declaration === undefined ? undefined : checker.getTypeAtLocation(declaration.name);
  };
  return {
    model: typeScript6Model(program),
    typeOf,
    printQualified(name) {
      const type = typeOf(name);
      return type === undefined ? "unknown" : checker.typeToString(type, declarations.get(name), QUALIFIED_PRINT_FLAGS);
    },
  };
}

/** A TypeScript 6 diagnostic in the engines' common terms. */
export function normalise(diagnostic: ts.Diagnostic): EngineDiagnostic {
  const chain = (message: string | ts.DiagnosticMessageChain): MessageChain =>
    typeof message === "string"
      ? { text: message, next: [] }
      : { text: message.messageText, next: (message.next ?? []).map(chain) };
  return {
    code: diagnostic.code,
    file: diagnostic.file?.fileName,
    fileText: diagnostic.file?.text,
    start: diagnostic.start,
    length: diagnostic.length,
    message: chain(diagnostic.messageText),
  };
}
