/**
 * Where a failing method was when it threw, for `flowc run` to print under its
 * one-line reason: the frames of the method's own stack that are the user's
 * code, with flowc's and Node's frames left out. A method that failed on a
 * worker thread has its stack carried back as a string; both read the same.
 *
 * Lines are the user's `.ts` lines where a source map sends them: that of the
 * JavaScript a module was compiled to (see compiled-methods.ts), or tsx's (modules
 * of an ES module package, `"type": "module"`). A frame left in a compiled file is
 * code the compiler added, never the user's. A module tsx loaded as CommonJS is
 * evaluated from a `data:` URL without a source map: its frames are shown with
 * the file alone, since the compiled line would mislead.
 */
import { isAbsolute, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { isCompiledFile } from "../../stdlib/backends/threads/compiled-methods.js";

/** flowc's own folder: this file is `<root>/src/cli/` from sources, `<root>/dist/src/cli/` built. */
const PACKAGE_ROOT = fileURLToPath(new URL(".", import.meta.url)).replace(/(?:dist[\\/])?src[\\/]cli[\\/]$/, "");

/** Folders of flowc's own package whose frames are never the user's. */
const OWN_FOLDERS = ["dist", "src", "stdlib", "grammar", "node_modules"];

/** flowc's dependencies that run the user's code (loading it, or on threads) wherever they are installed. */
const RUNNING_PACKAGES = /[\\/]node_modules[\\/](?:tsx|piscina|esbuild|get-tsconfig)[\\/]/;

/** `at name (location)` or `at location`. */
const FRAME = /^\s*at (?:(.*?) \((.*)\)|(.*))$/;

/**
 * The user's frames of `error`'s stack, each as `at name (file:line:column)`
 * with files relative to `cwd` when under it; none when it has no stack or
 * only flowc's and Node's frames.
 *
 * @param packageRoot flowc's own folder (its frames are left out)
 */
export function userFrames(error: unknown, cwd: string, packageRoot = PACKAGE_ROOT): string[] {
  const stack = error instanceof Error ? error.stack : undefined;
  if (typeof stack !== "string") return [];
  const own = OWN_FOLDERS.map((folder) => `${packageRoot}${packageRoot.endsWith(sep) ? "" : sep}${folder}${sep}`);
  const frames: string[] = [];
  for (const line of stack.split("\n")) {
    const match = FRAME.exec(line);
    if (match === null) continue;
    const name = match[1];
    const location = userLocation(match[2] ?? match[3] ?? "", own, cwd);
    if (location === undefined) continue;
    frames.push(name === undefined ? `at ${location}` : `at ${name} (${location})`);
  }
  return frames;
}

function userLocation(location: string, own: readonly string[], cwd: string): string | undefined {
  if (location.startsWith("data:")) {
    // tsx's CommonJS modules: `data:text/javascript,…?filePath=<the .ts file>?namespace=…:2:1014`.
    const encoded = /[?&]filePath=([^&:]*)/.exec(location)?.[1];
    if (encoded === undefined) return undefined;
    const file = decodeURIComponent(encoded).replace(/\?.*$/, "");
    return isAbsolute(file) ? shown(file, cwd) : undefined;
  }
  const parts = /^(.*?)(:\d+:\d+)?$/.exec(location);
  let file = parts?.[1] ?? location;
  const position = parts?.[2] ?? "";
  if (file.startsWith("file:")) {
    try {
      file = fileURLToPath(file.replace(/\?.*$/, ""));
    } catch {
      return undefined;
    }
  }
  // `node:internal/…`, `<anonymous>`, `native`, `index 0` of `Promise.all`: not the user's.
  if (!isAbsolute(file)) return undefined;
  if (own.some((folder) => file.startsWith(folder)) || RUNNING_PACKAGES.test(file) || isCompiledFile(file)) {
    return undefined;
  }
  return `${shown(file, cwd)}${position}`;
}

/** A path relative to `cwd` when it is under it, else as it is. */
function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === "" || isAbsolute(rel) || rel === ".." || rel.startsWith(`..${sep}`) ? file : rel;
}
