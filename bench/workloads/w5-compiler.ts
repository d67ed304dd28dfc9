/**
 * W5 — the compiler: parse + check of generated manifests of 200, 2,000 and
 * 20,000 methods in process (no type information), a cold `flowc build` of
 * each example and of a chain of 2,000 methods (a fresh process, type-checking
 * included) next to `tsc --noEmit` over the runner it generates, the same build
 * when nothing changed (answered by the rebuild cache), and a rebuild in one
 * process after a methods module was saved (as `--watch` does). Targets: parse +
 * check of 2,000 methods < 100 ms; cold build ≤ 1.2 s (2,000 methods ≤ 4 s);
 * unchanged ≤ 0.2 s; rebuild after a save ≤ 100 ms.
 *
 * Each phase of compile() is also timed alone (see w5-phases.ts), on a chain
 * of 200 and 2,000 async methods and on one concurrent group of as many:
 * target, each phase at 2,000 methods ≤ 12× its time at 200.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSourceText, type SourceText } from "../../grammar/source.js";
import { floorLexer, floorNodeStart } from "../adapters/floors.js";
import {
  buildWithCli,
  flowcColdBuild,
  flowcFrontEnd,
  flowcUnchangedBuild,
  flowcWarmRebuild,
  runnerPath,
} from "../adapters/flowc-compiler.js";
import { PHASES } from "../adapters/flowc-phases.js";
import { tscRunner } from "../adapters/tsc.js";
import { ROOT } from "../harness/processes.js";
import { findCase, judge, medianOf, ratioOf, times } from "../harness/targets.js";
import type { CaseSpec, Mode, TargetResult, Workload } from "../harness/types.js";
import { copyExample, writeUserPackage } from "../harness/user-package.js";
import { phaseManifest, phaseMethods, preparePhases, type PhaseSetup, type PhaseShape } from "./w5-phases.js";

export type CompilerSetup =
  | { readonly kind: "front end"; readonly source: SourceText; readonly methods: number }
  | {
      readonly kind: "cold build";
      readonly example: string;
      /** The manifest, relative to the repository root (where the CLI runs). */
      readonly manifest: string;
      /** `tsconfig.json` that type-checks the runner `flowc build` wrote, as a user's `tsc` would. */
      readonly tsconfig: string;
    }
  | {
      readonly kind: "warm rebuild";
      readonly example: string;
      /** A copy of the example, in a package of its own: the rebuild edits its methods module. */
      readonly source: SourceText;
      readonly methodsFile: string;
      readonly outFile: string;
    }
  | PhaseSetup;

export type CompilerOutput =
  | { readonly kind: "plan"; readonly methods: number; readonly errors: readonly string[] }
  | { readonly kind: "tokens"; readonly count: number }
  | { readonly kind: "runner"; readonly code: string }
  | { readonly kind: "exit"; readonly status: number | null; readonly output: string }
  /** One phase's result: its errors, and the methods it planned or emitted (`undefined`: a phase that plans none). */
  | { readonly kind: "phase"; readonly methods: number | undefined; readonly errors: readonly string[] };

const SIZES = [200, 2000, 20_000];
const PHASE_SIZES = [200, 2000];
const PHASE_SHAPES: Readonly<Record<string, PhaseShape>> = {
  "phases, chain": "chain",
  "phases, concurrent group": "group",
};
const PHASE_IDS = PHASES.map((contender) => contender.id);

/**
 * A manifest of `n` methods shaped like real ones: chains of ten joined end
 * to end (one connected DAG with fan-in), every fifth chain's middle method
 * parallel, and per-method property groups.
 */
export function generateManifest(n: number): string {
  const lines: string[] = [];
  for (let start = 0; start < n; start += 10) {
    const chain = Array.from({ length: Math.min(10, n - start) }, (_, i) => `m${start + i}`);
    if (start > 0) chain.unshift(`m${start - 1}`);
    lines.push(`${chain.join(", ")} { execution_flow: sequential; }`);
    if ((start / 10) % 5 === 0 && n - start > 5) {
      lines.push(`m${start + 5} < execution_flow: parallel; min_worker_count: 2; >`);
    }
    if (start + 3 < n) lines.push(`m${start + 3} { retries: 2; timeout: 30s; }`);
  }
  return `${lines.join("\n")}\n`;
}

/** The examples shipped in examples/, each `examples/<name>/<name>.flow`. */
export function exampleNames(): string[] {
  return readdirSync(join(ROOT, "examples"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function cases(mode: Mode): CaseSpec[] {
  const frontEnd = (methods: number, scale: number, warmups: number, rounds: number): CaseSpec => ({
    group: "parse + check",
    scale,
    units: methods,
    warmups,
    rounds,
    contenders: ["flowc-front-end", "lexer"],
    timeoutMs: 120_000,
  });
  const build = (example: string, warmups: number, rounds: number): CaseSpec => ({
    group: `cold build ${example}`,
    scale: 1,
    units: 1,
    unit: "build",
    warmups,
    rounds,
    contenders: ["flowc-build-cold", "flowc-build-unchanged", "tsc-runner", "node-start"],
    timeoutMs: 120_000,
    params: { example },
  });
  /** A cold build of a generated chain of `methods` async methods, in a package of its own. */
  const bigBuild = (methods: number, warmups: number, rounds: number): CaseSpec => ({
    ...build(`chain-${methods}`, warmups, rounds),
    group: `cold build, chain of ${methods.toLocaleString("en")} methods`,
    contenders: ["flowc-build-cold", "tsc-runner", "node-start"],
    timeoutMs: 300_000,
    params: { example: `chain-${methods}`, methods },
  });
  const warm = (example: string, warmups: number, rounds: number): CaseSpec => ({
    group: `warm rebuild ${example}`,
    scale: 1,
    units: 1,
    unit: "build",
    warmups,
    rounds,
    contenders: ["flowc-build-warm"],
    timeoutMs: 120_000,
    params: { example },
  });
  const phases = (group: string, methods: number, scale: number, warmups: number, rounds: number): CaseSpec => ({
    group,
    scale,
    units: methods,
    warmups,
    rounds,
    contenders: PHASE_IDS,
    timeoutMs: 300_000,
  });
  // No warm-up: the setup ran every phase once already. Few rounds: a type-check of 2,000 methods takes seconds.
  const phaseCases = (warmups: number, rounds: number): CaseSpec[] =>
    Object.keys(PHASE_SHAPES).flatMap((group) => PHASE_SIZES.map((n, i) => phases(group, n, 10 ** i, warmups, rounds)));
  if (mode === "test") return [frontEnd(20, 1, 1, 1), warm("word-count", 0, 1), phases("phases, chain", 20, 1, 0, 1)];
  const examples = exampleNames();
  if (mode === "quick") {
    return [
      ...SIZES.map((n, i) => frontEnd(n, 10 ** i, 1, 3)),
      ...phaseCases(0, 1),
      ...examples.map((example) => build(example, 0, 1)),
      bigBuild(2000, 0, 1),
      ...examples.map((example) => warm(example, 0, 2)),
    ];
  }
  return [
    ...SIZES.map((n, i) => frontEnd(n, 10 ** i, 3, i === 2 ? 5 : 9)),
    ...phaseCases(0, 3),
    ...examples.map((example) => build(example, 1, 5)),
    bigBuild(2000, 0, 3),
    ...examples.map((example) => warm(example, 1, 7)),
  ];
}

export const compilerWorkload: Workload<CompilerSetup, CompilerOutput> = {
  id: "W5",
  title: "compiler",
  description:
    "Parse + check (resolve names, graph rules; no type information) of generated manifests of 200, 2,000 and 20,000 " +
    "methods in this process, against lexing the same text alone. A cold `flowc build` of each example in a fresh " +
    "process (the built CLI, type-checking with ts-morph included) against `tsc --noEmit` over the runner it wrote " +
    "(the floor of any build that type-checks it) and an empty `node -e 0`. A warm rebuild is what `--watch` does " +
    "after a methods module was saved: the module edited, TypeScript told so, the manifest compiled again in the same " +
    "process with its TypeScript project kept. The phase cases time each phase of compile() alone, called as " +
    "compile() calls it on the results of the phases before it, for a chain of `async (x: number) => Promise<number>` " +
    "methods and for one concurrent group of as many, at 200 and 2,000 methods; the type-check runs in a project that " +
    "already loaded the libraries and the methods module (its first run, loading included, is in the notes).",
  unit: "method",
  contenders: [
    flowcFrontEnd,
    floorLexer,
    flowcColdBuild,
    flowcUnchangedBuild,
    tscRunner,
    floorNodeStart,
    flowcWarmRebuild,
    ...PHASES,
  ],
  cases,
  async setup(spec) {
    const shape = PHASE_SHAPES[spec.group];
    if (shape !== undefined) {
      const { setup, firstTypeCheckMs, close } = await preparePhases(shape, spec.units);
      const note = `${spec.group}, ${spec.units.toLocaleString("en")} methods: the first type-check, TypeScript's libraries and the methods module loaded, took ${firstTypeCheckMs.toFixed(0)} ms`;
      return { value: setup, notes: [note], dispose: async () => close() };
    }
    if (spec.group === "parse + check") {
      return {
        value: {
          kind: "front end",
          source: createSourceText(`generated-${spec.units}.flow`, generateManifest(spec.units)),
          methods: spec.units,
        },
      };
    }
    const example = String(spec.params?.["example"]);
    const generated = spec.params?.["methods"];
    const manifest =
      typeof generated === "number"
        ? join(writeUserPackage(example, phaseManifest("chain", generated), phaseMethods(generated)), `${example}.flow`)
        : `examples/${example}/${example}.flow`;
    const outDir = mkdtempSync(join(tmpdir(), "flowc-bench-build-"));
    const dispose = async (): Promise<void> => rmSync(outDir, { recursive: true, force: true });
    if (spec.group.startsWith("warm")) {
      const copy = copyExample(example, outDir);
      const path = join(copy, `${example}.flow`);
      return {
        value: {
          kind: "warm rebuild",
          example,
          source: createSourceText(path, readFileSync(path, "utf8")),
          methodsFile: join(copy, `${example}.methods.ts`),
          outFile: join(copy, `${example}.flow.ts`),
        },
        dispose,
      };
    }
    // tsc needs the runner on disk: one untimed build writes it.
    const built = buildWithCli(manifest, outDir);
    if (built.status !== 0) throw new Error(`flowc build ${manifest} failed: ${built.output}`);
    const runner = runnerPath(manifest, outDir);
    // Generated runners are ES modules (they use import.meta).
    writeFileSync(join(outDir, "package.json"), JSON.stringify({ type: "module" }));
    const tsconfig = join(outDir, "tsconfig.json");
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(ROOT, "examples/tsconfig.json"),
        compilerOptions: {
          noEmit: true,
          typeRoots: [join(ROOT, "node_modules/@types")],
          // What an installed flowc gives a user's tsc: the built runtime's declarations.
          paths: { "flowc/runtime": [join(ROOT, "dist/stdlib/index.d.ts")] },
        },
        files: [runner],
      }),
    );
    return { value: { kind: "cold build", example, manifest, tsconfig }, dispose };
  },
  check(setup, output) {
    if (setup.kind === "phases" || output.kind === "phase") {
      if (setup.kind !== "phases" || output.kind !== "phase")
        throw new Error(`a ${output.kind} for a ${setup.kind} case`);
      if (output.errors.length > 0) throw new Error(`errors: ${output.errors.slice(0, 3).join("; ")}`);
      if (output.methods !== undefined && output.methods !== setup.methods)
        throw new Error(`${output.methods} methods, expected ${setup.methods}`);
      return;
    }
    if (setup.kind === "front end") {
      if (output.kind === "tokens") {
        // Every method name is a token, so fewer tokens than methods means the lexer stopped short.
        if (output.count < setup.methods) throw new Error(`${output.count} tokens for ${setup.methods} methods`);
        return;
      }
      if (output.kind !== "plan") throw new Error(`a ${output.kind} where a plan was expected`);
      if (output.errors.length > 0)
        throw new Error(`errors in the generated manifest: ${output.errors.slice(0, 3).join("; ")}`);
      if (output.methods !== setup.methods)
        throw new Error(`a plan of ${output.methods} methods, expected ${setup.methods}`);
      return;
    }
    if (output.kind === "exit") {
      if (output.status !== 0) throw new Error(`exited with ${String(output.status)}: ${output.output.slice(0, 2000)}`);
      return;
    }
    if (output.kind !== "runner") throw new Error(`a ${output.kind} where a runner was expected`);
    for (const expected of ["export const plan", "export function createRunner", `name: "${setup.example}"`]) {
      if (!output.code.includes(expected)) throw new Error(`the generated runner lacks \`${expected}\``);
    }
  },
  targets(results) {
    const out: TargetResult[] = [
      judge(
        "W5: parse + check of 2,000 methods < 100 ms",
        medianOf(findCase(results, "parse + check", 10), "flowc-front-end"),
        (ms) => ms < 100,
        (ms) => `${ms.toFixed(1)} ms`,
      ),
    ];
    for (const group of Object.keys(PHASE_SHAPES)) {
      const [small, large] = PHASE_SIZES.map((_, i) => findCase(results, group, 10 ** i));
      for (const contender of PHASES) {
        const before = medianOf(small, contender.id);
        const after = medianOf(large, contender.id);
        out.push(
          judge(
            `W5 ${group}, ${contender.label}: 2,000 methods ≤ 12× 200`,
            before === undefined || after === undefined ? undefined : after / before,
            (ratio) => ratio <= 12,
            (ratio) => `${times(ratio)} (${before!.toFixed(1)} → ${after!.toFixed(1)} ms)`,
          ),
        );
      }
    }
    for (const result of results.filter((candidate) => candidate.spec.group.startsWith("cold build"))) {
      const build = medianOf(result, "flowc-build-cold");
      const tsc = ratioOf(result, "flowc-build-cold", "tsc-runner");
      const big = typeof result.spec.params?.["methods"] === "number";
      const limitMs = big ? 4000 : 1200;
      out.push(
        judge(
          `W5: ${result.spec.group} ≤ ${limitMs / 1000} s`,
          build,
          (ms) => ms <= limitMs,
          (ms) =>
            `${(ms / 1000).toFixed(2)} s (${tsc === undefined ? "—" : times(tsc)} \`tsc --noEmit\` on its runner)`,
        ),
      );
      const unchanged = medianOf(result, "flowc-build-unchanged");
      if (unchanged !== undefined) {
        out.push(
          judge(
            `W5: ${result.spec.group}, unchanged ≤ 0.2 s`,
            unchanged,
            (ms) => ms <= 200,
            (ms) => `${(ms / 1000).toFixed(2)} s`,
          ),
        );
      }
    }
    for (const result of results.filter((candidate) => candidate.spec.group.startsWith("warm rebuild"))) {
      out.push(
        judge(
          `W5: ${result.spec.group} after a methods module was saved ≤ 100 ms`,
          medianOf(result, "flowc-build-warm"),
          (ms) => ms <= 100,
          (ms) => `${ms.toFixed(0)} ms`,
        ),
      );
    }
    return out;
  },
};
