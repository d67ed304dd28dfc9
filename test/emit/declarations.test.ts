/**
 * The declaration files of manifests imported directly (`input.d.flow.ts`, what
 * `flowc build --declarations` writes): three emit fixtures' declarations are kept as
 * `expected.d.flow.ts` (UPDATE_FIXTURES=1 rewrites them), written the same by TypeScript 6
 * and 7, and compiled with the real `tsc` against their methods, declaration files checked
 * too: the uses the runner allows are allowed, and a method that changes after generation
 * breaks the proof it broke.
 */
import { execFile } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitDeclarations } from "../../src/emit/emit.js";
import type { TypeScriptVersion } from "../../src/typecheck/engine.js";
import { fixtureCases, golden } from "../typecheck/fixture-support.js";
import { createTempDir, type TempDir } from "../typecheck/temp-project.js";
import { closeEngines, typedManifest } from "./emit-support.js";
import { repoRoot, runtimeEntry } from "./generated-workspace.js";

afterAll(closeEngines);

/**
 * A generic and overloaded plan (`Called` is declared), one with a branch (`Routed`) and
 * one with settled and skipped stages (`Settled`).
 */
const CASES = ["generic-overloaded", "routing", "settle"] as const;
const caseDir = (name: string): string => {
  const found = fixtureCases("emit").find((c) => c.name === name);
  if (found === undefined) throw new Error(`no emit fixture '${name}'`);
  return found.dir;
};

/** The declarations of a case's manifest, as written beside it. */
async function declarationsOf(dir: string, version: TypeScriptVersion = 6): Promise<string> {
  const manifest = path.join(dir, "input.flow");
  return emitDeclarations(await typedManifest(manifest, version), { outFile: path.join(dir, "input.d.flow.ts") });
}

describe("declaration fixtures", () => {
  for (const name of CASES) {
    it(`${name}: matches expected.d.flow.ts, byte for byte under TypeScript 6 and 7`, async () => {
      const dir = caseDir(name);
      const text = await declarationsOf(dir);
      expect(text).toBe(golden(path.join(dir, "expected.d.flow.ts"), text));
      expect(await declarationsOf(dir, 7)).toBe(text);
    });
  }

  it("declares what the runner's types need: Called, Routed and Settled", () => {
    const read = (name: string) => readFileSync(path.join(caseDir(name), "expected.d.flow.ts"), "utf8");
    expect(read("generic-overloaded")).toContain("export type Called = {");
    expect(read("routing")).toMatch(/\bRouted</);
    expect(read("settle")).toMatch(/\bSettled</);
    for (const name of CASES) {
      // Types and declarations only, with the runner's own documentation.
      expect(read(name)).not.toMatch(/^(?:export )?(?:async )?(?:const|function|let) /m);
      expect(read(name)).toContain("export type EdgeChecks = [");
    }
  });
});

/** Uses of each case's module that tsc must accept (and, marked, refuse). */
const USES: Record<(typeof CASES)[number], string> = {
  "generic-overloaded": [
    'import { run, plan, type Called } from "./input.flow";',
    "export const pair: [string, number] = await run(3);",
    'export const described: Called["describe"] = "row 0";',
    'export const name: "input" = plan.name;',
    "",
  ].join("\n"),
  routing: [
    'import { run, type Input } from "./input.flow";',
    'export const input: Input = "bug: stack";',
    "// @ts-expect-error -- the run's input is a string",
    "export const wrong: Input = 3;",
    "export const text: string = await run(input);",
    "",
  ].join("\n"),
  settle: [
    'import { run } from "./input.flow";',
    'const out = await run("1,2,3");',
    "export const maybe: boolean | undefined = out.check;",
    "// @ts-expect-error -- 'check' may be skipped, so its part of the output may be undefined",
    "export const surely: boolean = out.check;",
    "export const counted: number = out.countOk;",
    "export const totalled: number = out.total;",
    "",
  ].join("\n"),
};

interface TscError {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

describe("declaration files under tsc, declaration files checked", () => {
  let workspace: TempDir;
  let errors: TscError[];

  beforeAll(async () => {
    workspace = createTempDir("flowc-declarations-");
    workspace.write("package.json", JSON.stringify({ name: "declarations", private: true, type: "module" }));
    workspace.write(
      "tsconfig.json",
      JSON.stringify({
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
          noEmit: true,
          // Declaration files are where the proofs are: skipping them would skip the proofs.
          skipLibCheck: false,
          allowArbitraryExtensions: true,
          allowImportingTsExtensions: true,
          paths: { "flowc/runtime": [runtimeEntry] },
        },
        include: ["**/*.ts"],
      }),
    );
    const copy = (name: string, from: (typeof CASES)[number]): string => {
      const target = path.join(workspace.root, name);
      cpSync(caseDir(from), target, {
        recursive: true,
        filter: (file) => !path.basename(file).startsWith("expected."),
      });
      writeFileSync(
        path.join(target, "input.d.flow.ts"),
        readFileSync(path.join(caseDir(from), "expected.d.flow.ts"), "utf8"),
      );
      return target;
    };
    for (const name of CASES)
      workspace.write(path.join(path.relative(workspace.root, copy(name, name)), "uses.ts"), USES[name]);

    // A fallback whose output no longer fits in place of its method's, after the declarations were written.
    const drift = copy("fallback-drift", "settle");
    const methods = path.join(drift, "input.methods.ts");
    const text = readFileSync(methods, "utf8");
    const changed = text.replace(
      "export function guess(_x: number): number {\n  return 0;",
      'export function guess(_x: number): string {\n  return "0";',
    );
    expect(changed).not.toBe(text);
    writeFileSync(methods, changed);

    const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    const output = await promisify(execFile)(
      process.execPath,
      [tsc, "-p", path.join(workspace.root, "tsconfig.json"), "--pretty", "false"],
      { cwd: workspace.root },
    ).then(
      (result) => result.stdout,
      (failure: { stdout?: string }) => failure.stdout ?? String(failure),
    );
    errors = [...output.matchAll(/^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/gm)]
      .map((match) => ({
        file: path.resolve(workspace.root, match[1] ?? ""),
        line: Number(match[2]),
        code: match[4] ?? "",
        message: match[5] ?? "",
      }))
      // The runtime's sources and the packages' declarations are not under test here.
      .filter((error) => error.file.startsWith(workspace.root));
  }, 120_000);

  afterAll(() => workspace.remove());

  const errorsIn = (name: string) =>
    errors.filter((error) => error.file.startsWith(path.join(workspace.root, name, path.sep)));

  for (const name of CASES) {
    // A declaration file cannot hold the calls that infer what a generic or overloaded method
    // returns for what it receives: `Called` is `any` there, so a plan that is right compiles.
    it(`${name}: compiles without a single error, with its uses`, () => {
      expect(errorsIn(name)).toEqual([]);
    });
  }

  it("reports the proof a changed method breaks, in the declaration file", () => {
    const file = path.join(workspace.root, "fallback-drift", "input.d.flow.ts");
    const line =
      readFileSync(file, "utf8")
        .split("\n")
        .findIndex((text) => text.includes("Fits<MethodOutput<typeof m0.guess>, MethodOutput<typeof m0.weigh>>")) + 1;
    expect(line).toBeGreaterThan(0);
    expect(errorsIn("fallback-drift")).toEqual([
      { file, line, code: "TS2344", message: "Type 'string' does not satisfy the constraint 'number'." },
    ]);
  });
});
