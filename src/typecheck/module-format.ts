/**
 * How TypeScript compiles a `.ts` file, whichever TypeScript reads it: each engine says
 * which `module` setting applies (its own default included), and the rest is TypeScript's
 * rule, which Node follows too when it loads the file.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ModuleFormat } from "./engine.js";
import { findUp } from "./find-up.js";

/** `module` settings (TypeScript's `ModuleKind`, numbered alike in 6 and 7) that compile every file without `import.meta`. */
const SCRIPT_MODULES: ReadonlyMap<number, string> = new Map([
  [0, "None"],
  [1, "CommonJS"],
  [2, "AMD"],
  [3, "UMD"],
  [4, "System"],
]);

/** Node16, Node18, Node20, NodeNext: a `.ts` file takes its format from the nearest package.json's `type`. */
const NODE_MODULES: ReadonlySet<number> = new Set([100, 101, 102, 199]);

/** The format of a `.ts` file at `file` under the `module` setting `module`. */
export function moduleFormatOf(module: number, file: string): ModuleFormat {
  const script = SCRIPT_MODULES.get(module);
  if (script !== undefined) return { kind: "script", module: script };
  if (!NODE_MODULES.has(module)) return { kind: "module" };
  const scope = packageScopeOf(file);
  return scope.type === "module" ? { kind: "module" } : { kind: "commonjs-package", packageJson: scope.packageJson };
}

/**
 * The package.json that governs `file` (the nearest one in its folder or above), and its
 * `type`. A package.json that cannot be read or parsed has no `type`.
 */
function packageScopeOf(file: string): { readonly packageJson: string | undefined; readonly type: unknown } {
  const packageJson = findUp(path.dirname(path.resolve(file)), "package.json");
  if (packageJson === undefined) return { packageJson, type: undefined };
  try {
    const parsed: unknown = JSON.parse(readFileSync(packageJson, "utf8"));
    const type = typeof parsed === "object" && parsed !== null ? (parsed as { type?: unknown }).type : undefined;
    return { packageJson, type };
  } catch {
    return { packageJson, type: undefined };
  }
}
