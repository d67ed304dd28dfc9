import path from "node:path";
import { ts } from "ts-morph";
import { MAX_LOCAL_FILES } from "../engine.js";

/**
 * `EngineProject.localFiles` for TypeScript 6.
 *
 * Read from disk with TypeScript's pre-processor rather than through a program, so
 * that it needs no program and holds on to no node of one.
 */
export function localImports(options: ts.CompilerOptions, modules: Iterable<string>): Set<string> {
  const found = new Set<string>();
  const queue = [...modules];
  while (queue.length > 0 && found.size < MAX_LOCAL_FILES) {
    const file = path.resolve(queue.shift()!);
    if (found.has(file) || file.split(path.sep).includes("node_modules")) continue;
    found.add(file);
    const text = ts.sys.readFile(file);
    if (text === undefined) continue;
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      const resolved = ts.resolveModuleName(imported.fileName, file, options, ts.sys).resolvedModule;
      if (resolved !== undefined && !resolved.isExternalLibraryImport) queue.push(resolved.resolvedFileName);
    }
  }
  return found;
}
