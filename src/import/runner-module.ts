/**
 * A manifest as a module to import: what the Node loader and the bundler plugin hand
 * their host for `import { run } from "./etl.flow"`. The runner `flowc build` would
 * write beside the manifest (same imports, same `moduleBase`), compiled to JavaScript,
 * or the diagnostics printed as the CLI prints them when the manifest has errors.
 *
 * Without TypeScript services of the caller's, an unchanged manifest (its text, its
 * methods' files, the tsconfig, the options) is answered from the rebuild cache without
 * loading TypeScript, and its JavaScript from the same cache: a second start costs a few
 * file reads. A dev server passes services it keeps warm instead (see `createWatchServices`).
 * What only a compilation, an error or a declaration file needs is imported when needed, so
 * that an answer from the cache loads little more than the cache.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createSourceText, type SourceText } from "../../grammar/source.js";
import type { Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { defaultCacheDir, openCompileCache, type CompileCache } from "../cache/compile-cache.js";
import { compileSources, type FileResult } from "../compile-sources.js";
import type { TypeScriptServices } from "../compile.js";
import type { EmitOptions } from "../emit/emit.js";
import type { TypeScriptVersion } from "../typecheck/engine.js";
import type { TargetBackend } from "../typecheck/types.js";

export interface RunnerModuleOptions {
  /** TypeScript kept warm across calls (a dev server's); without it, the rebuild cache answers unchanged manifests. */
  readonly services?: TypeScriptServices | undefined;
  /** The TypeScript that reads the methods when no services are given (`--typescript`). */
  readonly typescript?: TypeScriptVersion | undefined;
  /** As `--workers`. */
  readonly workers?: number | undefined;
  /** As `--backend`. */
  readonly backend?: TargetBackend | undefined;
  /** Where worker threads import parallel methods' modules from in a bundle (see `EmitOptions.moduleLocation`). */
  readonly moduleLocation?: EmitOptions["moduleLocation"];
  /** Also write `etl.d.flow.ts` beside the manifest (only when its text changed). */
  readonly declarations?: boolean | undefined;
  /** `false`: neither read nor write the rebuild cache. */
  readonly cache?: boolean | undefined;
  /** Where the rebuild cache is (default: as the CLI's, found from the working directory). */
  readonly cacheDir?: string | undefined;
}

export interface RunnerModule {
  /** The manifest's absolute path. */
  readonly file: string;
  /** The runner as an ES module in JavaScript; `undefined` when the manifest has an error. */
  readonly code: string | undefined;
  /** Every diagnostic, warnings included, and the texts they point into. */
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: readonly SourceText[];
  /** The diagnostics as `flowc check` prints them, code frames included (no colour). */
  readonly report: string;
  /** The files whose change changes the module: the manifest, its methods' modules, the files their code hash read. */
  readonly watchFiles: readonly string[];
  /** The methods' module files, absolute, by manifest name. */
  readonly modulePaths: ReadonlyMap<string, string>;
}

/**
 * Compiles the manifest at `manifestPath` into the module its importers get. Rejects only
 * when the manifest cannot be read (the file system's error); a mistake in it is a
 * diagnostic, in `report`.
 */
export async function compileRunnerModule(
  manifestPath: string,
  options: RunnerModuleOptions = {},
): Promise<RunnerModule> {
  const file = path.resolve(manifestPath);
  // Diagnostics name the manifest as the CLI run from here would: relative, when it is below.
  const shown = path.relative(process.cwd(), file);
  const declarationPathFor =
    options.declarations === true ? (await import("../emit/emit.js")).declarationPathFor : undefined;
  const source = createSourceText(
    shown.startsWith("..") || path.isAbsolute(shown) ? file : shown,
    await readFile(file, "utf8"),
  );
  const useCache = options.services === undefined && options.cache !== false;
  const cacheDir = options.cacheDir ?? defaultCacheDir(process.cwd());
  const [result] = await compileSources(
    [source],
    {
      workers: options.workers,
      backend: options.backend,
      typescript: options.typescript,
      cache: useCache,
      cacheDir,
      // Where `flowc build` writes it: the imports and `moduleBase` are the same from there.
      outFile: () => `${file}.ts`,
      declarationsFile: declarationPathFor === undefined ? undefined : () => declarationPathFor(file),
      moduleLocation: options.moduleLocation,
    },
    options.services,
  );
  const compiled = result!;
  const code =
    compiled.code === undefined
      ? undefined
      : await toJavaScript(compiled.code, `${file}.ts`, useCache ? openCompileCache(cacheDir) : undefined);
  if (compiled.declarations !== undefined && compiled.declarationsFile !== undefined) {
    await writeIfChanged(compiled.declarationsFile, compiled.declarations);
  }
  return {
    file,
    code,
    diagnostics: compiled.diagnostics,
    sources: compiled.sources,
    report: await report(compiled),
    watchFiles: [...new Set([file, ...compiled.modulePaths.values(), ...compiled.codeFiles])],
    modulePaths: compiled.modulePaths,
  };
}

/** The diagnostics as the CLI prints them, with paths relative to the working directory. */
async function report(result: FileResult): Promise<string> {
  if (result.diagnostics.length === 0) return "";
  const { formatDiagnosticsText } = await import("../diagnostics/printer.js");
  const sources = new Map(result.sources.map((source) => [source.path, source]));
  return formatDiagnosticsText(result.diagnostics, (file) => sources.get(file), { color: false });
}

/**
 * The runner's TypeScript as JavaScript: esbuild strips the types (the runner has no
 * enum, namespace or decorator, nothing that needs more). Kept in the cache by the
 * TypeScript's hash, so that an unchanged runner does not start esbuild.
 */
async function toJavaScript(code: string, sourcefile: string, cache: CompileCache | undefined): Promise<string> {
  const key = { kind: "runner-javascript", hash: createHash("sha256").update(code).digest("hex") };
  const cached = cache?.lookup<string>(key);
  if (cached !== undefined) return cached;
  const { transform } = await import("esbuild");
  const result = await transform(code, { loader: "ts", format: "esm", target: "es2022", sourcefile });
  cache?.store(key, result.code, []);
  return result.code;
}

/** Writes `text` at `file` unless it holds it already, so that watchers do not see a change that is none. */
async function writeIfChanged(file: string, text: string): Promise<void> {
  const { fileHolds, replaceFile } = await import("../write-file.js");
  if (!(await fileHolds(file, text))) await replaceFile(file, text);
}
