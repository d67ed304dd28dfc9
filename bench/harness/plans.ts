/**
 * Plans of the workloads, compiled from their `.flow` manifests by the
 * compiler itself, so that the runtime is measured on what `flowc build`
 * gives a user, not on a hand-written descriptor.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createSourceText } from "../../grammar/source.js";
import { compile, type TypeScriptServices } from "../../src/compile.js";
import { hasErrors } from "../../grammar/diagnostics/diagnostic.js";
import { createTypeScriptServices } from "../../src/typescript-services.js";
import type { PlanDescriptor } from "../../stdlib/plan.js";

export interface PlanOptions {
  /**
   * Read the methods' types, as `flowc build` does: needed for a plan proven
   * JSON-safe for the bullmq backend. Without it only the manifest is checked.
   */
  readonly types?: boolean;
  readonly backend?: "bullmq" | undefined;
}

let services: TypeScriptServices | undefined;

/** Compiles the manifest at `manifest` and returns its plan; throws with the diagnostics when it has errors. */
export async function compilePlan(manifest: URL, options: PlanOptions = {}): Promise<PlanDescriptor> {
  const path = fileURLToPath(manifest);
  const source = createSourceText(path, await readFile(path, "utf8"));
  const types = options.types === true;
  if (types) services ??= createTypeScriptServices();
  const result = await compile(source, { types, backend: options.backend }, types ? services : undefined);
  if (hasErrors(result.diagnostics) || result.plan === undefined) {
    const messages = result.diagnostics.map((d) => `FLOW${d.code} ${d.message}`).join("; ");
    throw new Error(`${path} does not compile: ${messages || "no plan"}`);
  }
  return result.plan;
}

/** Where a workload's manifest is: beside its definition in bench/workloads/. */
export function workloadFile(name: string): URL {
  return new URL(`../workloads/${name}`, import.meta.url);
}
