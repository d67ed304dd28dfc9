/**
 * Real manifest states for the language service's tests: a throw-away TypeScript project (a
 * tsconfig, a methods module) in a temporary folder, and manifests compiled in it by the real
 * compiler with the real TypeScript services, as an editor's session would hold them.
 */
import { createSourceText } from "../../grammar/source.js";
import { compile } from "../../src/compile.js";
import type { ManifestState } from "../../src/language/types.js";
import type { TypedPlan } from "../../src/typecheck/types.js";
import { createTypeScriptServices } from "../../src/typescript-services.js";
import { createTempDir, type TempDir } from "../typecheck/temp-project.js";

export interface LanguageProject {
  readonly dir: TempDir;
  /**
   * Writes `text` to the manifest `relative` and compiles it: with its types unless `types` is
   * false, and with `lastTyped` as the state's last type-check (by default this compilation's).
   */
  state(
    relative: string,
    text: string,
    options?: { readonly types?: boolean; readonly lastTyped?: TypedPlan | undefined },
  ): Promise<ManifestState>;
  close(): void;
}

export function createLanguageProject(files: Readonly<Record<string, string>>): LanguageProject {
  const dir = createTempDir("flowc-language-");
  dir.write("package.json", JSON.stringify({ type: "module" }));
  dir.write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: { strict: true, module: "NodeNext", target: "ES2022", lib: ["ES2023"], types: [] },
      include: ["**/*.ts"],
    }),
  );
  for (const [relative, text] of Object.entries(files)) dir.write(relative, text);
  const services = createTypeScriptServices();
  return {
    dir,
    async state(relative, text, options = {}) {
      const file = dir.write(relative, text);
      const types = options.types ?? true;
      const compiled = await compile(createSourceText(file, text), { types }, services);
      const host = types ? (await services.forManifest(file)).host : undefined;
      const lastTyped = "lastTyped" in options ? options.lastTyped : compiled.typed;
      return { source: compiled.source, compiled, host, lastTyped };
    },
    close() {
      services.close();
      dir.remove();
    },
  };
}

/**
 * The state of `text` compiled without types, as a manifest at `file` (which need not exist):
 * what the features that read the manifest alone (outline, folding, tokens) are given.
 */
export async function untypedState(text: string, file = "/flows/etl.flow"): Promise<ManifestState> {
  const compiled = await compile(createSourceText(file, text), { types: false });
  return { source: compiled.source, compiled, host: undefined, lastTyped: undefined };
}

/** The offset of the `occurrence`-th (from 1) `needle` in `text`, moved by `shift`; fails loudly when absent. */
export function offsetOf(text: string, needle: string, shift = 0, occurrence = 1): number {
  let at = -1;
  for (let found = 0; found < occurrence; found++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' occurs fewer than ${occurrence} times in the text`);
  }
  return at + shift;
}

/** The text of `span` in `text`. */
export function textOf(text: string, span: { readonly start: number; readonly end: number }): string {
  return text.slice(span.start, span.end);
}

/** `marked` with its one `|` taken out: the text, and the offset where the `|` stood (a cursor). */
export function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf("|");
  if (offset < 0 || marked.indexOf("|", offset + 1) >= 0) throw new Error(`one '|' expected in ${marked}`);
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}
