/**
 * The Node options worker threads start with when none are given. A thread inherits its
 * process's own, and a process started under tsx (`tsx app.ts`, `node --import tsx`) passes
 * on tsx's loader: every thread would load tsx and esbuild, about a quarter of a second of
 * CPU each, to import methods that were compiled to JavaScript already (compiled-methods.ts).
 * So when every module the threads import is JavaScript, tsx's loader is left out; a module
 * left to tsx is imported through tsx's own API (import-module.ts) and needs no loader either,
 * but its imports may: then the options stay as they are. flowc's own loader (`flowc/register`,
 * for `.flow` imports) is left out the same way: threads import methods, never manifests.
 */

/** Options that take a module to load before the program, as `--import x` or `--import=x`. */
const PRELOAD_FLAGS = new Set(["--import", "--loader", "--experimental-loader", "--require", "-r"]);

/** A module specifier, path or URL that names tsx or a file of its package, or flowc's loader. */
const SKIPPED_PRELOAD =
  /^tsx(?:\/|$)|[\\/]node_modules[\\/]tsx[\\/]|^flowc\/register$|[\\/]flowc[\\/]dist[\\/]src[\\/]import[\\/]register\.js$/;

const JAVASCRIPT_URL = /\.[cm]?js$/;

/**
 * `execArgv` for threads that import `loads` (file URLs): the process's options without tsx's
 * loader and flowc's when every one of them is JavaScript, else `undefined` (the threads inherit them).
 */
export function threadExecArgv(
  loads: Iterable<string>,
  execArgv: readonly string[] = process.execArgv,
): readonly string[] | undefined {
  for (const url of loads) if (!JAVASCRIPT_URL.test(new URL(url).pathname)) return undefined;
  const kept = withoutLoaders(execArgv);
  return kept.length === execArgv.length ? undefined : kept;
}

/** `execArgv` less every option that preloads tsx or `flowc/register` (the flag and its value, or `--flag=value`). */
export function withoutLoaders(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const option = execArgv[i]!;
    const equals = option.indexOf("=");
    const flag = equals === -1 ? option : option.slice(0, equals);
    if (PRELOAD_FLAGS.has(flag)) {
      const value = equals === -1 ? execArgv[i + 1] : option.slice(equals + 1);
      if (value !== undefined && SKIPPED_PRELOAD.test(value)) {
        if (equals === -1) i++;
        continue;
      }
    }
    kept.push(option);
  }
  return kept;
}
