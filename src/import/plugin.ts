/**
 * The bundler plugin: `import { run } from "./etl.flow"` in code that Vite, Rollup,
 * Rolldown, esbuild, webpack or Rspack bundles. One implementation on unplugin, exported
 * per bundler as `flowc/vite`, `flowc/rollup`, `flowc/esbuild`, `flowc/webpack`, `flowc/rspack`.
 *
 * - A `.flow` module is its runner in JavaScript (runner-module.ts), the same code
 *   `flowc build` writes, so the bundler follows its imports: the methods are bundled, and
 *   `flowc/runtime` stays external (its worker threads start from a file of the package).
 * - A manifest with errors is the bundler's own error, located at the first error, its
 *   message the diagnostics as `flowc check` prints them (Vite's overlay shows it, with the
 *   code frame).
 * - The manifest's methods modules and the files their code hash read are watch files of
 *   the module: a dev server or a watching build compiles it again when one changes, with
 *   TypeScript kept warm between rebuilds and told which files changed.
 * - Worker threads import a parallel method's module on their own, so a bundle must ship it
 *   as a file: Vite, Rollup and Rolldown builds emit it as a chunk of its own; esbuild
 *   builds it beside the output (see esbuild-methods.ts). Vite's dev server and webpack or
 *   Rspack builds point the threads at the module's source file, which they compile
 *   themselves (stdlib/backends/threads/compiled-methods.ts).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createUnplugin, type UnpluginContextMeta, type UnpluginMessage, type UnpluginOptions } from "unplugin";
import { positionAt } from "../../grammar/source.js";
import { createWatchServices, type WatchServices } from "../watch-services.js";
import { codeFrame, formatDiagnosticText } from "../diagnostics/printer.js";
import type { ModuleLocation, ModuleToLocate } from "../emit/emit.js";
import type { TypeScriptVersion } from "../typecheck/engine.js";
import { relativeImportSpecifier } from "../typecheck/module-specifier.js";
import type { TargetBackend } from "../typecheck/types.js";
import { EsbuildMethods } from "./esbuild-methods.js";
import { compileRunnerModule, type RunnerModule } from "./runner-module.js";

export interface FlowcPluginOptions {
  /** As `--workers`: the most workers a plan may use at once. */
  readonly workers?: number | undefined;
  /** As `--backend`: the backend the plans are meant for. */
  readonly backend?: TargetBackend | undefined;
  /** As `--typescript`: the TypeScript that reads the methods. @default 7 */
  readonly typescript?: TypeScriptVersion | undefined;
  /**
   * Write `etl.d.flow.ts` beside each manifest the build imports (only when its text
   * changes), so that `tsc` types `import … from "./etl.flow"`; see `flowc build --declarations`.
   * @default false
   */
  readonly declarations?: boolean | undefined;
}

const MANIFEST = /\.flow$/;
const RUNTIME = /^flowc\/runtime$/;
const DECLARATION_FILE = /\.d\.[cm]?ts$/;

/** Bundlers whose externals are their configuration's, not what a plugin resolves. */
const WEBPACK_LIKE = new Set(["webpack", "rspack"]);

/** Bundlers whose plugin context can emit a chunk, and name its file once the chunks are rendered. */
const ROLLUP_LIKE = new Set(["rollup", "vite", "rolldown"]);

/** What the runner says for an emitted chunk's path until the chunk's file name is known. */
const CHUNK_PLACEHOLDER = /__flowc_chunk_([A-Za-z0-9_$-]+)__/g;

interface RollupContext {
  emitFile(file: { type: "chunk"; id: string; name?: string }): string;
  getFileName(referenceId: string): string;
}

export const flowcPlugin = createUnplugin<FlowcPluginOptions | undefined, false>((options = {}, meta) => {
  let services: WatchServices | undefined;
  /** A dev server (or a watching build): TypeScript stays warm and is told of changes. */
  let serving = false;
  const esbuildMethods = meta.framework === "esbuild" ? new EsbuildMethods() : undefined;
  /** The manifests each watch file (a methods module, …) was read for, for Vite to update them when it changes. */
  const readFor = new Map<string, Set<string>>();
  /** The compilations, one at a time: a bundler loads modules concurrently, and they share one TypeScript. */
  let compiling: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const done = compiling.then(work, work);
    compiling = done.catch(() => undefined);
    return done;
  };

  const plugin: UnpluginOptions = {
    name: "flowc",
    enforce: "pre",
    // The runtime stays a package of its own, imported at run time: its worker threads start
    // from a file of its (the threads backend's worker entry) that a bundle would not hold.
    // (Vite's dev server imports it through Node when `ssr.external` names it; see `config`.)
    // Nothing relies on importing it for its effects: a bundle that uses none of its exports (code
    // that imports only `plan` or the types) drops the import.
    // (webpack and Rspack are told in their configuration instead; see `externalRuntime`.)
    resolveId: (id) =>
      RUNTIME.test(id) && !serving && !WEBPACK_LIKE.has(meta.framework)
        ? ({ id, external: true, moduleSideEffects: false } as { id: string; external: true })
        : null,
    loadInclude: (id) => MANIFEST.test(id),
    async load(id) {
      const shared = (services ??= createWatchServices(options.typescript));
      const locate = (module: ModuleToLocate): ModuleLocation | undefined => {
        if (module.file === undefined) return undefined;
        const file = runtimeFile(module.file);
        if (ROLLUP_LIKE.has(meta.framework) && !serving) {
          const name = path.basename(file, path.extname(file));
          const referenceId = (this as unknown as RollupContext).emitFile({ type: "chunk", id: file, name });
          return { kind: "relative", path: `__flowc_chunk_${referenceId}__` };
        }
        const built = esbuildMethods?.locate(file);
        return built ?? { kind: "url", href: pathToFileURL(file).href };
      };
      const module = await oneAtATime(() =>
        compileRunnerModule(id, {
          services: shared,
          workers: options.workers,
          backend: options.backend,
          declarations: options.declarations,
          moduleLocation: locate,
        }),
      );
      for (const file of module.watchFiles) {
        if (file === module.file) continue;
        this.addWatchFile(file);
        let manifests = readFor.get(file);
        if (manifests === undefined) readFor.set(file, (manifests = new Set()));
        manifests.add(module.file);
      }
      if (module.code === undefined) {
        // `error` throws under Rollup and Vite; esbuild and webpack record it with the module they are given.
        this.error(errorOf(module, meta));
        return { code: "", map: null };
      }
      if (module.report !== "") this.warn({ message: module.report, id: module.file });
      return { code: module.code, map: null };
    },
    watchChange(id) {
      if (services === undefined) return;
      if (path.basename(id).startsWith("tsconfig") && id.endsWith(".json")) services.forgetProject(id);
      else services.refresh([id]);
    },
    async buildEnd() {
      await esbuildMethods?.build();
      if (serving) return;
      services?.close();
      services = undefined;
    },
    vite: {
      renderChunk,
      config: () => ({ ssr: { external: ["flowc"] } }),
      // A methods module changed: the manifests that read it compile again (their types may no
      // longer fit), and update with it.
      hotUpdate(options) {
        const manifests = readFor.get(path.resolve(options.file));
        if (manifests === undefined) return;
        const graph = this.environment.moduleGraph;
        const modules = [...options.modules];
        for (const manifest of manifests) {
          for (const module of graph.getModulesByFile(manifest) ?? []) {
            graph.invalidateModule(module);
            if (!modules.includes(module)) modules.push(module);
          }
        }
        return modules;
      },
      configResolved(config) {
        serving = config.command === "serve";
      },
      buildStart(this: { meta?: { watchMode?: boolean } }) {
        if (this.meta?.watchMode === true) serving = true;
      },
      closeBundle() {
        services?.close();
        services = undefined;
      },
    },
    rollup: {
      renderChunk,
      buildStart(this: { meta?: { watchMode?: boolean } }) {
        serving = this.meta?.watchMode === true;
      },
      closeWatcher() {
        services?.close();
        services = undefined;
      },
    },
    rolldown: {
      renderChunk,
    },
    webpack(compiler) {
      externalRuntime(compiler.options);
    },
    rspack(compiler) {
      externalRuntime(compiler.options);
    },
    esbuild: {
      onResolveFilter: RUNTIME,
      onLoadFilter: MANIFEST,
      setup(build) {
        esbuildMethods?.configure(build);
      },
    },
  };
  return plugin;
});

/**
 * The file that runs for a module the compiler resolved: a declaration file only gives the
 * types of the JavaScript beside it (`etl.methods.d.ts` → `etl.methods.js`), the file the
 * runner's own import names.
 */
function runtimeFile(file: string): string {
  if (!DECLARATION_FILE.test(file)) return file;
  return path.resolve(path.dirname(file), relativeImportSpecifier(path.dirname(file), file));
}

/**
 * Makes `flowc/runtime` an external of a webpack or Rspack build: imported as an ES module at
 * run time (`module` in an ES module bundle, else `import()`, since flowc is an ES module package).
 */
function externalRuntime(options: { externals?: unknown; output: { module?: boolean | undefined } }): void {
  const runtime = { "flowc/runtime": `${options.output.module === true ? "module" : "import"} flowc/runtime` };
  const given = options.externals;
  options.externals = given === undefined ? [runtime] : Array.isArray(given) ? [...given, runtime] : [given, runtime];
}

/**
 * Rollup's, Rolldown's and Vite's `renderChunk`: the runner's placeholders for emitted chunks,
 * made paths relative to the chunk that holds it (`./x.js`).
 */
function renderChunk(
  this: unknown,
  code: string,
  chunk: { readonly fileName: string },
): { code: string; map: null } | null {
  if (!code.includes("__flowc_chunk_")) return null;
  const context = this as RollupContext;
  const replaced = code.replace(CHUNK_PLACEHOLDER, (_, referenceId: string) => {
    const relative = path.posix.relative(path.posix.dirname(chunk.fileName), context.getFileName(referenceId));
    return relative.startsWith(".") ? relative : `./${relative}`;
  });
  return { code: replaced, map: null };
}

/**
 * The bundler's error for a manifest that did not compile, at its first error. Vite and
 * Rollup show a `frame` under the message, so there the message is the diagnostics'
 * headlines; elsewhere it is the whole report, code frames included (esbuild places it at
 * the import of the manifest).
 */
function errorOf(module: RunnerModule, meta: UnpluginContextMeta): UnpluginMessage & { frame?: string } {
  const first = module.diagnostics.find((diagnostic) => diagnostic.severity === "error");
  const source = module.sources.find((text) => text.path === first?.file);
  if (first === undefined || source === undefined) return { message: module.report, id: module.file };
  const start = positionAt(source, first.span.start);
  const end = positionAt(source, Math.max(first.span.end, first.span.start + 1));
  const file = path.resolve(source.path);
  const loc = { file, line: start.line, column: start.column - 1 };
  // esbuild would print a location it is given without its line's text: the report says where, with the frame.
  if (meta.framework === "esbuild") return { message: module.report.trimEnd() };
  if (!ROLLUP_LIKE.has(meta.framework)) return { message: module.report, id: file, loc };
  // Each diagnostic's first line, as the report has it.
  const sources = new Map(module.sources.map((text) => [text.path, text]));
  const headlines = module.diagnostics.map(
    (diagnostic) => formatDiagnosticText(diagnostic, (name) => sources.get(name), { color: false }).split("\n")[0],
  );
  return { message: headlines.join("\n"), id: file, loc, frame: codeFrame(source, start, end) };
}
