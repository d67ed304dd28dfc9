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
 * A module is left to tsx when compiling it could change what it does: a CommonJS
 * module (`.cts`, or a package without `"type": "module"`), an `import()` or `require`
 * of a computed path (which the compiled file would resolve from elsewhere), or a
 * module esbuild refuses (tsx then reports the error as before).
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
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Bumped when the compiled files change shape, so older ones are not reused. */
const FORMAT = 1;
/** Past this many compiled files in a cache folder, those not used for `STALE_MS` are removed. */
const KEEP_FILES = 200;
/** A compiled file's modification time is renewed whenever it is used; one unused this long may go. */
const STALE_MS = 30 * 24 * 60 * 60 * 1000;
const TYPESCRIPT_ESM = /\.(?:m?ts|tsx)$/;
const LOCAL_TYPESCRIPT = /\.(?:m?ts|tsx|cts)$/;
/** An `import(…)` or `require(…)` whose argument is not a string literal. */
const COMPUTED_IMPORT = /\b(?:import|require)\s*\(\s*(?!["'`]\s*[^`$]*["'`]\s*[,)])/;

type Esbuild = typeof import("esbuild");

/**
 * The URL each module should be imported from on a worker thread: its compiled file for
 * a TypeScript ES module that compiles, else the URL itself. Never throws: what cannot
 * be compiled keeps its URL, and loads through tsx.
 */
export async function threadModuleUrls(urls: Iterable<string>): Promise<Map<string, string>> {
  const loadFrom = new Map<string, string>();
  let esbuild: Esbuild | undefined;
  for (const url of new Set(urls)) {
    loadFrom.set(url, url);
    if (!url.startsWith("file:") || !TYPESCRIPT_ESM.test(new URL(url).pathname)) continue;
    try {
      esbuild ??= await import("esbuild");
      const compiled = await new ModuleCompiler(esbuild, fileURLToPath(url)).compileGraph();
      if (compiled !== undefined) loadFrom.set(url, compiled);
    } catch {
      // esbuild missing or failing: tsx loads the module, and says what is wrong with it.
    }
  }
  return loadFrom;
}

/** Compiles one methods module and the local TypeScript modules it imports, transitively. */
class ModuleCompiler {
  readonly #esbuild: Esbuild;
  readonly #entry: string;
  readonly #cacheDir: string;
  /** Absolute paths compiled or queued, with the file each compiles to. */
  readonly #outputs = new Map<string, string>();
  /** The text of each module read, once: it names the compiled file and is what is compiled. */
  readonly #sources = new Map<string, string>();

  constructor(esbuild: Esbuild, entry: string) {
    this.#esbuild = esbuild;
    this.#entry = entry;
    this.#cacheDir = cacheDirFor(path.dirname(entry));
  }

  /** The URL of the compiled entry, or `undefined` when some module of the graph must stay with tsx. */
  async compileGraph(): Promise<string | undefined> {
    const queue = [this.#entry];
    this.#outputOf(this.#entry);
    const compiled: { file: string; code: string }[] = [];
    while (queue.length > 0) {
      const file = queue.shift()!;
      const result = await this.#compile(file, (dependency) => {
        if (!this.#outputs.has(dependency)) queue.push(dependency);
        return this.#outputOf(dependency);
      });
      if (result === undefined) return undefined;
      compiled.push({ file: this.#outputOf(file), code: result });
    }
    mkdirSync(this.#cacheDir, { recursive: true });
    for (const { file, code } of compiled) writeWhole(file, code);
    pruneStale(this.#cacheDir);
    return pathToFileURL(this.#outputOf(this.#entry)).href;
  }

  /** The compiled text of `file`, or `undefined` when it must stay with tsx. */
  async #compile(file: string, compiledFileOf: (dependency: string) => string): Promise<string | undefined> {
    this.#outputOf(file);
    const source = this.#sources.get(file)!;
    if (!isEsModule(file) || COMPUTED_IMPORT.test(source)) return undefined;
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
      outfile: this.#outputOf(file),
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
          setup(build) {
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

  /** Where `file` compiles to: named by its path, its content and the compiler's version. */
  #outputOf(file: string): string {
    let output = this.#outputs.get(file);
    if (output === undefined) {
      const source = readFileSync(file, "utf8");
      this.#sources.set(file, source);
      const hash = createHash("sha256")
        .update(`${FORMAT}\0${this.#esbuild.version}\0${file}\0`)
        .update(source)
        .digest("hex");
      output = path.join(this.#cacheDir, `${hash.slice(0, 32)}.mjs`);
      this.#outputs.set(file, output);
    }
    return output;
  }
}

/**
 * The cache folder for modules of `dir`: in the `node_modules` that `dir` searches first,
 * so that packages the compiled files import by name are found as the originals find them.
 */
function cacheDirFor(dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    if (path.basename(at) !== "node_modules" && existsSync(path.join(at, "node_modules"))) {
      return path.join(at, "node_modules", ".cache", "flowc", "threads");
    }
    if (path.dirname(at) === at) break;
  }
  return path.join(os.tmpdir(), `flowc-threads-${process.getuid?.() ?? "user"}`);
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

/**
 * Bounds the cache folder: each edit of a module leaves its older compiled file behind.
 * Only files unused for a month go (a thread started later by a long-lived process may
 * still import the file it was given), and only once there are many.
 */
function pruneStale(dir: string): void {
  try {
    const files = readdirSync(dir).filter((name) => name.endsWith(".mjs"));
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
