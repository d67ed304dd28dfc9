/**
 * What flowc knows of a TypeScript project before any TypeScript is loaded: where its
 * tsconfig is, and the settings flowc adds to it. Each engine reads the tsconfig itself
 * (src/typecheck/ts6/project.ts, src/typecheck/ts7/project.ts); these are written the way a
 * tsconfig writes them, so that both read the same thing.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { findUp } from "./find-up.js";

/**
 * Settings for methods that live outside any TypeScript project: what `tsc --init`
 * would choose for a modern Node package, strict.
 */
export const DEFAULT_SETTINGS = {
  target: "es2022",
  module: "nodenext",
  moduleResolution: "nodenext",
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
  // A project without a tsconfig may well be JavaScript: read its JSDoc types, and check them.
  allowJs: true,
  checkJs: true,
} as const;

/**
 * Settings flowc imposes on every project. The type-check reads declarations and
 * never writes anything, so emit-related options only cost time; and the probe
 * file it adds declares values nobody reads, which `noUnusedLocals` would flag.
 */
export const OVERRIDES = {
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
} as const;

/** "No inputs were found in config file": flowc reads only the methods, never the files a tsconfig includes. */
export const NO_INPUTS = 18003;

/** The `tsconfig.json` nearest to the manifest, searching its directory and then each parent. */
export function findTsConfig(manifestPath: string): string | undefined {
  return findUp(path.dirname(path.resolve(manifestPath)), "tsconfig.json");
}

/** The files of `files` that exist on disk, absolute (a compiler also holds files that live only in memory). */
export function onDisk(files: Iterable<string>): string[] {
  return [...files].map((file) => path.resolve(file)).filter((file) => existsSync(file));
}
