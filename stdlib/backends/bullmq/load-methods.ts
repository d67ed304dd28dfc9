/**
 * Imports a plan's methods from its modules, resolved against a base URL
 * (the folder of the manifest or of its generated runner). TypeScript
 * sources load through tsx, so a worker can serve methods straight from
 * `.ts` files; JavaScript loads natively.
 */
import { statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AnyMethod, MethodTable } from "../../api.js";
import { ErrorCode, PlanError } from "../../errors.js";
import type { PlanDescriptor } from "../../plan.js";

/**
 * Files tried for a module path as written (`./etl.methods`, `./etl.methods.js`),
 * in order: compiled JavaScript wins over a TypeScript source beside it.
 */
function candidates(written: string): string[] {
  const stem = written.replace(/\.[cm]?js$/, "");
  return [
    written,
    `${stem}.js`,
    `${stem}.mjs`,
    `${stem}.ts`,
    `${stem}.mts`,
    `${written}/index.js`,
    `${written}/index.ts`,
  ];
}

/** The functions of `plan`'s methods (those named in `only`, or all), keyed by manifest name. */
export async function loadPlanMethods(
  plan: PlanDescriptor,
  base: string | URL,
  only?: readonly string[],
): Promise<MethodTable> {
  const baseUrl = new URL(String(base).endsWith("/") ? String(base) : `${String(base)}/`);
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  const methods: Record<string, AnyMethod> = {};
  for (const method of plan.methods) {
    if (only !== undefined && !only.includes(method.name)) continue;
    const url = resolveModule(method.module, baseUrl);
    let loading = modules.get(url.href);
    if (loading === undefined) {
      loading = importModule(url);
      modules.set(url.href, loading);
    }
    const value = (await loading)[method.exportName];
    if (typeof value !== "function") {
      throw new PlanError(
        ErrorCode.MissingMethod,
        `Method '${method.name}': ${fileURLToPath(url)} exports no function '${method.exportName}'.`,
        [method.name],
      );
    }
    methods[method.name] = value as AnyMethod;
  }
  return methods;
}

function resolveModule(specifier: string, base: URL): URL {
  // Specifiers in a plan are relative to the manifest; a bare one names a package, left to Node's resolution.
  if (!specifier.startsWith(".") && !specifier.startsWith("/")) return new URL(import.meta.resolve(specifier));
  const written = fileURLToPath(new URL(specifier, base));
  const tried = candidates(written);
  const found = tried.find((path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true);
  if (found === undefined) {
    throw new PlanError(ErrorCode.MissingMethod, `Module '${specifier}' was not found: tried ${tried.join(", ")}.`);
  }
  return pathToFileURL(found);
}

async function importModule(url: URL): Promise<Record<string, unknown>> {
  if (/\.[cm]?tsx?$/.test(url.pathname)) {
    const { tsImport } = await import("tsx/esm/api");
    return (await tsImport(url.href, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url.href)) as Record<string, unknown>;
}
