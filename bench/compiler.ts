/**
 * Compiler benchmark: how long the front end and a full build take, each next
 * to a baseline measured in the same run.
 *
 *   npx tsx bench/compiler.ts [--quick]
 *
 * - front end: parse + resolve + check of a generated manifest of N methods
 *   (no type information), against lexing the same text (the floor any parser pays);
 *   target for 2,000 methods: < 100 ms.
 * - cold build: `flowc build` of an example in a fresh process, type-checking
 *   included, against `tsc --noEmit` over the runner it generated and against
 *   an empty node process; target < 2 s.
 * - warm rebuild: the same manifest compiled again in one process with the
 *   TypeScript project kept.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "../grammar/index.js";
import { tokenize } from "../grammar/lexer.js";
import { createSourceText } from "../grammar/source.js";
import { check } from "../src/check/check.js";
import { compile } from "../src/compile.js";
import { resolve, untypedHost } from "../src/resolve/resolve.js";
import { createTypeScriptServices } from "../src/typescript-services.js";

const quick = process.argv.includes("--quick");
const rounds = quick ? 3 : 7;
const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "dist/src/cli/main.js");

interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * A manifest of `n` methods shaped like real ones: chains of ten joined end to
 * end (so the graph is one connected DAG with fan-in), every fifth chain's
 * middle method parallel, and per-method property groups.
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

function frontEnd(sizes: readonly number[]): string[] {
  const rows: string[] = [];
  for (const n of sizes) {
    const source = createSourceText(`bench-${n}.flow`, generateManifest(n));
    const run = () => {
      const parsed = parse(source);
      const resolution = resolve(parsed.document, source, untypedHost);
      const analysis = check(parsed.document, source, resolution, {});
      const errors = [...parsed.diagnostics, ...resolution.diagnostics, ...analysis.diagnostics].filter(
        (d) => d.severity === "error",
      );
      if (errors.length > 0 || analysis.plan === undefined) throw new Error(`generated manifest has errors: ${errors[0]?.message}`);
    };
    const lex = () => void tokenize(source.text, source.path);
    for (let i = 0; i < 3; i++) {
      run();
      lex();
    }
    const full = stats(Array.from({ length: rounds }, () => time(run)));
    const floor = stats(Array.from({ length: rounds }, () => time(lex)));
    const target = n === 2000 ? " (target < 100 ms)" : "";
    rows.push(
      `| parse + check, ${n} methods${target} | ${ms(full)} | lexing only: ${ms(floor)} | ${(full.median / floor.median).toFixed(1)}× |`,
    );
  }
  return rows;
}

function spawnMs(command: string, args: readonly string[]): number {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8" });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stdout}${result.stderr}`);
  return elapsed;
}

function coldBuild(example: string): string[] {
  const outDir = mkdtempSync(join(tmpdir(), "flowc-bench-"));
  try {
    const manifest = `examples/${example}/${example}.flow`;
    const build = () => spawnMs(process.execPath, [cli, "build", manifest, "--out-dir", outDir]);
    build();
    // tsc over the generated runner and its methods: the floor of any type-checking build.
    const tsconfig = join(outDir, "tsconfig.json");
    // Generated runners are ES modules (they use import.meta).
    writeFileSync(join(outDir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: join(root, "examples/tsconfig.json"),
        compilerOptions: {
          noEmit: true,
          typeRoots: [join(root, "node_modules/@types")],
          paths: { "flowc/runtime": [join(root, "stdlib/index.ts")] },
        },
        files: [join(outDir, manifest.replace(/\.flow$/, ".flow.ts"))],
      }),
    );
    const tsc = () => spawnMs(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", tsconfig]);
    const node = () => spawnMs(process.execPath, ["-e", "0"]);
    tsc();
    const builds = stats(Array.from({ length: rounds }, build));
    const tscs = stats(Array.from({ length: rounds }, tsc));
    const nodes = stats(Array.from({ length: rounds }, node));
    return [
      `| cold \`flowc build\` of ${example} (target < 2 s) | ${ms(builds)} | \`tsc --noEmit\` on its runner: ${ms(tscs)} | ${(builds.median / tscs.median).toFixed(2)}× |`,
      `| (process start alone) | | \`node -e 0\`: ${ms(nodes)} | |`,
    ];
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function warmRebuild(example: string): Promise<string> {
  const services = createTypeScriptServices();
  const path = join(root, `examples/${example}/${example}.flow`);
  const { readFile } = await import("node:fs/promises");
  const source = createSourceText(path, await readFile(path, "utf8"));
  const once = () => compile(source, { outFile: path.replace(/\.flow$/, ".flow.ts") }, services);
  const first = await timeAsync(once);
  const again = stats(await sequence(rounds, () => timeAsync(once)));
  return `| warm rebuild of ${example} (same process) | ${ms(again)} | first build in this process: ${first.toFixed(0)} ms | ${(again.median / first).toFixed(2)}× |`;
}

async function sequence(n: number, fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

function ms(s: Stats): string {
  return `${s.median.toFixed(1)} ms (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
}

const rows = [
  ...frontEnd(quick ? [200, 2000] : [200, 2000, 20000]),
  ...coldBuild("word-count"),
  await warmRebuild("word-count"),
];
console.log(`flowc compiler benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}`);
console.log(`median of ${rounds} runs after warm-up (min–max)\n`);
console.log("| measure | flowc | baseline (same run) | ratio |");
console.log("| --- | --- | --- | --- |");
for (const row of rows) console.log(row);
