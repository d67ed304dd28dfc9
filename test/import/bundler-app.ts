/**
 * Apps bundled with flowc's bundler plugin: an app of apps.ts (flowc, `@types/node`, the
 * examples' tsconfig, a rebuild cache of its own) with Vite, esbuild, Rollup, Rolldown, webpack and Rspack in its
 * `node_modules` too, examples/word-count under `src/`, and programs that import the
 * manifest. Builds run in this process through each bundler's own JavaScript API, with
 * the plugin's code (src/import/); the bundles run as real Node processes in the app. Vite's
 * dev server runs in this process too (`DevServer`), its file watcher seeing the app's edits.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, cpSync } from "node:fs";
import path from "node:path";
import { build as esbuild, transformSync } from "esbuild";
import { rolldown } from "rolldown";
import { rollup } from "rollup";
import { rspack } from "@rspack/core";
import webpack from "webpack";
import { build as viteBuild, createServer, type FSWatcher, type Plugin, type ViteDevServer } from "vite";
import type { FlowEvent } from "../../stdlib/api.js";
import { root } from "../cli/helpers.js";
import flowcEsbuild from "../../src/import/esbuild.js";
import flowcRolldown from "../../src/import/rolldown.js";
import flowcRollup from "../../src/import/rollup.js";
import flowcRspack from "../../src/import/rspack.js";
import flowcWebpack from "../../src/import/webpack.js";
import flowcVite from "../../src/import/vite.js";
import { createApp, runProcess, type App } from "./apps.js";

export const MANIFEST = "src/word-count/word-count.flow";
export const METHODS_TS = "src/word-count/word-count.methods.ts";
export const METHODS_JS = "src/word-count/word-count.methods.js";
export const METHODS_DTS = "src/word-count/word-count.methods.d.ts";
/** The book the bundles read, outside `src/` so that it stays when the sources are moved away. */
const BOOK = "book.txt";

/**
 * Runs the example on the book named by its argument and prints the output with what the run
 * said of its workers: the backend of each worker that came up, and the shards each ran.
 */
const PROGRAM = [
  'import { run } from "./word-count/word-count.flow";',
  "const workers = {};",
  "const shards = [];",
  "const output = await run(process.argv[2], {",
  "  onEvent(event) {",
  '    if (event.type === "worker:up") workers[event.worker] = event.backend;',
  '    if (event.type === "shard:start") shards.push({ method: event.method, worker: event.worker });',
  "  },",
  "});",
  "console.log(JSON.stringify({ output, workers, shards }));",
  "",
].join("\n");

/** Uses nothing of the manifest but its plan. */
const PLAN_ONLY = [
  'import { plan } from "./word-count/word-count.flow";',
  "console.log(JSON.stringify(plan.methods.map((method) => `${method.name}:${method.maxWorkers}`)));",
  "",
].join("\n");

/** The methods' types, for the methods in JavaScript (see `createBundlerApp`). */
const METHODS_DECLARATIONS = [
  "export type WordCounts = Record<string, number>;",
  "export interface BookSummary {",
  "  readonly chapters: number;",
  "  readonly totalWords: number;",
  "  readonly distinctWords: number;",
  "  readonly top: ReadonlyArray<readonly [word: string, count: number]>;",
  "}",
  "export declare function splitChapters(path: string): Promise<string[]>;",
  "export declare function countWords(chapter: string): WordCounts;",
  "export declare function mergeCounts(perChapter: WordCounts[]): BookSummary;",
  "",
].join("\n");

/** What the program prints. */
export interface Report {
  readonly output: unknown;
  readonly workers: Record<string, string>;
  readonly shards: readonly { readonly method: string; readonly worker: number }[];
}

export interface BundlerApp extends App {
  /** Makes this app's rebuild cache the one builds in this process use (`FLOWC_CACHE_DIR`). */
  useCache(): void;
  /** Runs `node <bundle> book.txt` with `src/` moved away, and parses what the program printed. */
  runWithoutSources(bundle: string): Promise<Report>;
  /** Runs `node <bundle> book.txt` with the sources in place, and parses what the program printed. */
  runWithSources(bundle: string): Promise<Report>;
  /** Every file under a folder of the app, by path relative to it, with its text. */
  outputs(folder: string): Map<string, string>;
}

/**
 * An app whose `src/main.ts` and `src/main.js` run the example (`PROGRAM`) and whose
 * `src/plan-only.ts` and `src/plan-only.js` import only its plan. With `methods:
 * "javascript"`, the methods are JavaScript typed by a declaration file beside it (for a
 * bundler that reads no TypeScript, as Rollup without a plugin).
 */
export function createBundlerApp(options: { readonly methods: "typescript" | "javascript" }): BundlerApp {
  const app = createApp("flowc-bundle-");
  try {
    for (const name of ["vite", "esbuild", "rollup", "rolldown", "webpack"]) {
      symlinkSync(path.join(root, "node_modules", name), app.path(`node_modules/${name}`), "dir");
    }
    mkdirSync(app.path("node_modules/@rspack"));
    symlinkSync(path.join(root, "node_modules/@rspack/core"), app.path("node_modules/@rspack/core"), "dir");
    mkdirSync(app.path("src"));
    renameSync(app.path("word-count"), app.path("src/word-count"));
    cpSync(app.path("src/word-count/data/lighthouse.txt"), app.path(BOOK));
    for (const extension of ["ts", "js"]) {
      app.write(`src/main.${extension}`, PROGRAM);
      app.write(`src/plan-only.${extension}`, PLAN_ONLY);
    }
    if (options.methods === "javascript") {
      const { code } = transformSync(app.read(METHODS_TS), { loader: "ts", format: "esm", target: "es2022" });
      app.write(METHODS_JS, code);
      app.write(METHODS_DTS, METHODS_DECLARATIONS);
      rmSync(app.path(METHODS_TS));
    }
  } catch (error) {
    app.remove();
    throw error;
  }
  return {
    ...app,
    useCache() {
      process.env["FLOWC_CACHE_DIR"] = app.cacheDir;
    },
    async runWithoutSources(bundle) {
      renameSync(app.path("src"), app.path("src-away"));
      try {
        return await runBundle(app, bundle);
      } finally {
        renameSync(app.path("src-away"), app.path("src"));
      }
    },
    runWithSources: (bundle) => runBundle(app, bundle),
    outputs(folder) {
      const files = new Map<string, string>();
      const base = app.path(folder);
      for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const file = path.join(entry.parentPath, entry.name);
        files.set(path.relative(base, file).split(path.sep).join("/"), readFileSync(file, "utf8"));
      }
      return files;
    },
  };
}

async function runBundle(app: App, bundle: string): Promise<Report> {
  const result = await runProcess(process.execPath, [bundle, BOOK], { cwd: app.dir });
  if (result.code !== 0) throw new Error(`node ${bundle} exited with ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Report;
}

/** The error `promise` rejects with; throws when it fulfils. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection, but it fulfilled");
}

/**
 * A change to a file of the app that a test takes back: `edit` replaces `from` by `to`
 * (throws when `from` is not in it), `restore` writes the first text back.
 */
export function fileEdit(app: App, relative: string): { edit(from: string, to: string): void; restore(): void } {
  const original = app.read(relative);
  return {
    edit: (from, to) => app.edit(relative, from, to),
    restore: () => writeFileSync(app.path(relative), original),
  };
}

/** A production build for Node (SSR) of `entry` into `outDir` by Vite, with the plugin. */
export async function buildWithVite(app: App, entry: string, outDir: string): Promise<void> {
  await viteBuild({
    configFile: false,
    root: app.dir,
    logLevel: "silent",
    plugins: [flowcVite()],
    build: { ssr: entry, outDir, target: "node20", emptyOutDir: true },
  });
}

/** An ES module bundle for Node of `entry` into `outfile` by esbuild, with the plugin. */
export async function buildWithEsbuild(app: App, entry: string, outfile: string): Promise<void> {
  await esbuild({
    entryPoints: [app.path(entry)],
    absWorkingDir: app.dir,
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: app.path(outfile),
    plugins: [flowcEsbuild()],
    logLevel: "silent",
  });
}

/** An ES module bundle of `entry` into `dir` by Rollup, with the plugin (Node's modules external). */
export async function buildWithRollup(app: App, entry: string, dir: string): Promise<void> {
  const bundle = await rollup({ input: app.path(entry), plugins: [flowcRollup()], external: [/^node:/] });
  try {
    await bundle.write({ dir: app.path(dir), format: "es" });
  } finally {
    await bundle.close();
  }
}

/** An ES module bundle for Node of `entry` into `dir` by Rolldown, with the plugin. */
export async function buildWithRolldown(app: App, entry: string, dir: string): Promise<void> {
  const bundle = await rolldown({ input: app.path(entry), platform: "node", plugins: [flowcRolldown()] });
  try {
    await bundle.write({ dir: app.path(dir), format: "es" });
  } finally {
    await bundle.close();
  }
}

/**
 * A production bundle for Node of `entry` into `dir/main.<mjs|cjs>` by webpack or Rspack, with
 * the plugin: an ES module (`module: true`) or CommonJS. Rejects with the build's errors,
 * each as the bundler prints it, with `errors` the bundler's own error objects.
 */
export async function buildWithWebpackLike(
  bundler: "webpack" | "rspack",
  app: App,
  entry: string,
  dir: string,
  module: boolean,
): Promise<void> {
  const config = {
    mode: "production" as const,
    target: "node20" as const,
    context: app.dir,
    entry: app.path(entry),
    experiments: module ? { outputModule: true } : {},
    output: module
      ? { path: app.path(dir), filename: "main.mjs", module: true, chunkFormat: "module" as const }
      : { path: app.path(dir), filename: "main.cjs" },
    optimization: { minimize: false },
  };
  interface Stats {
    hasErrors(): boolean;
    toJson(options: { all: false; errors: true }): { errors?: { message: string }[] };
  }
  const stats = await new Promise<Stats>((done, fail) => {
    const finish = (error: Error | null, result: Stats | undefined) =>
      error !== null || result === undefined ? fail(error ?? new Error("no stats")) : done(result);
    if (bundler === "webpack") webpack({ ...config, plugins: [flowcWebpack()] }, finish as never);
    // Each bundler's own types of the same options differ in details; the options are checked by the bundler.
    else rspack({ ...config, plugins: [flowcRspack()] } as Parameters<typeof rspack>[0], finish as never);
  });
  if (stats.hasErrors()) {
    const errors = stats.toJson({ all: false, errors: true }).errors ?? [];
    throw Object.assign(new Error(errors.map((error) => error.message).join("\n")), { errors });
  }
}

/** What the dev server's module of `src/dev.ts` exports: the manifest's. */
export interface DevModule {
  run(input: string, options: { onEvent(event: FlowEvent): void }): Promise<unknown>;
  readonly plan: { readonly methods: readonly { readonly name: string; readonly maxWorkers: number | null }[] };
}

/** What a load of `src/dev.ts` gives: the module, or the error it is rejected with. */
export type Loaded =
  | { readonly module: DevModule; readonly error?: undefined }
  | { readonly module?: undefined; readonly error: Error & Record<string, unknown> };

/**
 * Vite's dev server on an app, with the plugin (middleware mode, no WebSocket), loading
 * `src/dev.ts` (which re-exports the manifest's `run` and `plan`) through its SSR modules.
 */
export class DevServer {
  private constructor(
    private readonly app: App,
    private readonly server: ViteDevServer,
    private readonly updates: HotUpdates,
  ) {}

  static async start(app: App): Promise<DevServer> {
    app.write("src/dev.ts", 'export { run, plan } from "./word-count/word-count.flow";\n');
    const updates = new HotUpdates();
    const server = await createServer({
      configFile: false,
      root: app.dir,
      logLevel: "silent",
      appType: "custom",
      plugins: [flowcVite(), updates.plugin],
      server: {
        middlewareMode: true,
        ws: false,
        // Every write reported once it is done, however soon after the last: by default the
        // watcher drops a change of a file within 50 ms of the one before.
        watch: { awaitWriteFinish: { stabilityThreshold: 20, pollInterval: 10 } },
      },
    });
    try {
      await updates.ready();
    } catch (error) {
      await server.close();
      throw error;
    }
    return new DevServer(app, server, updates);
  }

  load(): Promise<Loaded> {
    return this.server.ssrLoadModule("/src/dev.ts").then(
      (module) => ({ module: module as DevModule }),
      (error: Error & Record<string, unknown>) => ({ error }),
    );
  }

  /**
   * Makes `change` to a file of the app, then loads the module again after each update the
   * server reports for the file until `seen` accepts what the load gives (at most five: a write
   * may be reported in parts).
   */
  async afterChange<T>(file: string, change: () => void, seen: (loaded: Loaded) => T | undefined): Promise<T> {
    let update = this.updates.next(this.app.path(file));
    change();
    for (let updates = 1; updates <= 5; updates++) {
      await update;
      update = this.updates.next(this.app.path(file));
      const accepted = seen(await this.load());
      if (accepted !== undefined) return accepted;
    }
    throw new Error(`five updates of ${file}, and the change is not seen`);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/**
 * The hot updates Vite's dev server reports in its `ssr` environment, to wait on; and when its
 * file watcher is ready (a change made before it is would go unseen).
 */
class HotUpdates {
  readonly #waiting: { readonly file: string; readonly resolve: () => void }[] = [];
  readonly plugin: Plugin;
  #ready: Promise<void> | undefined;

  constructor() {
    const waiting = this.#waiting;
    const watching = (ready: Promise<void>) => (this.#ready = ready);
    this.plugin = {
      name: "hot-updates",
      configureServer(server) {
        watching(watcherReady(server.watcher));
      },
      hotUpdate(options) {
        if (this.environment.name !== "ssr") return;
        const file = path.resolve(options.file);
        for (const waiter of waiting.filter((candidate) => candidate.file === file)) {
          waiting.splice(waiting.indexOf(waiter), 1);
          waiter.resolve();
        }
      },
    };
  }

  /** Resolves once the server's file watcher has read the folders it watches. */
  ready(): Promise<void> {
    if (this.#ready === undefined) throw new Error("the plugin is not in a dev server");
    return this.#ready;
  }

  /** Resolves on the next update of `file`. */
  next(file: string): Promise<void> {
    return new Promise((resolve) => this.#waiting.push({ file: path.resolve(file), resolve }));
  }
}

/** Chokidar says `ready` once, when its first scan is done; a watcher that said it already knows it. */
function watcherReady(watcher: FSWatcher): Promise<void> {
  if ((watcher as unknown as { _readyEmitted?: boolean })._readyEmitted === true) return Promise.resolve();
  return new Promise((resolve) => watcher.once("ready", () => resolve()));
}
