import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { Project, ts } from "ts-morph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureCases } from "../typecheck/fixture-support.js";
import { createGeneratedWorkspace, repoRoot, type GeneratedWorkspace } from "./generated-workspace.js";

/**
 * Every generated runner is compiled with the real `tsc --strict`, once for all
 * cases: the runners must compile cleanly, wrong uses of their `Input` and
 * `Output` must not, and a method that changes after generation must break the
 * runner's edge checks.
 */

interface TscError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: string;
}

let workspace: GeneratedWorkspace;
let errors: TscError[];
let typeErrorsFile: string;
let driftRunner: string;
let anyRunner: string;
let fallbackDriftRunner: string;
let branchDriftRunner: string;

const lineOf = (file: string, needle: string): number => {
  const index = readFileSync(file, "utf8")
    .split("\n")
    .findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`'${needle}' is not in ${file}`);
  return index + 1;
};

beforeAll(async () => {
  workspace = await createGeneratedWorkspace("flowc-tsc-");

  // Uses of a runner's types that tsc must refuse, each on its own line.
  typeErrorsFile = workspace.dir.write(
    "chain/type-errors.ts",
    [
      'import { createRunner, run, type Input, type Output } from "./input.flow.js";',
      "export const wrongOutput: Output = 42 as unknown as string;",
      "export const wrongInput: Input = 42;",
      'export const wrongCount: number = (await run("a")).names;',
      'export const wrongRun = createRunner().run(["not", "a", "string"]);',
      'export const rightOutput: Output = await run("a\\nb", { workers: 1 });',
      "",
    ].join("\n"),
  );

  // A run without input may leave the input out.
  workspace.dir.write(
    "no-input/uses.ts",
    'import { run } from "./input.flow.js";\nexport const text: string = await run();\n',
  );

  // Generic and overloaded methods: the runner's Output is what their calls return.
  workspace.dir.write(
    "generic-overloaded/uses.ts",
    [
      'import { run } from "./input.flow.js";',
      "export const pair: [string, number] = await run(3);",
      "// @ts-expect-error -- the overload picked for a row returns a string, not a number",
      "export const wrong: [number, number] = await run(3);",
      "",
    ].join("\n"),
  );

  // Skips, settled stages and branches as the caller's own tsc sees them.
  workspace.dir.write(
    "settle/uses.ts",
    [
      'import { run } from "./input.flow.js";',
      'const out = await run("1,2,3");',
      "// A sink that may be skipped may be undefined; a settled stage's records say which items failed.",
      "export const maybe: boolean | undefined = out.check;",
      "// @ts-expect-error -- 'check' may be skipped, so its part of the output may be undefined",
      "export const surely: boolean = out.check;",
      "export const counted: number = out.countOk;",
      "export const totalled: number = out.total;",
      "",
    ].join("\n"),
  );
  workspace.dir.write(
    "routing/uses.ts",
    [
      'import { run, type Input } from "./input.flow.js";',
      '// The run\'s input is what the first method and the "@input" member of the last one need.',
      'export const input: Input = "bug: stack";',
      "// @ts-expect-error -- the run's input is a string",
      "export const wrong: Input = 3;",
      "export const text: string = await run(input);",
      "",
    ].join("\n"),
  );

  // A fallback whose output no longer fits in place of its method's, and a branch whose union
  // gained a variant that no successor takes, after the runners were generated.
  fallbackDriftRunner = await workspace.addCase("fallback-drift", "settle");
  const settleMethods = path.join(path.dirname(fallbackDriftRunner), "input.methods.ts");
  writeFileSync(
    settleMethods,
    readFileSync(settleMethods, "utf8").replace(
      "export function guess(_x: number): number {\n  return 0;",
      'export function guess(_x: number): string {\n  return "0";',
    ),
  );
  branchDriftRunner = await workspace.addCase("branch-drift", "routing");
  const routingMethods = path.join(path.dirname(branchDriftRunner), "input.methods.ts");
  writeFileSync(
    routingMethods,
    readFileSync(routingMethods, "utf8").replace(
      '| { kind: "spam" };',
      '| { kind: "spam" } | { kind: "feature"; idea: string };',
    ),
  );

  // A runner generated for one signature, checked against a method that has changed since.
  driftRunner = await workspace.addCase("drift", "chain");
  const methods = path.join(path.dirname(driftRunner), "input.methods.ts");
  writeFileSync(
    methods,
    readFileSync(methods, "utf8").replace(
      "export function cleanRows(rows: Row[], context: { readonly attempt: number }): Row[] {",
      "export function cleanRows(rows: { readonly id: string }[], context: { readonly attempt: number }): Row[] {",
    ),
  );

  // A method typed `any`, to show that the search for `any` below finds one when there is one.
  anyRunner = await workspace.addCase("with-any", "chain");
  const anyMethods = path.join(path.dirname(anyRunner), "input.methods.ts");
  writeFileSync(
    anyMethods,
    readFileSync(anyMethods, "utf8").replace(
      "export function load(rows: readonly Row[]): { count: number; names: string[] } {",
      "export function load(rows: readonly Row[]): { count: number; names: any } {",
    ),
  );

  const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const output = await promisify(execFile)(
    process.execPath,
    [tsc, "-p", path.join(workspace.dir.root, "tsconfig.json"), "--pretty", "false"],
    {
      cwd: workspace.dir.root,
    },
  ).then(
    (result) => result.stdout,
    (failure: { stdout?: string }) => failure.stdout ?? String(failure),
  );
  errors = [...output.matchAll(/^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/gm)].map((match) => ({
    file: path.resolve(workspace.dir.root, match[1] ?? ""),
    line: Number(match[2]),
    column: Number(match[3]),
    code: match[4] ?? "",
    message: match[5] ?? "",
  }));
  // Errors in the runtime's own sources (compiled here under stricter flags than its own) are not the runners'.
  errors = errors.filter((error) => error.file.startsWith(workspace.dir.root));
}, 120_000);

afterAll(() => workspace.dir.remove());

describe("generated runners under tsc --strict", () => {
  for (const { name } of fixtureCases("emit")) {
    it(`${name}: compiles without a single error`, () => {
      const runner = workspace.runners.get(name);
      const inCase = errors.filter((error) => path.dirname(error.file) === path.dirname(runner ?? ""));
      expect(inCase.filter((error) => error.file !== typeErrorsFile)).toEqual([]);
    });
  }

  it("refuses wrong uses of Input, Output, run and createRunner", () => {
    const line = (needle: string) => lineOf(typeErrorsFile, needle);
    expect(
      errors
        .filter((error) => error.file === typeErrorsFile)
        .map(({ line, code, message }) => ({ line, code, message })),
    ).toEqual([
      {
        line: line("wrongOutput"),
        code: "TS2322",
        message: "Type 'string' is not assignable to type '{ count: number; names: string[]; }'.",
      },
      { line: line("wrongInput"), code: "TS2322", message: "Type 'number' is not assignable to type 'string'." },
      { line: line("wrongCount"), code: "TS2322", message: "Type 'string[]' is not assignable to type 'number'." },
      {
        line: line("wrongRun"),
        code: "TS2345",
        message: "Argument of type 'string[]' is not assignable to parameter of type 'string'.",
      },
    ]);
  });

  it("reports the edge that no longer fits after a method changes", () => {
    const edge = lineOf(driftRunner, "Fits<MethodOutput<typeof m0.readRows>, MethodInput<typeof m0.cleanRows>>");
    expect(
      errors.filter((error) => error.file === driftRunner).map(({ line, code, message }) => ({ line, code, message })),
    ).toEqual([
      {
        line: edge,
        code: "TS2344",
        message: "Type 'Row[]' does not satisfy the constraint '{ readonly id: string; }[]'.",
      },
    ]);
  });
});

describe("skips, settled stages and branches under tsc --strict", () => {
  const errorsIn = (file: string) =>
    errors.filter((error) => error.file === file).map(({ line, code, message }) => ({ line, code, message }));

  it('types a sink that may be skipped as possibly undefined, and the run\'s input with its "@input" part', () => {
    for (const name of ["settle", "routing"]) {
      const uses = path.join(path.dirname(workspace.runners.get(name) ?? ""), "uses.ts");
      expect(errorsIn(uses)).toEqual([]);
    }
  });

  it("no longer builds once a fallback's output does not fit in place of its method's", () => {
    const proof = lineOf(fallbackDriftRunner, "Fits<MethodOutput<typeof m0.guess>, MethodOutput<typeof m0.weigh>>");
    expect(errorsIn(fallbackDriftRunner)).toEqual([
      { line: proof, code: "TS2344", message: "Type 'string' does not satisfy the constraint 'number'." },
    ]);
  });

  it("no longer builds once a branch's union has a variant that no successor takes", () => {
    const proof = lineOf(branchDriftRunner, "Fits<Discriminant<MethodOutput<typeof m0.classify>");
    expect(errorsIn(branchDriftRunner)).toEqual([
      {
        line: proof,
        code: "TS2344",
        message: `Type 'Discriminant<MethodOutput<(raw: string) => Ticket>, "kind">' does not satisfy the constraint '"bug" | "question" | "spam"'.`,
      },
    ]);
  });
});

describe("generated runners export no any", () => {
  it("has no `any` in the text of any runner", () => {
    for (const runner of workspace.runners.values()) {
      const code = ts.createSourceFile(runner, readFileSync(runner, "utf8"), ts.ScriptTarget.ES2022, true);
      const anys: string[] = [];
      const visit = (node: ts.Node): void => {
        if (node.kind === ts.SyntaxKind.AnyKeyword) anys.push(`${runner}:${node.getStart()}`);
        ts.forEachChild(node, visit);
      };
      visit(code);
      expect(anys).toEqual([]);
    }
  });

  const anyInExports = (project: Project, runner: string): string[] => {
    const checker = project.getTypeChecker().compilerObject;
    const root = workspace.dir.root;
    const found: string[] = [];
    for (const [name, declarations] of project.getSourceFileOrThrow(runner).getExportedDeclarations()) {
      for (const declaration of declarations) {
        findAny(checker, declaration.getType().compilerType, `${path.relative(root, runner)}:${name}`, root, found);
      }
    }
    return found;
  };

  it("resolves no exported type of any runner to `any`, however deep", () => {
    const project = new Project({ tsConfigFilePath: path.join(workspace.dir.root, "tsconfig.json") });
    const runners = fixtureCases("emit").map(({ name }) => workspace.runners.get(name) ?? "");
    expect(runners.flatMap((runner) => anyInExports(project, runner))).toEqual([]);
    // The same search finds the `any` a method brings in.
    expect(anyInExports(project, anyRunner).sort()).toEqual([
      "with-any/input.flow.ts:Output.names",
      "with-any/input.flow.ts:createRunner.().<1>.names",
      "with-any/input.flow.ts:run.().<0>.names",
    ]);
  });
});

/**
 * Walks a type — members, signatures, type arguments, union and intersection
 * parts — and records every path that reaches `any`. Named types declared
 * outside `root` (the runtime's, Node's, the standard library's) are not
 * entered: only what the runner and the methods define is under test.
 */
function findAny(
  checker: ts.TypeChecker,
  type: ts.Type,
  where: string,
  root: string,
  found: string[],
  seen = new Set<ts.Type>(),
  depth = 0,
): void {
  if (type.flags & ts.TypeFlags.Any) {
    found.push(where);
    return;
  }
  if (seen.has(type) || depth > 10) return;
  seen.add(type);
  const walk = (inner: ts.Type, step: string) =>
    findAny(checker, inner, `${where}.${step}`, root, found, seen, depth + 1);
  if (type.isUnionOrIntersection()) type.types.forEach((part, i) => walk(part, `|${i}`));
  if (type.flags & ts.TypeFlags.Object && checker.isArrayType(type)) {
    checker.getTypeArguments(type as ts.TypeReference).forEach((argument, i) => walk(argument, `<${i}>`));
    return;
  }
  if (
    (type.flags & ts.TypeFlags.Object) !== 0 &&
    ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) !== 0
  ) {
    checker.getTypeArguments(type as ts.TypeReference).forEach((argument, i) => walk(argument, `<${i}>`));
  }
  const symbol = type.aliasSymbol ?? type.getSymbol();
  const declaredOutside =
    symbol?.declarations?.every((d) => !path.resolve(d.getSourceFile().fileName).startsWith(root)) ?? false;
  if (declaredOutside && symbol?.name !== "__type" && symbol?.name !== "__object") return;
  for (const property of type.getProperties()) {
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (declaration === undefined) continue;
    walk(checker.getTypeOfSymbolAtLocation(property, declaration), property.name);
  }
  for (const signature of type.getCallSignatures()) {
    signature.getParameters().forEach((parameter) => {
      const declaration = parameter.valueDeclaration;
      if (declaration !== undefined)
        walk(checker.getTypeOfSymbolAtLocation(parameter, declaration), `(${parameter.name})`);
    });
    walk(signature.getReturnType(), "()");
  }
}
