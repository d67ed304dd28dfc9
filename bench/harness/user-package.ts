/**
 * A package as a user has it: a manifest and its methods in TypeScript, the
 * runner `flowc build` writes beside them, and all of it compiled to
 * JavaScript by `tsc`, in a temporary folder. Its `node_modules/flowc` links
 * to this repository, whose `exports` point at the built `dist/`, so the
 * runner imports `flowc/runtime` as it would from an installed flowc.
 *
 * The JavaScript is written beside the TypeScript (no `outDir`): the runner's
 * `moduleBase` is its own folder, where worker threads find the methods'
 * TypeScript first and load it through tsx, as they do in a user's project.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Runner, RunnerOptions, RunOptions } from "../../stdlib/index.js";
import { CLI, ROOT } from "./processes.js";

const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

export interface UserPackage {
  readonly dir: string;
  /** Imports a module of the package by its file name (`etl.flow.js`). */
  load<M>(file: string): Promise<M>;
}

const folders: string[] = [];
process.once("exit", removeUserPackages);

/**
 * Removes every package folder written so far; the process's exit does too, but
 * a test worker may be stopped without one. Only once no runner of them runs:
 * worker threads import the methods from their folder when they start.
 */
export function removeUserPackages(): void {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes `<name>.flow` and `<name>.methods.ts` into a new package folder, with
 * the examples' `tsconfig.json` settings, and any further manifests by file
 * name (`other.flow`, importing from `./<name>.methods`); returns the folder,
 * removed when the process exits (a module, once imported, stays loaded, so
 * it outlives any one case).
 */
export function writeUserPackage(
  name: string,
  manifest: string,
  methods: string,
  others: Readonly<Record<string, string>> = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), `flowc-bench-${name}-`));
  folders.push(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `bench-${name}`, private: true, type: "module" }));
  // The examples' settings (what the README gives users), emitting JavaScript beside the sources.
  const tsconfig = {
    extends: join(ROOT, "examples/tsconfig.json"),
    compilerOptions: { noEmit: false, typeRoots: [join(ROOT, "node_modules/@types")] },
    include: ["*.ts"],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules/flowc"), "dir");
  writeFileSync(join(dir, `${name}.flow`), manifest);
  writeFileSync(join(dir, `${name}.methods.ts`), methods);
  for (const [file, text] of Object.entries(others)) writeFileSync(join(dir, file), text);
  return dir;
}

/**
 * {@link writeUserPackage}, then `flowc build` of every manifest with the
 * built CLI and `tsc` over the folder; throws with their output when either fails.
 */
export function buildUserPackage(
  name: string,
  manifest: string,
  methods: string,
  others: Readonly<Record<string, string>> = {},
): UserPackage {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const dir = writeUserPackage(name, manifest, methods, others);
  run("flowc build", [CLI, "build", `${name}.flow`, ...Object.keys(others)], dir);
  run("tsc", [TSC, "-p", "tsconfig.json"], dir);
  return { dir, load: (file) => import(pathToFileURL(join(dir, file)).href) };
}

/** The runtime a generated runner runs on. */
export type InstalledRuntime = typeof import("../../stdlib/index.js");

/**
 * The runtime as the packages' runners import it (`flowc/runtime`: the built
 * `dist/`, through their `node_modules/flowc` link, which the module loader
 * resolves to this very file), for what a user passes them (`sqliteStore(dir)`).
 */
export function installedRuntime(): Promise<InstalledRuntime> {
  return import(pathToFileURL(join(ROOT, "dist/stdlib/index.js")).href) as Promise<InstalledRuntime>;
}

function run(what: string, args: readonly string[], cwd: string): void {
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  if (result.status !== 0) {
    throw new Error(
      `${what} failed in ${cwd} (${String(result.status ?? result.signal)}): ${result.stdout}${result.stderr}`,
    );
  }
}

/** What a runner `flowc build` generated exports, as a user's code calls it. */
export interface GeneratedRunner<I, O> {
  run(input: I, options?: RunOptions & RunnerOptions): Promise<O>;
  close(): Promise<void>;
  createRunner(options?: RunnerOptions): Runner<I, O>;
}

/**
 * Copies `examples/<example>/` into `outDir/<example>/`, in a package of its own whose
 * tsconfig has the examples' settings; returns the copy's folder. The copy is outside
 * this repository: its methods reach the runtime's types as an installed flowc gives them.
 */
export function copyExample(example: string, outDir: string): string {
  const copy = join(outDir, example);
  cpSync(join(ROOT, "examples", example), copy, { recursive: true });
  writeFileSync(join(outDir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(outDir, "tsconfig.json"),
    JSON.stringify({
      extends: join(ROOT, "examples/tsconfig.json"),
      compilerOptions: {
        typeRoots: [join(ROOT, "node_modules/@types")],
        paths: { "flowc/runtime": [join(ROOT, "dist/stdlib/index.d.ts")] },
      },
      include: ["**/*.ts"],
    }),
  );
  return copy;
}
