/**
 * W5's phase cases: generated manifests of `async (x: number) =>
 * Promise<number>` methods, with their methods module in a package of their
 * own, and every phase of `compile()` run once on them (as compile() runs
 * them, types read), so that each phase can then be timed alone on the
 * results of the phases before it.
 */
import { join } from "node:path";
import type { EngineProject } from "../../src/typecheck/engine.js";
import { parse } from "../../grammar/index.js";
import type { ParseResult } from "../../grammar/index.js";
import { hasErrors, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { createSourceText, type SourceText } from "../../grammar/source.js";
import { analysisOf, type Analysis } from "../../src/analysis.js";
import { emit } from "../../src/emit/emit.js";
import { resolve } from "../../src/resolve/resolve.js";
import type { ModuleHost } from "../../src/resolve/types.js";
import { typeCheck } from "../../src/typecheck/type-check.js";
import type { TypedPlan } from "../../src/typecheck/types.js";
import { createTypeScriptServices } from "../../src/typescript-services.js";
import { bind } from "../../src/bind/bind.js";
import { check } from "../../src/check/check.js";
import { writeUserPackage } from "../harness/user-package.js";

/** `chain`: one sequential chain of every method; `group`: one concurrent group of independent methods. */
export type PhaseShape = "chain" | "group";

export interface PhaseSetup {
  readonly kind: "phases";
  readonly methods: number;
  readonly source: SourceText;
  readonly parsed: ParseResult;
  readonly host: ModuleHost;
  readonly project: EngineProject;
  readonly analysis: Analysis;
  readonly typed: TypedPlan;
  /** Where the runner would be written, for `emit`. */
  readonly outFile: string;
  readonly code: string;
}

/** The manifest: lines of ten names, each chain line starting with the last name of the one before. */
export function phaseManifest(shape: PhaseShape, n: number): string {
  const names = Array.from({ length: n }, (_, i) => `m${i}`);
  if (shape === "group") {
    const lines: string[] = [];
    for (let start = 0; start < n; start += 10) lines.push(names.slice(start, start + 10).join(", "));
    return `${lines.join(",\n")} { execution_flow: concurrent; }\n`;
  }
  const lines: string[] = [];
  for (let start = 0; start < n; start += 10) {
    const chain = names.slice(Math.max(0, start - 1), start + 10);
    lines.push(`${chain.join(", ")} { execution_flow: sequential; }`);
  }
  return `${lines.join("\n")}\n`;
}

export function phaseMethods(n: number): string {
  return Array.from(
    { length: n },
    (_, i) => `export async function m${i}(x: number): Promise<number> {\n  return x + ${i};\n}\n`,
  ).join("\n");
}

/**
 * Writes the package and runs every phase once, in a TypeScript project of
 * its own; throws with the diagnostics when any phase reports an error.
 * Resolves with the setup and how long that first type-check took (the
 * project's libraries and the methods module loaded in it).
 */
export async function preparePhases(
  shape: PhaseShape,
  n: number,
): Promise<{ setup: PhaseSetup; firstTypeCheckMs: number; close: () => void }> {
  const name = `${shape}-${n}`;
  const dir = writeUserPackage(name, phaseManifest(shape, n), phaseMethods(n));
  const path = join(dir, `${name}.flow`);
  const source = createSourceText(path, phaseManifest(shape, n));
  // The default engine, as `flowc build` uses it; closed by the case's dispose.
  const services = createTypeScriptServices();
  const project = await services.forManifest(path);
  const host = project.host;
  const parsed = parse(source);
  const resolution = resolve(parsed.document, source, host);
  const bound = bind(parsed.document, source);
  const checked = check(bound, resolution);
  const analysis = analysisOf(resolution, bound, checked);
  const start = performance.now();
  const typed = typeCheck(analysis, project, { backend: analysis.backend });
  const firstTypeCheckMs = performance.now() - start;
  const diagnostics: Diagnostic[] = [
    ...parsed.diagnostics,
    ...resolution.diagnostics,
    ...bound.diagnostics,
    ...checked.diagnostics,
    ...typed.diagnostics,
  ];
  if (hasErrors(diagnostics) || analysis.plan === undefined) {
    throw new Error(`${name}.flow does not compile: ${errorsOf(diagnostics).slice(0, 3).join("; ") || "no plan"}`);
  }
  const outFile = join(dir, `${name}.flow.ts`);
  const code = await emit(typed, { outFile });
  return {
    setup: { kind: "phases", methods: n, source, parsed, host, project, analysis, typed, outFile, code },
    firstTypeCheckMs,
    close: () => services.close(),
  };
}

export function errorsOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.severity === "error").map((d) => `FLOW${d.code} ${d.message}`);
}
