/**
 * The phases of `compile()` one at a time, each called as compile() calls
 * it, on the results of the phases before it (made once, untimed, by the
 * case's setup): parse; check (resolve, bind, the graph rules and the plan);
 * type-check; emit (the syntax tree, printed in Prettier's layout by Prettier's
 * document printer); and `prettier.format` over the runner emit wrote, what
 * emit would cost if it parsed its own text again to format it.
 */
import { parse } from "../../grammar/index.js";
import { analysisOf } from "../../src/analysis.js";
import { bind } from "../../src/bind/bind.js";
import { check } from "../../src/check/check.js";
import { emit } from "../../src/emit/emit.js";
import { resolve } from "../../src/resolve/resolve.js";
import { typeCheck } from "../../src/typecheck/type-check.js";
import type { Contender } from "../harness/types.js";
import type { CompilerOutput, CompilerSetup } from "../workloads/w5-compiler.js";
import { errorsOf, type PhaseSetup } from "../workloads/w5-phases.js";

function phase(
  id: string,
  label: string,
  run: (setup: PhaseSetup) => CompilerOutput | Promise<CompilerOutput>,
): Contender<CompilerSetup, CompilerOutput> {
  return {
    id,
    label,
    role: "flowc",
    placement: "process",
    async prepare(setup) {
      if (setup.kind !== "phases") throw new Error(`needs a phases case, got a ${setup.kind} one`);
      return { run: async () => run(setup) };
    },
  };
}

/** The plan's methods in a runner's code: one `exportName` each. */
function methodsIn(code: string): number {
  return code.match(/\bexportName: "/g)?.length ?? 0;
}

export const PHASES = [
  phase("phase-parse", "parse", ({ source }) => {
    const parsed = parse(source);
    return { kind: "phase", methods: undefined, errors: errorsOf(parsed.diagnostics) };
  }),
  phase("phase-check", "check (resolve, bind, rules, plan)", ({ source, parsed, host }) => {
    const resolution = resolve(parsed.document, source, host);
    const bound = bind(parsed.document, source);
    const checked = check(bound, resolution);
    const analysis = analysisOf(resolution, bound, checked);
    const errors = errorsOf([...resolution.diagnostics, ...bound.diagnostics, ...checked.diagnostics]);
    return { kind: "phase", methods: analysis.plan?.methods.length ?? 0, errors };
  }),
  phase("phase-type-check", "type-check", ({ analysis, project }) => {
    const typed = typeCheck(analysis, project, { backend: analysis.backend });
    return { kind: "phase", methods: typed.plan.methods.length, errors: errorsOf(typed.diagnostics) };
  }),
  phase("phase-emit", "emit (tree, print)", async ({ typed, outFile }) => {
    const code = await emit(typed, { outFile });
    return { kind: "phase", methods: methodsIn(code), errors: [] };
  }),
  phase("phase-prettier", "prettier.format over the runner emit wrote (not part of emit)", async ({ code }) => {
    const prettier = await import("prettier");
    const formatted = await prettier.format(code, { parser: "typescript", printWidth: 100 });
    return { kind: "phase", methods: methodsIn(formatted), errors: [] };
  }),
];
