import { cpSync, writeFileSync } from "node:fs";
import path from "node:path";
import { emit } from "../../src/emit/emit.js";
import { fixtureCases } from "../typecheck/fixture-support.js";
import { createTempDir, type TempDir } from "../typecheck/temp-project.js";
import { typedManifest } from "./emit-support.js";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const runtimeEntry = path.join(repoRoot, "stdlib", "index.ts");

/**
 * A throw-away ES-module package holding a copy of every emit fixture with its
 * runner generated beside it as `input.flow.ts`, and a strict tsconfig in which
 * `flowc/runtime` is the runtime's source (the package's `exports` point at
 * `dist/`, which need not be built for this).
 */
export interface GeneratedWorkspace {
  readonly dir: TempDir;
  /** Case name → absolute path of its generated runner. */
  readonly runners: ReadonlyMap<string, string>;
  /** Copies a case under a new name and generates its runner there. */
  addCase(name: string, from: string, runtimeSpecifier?: string): Promise<string>;
}

export async function createGeneratedWorkspace(prefix: string, runtimeSpecifier?: string): Promise<GeneratedWorkspace> {
  const dir = createTempDir(prefix);
  dir.write("package.json", JSON.stringify({ name: "generated-runners", private: true, type: "module" }));
  dir.write(
    "tsconfig.json",
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2023"],
          types: ["node"],
          typeRoots: [path.join(repoRoot, "node_modules", "@types")],
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          noUnusedLocals: true,
          verbatimModuleSyntax: true,
          noEmit: true,
          skipLibCheck: true,
          allowImportingTsExtensions: true,
          paths: { "flowc/runtime": [runtimeEntry] },
        },
        include: ["**/*.ts", "**/*.mts"],
      },
      null,
      2,
    ),
  );
  const cases = new Map(fixtureCases("emit").map((c) => [c.name, c.dir]));
  const runners = new Map<string, string>();
  const addCase = async (name: string, from: string, specifier = runtimeSpecifier): Promise<string> => {
    const source = cases.get(from);
    if (source === undefined) throw new Error(`no emit fixture '${from}'`);
    const target = path.join(dir.root, name);
    cpSync(source, target, { recursive: true, filter: (file) => path.basename(file) !== "expected.flow.ts" });
    const manifest = path.join(target, "input.flow");
    const outFile = `${manifest}.ts`;
    writeFileSync(outFile, await emit(await typedManifest(manifest), { outFile, runtimeSpecifier: specifier }));
    runners.set(name, outFile);
    return outFile;
  };
  for (const name of cases.keys()) await addCase(name, name);
  return { dir, runners, addCase };
}
