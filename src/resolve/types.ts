import type { Identifier } from "../../grammar/ast.js";
import type { Diagnostic } from "../../grammar/diagnostics/diagnostic.js";

/** What the resolver needs to know about a TypeScript module. */
export interface ModuleInfo {
  /** Absolute path of the file the specifier resolved to. */
  readonly path: string;
  /**
   * The module's exports by name, or `undefined` when they are not known
   * (the front end runs without type information, e.g. in `flowc fmt` or benchmarks).
   */
  readonly exports: ReadonlyMap<string, { readonly isFunction: boolean }> | undefined;
}

/**
 * Looks modules up for the resolver. The TypeScript-backed host lives in
 * src/typecheck/module-host.ts; `untypedHost` in src/resolve/resolve.ts
 * answers without reading any file.
 */
export interface ModuleHost {
  /** Resolves `specifier` as written in the manifest at `fromFile`; `undefined` when no module exists there. */
  resolveModule(specifier: string, fromFile: string): ModuleInfo | undefined;
}

/** Where one manifest name comes from. */
export interface MethodBinding {
  /** The name used throughout the manifest (an import's local name). */
  readonly name: string;
  /** The name the module exports. */
  readonly exportName: string;
  /** Module specifier as written in the import, or the default `./<manifest>.methods`. */
  readonly module: string;
  /** Resolved file, or `undefined` when the module could not be found (a diagnostic says so). */
  readonly modulePath: string | undefined;
  /** The identifier that introduces the name: its import specifier, or its first mention in a group. */
  readonly declaration: Identifier;
}

export interface Resolution {
  /** One binding per method name mentioned in a group, in order of first mention. */
  readonly bindings: ReadonlyMap<string, MethodBinding>;
  /**
   * Names reported as unusable for a method (FLOW2001, FLOW2011). Nothing more is reported
   * about them: the diagnostics a valid name would get could only follow from the renaming.
   */
  readonly invalidNames: ReadonlySet<string>;
  readonly diagnostics: readonly Diagnostic[];
}
