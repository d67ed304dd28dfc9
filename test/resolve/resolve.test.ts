import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "../../grammar/index.js";
import { createSourceText } from "../../grammar/source.js";
import { resolve, untypedHost } from "../../src/resolve/resolve.js";
import { isReservedWord } from "../../src/resolve/reserved-words.js";
import { defaultModuleSpecifier, manifestName } from "../../src/resolve/manifest-name.js";
import type { ModuleHost } from "../../src/resolve/types.js";
import { printed, relatedAt, tableHost } from "../check/pipeline.js";

function run(text: string, host: ModuleHost, file = "flows/etl.flow") {
  const source = createSourceText(file, text);
  const { document, diagnostics } = parse(source);
  expect(diagnostics).toEqual([]);
  const resolution = resolve(document, source, host);
  return { source, resolution, printed: resolution.diagnostics.map((d) => printed(source, d)) };
}

describe("resolve", () => {
  it("binds imported names, `as` renames and the default module, in order of first mention", () => {
    const { resolution } = run(
      `import { pull as extract, load } from "./io.methods";
       extract, transform, load { execution_flow: sequential; }`,
      tableHost({ "./io.methods": { pull: true, load: true }, "./etl.methods": { transform: true } }),
    );
    expect([...resolution.bindings.values()].map((b) => [b.name, b.exportName, b.module, b.modulePath])).toEqual([
      ["extract", "pull", "./io.methods", "/modules/io.methods.ts"],
      ["transform", "transform", "./etl.methods", "/modules/etl.methods.ts"],
      ["load", "load", "./io.methods", "/modules/io.methods.ts"],
    ]);
    expect(resolution.diagnostics).toEqual([]);
  });

  it("declares an imported name at its local name and a default one at its first mention", () => {
    const { source, resolution } = run(
      `import { pull as extract } from "./io.methods";\nextract, load { execution_flow: sequential; }`,
      untypedHost,
    );
    const at = (name: string) => {
      const span = resolution.bindings.get(name)!.declaration.span;
      return source.text.slice(span.start, span.end) + "@" + span.start;
    };
    expect(at("extract")).toBe("extract@17");
    expect(at("load")).toBe("load@57");
  });

  it("reports a missing default module once, at the first name that needs it", () => {
    const { printed: diagnostics, resolution } = run(
      `import { a } from "./a.methods";\na, b, c { execution_flow: sequential; }`,
      tableHost({ "./a.methods": { a: true } }),
    );
    expect(diagnostics).toEqual([
      {
        code: 2002,
        severity: "error",
        line: 2,
        column: 4,
        endLine: 2,
        endColumn: 5,
        message: "Cannot find module './etl.methods' (looked for flows/etl.methods.ts).",
      },
    ]);
    expect(resolution.bindings.get("c")?.modulePath).toBeUndefined();
  });

  it("names the package a bare specifier was looked up as", () => {
    const { printed: diagnostics } = run(`import { a } from "shared-steps";\na { retries: 1; }`, tableHost({}));
    expect(diagnostics[0]?.message).toBe("Cannot find module 'shared-steps' (looked for package 'shared-steps').");
  });

  it("treats a host that throws as a module that was not found", () => {
    const throwing: ModuleHost = {
      resolveModule() {
        throw new Error("disk on fire");
      },
    };
    const { printed: diagnostics } = run(`a { retries: 1; }`, throwing);
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([[2002, 1, 1]]);
  });

  it("points a duplicate import at its first import and does not also call it unused", () => {
    const { source, resolution } = run(
      `import { a } from "./x.methods";\nimport { b as a } from "./y.methods";\na { retries: 1; }`,
      untypedHost,
    );
    expect(resolution.diagnostics.map((d) => printed(source, d))).toEqual([
      {
        code: 2005,
        severity: "error",
        line: 2,
        column: 15,
        endLine: 2,
        endColumn: 16,
        message: "'a' is imported more than once.",
      },
    ]);
    expect(relatedAt(source, resolution.diagnostics[0]!)).toEqual(["1:10 'a' is first imported here."]);
    expect(resolution.bindings.get("a")?.module).toBe("./x.methods");
  });

  it("checks imports even when unused, and does not suggest a far-off name", () => {
    const { printed: diagnostics } = run(
      `import { zzz } from "./x.methods";\na { retries: 1; }`,
      tableHost({ "./x.methods": { extract: true }, "./etl.methods": { a: true } }),
    );
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      [2003, "Module './x.methods' has no exported member 'zzz'."],
      [2010, "'zzz' is imported but never used."],
    ]);
  });

  it("checks nothing about exports when the host does not know them", () => {
    const { resolution } = run(
      `import { anything } from "./x.methods";\nanything, other { execution_flow: sequential; }`,
      untypedHost,
    );
    expect(resolution.diagnostics).toEqual([]);
  });

  it("reports a reserved word once: no missing module, export or unused import for it", () => {
    const { printed: diagnostics, resolution } = run(
      `import { a } from "./a.methods";\nimport { delete } from "./a.methods";\na, class { execution_flow: sequential; }`,
      tableHost({ "./a.methods": { a: true } }),
    );
    expect(diagnostics).toEqual([
      {
        code: 2001,
        severity: "error",
        line: 2,
        column: 10,
        endLine: 2,
        endColumn: 16,
        message: "'delete' cannot name a method: it is a reserved word in TypeScript.",
      },
      {
        code: 2001,
        severity: "error",
        line: 3,
        column: 4,
        endLine: 3,
        endColumn: 9,
        message: "'class' cannot name a method: it is a reserved word in TypeScript.",
      },
    ]);
    expect([...resolution.invalidNames]).toEqual(["delete", "class"]);
  });

  it("refuses __proto__ as a name in a group, an import's local name and the name it imports", () => {
    const { printed: diagnostics, resolution } = run(
      `import { __proto__ as p, q as __proto__ } from "./x.methods";\np, __proto__, r { execution_flow: sequential; }\n__proto__ { retries: 1; }`,
      untypedHost,
    );
    const why =
      "'__proto__' cannot name a method: the runner keys objects by method name, and in JavaScript that key would set an object's prototype instead.";
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      [2011, 1, 10, why],
      [2011, 1, 31, why],
    ]);
    expect([...resolution.invalidNames]).toEqual(["__proto__"]);
    const { printed: inGroup } = run(`a, __proto__ { execution_flow: sequential; }`, untypedHost);
    expect(inGroup.map((d) => [d.code, d.line, d.column, d.endColumn])).toEqual([[2011, 1, 4, 13]]);
  });

  it("suggests the import a name not imported most likely misspells, at the name", () => {
    const { printed: diagnostics } = run(
      `import { alpha, transform as clean } from "./x";\nalpah, transfrom, clean, alpha { execution_flow: sequential; }`,
      tableHost({ "./x": { alpha: true, transform: true }, "./etl.methods": {} }),
    );
    expect(diagnostics).toEqual([
      {
        code: 2012,
        severity: "error",
        line: 2,
        column: 1,
        endLine: 2,
        endColumn: 6,
        message:
          "'alpah' is not imported, and './etl.methods' has no export 'alpah'; did you mean 'alpha' (imported from './x')?",
      },
      {
        code: 2012,
        severity: "error",
        line: 2,
        column: 8,
        endLine: 2,
        endColumn: 17,
        message:
          "'transfrom' is not imported, and './etl.methods' has no export 'transfrom'; did you mean 'clean' ('transform' imported from './x' as 'clean')?",
      },
    ]);
  });

  it("still takes a name close to an import from the default module when it is there", () => {
    const { resolution } = run(
      `import { alpha } from "./x";\nalpha, alpah { execution_flow: sequential; }`,
      tableHost({ "./x": { alpha: true }, "./etl.methods": { alpah: true } }),
    );
    expect(resolution.diagnostics).toEqual([]);
    expect(resolution.bindings.get("alpah")?.module).toBe("./etl.methods");
  });

  it("suggests no import for short names, nor when the default module's exports are unknown", () => {
    const table = tableHost({ "./x": { ab: true }, "./etl.methods": {} });
    expect(run(`import { ab } from "./x";\nab, ac { execution_flow: sequential; }`, table).printed[0]?.code).toBe(2003);
    const untyped = run(`import { alpha } from "./x";\nalpha, alpah { execution_flow: sequential; }`, untypedHost);
    expect(untyped.resolution.diagnostics).toEqual([]);
  });

  it("rejects strict-mode and module reserved words, not contextual keywords", () => {
    for (const word of [
      "class",
      "delete",
      "new",
      "let",
      "yield",
      "await",
      "static",
      "implements",
      "eval",
      "arguments",
    ]) {
      expect(isReservedWord(word), word).toBe(true);
    }
    for (const word of ["as", "from", "type", "of", "async", "get", "set", "undefined", "constructor"]) {
      expect(isReservedWord(word), word).toBe(false);
    }
  });
});

describe("untypedHost", () => {
  it("maps relative specifiers to TypeScript sources and leaves packages alone", () => {
    const from = path.join("flows", "etl.flow");
    expect(untypedHost.resolveModule("./etl.methods", from)).toEqual({
      path: path.resolve("flows/etl.methods.ts"),
      exports: undefined,
    });
    expect(untypedHost.resolveModule("../lib/steps.js", from)?.path).toBe(path.resolve("lib/steps.ts"));
    expect(untypedHost.resolveModule("./steps.mts", from)?.path).toBe(path.resolve("flows/steps.mts"));
    expect(untypedHost.resolveModule("shared-steps", from)?.path).toBe("shared-steps");
  });
});

describe("manifest names", () => {
  it("derives the manifest name and its default module from the file name", () => {
    expect(manifestName("examples/word-count/word-count.flow")).toBe("word-count");
    expect(defaultModuleSpecifier("a/b/etl.flow")).toBe("./etl.methods");
  });
});
