/**
 * Node's module customisation hooks for `.flow` files, registered by `flowc/register`
 * (register.ts) with `module.register`. They run on Node's hooks thread.
 *
 * - A `.flow` file resolves as Node resolves any file.
 * - `load`: the manifest becomes its runner in JavaScript (runner-module.ts): compiled on
 *   the first import, then answered from the rebuild cache while nothing it read changed.
 *   A manifest with errors fails the import with one error whose message is the
 *   diagnostics as `flowc check` prints them, code frames included.
 * - Options come from the environment, the one channel `--import` leaves: `FLOWC_DECLARATIONS=1`
 *   also writes `etl.d.flow.ts` beside each manifest imported (when its text changes), and
 *   `FLOWC_TYPESCRIPT=6` reads the methods with TypeScript 6, as `--typescript 6`.
 * - The runner imports its methods as `./etl.methods.js`. Under tsx (or a Node that runs
 *   TypeScript) that finds `etl.methods.ts`; plain Node finds nothing, and the import is
 *   answered with the module compiled to JavaScript, as worker threads load it
 *   (stdlib/backends/threads/compiled-methods.ts).
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { LoadHook, ResolveHook } from "node:module";

const TYPESCRIPT = /\.[cm]?tsx?$/;

/** The methods' module files of every manifest compiled here, by the manifest's URL. */
const moduleFilesOf = new Map<string, readonly string[]>();

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const parent = context.parentURL;
  if (parent !== undefined && isManifestUrl(parent) && isRelative(specifier)) {
    try {
      return await nextResolve(specifier, context);
    } catch (error) {
      const found = await compiledMethods(specifier, parent);
      if (found === undefined) throw error;
      if (found.compiled === undefined) {
        throw new Error(
          `flowc/register: ${found.file}, the methods of ${fileURLToPath(parent)}, is TypeScript that cannot be ` +
            "compiled to an ES module on its own (a CommonJS module, say), and this Node does not run TypeScript: " +
            "start the program with tsx (`tsx --import flowc/register …`).",
          { cause: error },
        );
      }
      return { url: found.compiled, format: "module", shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
};

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!isManifestUrl(url)) return nextLoad(url, context);
  const file = fileURLToPath(url);
  // Imported with the first manifest: a process that imports none pays only for these hooks.
  const { compileRunnerModule } = await import("./runner-module.js");
  const module = await compileRunnerModule(file, {
    declarations: process.env["FLOWC_DECLARATIONS"] === "1",
    typescript: process.env["FLOWC_TYPESCRIPT"] === "6" ? 6 : undefined,
  });
  if (module.code === undefined) throw new Error(`flowc could not compile ${file}:\n\n${module.report}`);
  // Warnings are printed as the CLI prints them; they do not stop the import.
  if (module.report !== "") process.stderr.write(module.report);
  moduleFilesOf.set(url, [...module.modulePaths.values()]);
  return { format: "module", source: module.code, shortCircuit: true };
};

function isManifestUrl(url: string): boolean {
  return url.startsWith("file:") && new URL(url).pathname.endsWith(".flow");
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../");
}

/**
 * The methods module a runner imports as `specifier` (`./etl.methods.js` for `etl.methods.ts`),
 * when it is one of its manifest's modules, with the URL of its compiled JavaScript when
 * esbuild could compile it.
 */
async function compiledMethods(
  specifier: string,
  manifestUrl: string,
): Promise<{ file: string; compiled: string | undefined } | undefined> {
  const wanted = withoutExtension(fileURLToPath(new URL(specifier, manifestUrl)));
  const file = moduleFilesOf.get(manifestUrl)?.find((candidate) => withoutExtension(candidate) === wanted);
  if (file === undefined || !TYPESCRIPT.test(file)) return undefined;
  const url = pathToFileURL(file).href;
  const { threadModuleUrls } = await import("../../stdlib/backends/threads/compiled-methods.js");
  const loadFrom = (await threadModuleUrls([url])).get(url);
  return { file, compiled: loadFrom === url ? undefined : loadFrom };
}

function withoutExtension(file: string): string {
  const extension = path.extname(file);
  return extension === "" ? file : file.slice(0, -extension.length);
}
