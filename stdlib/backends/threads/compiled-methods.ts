/**
 * Methods written in TypeScript, compiled to JavaScript once in the calling thread, so
 * that worker threads import plain ES modules instead of each loading tsx (about half a
 * second per thread where a JavaScript module takes tens of milliseconds).
 *
 * Every local TypeScript module a methods module imports is compiled on its own by
 * esbuild (the compiler tsx itself runs), into a file of the cache folder named by the
 * module's path and content; its imports are rewritten to point at those files, and
 * every other import at what the original would have loaded: a package by its name
 * (looked up from the cache folder, which sits in the `node_modules` the module would
 * search first), any other file by its absolute URL. `import.meta.url`, `dirname` and
 * `filename` keep the original module's values, and an inline source map sends stack
 * frames to the `.ts` lines.
 *
 * Beside the compiled entry, a record of the graph it was compiled from (see
 * compiled-record.ts): a later run that finds every module of the graph with the same
 * content, and every compiled file as written, uses them without loading esbuild (which
 * costs a process and a tenth of a second). `flowc run` imports the same compiled files
 * in its own thread, so that it need not load tsx either.
 *
 * A module is left to tsx when compiling it could change what it does: a CommonJS
 * module (`.cts`, or a package without `"type": "module"`), an `import()` or `require`
 * of a computed path (which the compiled file would resolve from elsewhere), a use of
 * `import.meta` other than `url`, `dirname` and `filename` (`import.meta.resolve` would
 * resolve from the cache folder), an import of a package whose module is TypeScript
 * (which only tsx can load), or a module esbuild refuses (tsx then reports the error as
 * before).
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  isCurrent,
  makeRecord,
  noteSurroundings,
  textHash,
  type CompiledModule,
  type Surroundings,
} from "./compiled-record.js";

/** Bumped when the compiled files change shape, so older ones are not reused. */
const FORMAT = 1;
/** Past this many files (compiled modules and their records) in a cache folder, those not used for `STALE_MS` are removed. */
const KEEP_FILES = 200;
/** A file's modification time is renewed when it is used (at most once per `RENEW_MS`); one unused this long may go. */
const STALE_MS = 30 * 24 * 60 * 60 * 1000;
const RENEW_MS = 24 * 60 * 60 * 1000;
const TYPESCRIPT_ESM = /\.(?:m?ts|tsx)$/;
const LOCAL_TYPESCRIPT = /\.(?:m?ts|tsx|cts)$/;
/** An `import(…)` or `require(…)` whose argument is not a string literal. */
const COMPUTED_IMPORT = /\b(?:import|require)\s*\(\s*(?!["'`]\s*[^`$]*["'`]\s*[,)])/;
/** `import.meta` used otherwise than for the `url`, `dirname` and `filename` the compiled file keeps. */
const OTHER_IMPORT_META = /\bimport\s*\.\s*meta\b(?!\s*\.\s*(?:url|dirname|filename)\b)/;
/** The record of an entry's graph is named as its compiled file, with this in place of `.mjs`. */
const RECORD_SUFFIX = ".graph.json";

type Esbuild = typeof import("esbuild");

/**
 * The URL each module should be imported from on a worker thread (and by `flowc run`):
 * its compiled file for a TypeScript ES module that compiles, else the URL itself. Never
 * throws: what cannot be compiled keeps its URL, and loads through tsx. A URL that is
 * JavaScript already (a compiled file among them) is kept as it is.
 */
export async function threadModuleUrls(urls: Iterable<string>): Promise<Map<string, string>> {
  const loadFrom = new Map<string, string>();
  let esbuild: Esbuild | undefined;
  for (const url of new Set(urls)) {
    loadFrom.set(url, url);
    if (!url.startsWith("file:") || !TYPESCRIPT_ESM.test(new URL(url).pathname)) continue;
    try {
      const entry = fileURLToPath(url);
      const found = compiledBefore(entry);
      if (found !== undefined) {
        loadFrom.set(url, found);
        continue;
      }
      esbuild ??= await import("esbuild");
      const compiled = await new ModuleCompiler(esbuild, entry).compileGraph();
      if (compiled !== undefined) loadFrom.set(url, compiled);
    } catch {
      // esbuild missing or failing: tsx loads the module, and says what is wrong with it.
    }
  }
  return loadFrom;
}

/**
 * The URL of `entry`'s compiled file when its record says that nothing it was compiled
 * from has changed since, without loading esbuild; else `undefined`.
 */
function compiledBefore(entry: string): string | undefined {
  const version = installedEsbuildVersion();
  if (version === undefined) return undefined;
  const cacheDir = cacheDirFor(path.dirname(entry));
  const nameOf = (file: string, source: string) => compiledName(version, file, source);
  const fileOf = (name: string) => path.join(cacheDir, `${name}.mjs`);
  let source: string;
  let record: unknown;
  try {
    source = readFileSync(entry, "utf8");
    record = JSON.parse(readFileSync(path.join(cacheDir, `${nameOf(entry, source)}${RECORD_SUFFIX}`), "utf8"));
  } catch {
    return undefined;
  }
  if (!isCurrent(record, entry, nameOf, fileOf)) return undefined;
  const entryName = record.modules[entry]!.name;
  // Used again: the pruning keeps them.
  renew(path.join(cacheDir, `${entryName}${RECORD_SUFFIX}`));
  for (const { name } of Object.values(record.modules)) renew(fileOf(name));
  return pathToFileURL(fileOf(entryName)).href;
}

/** The version of the esbuild `import("esbuild")` would load, from its package.json (which `require` keeps once read). */
function installedEsbuildVersion(): string | undefined {
  try {
    const { version } = createRequire(import.meta.url)("esbuild/package.json") as { version?: unknown };
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}

/** The name of `file`'s compiled file: a hash of the format, the compiler's version, its path and its content. */
function compiledName(version: string, file: string, source: string): string {
  return createHash("sha256").update(`${FORMAT}\0${version}\0${file}\0`).update(source).digest("hex").slice(0, 32);
}

/** Compiles one methods module and the local TypeScript modules it imports, transitively. */
class ModuleCompiler {
  readonly #esbuild: Esbuild;
  readonly #entry: string;
  readonly #cacheDir: string;
  /** Absolute paths compiled or queued, with the name of the file each compiles to. */
  readonly #names = new Map<string, string>();
  /** The text of each module read, once: it names the compiled file and is what is compiled. */
  readonly #sources = new Map<string, string>();
  /** The modules' folders and settings files, noted as each module is read. */
  readonly #surroundings: Surroundings = { folders: {}, settings: {} };
  /** Set when a module imports a package whose module is TypeScript, which only tsx loads. */
  #importsTypeScriptPackage = false;

  constructor(esbuild: Esbuild, entry: string) {
    this.#esbuild = esbuild;
    this.#entry = entry;
    this.#cacheDir = cacheDirFor(path.dirname(entry));
  }

  /** The URL of the compiled entry, or `undefined` when some module of the graph must stay with tsx. */
  async compileGraph(): Promise<string | undefined> {
    const queue = [this.#entry];
    this.#nameOf(this.#entry);
    const compiled = new Map<string, string>();
    while (queue.length > 0) {
      const file = queue.shift()!;
      const result = await this.#compile(file, (dependency) => {
        if (!this.#names.has(dependency)) queue.push(dependency);
        return this.#fileOf(this.#nameOf(dependency));
      });
      if (result === undefined || this.#importsTypeScriptPackage) return undefined;
      compiled.set(file, result);
    }
    mkdirSync(this.#cacheDir, { recursive: true });
    const modules: Record<string, CompiledModule> = {};
    for (const [file, code] of compiled) {
      const name = this.#nameOf(file);
      writeWhole(this.#fileOf(name), code);
      modules[file] = { name, output: textHash(code) };
    }
    // Written last: a record names only compiled files that are in place.
    const record = makeRecord(this.#entry, modules, this.#surroundings);
    writeWhole(path.join(this.#cacheDir, `${this.#nameOf(this.#entry)}${RECORD_SUFFIX}`), JSON.stringify(record));
    pruneStale(this.#cacheDir);
    return pathToFileURL(this.#fileOf(this.#nameOf(this.#entry))).href;
  }

  /** The compiled text of `file`, or `undefined` when it must stay with tsx. */
  async #compile(file: string, compiledFileOf: (dependency: string) => string): Promise<string | undefined> {
    this.#nameOf(file);
    const source = this.#sources.get(file)!;
    if (!isEsModule(file) || COMPUTED_IMPORT.test(source) || OTHER_IMPORT_META.test(source)) return undefined;
    const url = pathToFileURL(file).href;
    const esbuild = this.#esbuild;
    const result = await esbuild.build({
      // The text that named the compiled file, not what the file may hold by now.
      stdin: {
        contents: source,
        sourcefile: file,
        resolveDir: path.dirname(file),
        loader: file.endsWith(".tsx") ? "tsx" : "ts",
      },
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      outfile: compiledFileOf(file),
      sourcemap: "inline",
      logLevel: "silent",
      define: {
        "import.meta.url": JSON.stringify(url),
        "import.meta.filename": JSON.stringify(file),
        "import.meta.dirname": JSON.stringify(path.dirname(file)),
      },
      plugins: [
        {
          name: "flowc-thread-imports",
          setup: (build) => {
            build.onResolve({ filter: /.*/ }, async (args) => {
              if (args.kind === "entry-point" || args.pluginData === "resolving") return undefined;
              const resolved = await build.resolve(args.path, {
                kind: args.kind,
                importer: args.importer,
                resolveDir: args.resolveDir,
                pluginData: "resolving",
              });
              if (resolved.errors.length > 0 || resolved.external || resolved.path === "") {
                return { path: args.path, external: true };
              }
              const inPackage = resolved.path.split(path.sep).includes("node_modules");
              if (inPackage && LOCAL_TYPESCRIPT.test(resolved.path)) this.#importsTypeScriptPackage = true;
              // A package (or Node's own module): imported by name, as the original does.
              if (inPackage || !path.isAbsolute(resolved.path)) return { path: args.path, external: true };
              if (LOCAL_TYPESCRIPT.test(resolved.path)) {
                return { path: pathToFileURL(compiledFileOf(resolved.path)).href, external: true };
              }
              return { path: pathToFileURL(resolved.path).href, external: true };
            });
          },
        },
      ],
    });
    return result.outputFiles[0]?.text;
  }

  /** The name of the file `file` compiles to (see `compiledName`); reads it the first time. */
  #nameOf(file: string): string {
    let name = this.#names.get(file);
    if (name === undefined) {
      noteSurroundings(file, this.#surroundings);
      const source = readFileSync(file, "utf8");
      this.#sources.set(file, source);
      name = compiledName(this.#esbuild.version, file, source);
      this.#names.set(file, name);
    }
    return name;
  }

  #fileOf(name: string): string {
    return path.join(this.#cacheDir, `${name}.mjs`);
  }
}

/**
 * The cache folder for modules of `dir`: in the `node_modules` that `dir` searches first,
 * so that packages the compiled files import by name are found as the originals find them.
 */
function cacheDirFor(dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    if (path.basename(at) !== "node_modules" && existsSync(path.join(at, "node_modules"))) {
      return path.join(at, CACHE_IN_PACKAGES);
    }
    if (path.dirname(at) === at) break;
  }
  return path.join(os.tmpdir(), `${CACHE_IN_TMP}${process.getuid?.() ?? "user"}`);
}

const CACHE_IN_PACKAGES = path.join("node_modules", ".cache", "flowc", "threads");
const CACHE_IN_TMP = "flowc-threads-";

/**
 * Whether `file` (an absolute path) is in a folder compiled files are written to: a stack
 * frame there is one the source map did not send to a `.ts` line (code esbuild added).
 */
export function isCompiledFile(file: string): boolean {
  const dir = path.dirname(file);
  return (
    dir.endsWith(`${path.sep}${CACHE_IN_PACKAGES}`) ||
    (path.dirname(dir) === os.tmpdir() && path.basename(dir).startsWith(CACHE_IN_TMP))
  );
}

/** Whether Node loads `file` as an ES module: `.mts`, or `.ts`/`.tsx` in a package of `"type": "module"`. */
function isEsModule(file: string): boolean {
  if (file.endsWith(".mts")) return true;
  if (file.endsWith(".cts")) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type === "module";
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

/** Writes `text` to `file` under a temporary name and renames it into place, unless it is there already. */
function writeWhole(file: string, text: string): void {
  try {
    if (readFileSync(file, "utf8") === text) {
      // In use again: the pruning below keeps it.
      const now = new Date();
      utimesSync(file, now, now);
      return;
    }
  } catch {
    // Not there yet.
  }
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** Renews the modification time of a file in use, so that the pruning keeps it; once a day is enough. */
function renew(file: string): void {
  try {
    if (statSync(file).mtimeMs > Date.now() - RENEW_MS) return;
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Removed meanwhile: the next run compiles it again.
  }
}

/**
 * Bounds the cache folder: each edit of a module leaves its older compiled file (and the
 * record of its graph) behind. Only files unused for a month go (a thread started later
 * by a long-lived process may still import the file it was given), and only once there
 * are many.
 */
function pruneStale(dir: string): void {
  try {
    const files = readdirSync(dir).filter((name) => name.endsWith(".mjs") || name.endsWith(RECORD_SUFFIX));
    if (files.length <= KEEP_FILES) return;
    const before = Date.now() - STALE_MS;
    for (const name of files) {
      const file = path.join(dir, name);
      if (statSync(file).mtimeMs < before) rmSync(file, { force: true });
    }
  } catch {
    // A folder another process is pruning too: what is left is pruned next time.
  }
}
