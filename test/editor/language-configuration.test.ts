import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Lexer, type IToken } from "../../grammar/chevrotain.js";
import { createSourceText, parse } from "../../grammar/index.js";
import { allTokens, AtName, COMMENTS_GROUP, Identifier, NumberLiteral } from "../../grammar/tokens.js";
import { formatDocument } from "../../src/format/format.js";
import { root } from "../cli/helpers.js";
import { validManifest } from "../grammar/manifest-arbitrary.js";

/**
 * The language configuration VS Code reads for `.flow` files (editors/vscode/language-configuration.json):
 * its brackets and pairs, a word pattern that selects the words the lexer reads, and indentation rules
 * that indent as `flowc fmt` does.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

interface LanguageConfiguration {
  comments: { lineComment: string; blockComment: [string, string] };
  brackets: [string, string][];
  autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
  surroundingPairs: [string, string][];
  wordPattern: string;
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  onEnterRules: { beforeText: string; afterText?: string }[];
}

const configuration = JSON.parse(
  readFileSync(path.join(root, "editors/vscode/language-configuration.json"), "utf8"),
) as LanguageConfiguration;

const examples = readdirSync(path.join(root, "examples"), { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".flow"))
  .map((file) => readFileSync(path.join(root, "examples", file), "utf8"));

/** As `flowc fmt` lays a manifest out. */
function format(text: string): string {
  const source = createSourceText("gen.flow", text);
  return formatDocument(parse(source).document, source);
}

const lexer = new Lexer([...allTokens], { positionTracking: "onlyOffset" });

describe("the language configuration", () => {
  it("declares the comments, the brackets and the pairs of the language", () => {
    expect(configuration.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    expect(configuration.brackets).toEqual([
      ["{", "}"],
      ["<", ">"],
    ]);
    const pairs = Object.fromEntries(configuration.autoClosingPairs.map((pair) => [pair.open, pair]));
    for (const [open, close] of [
      ["{", "}"],
      ["<", ">"],
      ['"', '"'],
      ["'", "'"],
    ] as const) {
      expect(pairs[open]).toMatchObject({ close, notIn: expect.arrayContaining(["string", "comment"]) });
    }
    expect(configuration.surroundingPairs).toEqual(
      expect.arrayContaining([
        ["{", "}"],
        ["<", ">"],
        ['"', '"'],
        ["'", "'"],
      ]),
    );
    for (const rule of configuration.onEnterRules) {
      expect(() => new RegExp(rule.beforeText)).not.toThrow();
      if (rule.afterText !== undefined) expect(() => new RegExp(rule.afterText!)).not.toThrow();
    }
  });

  /** The word the editor selects at `at`, as VS Code applies the pattern: from a word's start. */
  const wordAt = (text: string, at: number) => {
    const pattern = new RegExp(configuration.wordPattern, "y");
    pattern.lastIndex = at;
    return pattern.exec(text)?.[0];
  };

  it("makes words of `@input`, names as TypeScript spells them, and numbers with their units", () => {
    for (const word of ["@input", "load_v2", "$fetch", "größe", "_x1", "250ms", "-1", "2.5", "10%"]) {
      expect(wordAt(word, 0)).toBe(word);
    }
    expect(wordAt("Tokenizer.lines", 0)).toBe("Tokenizer");
    expect(wordAt("retries: 3;", 0)).toBe("retries");
    for (const notWord of [":", ";", "{", "<", ",", '"', "@"]) expect(wordAt(notWord, 0)).toBeUndefined();
  });

  it("makes one word of each name and number the lexer reads", () => {
    fc.assert(
      fc.property(fc.oneof(validManifest, fc.constantFrom(...examples)), (text) => {
        const words = [Identifier, AtName, NumberLiteral];
        for (const token of lexer.tokenize(text).tokens as IToken[]) {
          if (words.includes(token.tokenType)) expect(wordAt(text, token.startOffset)).toBe(token.image);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("indents lines as `flowc fmt` does", () => {
    const increase = new RegExp(configuration.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(configuration.indentationRules.decreaseIndentPattern);
    fc.assert(
      fc.property(fc.oneof(validManifest, fc.constantFrom(...examples)), (manifest) => {
        const text = format(manifest);
        // Lines that begin inside a block comment keep the layout their author gave them.
        const comments = (lexer.tokenize(text).groups[COMMENTS_GROUP] ?? []) as IToken[];
        const inComment = (at: number) =>
          comments.some((c) => c.startOffset < at && at < c.startOffset + c.image.length);
        let level = 0;
        let offset = 0;
        for (const line of text.split("\n")) {
          const start = offset;
          offset += line.length + 1;
          if (line.trim() === "" || inComment(start)) continue;
          const own = decrease.test(line) ? level - 1 : level;
          expect(line.match(/^ */)![0], JSON.stringify(line)).toBe("  ".repeat(own));
          level = increase.test(line) ? own + 1 : own;
        }
        expect(level).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it("indents after an opener, not after one in a comment or a string", () => {
    const increase = new RegExp(configuration.indentationRules.increaseIndentPattern);
    for (const line of ["a, b {", "count <", "import {", "a { // settings", "x { /* c */"]) {
      expect(increase.test(line), line).toBe(true);
    }
    for (const line of ["a { retries: 1; }", "// a {", '  branch_on: "{";', "/* <", "} from './m';"]) {
      expect(increase.test(line), line).toBe(false);
    }
  });
});
