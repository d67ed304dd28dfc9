/**
 * A manifest imported directly, five ways, each a fresh `node` process in a package of its
 * own that imports an example's manifest, calls `run(input)` with the example's input and
 * prints the output as `flowc run` does:
 *
 * - `loader-cold`: `node --import flowc/register app.mjs`, the loader compiling the manifest
 *   (TypeScript 7 reading the methods) and the methods' modules for plain Node, with nothing
 *   in the rebuild cache nor in the compiled modules' cache;
 * - `loader-warm`: the same start when a start before it (untimed) left both caches filled;
 * - `prebuilt`: `node app.mjs` importing the runner `flowc build` wrote, compiled to
 *   JavaScript by esbuild with its methods, both steps done once, untimed: what a warm
 *   loader start is compared with;
 * - `prebuilt-hooked`: `prebuilt` under a `module.register` hook that only passes imports on:
 *   what Node's hooks thread alone costs a start;
 * - `cli-build`: `flowc build`, esbuild and `node app.mjs` in sequence, the caches emptied
 *   as for `loader-cold`: the whole two-step recipe the loader replaces.
 *
 * Each package's `node_modules/flowc` links to this repository, whose `exports` point at
 * the built `dist/`, so the loader is reached as `flowc/register`, as from an installed flowc.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { CLI, ROOT } from "../harness/processes.js";
import type { Contender, Trial } from "../harness/types.js";
import { copyExample } from "../harness/user-package.js";
import type { ImportOutput, ImportSetup } from "../workloads/w9-import.js";

const ESBUILD = join(ROOT, "node_modules/esbuild/bin/esbuild");

/** A copy of one example in a package of its own, run from its root. */
export interface ImportPackage {
  readonly dir: string;
  readonly example: string;
  /** The manifest, relative to `dir`: `examples/<name>/<name>.flow`. */
  readonly manifest: string;
  /** The example's input, relative to `dir`; the paths it holds are relative to `dir` too. */
  readonly input: string;
  /** The folder of the example's copy. */
  readonly folder: string;
  /** Where plain Node's compiled methods modules are kept: the package's `node_modules/.cache/flowc/threads`. */
  readonly threadsCache: string;
}

/**
 * Writes a package at `dir`: a `node_modules/flowc` link to this repository, and the example
 * copied to `examples/<name>/` (with the examples' tsconfig), so that the paths in its
 * `input.json`, relative to the repository root, hold from the package's root.
 */
export function writeImportPackage(dir: string, example: string): ImportPackage {
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: `bench-import-${example}`, private: true, type: "module" }),
  );
  symlinkSync(ROOT, join(dir, "node_modules/flowc"), "dir");
  const folder = copyExample(example, join(dir, "examples"));
  return {
    dir,
    example,
    manifest: `examples/${example}/${example}.flow`,
    input: `examples/${example}/input.json`,
    folder,
    threadsCache: join(dir, "node_modules/.cache/flowc/threads"),
  };
}

export interface Spawned {
  readonly status: number | null;
  readonly stdout: string;
  /** stdout and stderr, for failure messages. */
  readonly output: string;
}

/** `program args` in the package's root, the rebuild cache at `cacheDir`; killed after `timeoutMs`. */
export function spawnIn(
  pkg: ImportPackage,
  program: string,
  args: readonly string[],
  cacheDir: string,
  timeoutMs: number,
): Spawned {
  const result = spawnSync(program, args, {
    cwd: pkg.dir,
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: "1", FLOWC_CACHE_DIR: cacheDir },
  });
  const status = result.error === undefined ? result.status : null;
  const error = result.error === undefined ? "" : `${result.error.message}\n`;
  return { status, stdout: result.stdout ?? "", output: `${error}${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** Writes `app.mjs`: imports `run` from `specifier`, runs it on the example's input, prints the output. */
function writeApp(pkg: ImportPackage, specifier: string): void {
  const app = [
    "// Imports the manifest's runner, runs it on the example's input and prints the output as `flowc run` does.",
    'import { readFileSync } from "node:fs";',
    `import { run } from ${JSON.stringify(specifier)};`,
    "",
    `const input = JSON.parse(readFileSync(${JSON.stringify(pkg.input)}, "utf8"));`,
    "const output = await run(input);",
    'process.stdout.write(`${JSON.stringify(output, null, 2) ?? "null"}\\n`);',
    "",
  ].join("\n");
  writeFileSync(join(pkg.dir, "app.mjs"), app);
}

/** A finished process as the workload's output: what it printed, or how it failed. */
function outputOf(spawned: Spawned): ImportOutput {
  return spawned.status === 0
    ? { kind: "printed", stdout: spawned.stdout }
    : { kind: "exit", status: spawned.status, output: spawned.output };
}

/** `flowc build` of the package's manifest: the runner `examples/<name>/<name>.flow.ts`. */
function buildRunner(pkg: ImportPackage, cacheDir: string, timeoutMs: number): Spawned {
  return spawnIn(pkg, process.execPath, [CLI, "build", pkg.manifest], cacheDir, timeoutMs);
}

/** esbuild, in a process of its own as a build script runs it, over the example's TypeScript: `.js` beside each `.ts`. */
function compileToJavaScript(pkg: ImportPackage, cacheDir: string, timeoutMs: number): Spawned {
  const sources = readdirSync(pkg.folder)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .map((file) => relative(pkg.dir, join(pkg.folder, file)));
  const args = [...sources, `--outdir=${relative(pkg.dir, pkg.folder)}`, "--format=esm", "--target=es2022"];
  return spawnIn(pkg, ESBUILD, [...args, "--log-level=warning"], cacheDir, timeoutMs);
}

/** Removes what a build wrote beside the example's sources: the runner and every `.js`. */
function removeBuilt(pkg: ImportPackage): void {
  for (const file of readdirSync(pkg.folder)) {
    if (file.endsWith(".js") || file.endsWith(".flow.ts")) rmSync(join(pkg.folder, file));
  }
}

/** The files under `dir` (relative, sorted), or none when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

const THREADS = `threads${sep}`;

/**
 * What is in the caches under `dir` (the rebuild cache, its `threads` folder the compiled
 * modules'): each file with its modification time, or `undefined` for the compiled modules,
 * whose times a start renews when it uses them. A rebuild cache entry is only ever written
 * whole, under a new modification time; a lookup leaves it untouched.
 */
function cacheState(dir: string): Map<string, number | undefined> {
  return new Map(
    filesUnder(dir).map((file) => [file, file.startsWith(THREADS) ? undefined : statSync(join(dir, file)).mtimeMs]),
  );
}

/**
 * A package for contender `id` in the case's folder; the rebuild cache of a warm start is
 * where it is by default, `node_modules/.cache/flowc`, beside the compiled modules'.
 */
function packageFor(setup: ImportSetup, id: string): { pkg: ImportPackage; warmCache: string } {
  const pkg = writeImportPackage(join(setup.dir, id), setup.example);
  return { pkg, warmCache: join(pkg.dir, "node_modules/.cache/flowc") };
}

/**
 * Cold starts in contender `id`'s package, whose `app.mjs` imports `specifier`: before each
 * run, the rebuild cache is a fresh empty folder, the compiled modules' cache is removed, and
 * so are the files a build wrote beside the sources; `start` then runs with that round's
 * cache folder. With `stores`, each run must have filled both caches (it compiled).
 */
function coldTrial(
  setup: ImportSetup,
  id: string,
  specifier: (pkg: ImportPackage) => string,
  start: (pkg: ImportPackage, cacheDir: string) => ImportOutput,
  stores: boolean,
): Trial<ImportOutput> {
  const { pkg } = packageFor(setup, id);
  writeApp(pkg, specifier(pkg));
  let round = 0;
  let cacheDir = "";
  return {
    async before() {
      if (cacheDir !== "") rmSync(cacheDir, { recursive: true, force: true });
      cacheDir = join(setup.dir, `${id}-cache-${++round}`);
      rmSync(pkg.threadsCache, { recursive: true, force: true });
      removeBuilt(pkg);
    },
    run: async () => start(pkg, cacheDir),
    async verify() {
      if (!stores) return;
      if (filesUnder(cacheDir).length === 0)
        throw new Error(`the start stored nothing in the rebuild cache ${cacheDir}`);
      if (filesUnder(pkg.threadsCache).length === 0) throw new Error("the start stored no compiled methods module");
    },
    close: async () => rmSync(pkg.dir, { recursive: true, force: true }),
  };
}

/** `node --import flowc/register app.mjs` with both caches emptied before each start; each start must fill them. */
export const loaderCold: Contender<ImportSetup, ImportOutput> = {
  id: "loader-cold",
  label: "`node --import flowc/register`, caches empty",
  role: "flowc",
  placement: "spawns",
  async prepare(setup, spec) {
    return coldTrial(
      setup,
      "loader-cold",
      (pkg) => `./${pkg.manifest}`,
      (pkg, cacheDir) =>
        outputOf(spawnIn(pkg, process.execPath, ["--import", "flowc/register", "app.mjs"], cacheDir, spec.timeoutMs)),
      true,
    );
  },
};

/**
 * `node --import flowc/register app.mjs` once a start before it (untimed, in `prepare`) filled
 * the caches; each run must store nothing new in them: they answered it.
 */
export const loaderWarm: Contender<ImportSetup, ImportOutput> = {
  id: "loader-warm",
  label: "`node --import flowc/register`, caches filled by a start before",
  role: "flowc",
  placement: "spawns",
  async prepare(setup, spec) {
    const { pkg, warmCache } = packageFor(setup, "loader-warm");
    writeApp(pkg, `./${pkg.manifest}`);
    const start = (): Spawned =>
      spawnIn(pkg, process.execPath, ["--import", "flowc/register", "app.mjs"], warmCache, spec.timeoutMs);
    const began = performance.now();
    const first = start();
    const firstMs = performance.now() - began;
    if (first.status !== 0) throw new Error(`the first start failed: ${first.output.slice(0, 2000)}`);
    const filled = cacheState(warmCache);
    // A compiled methods module, and the rebuild cache's entries.
    if (![...filled.values()].includes(undefined) || [...filled.values()].every((time) => time === undefined)) {
      throw new Error(`the first start left the caches with ${[...filled.keys()].join(", ") || "nothing"}`);
    }
    return {
      run: async () => outputOf(start()),
      async verify() {
        const now = cacheState(warmCache);
        const stored = [...now].filter(([file, time]) => !filled.has(file) || filled.get(file) !== time);
        if (stored.length > 0) {
          throw new Error(`a warm start stored ${stored.map(([file]) => file).join(", ")}: it compiled again`);
        }
      },
      notes: [`the first start, untimed, which compiled the manifest and the methods: ${firstMs.toFixed(0)} ms`],
      close: async () => rmSync(pkg.dir, { recursive: true, force: true }),
    };
  },
};

/** `node app.mjs` importing the runner `flowc build` wrote, compiled to JavaScript, once and untimed. */
export const prebuilt: Contender<ImportSetup, ImportOutput> = prebuiltContender("prebuilt", false);

/**
 * `prebuilt` with a hook registered through `module.register` that does nothing but pass every
 * import on: what Node's hooks thread costs any loader on its own, the part of a warm loader
 * start no loader can save.
 */
export const prebuiltHooked: Contender<ImportSetup, ImportOutput> = prebuiltContender("prebuilt-hooked", true);

/**
 * An entry that registers hooks which only pass each import on, then imports the app. Registered
 * from the program rather than with `--import`, so that worker threads, whose options are the
 * process's own, do not start hooks of their own: as flowc's loader is left out of theirs.
 */
const PASSING_HOOKS = [
  'import { register } from "node:module";',
  "const hooks = `export async function resolve(s, c, next) { return next(s, c); }",
  "export async function load(u, c, next) { return next(u, c); }`;",
  "register(`data:text/javascript,${encodeURIComponent(hooks)}`);",
  'await import("./app.mjs");',
  "",
].join("\n");

function prebuiltContender(id: string, hooked: boolean): Contender<ImportSetup, ImportOutput> {
  return {
    id,
    label: hooked
      ? "the same under a `module.register` hook that passes every import on"
      : "`node` of the runner `flowc build` wrote, compiled by esbuild beforehand",
    role: "floor",
    placement: "spawns",
    async prepare(setup, spec) {
      const { pkg, warmCache } = packageFor(setup, id);
      writeApp(pkg, `./${pkg.manifest}.js`);
      if (hooked) writeFileSync(join(pkg.dir, "hooked-app.mjs"), PASSING_HOOKS);
      const began = performance.now();
      for (const step of [buildRunner, compileToJavaScript]) {
        const done = step(pkg, warmCache, spec.timeoutMs);
        if (done.status !== 0) throw new Error(`building the runner failed: ${done.output.slice(0, 2000)}`);
      }
      const buildMs = performance.now() - began;
      const args = [hooked ? "hooked-app.mjs" : "app.mjs"];
      const start = (): Spawned => spawnIn(pkg, process.execPath, args, warmCache, spec.timeoutMs);
      // As for a warm loader start: the compiled modules worker threads import are in their cache.
      const first = start();
      if (first.status !== 0) throw new Error(`the first start failed: ${first.output.slice(0, 2000)}`);
      return {
        run: async () => outputOf(start()),
        notes: [`\`flowc build\` and esbuild, untimed: ${buildMs.toFixed(0)} ms`],
        close: async () => rmSync(pkg.dir, { recursive: true, force: true }),
      };
    },
  };
}

/** `flowc build`, esbuild, then `node app.mjs`, in sequence, both caches and the built files removed before each run. */
export const cliBuild: Contender<ImportSetup, ImportOutput> = {
  id: "cli-build",
  label: "`flowc build`, esbuild, then `node` of the runner, caches empty",
  role: "peer",
  placement: "spawns",
  async prepare(setup, spec) {
    return coldTrial(
      setup,
      "cli-build",
      (pkg) => `./${pkg.manifest}.js`,
      (pkg, cacheDir) => {
        for (const step of [buildRunner, compileToJavaScript]) {
          const done = step(pkg, cacheDir, spec.timeoutMs);
          if (done.status !== 0) return outputOf(done);
        }
        return outputOf(spawnIn(pkg, process.execPath, ["app.mjs"], cacheDir, spec.timeoutMs));
      },
      false,
    );
  },
};
