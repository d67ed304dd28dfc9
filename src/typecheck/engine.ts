/**
 * What the type-check asks TypeScript, as one interface with an implementation per
 * TypeScript version: 6 through ts-morph in this process (src/typecheck/ts6/), 7 through
 * the native compiler's API in a process of its own (src/typecheck/ts7/). Everything
 * the resolver, the type-check, the transport walk and the input check learn of the
 * methods goes through it, so both engines give the same answers to the same questions.
 */
import type { ModuleHost } from "../resolve/types.js";
import type { CallShape } from "./call-shape.js";
import type { SyntaxTree } from "./code-outline.js";

/** The TypeScript versions flowc can type-check with (`--typescript`). */
export type TypeScriptVersion = 6 | 7;

export const TYPESCRIPT_VERSIONS: readonly TypeScriptVersion[] = [6, 7];

/** At most this many files are followed from one manifest's modules (see `EngineProject.localFiles`). */
export const MAX_LOCAL_FILES = 500;

/**
 * How TypeScript compiles a file: as an ES module, or not, and what makes it so: the
 * tsconfig's `module` setting (named as TypeScript names it), or, under Node16/NodeNext,
 * the package.json that governs the file (`undefined` when there is none).
 */
export type ModuleFormat =
  | { readonly kind: "module" }
  | { readonly kind: "script"; readonly module: string }
  | { readonly kind: "commonjs-package"; readonly packageJson: string | undefined };

/** One TypeScript message and the explanations below it, as TypeScript chains them. */
export interface MessageChain {
  readonly text: string;
  readonly next: readonly MessageChain[];
}

/** A TypeScript error, the same from every engine. */
export interface EngineDiagnostic {
  readonly code: number;
  /** The absolute path of the file it is in, if any. */
  readonly file: string | undefined;
  /** That file's text, for code frames. */
  readonly fileText: string | undefined;
  readonly start: number | undefined;
  readonly length: number | undefined;
  readonly message: MessageChain;
}

/** The project in which the methods of the manifests under one tsconfig are read. */
export interface EngineProject {
  /** The tsconfig the settings come from; `undefined` when the project runs on flowc's defaults. */
  readonly configFile: string | undefined;
  /** What is wrong with the tsconfig (FLOW4013). */
  readonly configErrors: readonly EngineDiagnostic[];
  /** Whether TypeScript reads JavaScript files here (`allowJs`). */
  readonly allowJs: boolean;
  /** How the user's TypeScript would compile a `.ts` file at `file` (a runner) under this project's settings. */
  moduleFormat(file: string): ModuleFormat;
  /**
   * The files under the user's control that `modules` (absolute paths) import, directly or
   * not, themselves included: the files whose TypeScript errors are the user's, and whose
   * changes concern the manifest. Packages (anything under node_modules) are left out; at
   * most MAX_LOCAL_FILES are followed, so that a huge project does not stall a build.
   */
  localFiles(modules: Iterable<string>): Set<string>;
  /** Finds the methods modules a manifest names and lists their exports. */
  readonly host: ModuleHost;
  /** How the export `exportName` of `modulePath` can be called, read from its signatures. */
  callShape(modulePath: string, exportName: string): CallShape | undefined;
  /**
   * Checks the probe file `text` at `probePath` (see probe-file.ts), and the modules
   * `modules` (absolute paths) for their own errors. The result is read before the
   * next check; `dispose` ends it (an engine may keep the file, to check the manifest's next
   * probe as a change to it rather than as a new file).
   */
  checkProbe(probePath: string, text: string, modules: Iterable<string>): ProbeCheck;
  /**
   * Every file on disk the project has read so far (sources, declaration files, the
   * tsconfig and the configs it extends), absolute: what the rebuild cache fingerprints.
   */
  filesRead(): readonly string[];
}

export interface ProbeCheck {
  /** The errors in the probe file, in the order TypeScript gives them. */
  readonly diagnostics: readonly EngineDiagnostic[];
  /** The errors of the modules, as the user's tsc reports them (FLOW4012). */
  readonly moduleErrors: readonly EngineDiagnostic[];
  readonly types: ProbeTypes;
  /**
   * The syntax tree of `file` (absolute) as the checked program parsed it, for code hashes
   * (see code-hash.ts); `undefined` when the program has no such file.
   */
  syntaxTree(file: string): SyntaxTree | undefined;
  dispose(): void;
}

/** The types of the probe file's declarations, by name. */
export interface ProbeTypes<T = unknown> {
  readonly model: TypeModel<T>;
  typeOf(name: string): T | undefined;
  /** The type of a declaration, every type named by the module it comes from (`import("./a.js").Row`). */
  printQualified(name: string): string;
}

/** The flags of TypeScript's `TypeFlags` the walks read; each engine has its own values. */
export interface TypeFlagValues {
  readonly Any: number;
  readonly Unknown: number;
  readonly Never: number;
  readonly Undefined: number;
  readonly Void: number;
  readonly ESSymbolLike: number;
  readonly BigIntLike: number;
  readonly StringLike: number;
  readonly NumberLike: number;
  readonly BooleanLike: number;
  readonly String: number;
  readonly Number: number;
  readonly StringLiteral: number;
  readonly NumberLiteral: number;
  readonly BooleanLiteral: number;
  readonly Null: number;
  readonly TypeParameter: number;
  readonly Index: number;
  readonly IndexedAccess: number;
  readonly Conditional: number;
  readonly Substitution: number;
  readonly Object: number;
  readonly Intersection: number;
  readonly NonPrimitive: number;
}

/** A property of an object type. */
export interface PropertyInfo<T> {
  readonly name: string;
  readonly optional: boolean;
  /** A method or an accessor: on a class, it lives on the prototype. */
  readonly methodOrAccessor: boolean;
  type(): T;
}

/** What a tuple type says of its elements. */
export interface TupleInfo<T> {
  readonly elements: readonly T[];
  /** How many elements it requires. */
  readonly minLength: number;
  /** How many it has before a rest element. */
  readonly fixedLength: number;
  /** Whether it has a rest or variadic element. */
  readonly variadic: boolean;
}

/**
 * Types as the walks over them see them (transport-safety.ts, input-check.ts): a
 * TypeScript checker's answers, in terms both engines give.
 */
export interface TypeModel<T = unknown> {
  readonly TypeFlags: TypeFlagValues;
  flags(type: T): number;
  /** The same type, as a key for sets of types seen. */
  key(type: T): unknown;
  /** The members of a union type, `undefined` for any other type. */
  unionMembers(type: T): readonly T[] | undefined;
  isIntersection(type: T): boolean;
  hasSignatures(type: T, kind: "call" | "construct"): boolean;
  /** The return type of the first call signature, `undefined` when it has none. */
  returnTypeOfCall(type: T): T | undefined;
  isArray(type: T): boolean;
  tuple(type: T): TupleInfo<T> | undefined;
  typeArguments(type: T): readonly T[];
  baseConstraint(type: T): T | undefined;
  properties(type: T): readonly PropertyInfo<T>[];
  indexInfos(type: T): readonly { readonly keyType: T; readonly type: T }[];
  /** The name of the type's symbol, with whether it is a class and whether the default library declares it. */
  symbolOf(type: T): { readonly name: string; readonly isClass: boolean; fromLibrary(): boolean } | undefined;
  hasAlias(type: T): boolean;
  /** The class or interface a type is (or is a reference to), `undefined` for any other type. */
  classOrInterface(type: T): T | undefined;
  baseTypes(classOrInterface: T): readonly T[];
  isAssignable(source: T, target: T): boolean;
  /** Prints a type the way messages print types. */
  print(type: T): string;
}

/** The tsconfig flowc works under, and the services that type-check with one engine. */
export interface TypeScriptEngine {
  readonly version: TypeScriptVersion;
  /** The project of the methods of the manifest (or runner) at `path`. */
  projectFor(path: string): EngineProject;
  /** Ends what the engine holds (the native compiler's process); idempotent. */
  close(): void;
}

/** The text of a message chain on one line, as TypeScript's `flattenDiagnosticMessageText(…, " ")` writes it. */
export function flattenMessage(chain: MessageChain, indent = 0): string {
  let text = indent === 0 ? "" : ` ${"  ".repeat(indent)}`;
  text += chain.text;
  for (const next of chain.next) text += flattenMessage(next, indent + 1);
  return text;
}
