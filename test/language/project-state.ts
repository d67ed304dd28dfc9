/**
 * Real manifest states for the language service's tests: a project written to a temporary
 * folder (methods modules and a tsconfig), each text compiled by `compile` with real
 * TypeScript services, and the module host those services read the methods with.
 */
import path from "node:path";
import { createSourceText } from "../../grammar/source.js";
import { compile } from "../../src/compile.js";
import type { ManifestState } from "../../src/language/types.js";
import { createTypeScriptServices } from "../../src/typescript-services.js";
import { applyEdits } from "../../grammar/diagnostics/fixes.js";
import type { TextEdit } from "../../src/language/types.js";
import type { TypedPlan } from "../../src/typecheck/types.js";
import { createTempDir, type TempDir } from "../typecheck/temp-project.js";

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
};

export interface Project {
  readonly dir: TempDir;
  /** The manifest's absolute path. */
  readonly manifest: string;
  /**
   * The state of `text` as the manifest (or as `other`, a manifest of another name beside
   * it), compiled with types; `lastTyped` is its own type-check, or `lastTyped` when given.
   */
  state(text: string, other?: string, lastTyped?: TypedPlan): Promise<ManifestState>;
  /** Ends the TypeScript services and removes the folder. */
  close(): void;
}

/** Writes `files` (relative path → text) and a tsconfig into a new folder; the manifest is `manifest` there. */
export function openProject(files: Readonly<Record<string, string>>, manifest = "etl.flow"): Project {
  const dir = createTempDir("flowc-language-");
  dir.write("package.json", JSON.stringify({ type: "module" }));
  dir.write("tsconfig.json", JSON.stringify(tsconfig));
  for (const [file, text] of Object.entries(files)) dir.write(file, text);
  const services = createTypeScriptServices();
  const manifestPath = path.join(dir.root, manifest);
  return {
    dir,
    manifest: manifestPath,
    async state(text, other, lastTyped) {
      const file = dir.write(other ?? manifest, text);
      const source = createSourceText(file, text);
      const compiled = await compile(source, {}, services);
      const host = (await services.forManifest(file)).host;
      return { source, compiled, host, lastTyped: lastTyped ?? compiled.typed };
    },
    close() {
      services.close();
      dir.remove();
    },
  };
}

/** `text` with a cursor written `|`: the text without it, and the cursor's offset. */
export function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf("|");
  if (offset < 0 || marked.indexOf("|", offset + 1) >= 0) throw new Error(`one '|' expected in ${marked}`);
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

/** The state's text with `edits` made. */
export function edited(state: ManifestState, edits: readonly TextEdit[]): string {
  return applyEdits(state.source.text, edits);
}
