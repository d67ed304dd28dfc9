import { existsSync } from "node:fs";
import path from "node:path";
import { Project, ts } from "ts-morph";
import { describe, expect, it } from "vitest";
import { writeProbeFile } from "../../src/typecheck/probe-file.js";
import type { ProbeMethod } from "../../src/typecheck/probe-plan.js";
import { runtimeTypesPath } from "../../src/typecheck/probe-syntax.js";
import { root } from "../cli/helpers.js";

/**
 * The probe judges methods by the runtime's own types: the `RunContext`, `MethodInput`
 * and `MethodOutput` a generated runner is written against (stdlib/api.ts), never a
 * restatement of them that could drift apart.
 */
const method = (index: number, name: string, inputs: ProbeMethod["inputs"] = []): ProbeMethod => ({
  name,
  index,
  specifier: "./m.js",
  exportName: name,
  parallel: false,
  call: undefined,
  inputs,
  runInput: inputs.length === 0 ? "whole" : undefined,
  handed: "value",
  guards: [],
});

const probe = writeProbeFile({
  methods: [
    method(0, "a"),
    method(1, "b", [{ kind: "method", name: "a", index: 0, handed: "value", route: undefined, orUndefined: false }]),
  ],
  sources: [0],
  sinks: [{ index: 1, mayBeSkipped: false }],
});

function membersOf(type: ts.Type, checker: ts.TypeChecker, at: ts.Node): string[] {
  return checker
    .getPropertiesOfType(type)
    .map(
      (property) => `${property.getName()}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(property, at))}`,
    )
    .sort();
}

describe("the probe file", () => {
  it("imports the runtime's types from stdlib/api.ts and declares none of its own", () => {
    expect(path.resolve(runtimeTypesPath.replace(/\.js$/, ".ts"))).toBe(path.join(root, "stdlib/api.ts"));
    expect(existsSync(runtimeTypesPath.replace(/\.js$/, ".ts"))).toBe(true);
    const file = ts.createSourceFile("probe.ts", probe.text, ts.ScriptTarget.ES2022, true);
    const runtimeImport = file.statements.find(
      (statement): statement is ts.ImportDeclaration =>
        ts.isImportDeclaration(statement) && (statement.moduleSpecifier as ts.StringLiteral).text === runtimeTypesPath,
    );
    const names = (runtimeImport?.importClause?.namedBindings as ts.NamedImports | undefined)?.elements.map(
      (element) => (element.propertyName ?? element.name).text,
    );
    expect(names).toEqual([
      "AnyMethod",
      "Item",
      "MethodInput",
      "MethodOutput",
      "RunContext",
      "Settled",
      "Routed",
      "RunInputPart",
    ]);
    expect(file.statements.filter((statement) => ts.isInterfaceDeclaration(statement))).toEqual([]);
  });

  it("sees the run context exactly as stdlib/api.ts declares it", () => {
    const project = new Project({ compilerOptions: { strict: true, skipLibCheck: true, types: ["node"] } });
    const dir = path.join(root, "test/fixtures/typecheck/clean-async");
    project.createSourceFile(path.join(dir, "m.ts"), "export const a = () => 1;\nexport const b = (n: number) => n;\n");
    const probeFile = project.createSourceFile(path.join(dir, "probe.ts"), probe.text);
    const api = project.addSourceFileAtPath(path.join(root, "stdlib/api.ts"));
    const checker = project.getTypeChecker().compilerObject;

    const context = probeFile.getVariableDeclarationOrThrow("__flowc_runContext").compilerNode;
    const declared = api.getInterfaceOrThrow("RunContext").compilerNode;
    const seen = membersOf(checker.getTypeAtLocation(context.name), checker, context);
    expect(seen).toEqual(membersOf(checker.getTypeAtLocation(declared.name), checker, declared.name));
    expect(seen.map((member) => member.split(":")[0])).toEqual(["attempt", "error", "item", "method", "signal"]);
  });
});
