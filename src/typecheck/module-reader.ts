/**
 * The modules of one compilation's methods, each read and outlined once (see code-outline.ts)
 * from the syntax trees the type-check's program already holds, for everything that reads
 * their code: the code hashes (code-hash.ts) and the methods' declarations (declarations.ts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { isFile } from "./find-up.js";
import { findPathModule } from "./module-files.js";
import { isPathSpecifier } from "./module-specifier.js";
import { outlineOf, type ModuleOutline, type SyntaxTree } from "./code-outline.js";

/** Where the code is read from. */
export interface CodeSources {
  /** The module's syntax tree as the type-check's program parsed it; `undefined` when the program has no such file. */
  syntaxTree(file: string): SyntaxTree | undefined;
  /** The text of a file on disk; `undefined` when it cannot be read. */
  readFile(file: string): string | undefined;
  isFile(file: string): boolean;
}

/** Sources on disk, with the syntax trees `syntaxTree` gives (the type-check's program). */
export function diskSources(syntaxTree: (file: string) => SyntaxTree | undefined): CodeSources {
  return {
    syntaxTree,
    readFile(file) {
      try {
        return readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
    },
    isFile,
  };
}

/** The JavaScript a declaration file stands for: `x.d.ts` → `x.js`. */
const RUNTIME_OF_DECLARATIONS: readonly (readonly [string, string])[] = [
  [".d.ts", ".js"],
  [".d.mts", ".mjs"],
  [".d.cts", ".cjs"],
];

/** Whether `file` belongs to a package (anything under node_modules). */
export function inPackage(file: string): boolean {
  return file.split(path.sep).includes("node_modules");
}

/** The modules of one compilation, each read once. */
export class ModuleReader {
  /** Every file read, parsed or not. */
  readonly read = new Set<string>();
  private readonly outlines = new Map<string, ModuleOutline | undefined>();
  private readonly texts = new Map<string, string | undefined>();

  constructor(private readonly sources: CodeSources) {}

  /** The outline of a module the program parsed; `undefined` for any other. */
  outline(file: string): ModuleOutline | undefined {
    if (!this.outlines.has(file)) {
      const tree = this.sources.syntaxTree(file);
      if (tree !== undefined) this.read.add(file);
      this.outlines.set(file, tree === undefined ? undefined : outlineOf(tree));
    }
    return this.outlines.get(file);
  }

  /** A file's whole text, from its outline when it has one. */
  text(file: string): string | undefined {
    const outline = this.outline(file);
    if (outline !== undefined) return outline.text;
    if (!this.texts.has(file)) {
      this.read.add(file);
      this.texts.set(file, this.sources.readFile(file));
    }
    return this.texts.get(file);
  }

  /** The local file `specifier` names from `fromFile`; `undefined` for a package, or a file that is not there. */
  resolve(specifier: string, fromFile: string): string | undefined {
    if (!isPathSpecifier(specifier)) return undefined;
    const file = findPathModule(specifier, fromFile, (candidate) => this.sources.isFile(candidate));
    // Not there: the folder's fingerprint (that of `fromFile`) notices when it appears.
    return file === undefined || inPackage(file) ? undefined : path.resolve(file);
  }

  /** The JavaScript beside a declaration file, which is what runs: `x.js` beside `x.d.ts`, when it is there. */
  runtimeOf(file: string): string | undefined {
    for (const [declaration, runtime] of RUNTIME_OF_DECLARATIONS) {
      if (!file.endsWith(declaration)) continue;
      const candidate = file.slice(0, -declaration.length) + runtime;
      return this.sources.isFile(candidate) ? candidate : undefined;
    }
    return undefined;
  }
}
