/**
 * Importing a methods module by URL, in a file of its own: worker threads are given
 * URLs, and need nothing of finding modules (./modules.ts).
 */

/**
 * Imports a module by file URL: TypeScript sources through tsx (so methods run
 * without a build step), JavaScript natively. Each URL is imported once.
 */
export function importModule(url: string): Promise<Record<string, unknown>> {
  let module = imported.get(url);
  if (module === undefined) {
    module = /\.[cm]?tsx?$/.test(new URL(url).pathname)
      ? import("tsx/esm/api").then(({ tsImport }) => tsImport(url, import.meta.url) as Promise<Record<string, unknown>>)
      : (import(url) as Promise<Record<string, unknown>>);
    imported.set(url, module);
  }
  return module;
}

const imported = new Map<string, Promise<Record<string, unknown>>>();
