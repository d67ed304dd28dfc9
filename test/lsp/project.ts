/**
 * Projects the language server is tested on: copies of examples/word-count in temporary
 * folders, each with its own tsconfig and package.json as a user's project has them.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../cli/helpers.js";

export interface WordCountProject {
  readonly dir: string;
  readonly manifest: string;
  readonly methods: string;
  readonly tsconfig: string;
  /** Writes `name` (relative to the manifest's folder) and returns its absolute path. */
  write(name: string, text: string): string;
  /** Writes the manifest `<name>.flow` with `text` beside a copy of the methods as its own `<name>.methods.ts`. */
  withOwnMethods(name: string, text: string): string;
  remove(): void;
}

/** A manifest with errors: a cycle and a setting given two values, both with related locations. */
export const BROKEN_MANIFEST = [
  'import { splitChapters, countWords, mergeCounts } from "./word-count.methods";',
  "",
  "splitChapters, countWords { execution_flow: sequential; }",
  "countWords, splitChapters { execution_flow: sequential; }",
  "mergeCounts { retries: 2; }",
  "mergeCounts { retries: 3; }",
  "",
].join("\n");

/** `countWords` as it is in the example, and said to return a string too, which `mergeCounts` cannot take. */
export const COUNT_WORDS_RETURNS = "export function countWords(chapter: string): WordCounts {";
export const COUNT_WORDS_RETURNS_STRING = "export function countWords(chapter: string): WordCounts | string {";

export function wordCountProject(): WordCountProject {
  const dir = mkdtempSync(join(tmpdir(), "flowc-lsp-"));
  cpSync(join(root, "examples/word-count"), join(dir, "word-count"), { recursive: true });
  const tsconfig = JSON.parse(readFileSync(join(root, "examples/tsconfig.json"), "utf8")) as {
    compilerOptions: Record<string, unknown>;
  };
  // Outside the repository no node_modules is above the copy: point at the repository's @types.
  tsconfig.compilerOptions["typeRoots"] = [join(root, "node_modules/@types")];
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const folder = join(dir, "word-count");
  return {
    dir,
    manifest: join(folder, "word-count.flow"),
    methods: join(folder, "word-count.methods.ts"),
    tsconfig: join(dir, "tsconfig.json"),
    write(name, text) {
      const file = join(folder, name);
      writeFileSync(file, text);
      return file;
    },
    withOwnMethods(name, text) {
      cpSync(join(folder, "word-count.methods.ts"), join(folder, `${name}.methods.ts`));
      return this.write(`${name}.flow`, text);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
