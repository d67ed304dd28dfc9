/**
 * Compiling manifests with the rebuild cache: what every command, the Node loader and
 * the bundler plugin share. Each manifest is compiled to plain data (`FileResult`) that
 * the cache can keep; an unchanged one is answered from the cache without loading
 * TypeScript (see src/cache/compile-cache.ts).
 */
import { createHash } from "node:crypto";
import type { SourceText } from "../grammar/source.js";
import type { PlanDescriptor } from "../stdlib/plan.js";
import type { Diagnostic } from "../grammar/diagnostics/diagnostic.js";
import type { CompileResult, TypeScriptServices } from "./compile.js";
import { defaultCacheDir, openCompileCache } from "./cache/compile-cache.js";
import type { TypeScriptVersion } from "./typecheck/engine.js";
import type { InputProblem } from "./typecheck/input-check.js";
import type { EdgeType, TargetBackend } from "./typecheck/types.js";
import type { EmitOptions } from "./emit/emit.js";
import type { WarmTypeScriptServices } from "./typescript-services.js";

export interface CompileFilesOptions {
  readonly workers?: number | undefined;
  readonly backend?: TargetBackend | undefined;
  readonly types?: boolean;
  /** `--typescript`: the TypeScript that reads the methods (see `createTypeScriptServices`). */
  readonly typescript?: TypeScriptVersion | undefined;
  /** A run's input to judge against the plan's input type (see `CompileOptions.runInput`). */
  readonly runInput?: { readonly value: unknown } | undefined;
  /** Output path of each manifest's runner; when given, runners are emitted. */
  readonly outFile?: ((manifestPath: string) => string) | undefined;
  /** Output path of each manifest's declaration file (`etl.d.flow.ts`); when given, they are emitted. */
  readonly declarationsFile?: ((manifestPath: string) => string) | undefined;
  /** `false` (`--no-cache`): neither answer from the rebuild cache nor write to it. */
  readonly cache?: boolean | undefined;
  /** The rebuild cache's folder (default: found from the working directory, see `defaultCacheDir`). */
  readonly cacheDir?: string | undefined;
  /**
   * Where worker threads import parallel methods' modules from in a bundle (see
   * `EmitOptions.moduleLocation`). A function the cache cannot key: given, the cache is not used.
   */
  readonly moduleLocation?: EmitOptions["moduleLocation"];
}

/** What a command needs of a manifest's compilation: all of it plain data, so the rebuild cache can keep it. */
export interface FileResult {
  readonly source: SourceText;
  /** Every phase's diagnostics (see `CompileResult.diagnostics`). */
  readonly diagnostics: readonly Diagnostic[];
  /** The texts diagnostics point into (see `CompileResult.sources`). */
  readonly sources: readonly SourceText[];
  readonly plan: PlanDescriptor | undefined;
  /** The runner's code, when one was asked for and there were no errors. */
  readonly code: string | undefined;
  readonly outFile: string | undefined;
  /** The declaration file's text, when one was asked for and there were no errors. */
  readonly declarations: string | undefined;
  readonly declarationsFile: string | undefined;
  /** Resolved module file of each method, keyed by manifest name. */
  readonly modulePaths: ReadonlyMap<string, string>;
  /** The files the methods' code hashes were read from (see `TypedPlan.codeFiles`). */
  readonly codeFiles: readonly string[];
  /** Whether the manifest parsed, so that its modules were looked up. */
  readonly resolved: boolean;
  /** The backend the manifest's `backend …;` statement names. */
  readonly backend: TargetBackend | undefined;
  /** The run's input type, printed, when the types were read. */
  readonly inputType: string | undefined;
  /** What travels along each edge, when the types were read (see `TypedPlan.edges`). */
  readonly edges: readonly EdgeType[] | undefined;
  /** Where `runInput` does not fit the input type (see `TypedPlan.inputProblems`). */
  readonly inputProblems: readonly InputProblem[] | undefined;
}

/**
 * Compiles manifests already read, sharing `typescript` (one project per tsconfig).
 * Without `typescript` given, an unchanged manifest is answered from the rebuild cache
 * (src/cache/compile-cache.ts) and the compiler is not even loaded; the services made
 * for the others are closed here, so that no TypeScript process outlives the command.
 * Watch mode passes its own, kept warm, and the cache stays out of it.
 */
export async function compileSources(
  sources: readonly SourceText[],
  options: CompileFilesOptions,
  typescript?: TypeScriptServices,
): Promise<FileResult[]> {
  const cache =
    typescript === undefined &&
    options.cache !== false &&
    options.types !== false &&
    options.moduleLocation === undefined
      ? openCompileCache(options.cacheDir ?? defaultCacheDir(process.cwd()))
      : undefined;
  let compiler: Compiler | undefined;
  const results: FileResult[] = [];
  try {
    for (const source of sources) {
      const outFile = options.outFile?.(source.path);
      const declarationsFile = options.declarationsFile?.(source.path);
      const key = cache === undefined ? undefined : cacheKey(source, options, outFile, declarationsFile);
      const cached = key === undefined ? undefined : cache?.lookup<CachedResult>(key);
      if (cached !== undefined) {
        results.push(fromCache(cached, source, outFile, declarationsFile));
        continue;
      }
      compiler ??= await loadCompiler(options, typescript);
      const result = await compiler.compile(
        source,
        {
          workers: options.workers,
          backend: options.backend,
          types: options.types,
          runInput: options.runInput,
          outFile,
          declarationsFile,
          moduleLocation: options.moduleLocation,
        },
        compiler.services,
      );
      const fileResult = toFileResult(result, outFile, declarationsFile);
      if (cache !== undefined && key !== undefined && compiler.owned !== undefined) {
        // The code hashes read files TypeScript may not have (one only `require` names).
        const read = [source.path, ...(await filesRead(compiler.owned, source.path)), ...fileResult.codeFiles];
        if (outFile !== undefined) read.push(...(await filesRead(compiler.owned, outFile)));
        cache.store(key, toCache(fileResult), read);
      }
      results.push(fileResult);
    }
  } finally {
    compiler?.owned?.close();
  }
  return results;
}

/** What the project of the manifest (or runner) at `file` has read, for the cache's fingerprint. */
async function filesRead(services: WarmTypeScriptServices, file: string): Promise<readonly string[]> {
  return (await services.forManifest(file)).filesRead();
}

interface Compiler {
  readonly compile: typeof import("./compile.js").compile;
  readonly services: TypeScriptServices | undefined;
  /** The services created here (closed here too); `undefined` when given or not needed. */
  readonly owned: WarmTypeScriptServices | undefined;
}

/** Loads the compiler (TypeScript, the runner's printer) only when a manifest needs compiling. */
async function loadCompiler(options: CompileFilesOptions, given: TypeScriptServices | undefined): Promise<Compiler> {
  const { compile } = await import("./compile.js");
  if (given !== undefined || options.types === false) return { compile, services: given, owned: undefined };
  const { createTypeScriptServices } = await import("./typescript-services.js");
  const owned = createTypeScriptServices({ typescript: options.typescript });
  return { compile, services: owned, owned };
}

function toFileResult(
  result: CompileResult,
  outFile: string | undefined,
  declarationsFile: string | undefined,
): FileResult {
  const modulePaths = new Map<string, string>();
  for (const [name, binding] of result.resolution?.bindings ?? []) {
    if (binding.modulePath !== undefined) modulePaths.set(name, binding.modulePath);
  }
  return {
    source: result.source,
    diagnostics: result.diagnostics,
    sources: result.sources,
    plan: result.plan,
    code: result.code,
    outFile,
    declarations: result.declarations,
    declarationsFile,
    modulePaths,
    codeFiles: result.typed?.codeFiles ?? [],
    resolved: result.resolution !== undefined,
    backend: result.analysis?.backend,
    inputType: result.typed?.inputType,
    edges: result.typed?.edges,
    inputProblems: result.typed?.inputProblems,
  };
}

/** A `FileResult` as the cache keeps it: without the manifest (read again anyway) and with its map as entries. */
type CachedResult = Omit<FileResult, "source" | "outFile" | "declarationsFile" | "modulePaths" | "sources"> & {
  readonly modulePaths: readonly (readonly [string, string])[];
  /** The texts diagnostics point into, but the manifest's own. */
  readonly otherSources: readonly SourceText[];
};

function toCache(result: FileResult): CachedResult {
  const { source, outFile, declarationsFile, modulePaths, sources, ...rest } = result;
  void outFile;
  void declarationsFile;
  return { ...rest, modulePaths: [...modulePaths], otherSources: sources.filter((text) => text !== source) };
}

function fromCache(
  cached: CachedResult,
  source: SourceText,
  outFile: string | undefined,
  declarationsFile: string | undefined,
): FileResult {
  const { modulePaths, otherSources, ...rest } = cached;
  const sources = [source, ...otherSources];
  return { ...rest, source, outFile, declarationsFile, modulePaths: new Map(modulePaths), sources };
}

/**
 * Everything besides the files read that decides a compilation's answer: where the
 * command runs (diagnostics print paths as given), the manifest, and the options.
 */
function cacheKey(
  source: SourceText,
  options: CompileFilesOptions,
  outFile: string | undefined,
  declarationsFile: string | undefined,
): unknown {
  const input =
    options.runInput === undefined
      ? null
      : createHash("sha256")
          .update(JSON.stringify(options.runInput.value) ?? "undefined")
          .digest("hex");
  return {
    cwd: process.cwd(),
    manifest: source.path,
    workers: options.workers ?? null,
    backend: options.backend ?? null,
    types: options.types ?? true,
    typescript: options.typescript ?? null,
    outFile: outFile ?? null,
    declarationsFile: declarationsFile ?? null,
    input,
  };
}
