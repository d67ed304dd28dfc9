import { Project, ts } from "ts-morph";
import { beforeAll, describe, expect, it } from "vitest";
import {
  describeHazards,
  describeUnproven,
  findTransportHazards,
  type TransportMode,
  type TransportRoot,
} from "../../src/typecheck/transport-safety.js";
import { typeScript6Model } from "../../src/typecheck/ts6/model.js";

/**
 * The type walk on its own: each case declares `value` with a type in one in-memory
 * file and asks what a transport does to it, as the message would say it.
 */
const declarations = `
export interface Row { readonly id: number; readonly at: Date; }
export class Greeter { constructor(readonly name: string) {} greet(): string { return this.name; } }
export class Plain { constructor(readonly name: string) {} }
export class Data { x = 1; }
export class Sealed { #secret = "s"; #other = new Date(); constructor(readonly id: number) {} #hidden(): void {} }
export class Account { #pin = 0; get masked(): string { return "****"; } }
export class HttpError extends Error { constructor(readonly status: number) { super("http"); } }
export interface Tree { readonly name: string; readonly children: Tree[]; readonly up?: Tree; readonly size: bigint; }
export type Nested<T> = { readonly inner: Nested<T[]> | T };
export interface WithMethod { readonly id: number; describe(): string; }
declare const sym: unique symbol;
`;

let project: Project;
let counter = 0;

beforeAll(() => {
  project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022, lib: ["lib.es2023.d.ts"] },
  });
});

function findings(typeText: string, mode: TransportMode, root: TransportRoot = "value", limit?: number) {
  const file = project.createSourceFile(
    `/case${++counter}.ts`,
    `${declarations}\nexport declare const value: ${typeText};\n`,
  );
  const program = project.getProgram().compilerObject;
  const checker = program.getTypeChecker();
  const node = program.getSourceFile(file.getFilePath())!.statements.at(-1) as ts.VariableStatement;
  const type = checker.getTypeAtLocation(node.declarationList.declarations[0]!.name);
  const model = typeScript6Model(program, (t) => checker.typeToString(t, undefined, ts.TypeFormatFlags.NoTruncation));
  return findTransportHazards(model, type, mode, root, limit);
}

function hazards(typeText: string, mode: TransportMode, root: TransportRoot = "value", limit?: number): string {
  return describeHazards(findings(typeText, mode, root, limit));
}

function unproven(typeText: string, root: TransportRoot = "value", limit?: number): string {
  return describeUnproven(findings(typeText, "json", root, limit));
}

describe("structured cloning", () => {
  it("refuses functions, symbols, weak collections and promises, naming where they are", () => {
    expect(hazards("{ readonly run: () => void }", "clone")).toBe("run: () => void cannot be cloned");
    expect(hazards("WithMethod", "clone")).toBe("WithMethod.describe: () => string cannot be cloned");
    expect(hazards("{ readonly key: symbol; readonly tag: typeof sym }", "clone")).toBe(
      "key: symbol cannot be cloned; tag: typeof sym cannot be cloned",
    );
    expect(hazards("{ readonly cache: WeakMap<object, string>; readonly later: Promise<number> }", "clone")).toBe(
      "cache: WeakMap<object, string> cannot be cloned; later: Promise<number> cannot be cloned",
    );
    expect(hazards("Function", "clone")).toBe("Function cannot be cloned");
  });

  it("says that class instances arrive as plain objects, and that subclasses of built-ins arrive as the built-in", () => {
    expect(hazards("{ readonly who: Greeter }", "clone")).toBe(
      "who: Greeter arrives as a plain object without its class and its methods",
    );
    expect(hazards("Plain", "clone")).toBe("Plain arrives as a plain object without its class");
    expect(hazards("{ readonly d: Data }", "clone")).toBe("d: Data arrives as a plain object without its class");
    expect(hazards("HttpError", "clone")).toBe("HttpError arrives as a plain Error");
  });

  it("names the #private fields a class instance leaves behind", () => {
    expect(hazards("{ readonly s: Sealed }", "clone")).toBe(
      "s: Sealed arrives as a plain object without its class and its methods, and its private fields (#secret, #other) are dropped",
    );
    expect(hazards("Account", "clone")).toBe(
      "Account arrives as a plain object without its class and its methods, and its private fields (#pin) are dropped",
    );
  });

  it("accepts dates, maps, sets, errors, binary data, big integers and undefined, and looks into maps and sets", () => {
    expect(
      hazards(
        "{ a: Date; b: Map<string, Row>; c: Set<number>; d: RegExp; e: Error; f: Uint8Array; g: ArrayBuffer; h: bigint; i: string | undefined; j: (number | undefined)[] }",
        "clone",
      ),
    ).toBe("");
    expect(hazards("Map<string, () => void>", "clone")).toBe(
      "Map<string, () => void>[value]: () => void cannot be cloned",
    );
    expect(hazards("{ s: Set<symbol> }", "clone")).toBe("s[element]: symbol cannot be cloned");
  });

  it("names array and tuple elements, and record values, in the path", () => {
    expect(hazards("{ readonly rows: { readonly f: () => void }[] }", "clone")).toBe(
      "rows[number].f: () => void cannot be cloned",
    );
    expect(hazards("{ readonly pair: [string, () => void] }", "clone")).toBe("pair[1]: () => void cannot be cloned");
    expect(hazards("Record<string, Greeter>", "clone")).toBe(
      "Record<string, Greeter>[string]: Greeter arrives as a plain object without its class and its methods",
    );
    expect(hazards("{ readonly 'odd key': () => void }", "clone")).toBe('["odd key"]: () => void cannot be cloned');
  });

  it("names an array of named objects by its elements", () => {
    expect(hazards("readonly WithMethod[]", "clone")).toBe("WithMethod.describe: () => string cannot be cloned");
  });
});

describe("JSON round trip", () => {
  it("reports dates, maps, sets, big integers, functions, symbols and class instances", () => {
    expect(hazards("Row", "json")).toBe("Row.at: Date becomes a string");
    expect(hazards("{ m: Map<string, number>; s: ReadonlySet<string> }", "json")).toBe(
      "m: Map<string, number> becomes an empty object; s: ReadonlySet<string> becomes an empty object",
    );
    expect(hazards("{ n: bigint; f: () => void; k: symbol }", "json")).toBe(
      "n: bigint cannot be written as JSON; f: () => void is dropped; k: symbol is dropped",
    );
    expect(hazards("{ readonly who: Greeter }", "json")).toBe(
      "who: Greeter arrives as a plain object without its class and its methods",
    );
    expect(hazards("{ readonly p: Plain; readonly s: Sealed }", "json")).toBe(
      "p: Plain arrives as a plain object without its class; s: Sealed arrives as a plain object without its class and its methods, and its private fields (#secret, #other) are dropped",
    );
    expect(hazards("{ readonly bytes: Uint8Array; readonly e: Error }", "json")).toBe(
      "bytes: Uint8Array<ArrayBufferLike> becomes a plain object keyed by index; e: Error becomes an empty object",
    );
  });

  it("accepts optional members but not undefined in a required member or an array element", () => {
    expect(hazards("{ a?: string; b: string | null; c: Partial<Record<string, number>> }", "json")).toBe("");
    expect(hazards("{ readonly note: string | undefined }", "json")).toBe(
      "note: undefined is dropped (make the member optional)",
    );
    expect(hazards("{ readonly xs: (string | undefined)[] }", "json")).toBe("xs[number]: undefined becomes null");
    expect(hazards("[() => void]", "json")).toBe("[0]: () => void becomes null");
  });

  it("carries undefined as a value of its own, and items of a parallel method one by one", () => {
    expect(hazards("string | undefined", "json")).toBe("");
    expect(hazards("void", "json")).toBe("");
    expect(hazards("(string | undefined)[]", "json", "items")).toBe("");
    expect(hazards("(string | undefined)[]", "json", "value")).toBe("undefined becomes null");
    expect(hazards("string | undefined", "json", "elements")).toBe("undefined becomes null");
  });

  it("reports no hazard in what it cannot see into, but lists any and unknown as unproven", () => {
    expect(hazards("{ a: unknown; b: any; c: object; d: {} }", "json")).toBe("");
    expect(unproven("{ a: unknown; b: any; c: object; d: {} }")).toBe("a: unknown, b: any");
    expect(unproven("unknown")).toBe("the value itself (unknown)");
    expect(unproven("{ rows: Record<string, any>[] }")).toBe("rows[number][string]: any");
    expect(unproven("{ a: any; b: any; c: any }", "value", 2)).toBe("a: any, b: any, and more");
    expect(unproven("{ a: object; b: string }")).toBe("");
  });

  it("lists nothing as unproven for structured cloning", () => {
    expect(findings("{ a: unknown; b: any }", "clone").unproven).toEqual([]);
  });
});

describe("the walk", () => {
  it("ends on recursive and ever-growing types, looking inside each object type once", () => {
    expect(hazards("Tree", "json")).toBe("Tree.size: bigint cannot be written as JSON");
    expect(hazards("Nested<() => void>", "clone")).toBe(
      "Nested<() => void>.inner: () => void cannot be cloned; Nested<() => void>.inner.inner[number]: () => void cannot be cloned",
    );
  });

  it("stops at the limit and says there is more", () => {
    expect(hazards("{ a: Date; b: Date; c: bigint; d: bigint }", "json", "value", 2)).toBe(
      "a: Date becomes a string; b: Date becomes a string; and more",
    );
  });
});
