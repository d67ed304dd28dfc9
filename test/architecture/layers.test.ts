import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../cli/helpers.js";

/**
 * Imports only point down: the runtime (stdlib/) stands on its own; the language
 * (grammar/: tokens to AST, source positions, the diagnostic shape and catalogue)
 * stands on the runtime's plain data at most; the compiler and the CLI (src/) on both.
 */
const layers = { stdlib: ["stdlib"], grammar: ["grammar", "stdlib"], src: ["src", "grammar", "stdlib"] } as const;

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(?:ts|mts|mjs)$/.test(file) && !file.endsWith(".d.ts"))
    .map((file) => path.join(dir, file));
}

/** The top-level folder each relative import of `file` lands in. */
function importedFolders(file: string): string[] {
  const text = readFileSync(path.join(root, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => path.normalize(path.join(path.dirname(file), specifier)).split(path.sep)[0]!);
}

describe("layers", () => {
  for (const [layer, allowed] of Object.entries(layers)) {
    it(`${layer}/ imports only from ${allowed.join(", ")}`, () => {
      const files = sources(layer);
      expect(files.length).toBeGreaterThan(5);
      const climbing = files.flatMap((file) =>
        importedFolders(file)
          .filter((folder) => !(allowed as readonly string[]).includes(folder))
          .map((folder) => `${file} → ${folder}/`),
      );
      expect(climbing).toEqual([]);
    });
  }
});
