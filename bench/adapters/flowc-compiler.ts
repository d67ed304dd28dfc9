/**
 * The flowc compiler three ways: its front end in process (parse, resolve,
 * check; no type information), `flowc build` in a fresh process of the built
 * CLI (what a build step runs), and a rebuild in a process that already
 * compiled the manifest once (its TypeScript project kept).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, isAbsolute, join } from "node:path";
import { compile } from "../../src/compile.js";
import { createTypeScriptServices } from "../../src/typescript-services.js";
import { CLI, ROOT } from "../harness/processes.js";
import type { Contender } from "../harness/types.js";
import type { CompilerOutput, CompilerSetup } from "../workloads/w5-compiler.js";

function expectKind<K extends CompilerSetup["kind"]>(
  setup: CompilerSetup,
  kind: K,
): Extract<CompilerSetup, { kind: K }> {
  if (setup.kind !== kind) throw new Error(`needs a ${kind} case, got a ${setup.kind} one`);
  return setup as Extract<CompilerSetup, { kind: K }>;
}

/** Parse + resolve + check, what `flowc check` does before it reads any TypeScript. */
export const flowcFrontEnd: Contender<CompilerSetup, CompilerOutput> = {
  id: "flowc-front-end",
  label: "flowc parse + check",
  role: "flowc",
  placement: "process",
  async prepare(setup) {
    const { source } = expectKind(setup, "front end");
    return {
      async run() {
        const result = await compile(source, { types: false });
        const errors = result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
        return { kind: "plan", methods: result.plan?.methods.length ?? 0, errors };
      },
    };
  },
};

/** Where `flowc build --out-dir outDir`, run from the repository root, writes the runner of `manifest`. */
export function runnerPath(manifest: string, outDir: string): string {
  // A manifest outside the working directory goes straight into the folder.
  return isAbsolute(manifest)
    ? join(outDir, `${basename(manifest)}.ts`)
    : join(outDir, manifest.replace(/\.flow$/, ".flow.ts"));
}

/**
 * `flowc build <manifest> --out-dir <dir>` with the built CLI; exit status and output.
 * Without `cacheDir`, with `--no-cache`: a cold build compiles whatever the rebuild cache holds.
 */
export function buildWithCli(
  manifest: string,
  outDir: string,
  cacheDir?: string,
): { status: number | null; output: string } {
  const args = [CLI, "build", manifest, "--out-dir", outDir, ...(cacheDir === undefined ? ["--no-cache"] : [])];
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...(cacheDir === undefined ? {} : { FLOWC_CACHE_DIR: cacheDir }) },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * `flowc build` of the case's manifest in a fresh process, timed per run. With `cached`, the
 * rebuild cache answers: a first build, untimed, fills it; without, `--no-cache` compiles each time.
 */
function cliBuild(id: string, label: string, cached: boolean): Contender<CompilerSetup, CompilerOutput> {
  return {
    id,
    label,
    role: "flowc",
    placement: "spawns",
    async prepare(setup) {
      const { manifest } = expectKind(setup, "cold build");
      const outDir = mkdtempSync(join(tmpdir(), `${id}-`));
      const cacheDir = cached ? join(outDir, ".cache") : undefined;
      const runner = runnerPath(manifest, outDir);
      if (cacheDir !== undefined) {
        const first = buildWithCli(manifest, outDir, cacheDir);
        if (first.status !== 0) throw new Error(`flowc build failed: ${first.output}`);
      }
      return {
        async run() {
          const built = buildWithCli(manifest, outDir, cacheDir);
          if (built.status !== 0) return { kind: "exit", ...built };
          return { kind: "runner", code: readFileSync(runner, "utf8") };
        },
        close: async () => rmSync(outDir, { recursive: true, force: true }),
      };
    },
  };
}

export const flowcColdBuild = cliBuild("flowc-build-cold", "`flowc build`, fresh process", false);

/** `flowc build` in a fresh process when nothing changed since the last build: answered by the rebuild cache. */
export const flowcUnchangedBuild = cliBuild(
  "flowc-build-unchanged",
  "`flowc build`, fresh process, nothing changed",
  true,
);

export const flowcWarmRebuild: Contender<CompilerSetup, CompilerOutput> = {
  id: "flowc-build-warm",
  label: "rebuild after a methods module was saved, as --watch does",
  role: "flowc",
  placement: "process",
  async prepare(setup) {
    const { source, methodsFile, outFile } = expectKind(setup, "warm rebuild");
    const services = createTypeScriptServices();
    const original = readFileSync(methodsFile, "utf8");
    let edits = 0;
    const build = async (): Promise<CompilerOutput> => {
      const result = await compile(source, { outFile }, services);
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      if (result.code === undefined || errors.length > 0) {
        return { kind: "exit", status: 1, output: errors.map((d) => d.message).join("; ") || "no code" };
      }
      return { kind: "runner", code: result.code };
    };
    const start = performance.now();
    const first = await build();
    const firstMs = performance.now() - start;
    if (first.kind !== "runner")
      throw new Error(`the first build failed: ${first.kind === "exit" ? first.output : first.kind}`);
    return {
      // An edit that changes the module's text (and so its program) but not its types, saved as an editor does.
      async run() {
        writeFileSync(methodsFile, `${original}\n// edit ${++edits}\n`);
        services.refresh([methodsFile]);
        return build();
      },
      notes: [`the first build in this process took ${firstMs.toFixed(0)} ms`],
      close: async () => services.close(),
    };
  },
};
