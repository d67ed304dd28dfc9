import { describe, expect, it } from "vitest";
import { stringLiteralText } from "../../src/syntax/literals.js";
import { printExpressionText, printModule, printStatement, printTypeText } from "../../src/syntax/print.js";
import * as t from "../../src/syntax/tree.js";

const id = t.identifier;
const ref = (name: string, ...args: t.TypeNode[]) => t.typeReference(name, args);
const A = ref("A");
const B = ref("B");
const C = ref("C");
const fn = t.functionType([], A);

describe("every kind of node", () => {
  it.each<[string, t.Expression, string]>([
    ["identifier", id("a"), "a"],
    ["string", t.string("a"), '"a"'],
    ["number", t.number(1.5), "1.5"],
    ["large number", t.number(1e21), "1e21"],
    ["small number", t.number(5e-7), "5e-7"],
    ["boolean", t.boolean(false), "false"],
    ["null", t.nullLiteral(), "null"],
    ["negative number", t.signedNumber(-2), "-2"],
    ["minus zero", t.signedNumber(-0), "-0"],
    ["object", t.object([t.property("a", t.number(1)), t.spread(id("b"))]), "{ a: 1, ...b }"],
    ["empty object", t.object([]), "{}"],
    [
      "string and computed keys",
      t.object([t.property(t.string("a-b"), id("x")), t.property(t.computed(t.string("__proto__")), id("y"))]),
      '{ "a-b": x, ["__proto__"]: y }',
    ],
    ["array", t.array([t.number(1), id("a")]), "[1, a]"],
    ["call", t.call(id("f"), [id("a"), id("b")], [A, t.keywordType("void")]), "f<A, void>(a, b)"],
    [
      "new",
      t.newExpression(id("URL"), [t.string("./"), t.member(t.importMeta(), "url")]),
      'new URL("./", import.meta.url)',
    ],
    ["await", t.awaitExpression(t.call(id("f"))), "await f()"],
    ["as const satisfies", t.satisfies(t.asConst(id("a")), A), "a as const satisfies A"],
    ["member", t.member(id("a"), "b"), "a.b"],
    ["element", t.element(id("a"), t.string("b-c")), 'a["b-c"]'],
    ["import.meta", t.call(t.member(t.importMeta(), "resolve"), [t.string("x")]), 'import.meta.resolve("x")'],
  ])("%s", (_, node, text) => {
    expect(printExpressionText(node)).toBe(text);
  });

  it.each<[string, t.TypeNode, string]>([
    ["keyword", t.keywordType("unknown"), "unknown"],
    ["reference", ref("Map", t.keywordType("string"), ref("B")), "Map<string, B>"],
    ["qualified reference", t.typeReference(t.qualifiedName(id("ns"), "T")), "ns.T"],
    ["typeof", t.typeQuery(t.qualifiedName(t.qualifiedName(id("a"), "b"), "c")), "typeof a.b.c"],
    ["indexed access", t.indexedAccessType(A, t.literalType(t.string("k"))), 'A["k"]'],
    [
      "literal types",
      t.tupleType([t.literalType(t.signedNumber(-1)), t.literalType(t.boolean(true)), t.literalType(t.nullLiteral())]),
      "[-1, true, null]",
    ],
    [
      "type literal",
      t.typeLiteral([
        t.propertySignature("a", A, { readonly: true, optional: true }),
        t.propertySignature(t.string("b c"), B),
      ]),
      '{ readonly a?: A; "b c": B }',
    ],
    ["empty type literal", t.typeLiteral([]), "{}"],
    ["union", t.unionType([A, B]), "A | B"],
    ["intersection", t.intersectionType([A, B]), "A & B"],
    ["tuple with an optional element", t.tupleType([A, t.optionalType(B)]), "[A, B?]"],
    ["empty tuple", t.tupleType([]), "[]"],
    ["readonly array", t.typeOperator("readonly", t.arrayType(A)), "readonly A[]"],
    ["keyof", t.typeOperator("keyof", A), "keyof A"],
    ["conditional", t.conditionalType(A, B, C, t.keywordType("never")), "A extends B ? C : never"],
    [
      "function type",
      t.functionType([t.parameter("a", A)], ref("T"), [t.typeParameter("T", B)]),
      "<T extends B>(a: A) => T",
    ],
  ])("%s", (_, node, text) => {
    expect(printTypeText(node)).toBe(text);
  });

  it("statements, with their comments", () => {
    const statements: t.Statement[] = [
      t.withComments(
        t.importDeclaration(
          t.namedImports([
            t.importSpecifier("b", { exported: id("a") }),
            t.importSpecifier("C", { typeOnly: true }),
            t.importSpecifier("d", { exported: t.string("d-e") }),
          ]),
          "./x.js",
        ),
        [{ kind: "line", text: "generated" }],
      ),
      t.importDeclaration(t.namespaceImport("m0"), "./m.js"),
      t.importDeclaration(t.namedImports([t.importSpecifier("T")]), "./t.js", true),
      t.withComments(
        t.typeAlias("P", t.arrayType(ref("T")), { modifiers: ["export"], typeParameters: [t.typeParameter("T")] }),
        [{ kind: "jsdoc", lines: ["A list."] }],
      ),
      t.variable("x", { modifiers: ["declare"], type: A }),
      t.variable("y", { declarationKind: "let", initializer: t.number(1) }),
      t.withComments(
        t.functionDeclaration(
          "f",
          [t.parameter("a", A), t.parameter("b", B, t.object([])), t.optionalParameter("c", A)],
          [t.variable("c", { initializer: t.awaitExpression(id("a")) }), t.returnStatement(id("c"))],
          { modifiers: ["export"], async: true, returnType: ref("Promise", A) },
        ),
        [{ kind: "jsdoc", lines: ["Two", "lines."] }],
      ),
      t.functionDeclaration("g", [], [t.returnStatement()]),
      t.functionDeclaration("h", [], []),
    ];
    expect(printModule(statements, (statement) => statement.kind !== "import")).toBe(
      [
        "// generated",
        'import { a as b, type C, "d-e" as d } from "./x.js";',
        'import * as m0 from "./m.js";',
        'import type { T } from "./t.js";',
        "",
        "/** A list. */",
        "export type P<T> = T[];",
        "",
        "declare const x: A;",
        "",
        "let y = 1;",
        "",
        "/**",
        " * Two",
        " * lines.",
        " */",
        "export async function f(a: A, b: B = {}, c?: A): Promise<A> {",
        "  const c = await a;",
        "  return c;",
        "}",
        "",
        "function g() {",
        "  return;",
        "}",
        "",
        "function h() {}",
        "",
      ].join("\n"),
    );
  });
});

describe("parentheses where the grammar needs them", () => {
  it.each<[string, t.TypeNode, string]>([
    ["a union in an array", t.arrayType(t.unionType([A, B])), "(A | B)[]"],
    ["a union in an intersection", t.intersectionType([t.unionType([A, B]), C]), "(A | B) & C"],
    ["an intersection in a union", t.unionType([t.intersectionType([A, B]), C]), "A & B | C"],
    ["a union in a union", t.unionType([A, t.unionType([B, C])]), "A | (B | C)"],
    ["a function type in a union", t.unionType([fn, B]), "(() => A) | B"],
    ["a function type in an array", t.arrayType(fn), "(() => A)[]"],
    [
      "typeof in an indexed access",
      t.indexedAccessType(t.typeQuery("m0"), t.literalType(t.string("a-b"))),
      '(typeof m0)["a-b"]',
    ],
    ["typeof in an array", t.arrayType(t.typeQuery("m0")), "(typeof m0)[]"],
    ["keyof in an array", t.arrayType(t.typeOperator("keyof", A)), "(keyof A)[]"],
    ["a union after keyof", t.typeOperator("keyof", t.unionType([A, B])), "keyof (A | B)"],
    [
      "a conditional type's check type",
      t.conditionalType(t.conditionalType(A, B, C, A), B, C, A),
      "(A extends B ? C : A) extends B ? C : A",
    ],
    ["a function as a check type", t.conditionalType(fn, B, C, A), "(() => A) extends B ? C : A"],
    [
      "a conditional type after extends",
      t.conditionalType(A, t.conditionalType(A, B, C, A), C, A),
      "A extends (A extends B ? C : A) ? C : A",
    ],
    ["a function type after extends", t.conditionalType(A, fn, C, A), "A extends (() => A) ? C : A"],
    ["a union as an optional element", t.tupleType([t.optionalType(t.unionType([A, B]))]), "[(A | B)?]"],
    [
      "none in a conditional type's branches",
      t.conditionalType(A, B, t.unionType([A, B]), fn),
      "A extends B ? A | B : () => A",
    ],
  ])("%s", (_, node, text) => {
    expect(printTypeText(node)).toBe(text);
  });

  it.each<[string, t.Expression, string]>([
    ["a negative number as a member object", t.member(t.signedNumber(-1), "x"), "(-1).x"],
    ["a number as a member object", t.member(t.number(1), "x"), "(1).x"],
    ["await as a callee", t.call(t.awaitExpression(id("f"))), "(await f)()"],
    ["await as a member object", t.member(t.awaitExpression(id("p")), "x"), "(await p).x"],
    ["as as a member object", t.element(t.as(id("a"), A), t.string("k")), '(a as A)["k"]'],
    ["satisfies after minus", t.negate(t.satisfies(id("a"), A)), "-(a satisfies A)"],
    ["minus after minus", t.negate(t.signedNumber(-1)), "-(-1)"],
    ["a call in new's callee", t.newExpression(t.member(t.call(id("f")), "C"), []), "new (f().C)()"],
    ["none for a member in new's callee", t.newExpression(t.member(id("a"), "C"), [id("x")]), "new a.C(x)"],
    ["none for an object as a callee's argument", t.call(id("f"), [t.object([])]), "f({})"],
    ["none for await in an array", t.array([t.awaitExpression(id("p"))]), "[await p]"],
  ])("%s", (_, node, text) => {
    expect(printExpressionText(node)).toBe(text);
  });
});

describe("string literals", () => {
  const hostile = [
    "quote \" and ' and \\ and `",
    "line\nfeed\rreturn\u2028sep\u2029para\u0085next",
    "nul\u0000 then nul\u00001",
    "lone \ud800 high, lone \udc00 low, pair \ud83d\ude00",
    "café ☕ \u007f \u001b",
    '"; process.exit(1); "',
    "*/ ${x} </script>",
  ];

  it.each(hostile)("%j is plain ASCII on one line and evaluates back to itself", (value) => {
    const text = stringLiteralText(value);
    expect(text).toMatch(/^[\x20-\x7f]*$/);
    expect(new Function(`return ${text};`)()).toBe(value);
    // Inside code too: the literal ends where it should.
    const printed = printExpressionText(t.array([t.string(value), t.number(1)]));
    expect(new Function(`return ${printed};`)()).toEqual([value, 1]);
  });

  it("is quoted as Prettier quotes it", () => {
    expect(stringLiteralText("a")).toBe('"a"');
    expect(stringLiteralText('a"b')).toBe("'a\"b'");
    expect(stringLiteralText("a'b\"c")).toBe('"a\'b\\"c"');
    expect(stringLiteralText("\u00e9\u2028")).toBe('"\\u00E9\\u2028"');
  });
});

describe("comments", () => {
  it("cannot be ended by their text", () => {
    const statement = t.withComments(t.returnStatement(), [
      { kind: "line", text: "a\nreturn 1;" },
      { kind: "jsdoc", lines: ["*/ return 2; /*"] },
      { kind: "jsdoc", lines: ["b\u2028", "*/"] },
    ]);
    expect(printStatement(statement)).toBe(
      "// a\\u000areturn 1;\n/** *\\/ return 2; /* */\n/**\n * b\\u2028\n * *\\/\n */\nreturn;",
    );
  });
});

describe("identifiers", () => {
  it("refuses a name that is none", () => {
    expect(() => t.identifier("a-b")).toThrow("not an identifier");
    expect(() => t.member(id("a"), "b c")).toThrow("not an identifier");
    expect(() => t.number(-1)).toThrow("not negative");
  });
});

describe("layout", () => {
  it("breaks what does not fit in 100 columns, as Prettier does", () => {
    const long = (n: number) => id(`argument${"x".repeat(n)}`);
    expect(printExpressionText(t.call(id("f"), [long(40), long(40)]))).toBe(
      `f(\n  argument${"x".repeat(40)},\n  argument${"x".repeat(40)},\n)`,
    );
    const options = t.object([t.property("moduleBase", long(60)), t.spread(id("options"))]);
    expect(printStatement(t.returnStatement(t.call(id("createPlanRunner"), [id("plan"), options])))).toBe(
      `return createPlanRunner(plan, {\n  moduleBase: argument${"x".repeat(60)},\n  ...options,\n});`,
    );
    expect(printExpressionText(t.object([t.property("a", t.number(1))], true))).toBe("{\n  a: 1,\n}");
    // `import.meta.resolve("…")` stays whole, as Prettier keeps it.
    const name = `a-package-${"y".repeat(50)}`;
    const resolve = t.call(t.member(t.importMeta(), "resolve"), [t.string(name)]);
    expect(printExpressionText(t.object([t.property(t.string(name), resolve)], true))).toBe(
      `{\n  "${name}": import.meta\n    .resolve("${name}"),\n}`,
    );
  });
});
