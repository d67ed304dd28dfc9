import { readFileSync } from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emit, outputPathFor } from "../../src/emit/emit.js";
import { buildAnalysis } from "../typecheck/analysis-builder.js";
import { fixtureCases, golden } from "../typecheck/fixture-support.js";
import { createTempDir, type TempDir } from "../typecheck/temp-project.js";
import { createProject } from "../../src/typecheck/ts6/project.js";
import { typeScript6Project } from "../../src/typecheck/ts6/engine.js";
import { createTypeScriptHost } from "../../src/typecheck/ts6/module-host.js";
import { typeCheck } from "../../src/typecheck/type-check.js";
import { closeEngines, emitCase, typedManifest } from "./emit-support.js";

afterAll(closeEngines);

describe("emit fixtures", () => {
  for (const { name, dir } of fixtureCases("emit")) {
    it(`${name}: matches expected.flow.ts, and the same plan gives the same bytes`, async () => {
      const code = await emitCase(dir);
      expect(code).toBe(golden(path.join(dir, "expected.flow.ts"), code));
      expect(await emitCase(dir)).toBe(code);
    });

    it(`${name}: TypeScript 7 writes the same runner, byte for byte`, async () => {
      expect(await emitCase(dir, undefined, 7)).toBe(readFileSync(path.join(dir, "expected.flow.ts"), "utf8"));
    });
  }
});

/** The top-level statements of generated code, which must parse without a single syntax error. */
function parseGenerated(code: string): ts.SourceFile {
  const file = ts.createSourceFile("runner.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "))).toEqual([]);
  return file;
}

/** Statement kinds by name (`ts.SyntaxKind[kind]` gives aliases such as `FirstStatement`). */
const KINDS: readonly (readonly [string, (node: ts.Node) => boolean])[] = [
  ["ImportDeclaration", ts.isImportDeclaration],
  ["VariableStatement", ts.isVariableStatement],
  ["TypeAliasDeclaration", ts.isTypeAliasDeclaration],
  ["FunctionDeclaration", ts.isFunctionDeclaration],
  ["ExpressionStatement", ts.isExpressionStatement],
];
const statementKinds = (file: ts.SourceFile) =>
  file.statements.map((statement) => KINDS.find(([, is]) => is(statement))?.[0] ?? "other");

/** The properties of `const methods = { … }`, as [key, initializer text]. */
function methodsTable(file: ts.SourceFile): [string, string][] {
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const declaration = statement.declarationList.declarations[0];
    if (declaration?.name.getText(file) !== "methods" || declaration.initializer === undefined) continue;
    if (!ts.isObjectLiteralExpression(declaration.initializer)) break;
    return declaration.initializer.properties.map((property) => {
      if (!ts.isPropertyAssignment(property)) return ["?", property.getText(file)];
      const name = property.name;
      const key = ts.isComputedPropertyName(name)
        ? `[${(name.expression as ts.StringLiteral).text}]`
        : ts.isIdentifier(name) || ts.isStringLiteral(name)
          ? name.text
          : name.getText(file);
      return [key, property.initializer.getText(file)];
    });
  }
  throw new Error("no methods table");
}

describe("emit: user text never becomes code", () => {
  let dir: TempDir;
  beforeAll(() => {
    dir = createTempDir("flowc-emit-");
    dir.write("package.json", JSON.stringify({ type: "module" }));
  });
  afterAll(() => dir.remove());

  it("writes a hostile module path as one string literal", async () => {
    const hostile = './x"; process.exit(1); "';
    dir.write(`${hostile}.ts`, "export const step = (n: number): number => n;\n");
    const manifest = dir.write("hostile.flow", "");
    const project = createProject(undefined);
    const analysis = buildAnalysis(
      manifest,
      `import { step } from ${JSON.stringify(hostile)};\nstep { retries: 1; }\n`,
      { host: createTypeScriptHost(project) },
    );
    const typed = typeCheck(analysis, typeScript6Project(project));
    expect(typed.diagnostics).toEqual([]);
    const code = await emit(typed, { outFile: `${manifest}.ts` });
    const file = parseGenerated(code);
    expect(statementKinds(file)).toEqual([
      "ImportDeclaration",
      "ImportDeclaration",
      "VariableStatement",
      "VariableStatement",
      "TypeAliasDeclaration",
      "TypeAliasDeclaration",
      "FunctionDeclaration",
      "VariableStatement",
      "FunctionDeclaration",
      "FunctionDeclaration",
    ]);
    const methodsImport = file.statements[1] as ts.ImportDeclaration;
    expect((methodsImport.moduleSpecifier as ts.StringLiteral).text).toBe(`${hostile}.js`);
    expect(code).not.toMatch(/^\s*process\.exit/m);
  });

  it("writes hostile names, export names and a hostile runtime specifier as strings and quoted keys", async () => {
    const manifest = dir.write("names.flow", "");
    const base = buildAnalysis(manifest, "a, b { execution_flow: sequential; }\n");
    const plan = base.plan;
    if (plan === undefined) throw new Error("no plan");
    const weird = 'b"]; process.exit(2); //';
    const methods = plan.methods.map((m) =>
      m.name === "b" ? { ...m, name: weird, exportName: "not-an-identifier", inputs: ["a"] } : m,
    );
    const bindings = new Map(
      [...base.resolution.bindings].map(([name, binding]) => [name === "b" ? weird : name, binding]),
    );
    const typed = {
      analysis: { ...base, resolution: { ...base.resolution, bindings } },
      plan: { ...plan, methods, edges: [{ from: "a", to: weird }], sinks: [weird] },
      codeFiles: [],
      // As a generic method, the hostile one is also called in the runner's `calls` function.
      calls: new Map([[weird, 2 as const]]),
      types: new Map(),
      edges: [],
      declarations: new Map(),
      sources: [],
      inputType: "unknown",
      outputType: "unknown",
      diagnostics: [],
    };
    const code = await emit(typed, { outFile: `${manifest}.ts`, runtimeSpecifier: 'rt"; process.exit(3); "' });
    const file = parseGenerated(code);
    expect(statementKinds(file).filter((kind) => kind === "ExpressionStatement")).toEqual([]);
    expect(methodsTable(file)).toEqual([
      ["a", "m0.a"],
      [weird, 'm0["not-an-identifier"]'],
    ]);
    expect(code).toContain(`await m0["not-an-identifier"](value<MethodOutput<typeof m0.a>>(), value<RunContext>())`);
    expect(code).toContain(`export type Output = Called['b"]; process.exit(2); //'];`);
    const runtimeImport = file.statements[0] as ts.ImportDeclaration;
    expect((runtimeImport.moduleSpecifier as ts.StringLiteral).text).toBe('rt"; process.exit(3); "');
  });

  it("keeps a manifest path from ending the header comment", async () => {
    const manifest = dir.write("evil\u2028process.exit(4).flow", "");
    dir.write("evil\u2028process.exit(4).methods.ts", "export const a = (): number => 1;\n");
    const project = createProject(undefined);
    const typed = typeCheck(
      buildAnalysis(manifest, "a { retries: 0; }\n", { host: createTypeScriptHost(project) }),
      typeScript6Project(project),
    );
    const code = await emit(typed, { outFile: path.join(dir.root, "out", "evil.flow.ts") });
    const file = parseGenerated(code);
    expect(statementKinds(file).filter((kind) => kind === "ExpressionStatement")).toEqual([]);
    expect(code.split("\n")[0]).toBe(
      "// Generated by flowc from ../evil\\u2028process.exit(4).flow. Do not edit: regenerate it with `flowc build`.",
    );
  });
});

describe("emit: where the runner lives", () => {
  it("imports methods and finds the manifest's folder relative to an output folder elsewhere", async () => {
    const dir = fixtureCases("emit").find((c) => c.name === "chain")?.dir ?? "";
    const typed = await typedManifest(path.join(dir, "input.flow"));
    const code = await emit(typed, { outFile: path.join(dir, "..", "..", "generated", "deep", "chain.flow.ts") });
    expect(code).toContain('import * as m0 from "../../emit/chain/input.methods.js";');
    expect(code).toContain('moduleBase: new URL("../../emit/chain/", import.meta.url)');
    expect(code.split("\n")[0]).toBe(
      "// Generated by flowc from ../../emit/chain/input.flow. Do not edit: regenerate it with `flowc build`.",
    );
  });
});

describe("outputPathFor", () => {
  it("puts the runner beside its manifest by default", () => {
    expect(outputPathFor("etl.flow", { rootDir: "/work" })).toBe("etl.flow.ts");
    expect(outputPathFor(path.join("flows", "etl.flow"), { rootDir: "/work" })).toBe(path.join("flows", "etl.flow.ts"));
  });

  it("keeps the manifest's path relative to rootDir under outDir", () => {
    expect(outputPathFor("/work/flows/etl.flow", { rootDir: "/work", outDir: "/work/gen" })).toBe(
      "/work/gen/flows/etl.flow.ts",
    );
    expect(outputPathFor("flows/etl.flow", { rootDir: process.cwd(), outDir: "gen" })).toBe(
      path.join("gen", "flows", "etl.flow.ts"),
    );
  });

  it("never writes outside outDir for a manifest outside rootDir", () => {
    expect(outputPathFor("/elsewhere/etl.flow", { rootDir: "/work", outDir: "/work/gen" })).toBe(
      "/work/gen/etl.flow.ts",
    );
    expect(outputPathFor("/work/..flows/etl.flow", { rootDir: "/work", outDir: "/gen" })).toBe(
      "/gen/..flows/etl.flow.ts",
    );
  });
});
