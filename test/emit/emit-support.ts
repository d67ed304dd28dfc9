import path from "node:path";
import { emit } from "../../src/emit/emit.js";
import type { TypeScriptVersion } from "../../src/typecheck/engine.js";
import { typeCheck } from "../../src/typecheck/type-check.js";
import type { TypedPlan } from "../../src/typecheck/types.js";
import { createTypeScriptServices, type WarmTypeScriptServices } from "../../src/typescript-services.js";
import { analyseManifest } from "../typecheck/pipeline.js";

/** One set of services per engine, for the test file's life (the native compiler's process ends with it). */
const engines = new Map<TypeScriptVersion, WarmTypeScriptServices>();

function servicesFor(version: TypeScriptVersion): WarmTypeScriptServices {
  let services = engines.get(version);
  if (services === undefined) {
    services = createTypeScriptServices({ typescript: version });
    engines.set(version, services);
  }
  return services;
}

/** Closes the engines the helpers here started; for a test file's `afterAll`. */
export function closeEngines(): void {
  for (const services of engines.values()) services.close();
  engines.clear();
}

/** Runs the whole front end and the type-check on a manifest (on TypeScript 6 unless told), which must pass them. */
export async function typedManifest(manifestPath: string, version: TypeScriptVersion = 6): Promise<TypedPlan> {
  const project = await servicesFor(version).forManifest(manifestPath);
  const typed = typeCheck(analyseManifest(manifestPath, project.host), project);
  if (typed.diagnostics.length > 0) {
    throw new Error(
      `${manifestPath} does not type-check:\n${typed.diagnostics.map((d) => `  FLOW${d.code} ${d.message}`).join("\n")}`,
    );
  }
  return typed;
}

/** The runner of a fixture case, written as `input.flow.ts` beside its manifest. */
export async function emitCase(
  dir: string,
  runtimeSpecifier?: string,
  version: TypeScriptVersion = 6,
): Promise<string> {
  const manifest = path.join(dir, "input.flow");
  return emit(await typedManifest(manifest, version), { outFile: `${manifest}.ts`, runtimeSpecifier });
}
