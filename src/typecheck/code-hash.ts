/**
 * Each method's code hash (`PlanMethod.codeHash`): a SHA-256 of the code a call of it runs,
 * so that a run's journal reuses a stored call only while that code is the same.
 *
 * It covers the method's own declaration and, transitively, every top-level declaration it
 * refers to by name: in its module, and in the local modules those import (a relative
 * specifier), followed through `export { x } from …` and `ns.x` of `import * as ns` to the
 * declaration that is exported; the types of its signature count as declarations too. Every
 * module so involved adds its statements that are no declaration (they run when it loads),
 * and so do the local modules it loads. Where a reference cannot be followed (a name looked
 * up through `export * from …`, `import()`, `require`, a namespace object used as a value,
 * `export =`, a module the program did not parse), the module counts whole: its whole text,
 * and everything its statements refer to. Package imports are not followed; the hash counts
 * what is imported from which package. Text is hashed as written, from each statement's
 * first token: a comment inside a declaration counts, one above it does not.
 *
 * Nothing depends on where the files are: the same code gives the same hash on any machine.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import type { ModuleLink } from "./code-outline.js";
import { inPackage, type ModuleReader } from "./module-reader.js";

/** A method whose code is hashed: the export `exportName` of the file `modulePath`. */
export interface HashedMethod {
  readonly name: string;
  readonly exportName: string;
  /** `undefined` when its module was not found. */
  readonly modulePath: string | undefined;
}

export interface CodeHashes {
  /** Each method's hash by name; `null` for a method from a package (or a module not found). */
  readonly hashes: ReadonlyMap<string, string | null>;
  /** Every file read for them: what a cached compilation must find unchanged. */
  readonly files: readonly string[];
}

const DECLARATION_FILE = /\.d\.[cm]?ts$/;

/** The code hash of every method, each module read and outlined once (by `modules`) for all of them. */
export function codeHashes(methods: readonly HashedMethod[], modules: ModuleReader): CodeHashes {
  const hashes = new Map<string, string | null>();
  for (const method of methods) {
    const file = method.modulePath === undefined ? undefined : path.resolve(method.modulePath);
    hashes.set(
      method.name,
      file === undefined || inPackage(file) ? null : new Reach(modules).hashOf(file, method.exportName),
    );
  }
  return { hashes, files: [...modules.read] };
}

/** What of one module a method's code involves. */
interface Involved {
  whole: boolean;
  readonly statements: Set<number>;
  /** Names imported from packages (`specifier\0name`), which are not followed. */
  readonly packages: Set<string>;
}

/** The code one method reaches, found by a work list (no recursion, however long the chains). */
class Reach {
  /** Involved modules, in the order they were found. */
  private readonly involved = new Map<string, Involved>();
  private readonly work: (() => void)[] = [];
  /** Exports looked up (`file\0name`): re-exports that go round in circles end. */
  private readonly exported = new Set<string>();

  constructor(private readonly modules: ModuleReader) {}

  hashOf(file: string, exportName: string): string {
    this.exportOf(file, exportName);
    for (let next = 0; next < this.work.length; next++) this.work[next]!();
    const hash = createHash("sha256");
    const add = (tag: string, text: string) => hash.update(`${tag}:${text.length}:`).update(text);
    for (const [file, involved] of this.involved) {
      add("module", "");
      if (involved.whole) {
        add("whole", this.modules.text(file) ?? "\0unreadable");
        const runtime = this.modules.runtimeOf(file);
        if (runtime !== undefined) add("runtime", this.modules.text(runtime) ?? "\0unreadable");
      } else {
        const statements = this.modules.outline(file)?.statements ?? [];
        for (const index of [...involved.statements].sort((a, b) => a - b))
          add("statement", statements[index]?.text ?? "");
      }
      for (const imported of [...involved.packages].sort()) add("package", imported);
    }
    return hash.digest("hex");
  }

  /** The module `file`, loaded: its side effects, and those of the modules it loads. */
  private involve(file: string): Involved {
    let involved = this.involved.get(file);
    if (involved !== undefined) return involved;
    involved = { whole: false, statements: new Set(), packages: new Set() };
    this.involved.set(file, involved);
    const outline = this.modules.outline(file);
    // A module the program did not parse, or one that only declares what some JavaScript does, counts whole.
    if (outline === undefined || DECLARATION_FILE.test(file)) {
      this.wholeModule(file);
      return involved;
    }
    for (const index of outline.sideEffects) this.statement(file, index);
    for (const specifier of outline.loads) {
      const loaded = this.modules.resolve(specifier, file);
      if (loaded !== undefined) this.work.push(() => this.involve(loaded));
    }
    return involved;
  }

  /** The whole of `file`: its text, and everything its statements refer to. */
  private wholeModule(file: string): void {
    const involved = this.involve(file);
    if (involved.whole) return;
    involved.whole = true;
    for (const index of this.modules.outline(file)?.statements.keys() ?? []) this.statement(file, index, true);
  }

  private statement(file: string, index: number, force = false): void {
    const involved = this.involve(file);
    if (involved.statements.has(index) || (involved.whole && !force)) return;
    involved.statements.add(index);
    this.work.push(() => {
      const statement = this.modules.outline(file)?.statements[index];
      if (statement === undefined) return;
      for (const name of statement.references) this.name(file, name);
      for (const [object, member] of statement.members) {
        const link = this.modules.outline(file)?.imports.get(object);
        if (link?.name === "*") this.link(file, { specifier: link.specifier, name: member });
        else this.name(file, object);
      }
      if (!statement.dynamic) return;
      this.wholeModule(file);
      for (const specifier of statement.dynamicSpecifiers) {
        const target = this.modules.resolve(specifier, file);
        if (target !== undefined) this.wholeModule(target);
      }
    });
  }

  /** A top-level name of `file`, where it refers to one: its declarations, or what it imports. */
  private name(file: string, name: string): void {
    const outline = this.modules.outline(file);
    for (const index of outline?.declared.get(name) ?? []) this.statement(file, index);
    const link = outline?.imports.get(name);
    if (link !== undefined) this.link(file, link);
  }

  /** An import of `file`: the export it names, or the whole module for a namespace. */
  private link(file: string, link: ModuleLink): void {
    const target = this.modules.resolve(link.specifier, file);
    if (target === undefined) {
      this.involve(file).packages.add(`${link.specifier}\0${link.name}`);
      return;
    }
    if (link.name === "*") this.wholeModule(target);
    else this.exportOf(target, link.name);
  }

  /** The declaration behind the export `name` of `file`. */
  private exportOf(file: string, name: string): void {
    const key = `${file}\0${name}`;
    if (this.exported.has(key)) return;
    this.exported.add(key);
    this.involve(file);
    const outline = this.modules.outline(file);
    if (outline === undefined || outline.exportEquals) {
      this.wholeModule(file);
      return;
    }
    const target = outline.exports.get(name);
    if (target?.kind === "local") this.name(file, target.name);
    else if (target?.kind === "statement") this.statement(file, target.index);
    else if (target?.kind === "import") this.link(file, target);
    else {
      // Looked up through `export * from …` (or not exported at all): which module has it is not followed.
      this.wholeModule(file);
      for (const specifier of outline.stars) {
        const star = this.modules.resolve(specifier, file);
        if (star !== undefined) this.wholeModule(star);
      }
    }
  }
}
