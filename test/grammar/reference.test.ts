import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createSourceText, parse } from "../../grammar/index.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";

const reference = readFileSync(new URL("../../grammar/REFERENCE.md", import.meta.url), "utf8");

/** Each `### FLOWnnnn — title` subsection with its example manifest and the message it documents. */
function documentedExamples(): { code: number; manifest: string; message: string; limit: number | undefined }[] {
  const diagnostics = reference.slice(reference.indexOf("\n## Diagnostics"));
  return diagnostics
    .split(/\n### /)
    .slice(1)
    .map((section) => {
      const code = Number(/^FLOW(\d+) — /.exec(section)?.[1]);
      const blocks = [...section.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1]!);
      // An entry about the limit of diagnostics per file shows it with a smaller one.
      const limit = /the limit set to (\d+)/.exec(section)?.[1];
      return {
        code,
        manifest: blocks[0] ?? "",
        message: (blocks[1] ?? "").trim(),
        limit: limit === undefined ? undefined : Number(limit),
      };
    });
}

describe("grammar/REFERENCE.md", () => {
  const examples = documentedExamples();
  const syntaxCodes = Object.values(Messages)
    .map((m) => m.code)
    .filter((code) => code < 2000);

  it("documents every syntax code once", () => {
    expect(
      examples
        .map((e) => e.code)
        .filter((code) => code < 2000)
        .sort(),
    ).toEqual([...syntaxCodes].sort());
  });

  // FLOW1012 counts warnings, which the parser never reports: test/reference runs its example through every phase.
  for (const example of examples.filter((e) => e.code < 2000 && e.code !== Messages.MoreWarningsNotShown.code)) {
    it(`FLOW${example.code}: its example produces the documented message`, () => {
      const { diagnostics } = parse(createSourceText("example.flow", example.manifest), { limit: example.limit });
      expect(diagnostics.map((d) => [d.code, d.message])).toContainEqual([example.code, example.message]);
    });
  }

  it("quotes the grammar's productions as the AST declares them", () => {
    const ast = readFileSync(new URL("../../grammar/ast.ts", import.meta.url), "utf8");
    for (const production of ["Document", "Group", "Block", "Property"]) {
      const declared = new RegExp(`\`${production} : ([^\`]*)\``).exec(ast)?.[1];
      const documented = new RegExp(`^${production}\\s+= (.*) ;$`, "m").exec(reference)?.[1];
      // Spacing differs between the two notations; the symbols must not.
      expect(documented?.replace(/\s+/g, ""), production).toBe(declared?.replace(/\s+/g, ""));
    }
  });
});
