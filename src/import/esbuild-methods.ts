/**
 * Under esbuild, the files worker threads import a parallel method's module from.
 *
 * esbuild has no way for a plugin to add an entry point to the build it is in, so each
 * such module is bundled by a build of its own, with the options of the user's that
 * decide how code is resolved and compiled, into `flowc-methods/<name>-<hash>.mjs` beside
 * the output; the runner finds it relative to itself (`new URL(…, import.meta.url)`).
 * Where the output's place is not known while the build runs (several entry points at
 * different depths, code splitting, or nothing written), the threads are pointed at the
 * module's source instead, as with webpack.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import type { BuildOptions, PluginBuild } from "esbuild";
import type { ModuleLocation } from "../emit/emit.js";

const FOLDER = "flowc-methods";

export class EsbuildMethods {
  #build: PluginBuild | undefined;
  /** The folder the bundle that holds the runner is written to, when known. */
  #outputDir: string | undefined;
  /** Output file of each module to build, by its source file. */
  readonly #wanted = new Map<string, string>();

  configure(build: PluginBuild): void {
    this.#build = build;
    this.#outputDir = outputDirOf(build.initialOptions);
  }

  /** Where the threads import `file` from, or `undefined` to leave them at its source. */
  locate(file: string): ModuleLocation | undefined {
    if (this.#outputDir === undefined) return undefined;
    const hash = createHash("sha256").update(file).digest("hex").slice(0, 8);
    const name = `${path.basename(file, path.extname(file))}-${hash}.mjs`;
    this.#wanted.set(file, path.join(this.#outputDir, FOLDER, name));
    return { kind: "relative", path: `./${FOLDER}/${name}` };
  }

  /** Builds the modules asked for since the last call; rejects with esbuild's errors. */
  async build(): Promise<void> {
    const build = this.#build;
    if (build === undefined || this.#wanted.size === 0) return;
    const wanted = [...this.#wanted];
    this.#wanted.clear();
    const given = build.initialOptions;
    await Promise.all(
      wanted.map(([entry, outfile]) =>
        build.esbuild.build({
          entryPoints: [entry],
          outfile,
          bundle: true,
          format: "esm",
          platform: "node",
          target: given.target,
          packages: given.packages,
          external: given.external,
          conditions: given.conditions,
          mainFields: given.mainFields,
          tsconfig: given.tsconfig,
          define: given.define,
          sourcemap: given.sourcemap,
          minify: given.minify,
          logLevel: "silent",
        }),
      ),
    );
  }
}

/** The folder of the bundle's output file, when one entry point (or `outfile`) makes it certain. */
function outputDirOf(options: BuildOptions): string | undefined {
  if (options.write === false || options.splitting === true) return undefined;
  const cwd = options.absWorkingDir ?? process.cwd();
  if (options.outfile !== undefined) return path.dirname(path.resolve(cwd, options.outfile));
  if (options.outdir === undefined || options.entryPoints === undefined) return undefined;
  const outdir = path.resolve(cwd, options.outdir);
  const given = options.entryPoints;
  const entries = Array.isArray(given) ? given : Object.entries(given).map(([out, entry]) => ({ in: entry, out }));
  const [entry, ...more] = entries;
  if (entry === undefined || more.length > 0) return undefined;
  // A named output (`{ in, out }`) is `out` under `outdir`.
  if (typeof entry !== "string") return path.join(outdir, path.dirname(entry.out));
  // A path goes straight into `outdir` (its own folder is the `outbase`), unless `outbase` keeps its folders.
  if (options.outbase === undefined) return outdir;
  return path.join(outdir, path.relative(path.resolve(cwd, options.outbase), path.dirname(path.resolve(cwd, entry))));
}
