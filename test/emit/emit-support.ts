import path from "node:path";
import { emit } from "../../src/emit/emit.js";
import { createTypeScriptHost } from "../../src/typecheck/module-host.js";
import { createProjectCache } from "../../src/typecheck/project.js";
import { typeCheck } from "../../src/typecheck/type-check.js";
import type { TypedPlan } from "../../src/typecheck/types.js";
import { analyseManifest } from "../typecheck/pipeline.js";

const projects = createProjectCache();

/** Runs the whole front end and the type-check on a manifest, which must pass them. */
export function typedManifest(manifestPath: string): TypedPlan {
  const project = projects.forManifest(manifestPath);
  const typed = typeCheck(analyseManifest(manifestPath, createTypeScriptHost(project)), project);
  if (typed.diagnostics.length > 0) {
    throw new Error(
      `${manifestPath} does not type-check:\n${typed.diagnostics.map((d) => `  FLOW${d.code} ${d.message}`).join("\n")}`,
    );
  }
  return typed;
}

/** The runner of a fixture case, written as `input.flow.ts` beside its manifest. */
export async function emitCase(dir: string, runtimeSpecifier?: string): Promise<string> {
  const manifest = path.join(dir, "input.flow");
  return emit(typedManifest(manifest), { outFile: `${manifest}.ts`, runtimeSpecifier });
}
