import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { IGrammar } from "vscode-textmate";
import { Lexer, type IToken, type TokenType } from "../../grammar/chevrotain.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { createSourceText, parse, type Identifier, type Span, type Value } from "../../grammar/index.js";
import { tokenize } from "../../grammar/lexer.js";
import {
  allTokens,
  As,
  AtName,
  Backend,
  COMMENTS_GROUP,
  DottedName,
  From,
  Identifier as IdentifierToken,
  Import,
  NumberLiteral,
  StringLiteral,
  UNTERMINATED_GROUP,
  UnterminatedString,
} from "../../grammar/tokens.js";
import { backendNames } from "../../src/bind/read-backend.js";
import { booleanValues, executionFlows, knownProperties, onErrorValues } from "../../src/bind/read-properties.js";
import { durationUnits } from "../../src/duration.js";
import { formatDocument } from "../../src/format/format.js";
import { root } from "../cli/helpers.js";
import { tokenSoup, validManifest } from "../grammar/manifest-arbitrary.js";
import { innermost, loadGrammar, scopesByOffset, tokenizeText } from "./textmate-grammar.js";

/**
 * The grammar against the compiler's own reading of the same text: on valid manifests, in the
 * layout `flowc fmt` gives them, every node of the parser's tree has the scope its role calls
 * for; on any text at all, every token of the lexer is coloured as the kind of token it is.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

let grammar: IGrammar;
beforeAll(async () => {
  grammar = await loadGrammar();
});

const examples = readdirSync(path.join(root, "examples"), { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".flow"))
  .map((file) => readFileSync(path.join(root, "examples", file), "utf8"));

const propertyValues: readonly string[] = [...executionFlows, ...onErrorValues, ...booleanValues];
const methodProperties = new Set(["run_if", "fallback"]);
const unitScope = (unit: string) =>
  durationUnits.includes(unit) || unit === "%" ? "keyword.other.unit.flowc" : "keyword.other.unit.unknown.flowc";

/** What is wrong with the scopes of a valid manifest, node by node of the parser's tree. */
function disagreementsWithParser(text: string): string[] {
  const source = createSourceText("gen.flow", text);
  const { document, diagnostics } = parse(source);
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const tokens = tokenizeText(grammar, text);
  const problems: string[] = [];
  const over = (span: Span) => tokens.filter((t) => t.start < span.end && t.end > span.start && t.text.trim() !== "");
  const quote = (span: Span) => JSON.stringify(text.slice(span.start, span.end));
  const expectScope = (span: Span, scope: string) => {
    const found = over(span).map(innermost);
    if (found.length === 0 || found.some((s) => s !== scope)) problems.push(`${quote(span)}: ${found} ≠ ${scope}`);
  };
  const expectWithin = (span: Span, scope: string) => {
    const found = over(span).filter((t) => !t.scopes.some((s) => s === scope || s.startsWith(`${scope}.`)));
    if (found.length > 0) problems.push(`${quote(span)}: not all within ${scope}`);
  };
  const keyword = (type: TokenType, from: number, to: number) => {
    const token = lexed.find((t) => t.tokenType === type && t.startOffset >= from && t.startOffset < to);
    if (token === undefined) problems.push(`no ${type.name} between ${from} and ${to}`);
    else
      expectScope(
        { start: token.startOffset, end: token.startOffset + token.image.length },
        "keyword.control.import.flowc",
      );
  };
  const name = (identifier: Identifier, scope: string) =>
    expectScope(identifier.span, identifier.name === "@input" ? "variable.language.flowc" : scope);
  const value = (node: Value, wordScope: (word: string) => string) => {
    if (node.kind === "Identifier") return name(node, wordScope(node.name));
    if (node.kind === "StringLiteral") return expectWithin(node.span, "string.quoted");
    const digitsEnd = node.span.end - (node.unit?.length ?? 0);
    expectScope({ start: node.span.start, end: digitsEnd }, "constant.numeric.flowc");
    if (node.unit !== undefined) expectScope({ start: digitsEnd, end: node.span.end }, unitScope(node.unit));
  };
  const lexed = tokenize(text, "gen.flow").tokens;

  for (const declaration of document.imports) {
    expectWithin(declaration.span, "meta.import.flowc");
    keyword(Import, declaration.span.start, declaration.span.start + 1);
    for (const { imported, local } of declaration.specifiers) {
      name(imported, "entity.name.function.flowc");
      if (local.span.start === imported.span.start) continue;
      keyword(As, imported.span.end, local.span.start);
      name(local, "entity.name.function.alias.flowc");
    }
    keyword(From, declaration.specifiers.at(-1)!.span.end, declaration.source.span.start);
    expectWithin(declaration.source.span, "string.quoted");
  }
  for (const declaration of document.backends) {
    keyword(Backend, declaration.span.start, declaration.span.start + 1);
    value(declaration.value, (word) =>
      (backendNames as readonly string[]).includes(word) ? "constant.language.flowc" : "variable.other.flowc",
    );
  }
  for (const group of document.groups) {
    expectWithin(group.span, "meta.group.flowc");
    if (document.outerBraces) expectWithin(group.span, "meta.groups.flowc");
    for (const method of group.methods) name(method, "entity.name.function.flowc");
    const { span, delimiter } = group.block;
    expectWithin(span, "meta.block.flowc");
    const angle = delimiter === "angle" ? ".angle" : "";
    expectScope({ start: span.start, end: span.start + 1 }, `punctuation.definition.block.begin${angle}.flowc`);
    expectScope({ start: span.end - 1, end: span.end }, `punctuation.definition.block.end${angle}.flowc`);
    for (const property of group.block.properties) {
      const key = property.key.name;
      name(
        property.key,
        (knownProperties as readonly string[]).includes(key)
          ? "support.type.property-name.flowc"
          : "variable.other.property.flowc",
      );
      value(property.value, (word) =>
        methodProperties.has(key)
          ? "entity.name.function.flowc"
          : propertyValues.includes(word)
            ? "constant.language.flowc"
            : "variable.other.flowc",
      );
    }
  }
  for (const comment of document.comments) {
    expectWithin(comment.span, comment.style === "line" ? "comment.line.double-slash.flowc" : "comment.block.flowc");
  }
  for (const token of tokens) {
    const scope = innermost(token);
    const bare = scope === "source.flowc" || scope.startsWith("meta.") || scope.startsWith("invalid.");
    if (token.text.trim() !== "" && bare) problems.push(`${JSON.stringify(token.text)}: ${scope}`);
  }
  return problems;
}

const lexer = new Lexer([...allTokens], { positionTracking: "onlyOffset" });
const names = new Set<TokenType>([IdentifierToken, DottedName, AtName, Import, From, As, Backend]);
const nameScopes = new Set([
  "entity.name.function.flowc",
  "entity.name.function.alias.flowc",
  "variable.language.flowc",
  "variable.other.flowc",
  "variable.other.property.flowc",
  "support.type.property-name.flowc",
  "constant.language.flowc",
  "keyword.control.import.flowc",
]);
const numberScopes = new Set([
  "constant.numeric.flowc",
  "keyword.other.unit.flowc",
  "keyword.other.unit.unknown.flowc",
]);

/** Where the scopes of any text contradict the kind of token the lexer reads at the same place. */
function disagreementsWithLexer(text: string): string[] {
  const scopes = scopesByOffset(tokenizeText(grammar, text), text.length);
  const own = (at: number) => scopes[at]?.at(-1) ?? "(none)";
  const problems: string[] = [];
  const lineBreak = (at: number) => text[at] === "\n" || text[at] === "\r";
  const each = (start: number, end: number, ok: (at: number) => boolean, what: string) => {
    for (let at = start; at < end; at++) {
      if (!lineBreak(at) && !ok(at))
        problems.push(`${what} at ${at} ${JSON.stringify(text.slice(start, end))}: ${own(at)}`);
    }
  };
  const lexed = lexer.tokenize(text);
  const comments = [...(lexed.groups[COMMENTS_GROUP] ?? []), ...(lexed.groups[UNTERMINATED_GROUP] ?? [])];
  for (const token of comments) {
    each(
      token.startOffset,
      token.startOffset + token.image.length,
      (at) => !!scopes[at]?.some((s) => s.startsWith("comment.")),
      "comment",
    );
  }
  for (const token of lexed.tokens as IToken[]) {
    const [start, end] = [token.startOffset, token.startOffset + token.image.length];
    const type = token.tokenType;
    if (type === StringLiteral || type === UnterminatedString) {
      each(start, end, (at) => !!scopes[at]?.some((s) => s.startsWith("string.quoted.")), "string");
    } else if (type === NumberLiteral) {
      each(start, end, (at) => numberScopes.has(own(at)), "number");
    } else if (names.has(type)) {
      each(start, end, (at) => nameScopes.has(own(at)) && own(at) === own(start), "name");
    } else {
      each(
        start,
        end,
        (at) => own(at).startsWith("punctuation.") || own(at) === "invalid.illegal.stray.flowc",
        "punctuation",
      );
    }
  }
  const refused = new Set<number>();
  for (const error of lexed.errors) for (let at = error.offset; at < error.offset + error.length; at++) refused.add(at);
  each(
    0,
    text.length,
    (at) => refused.has(at) === (own(at) === "invalid.illegal.character.flowc"),
    "refused character",
  );
  const badEscapes = new Set<number>();
  for (const d of tokenize(text, "any.flow").diagnostics) {
    if (d.code !== Messages.InvalidEscapeSequence.code) continue;
    for (let at = d.span.start; at < d.span.end; at++) badEscapes.add(at);
  }
  each(0, text.length, (at) => badEscapes.has(at) === (own(at) === "invalid.illegal.escape.flowc"), "escape");
  return problems;
}

/** A valid manifest in the canonical layout: the lines an editor mostly shows. */
const formattedManifest = validManifest.map((text) => {
  const source = createSourceText("gen.flow", text);
  return formatDocument(parse(source).document, source);
});

/** One keystroke's worth of change to a valid manifest: a character or a token inserted, or a character deleted. */
const typedManifest = fc
  .tuple(
    formattedManifest,
    fc.nat(),
    fc.option(
      fc.constantFrom(
        "{",
        "}",
        "<",
        ">",
        ";",
        ":",
        ",",
        '"',
        "'",
        "/*",
        "//",
        "\\",
        "@",
        "-",
        "import ",
        "backend ",
        "\n",
      ),
    ),
  )
  .map(([text, at, insert]) => {
    const i = at % (text.length + 1);
    return insert === null ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + insert + text.slice(i);
  });

describe("the grammar and the parser", () => {
  it.each(examples.map((text, i) => [i, text] as const))("agree on example %i", (_, text) => {
    expect(disagreementsWithParser(text)).toEqual([]);
  });

  it("agree on every node of generated manifests in the canonical layout", () => {
    fc.assert(
      fc.property(formattedManifest, (text) => {
        expect(disagreementsWithParser(text)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("the grammar and the lexer", () => {
  it.each(examples.map((text, i) => [i, text] as const))("agree on example %i", (_, text) => {
    expect(disagreementsWithLexer(text)).toEqual([]);
  });

  it.each([
    ["names at the edges of the characters they may hold", "a\u00a9b x\u00aay \u1680z \u3000w \ufeffv \u0085u 😀t"],
    ["a string continued on the next line", 'a { x: "one\\\ntwo"; }\n'],
    ["a line comment ended by a line separator", "// note\u2028a { }"],
    ["numbers that run into names", "a { x: 3_000; y: 2.5.3; z: 5e3; w: --1; }"],
  ])("agree on %s", (_, text) => {
    expect(disagreementsWithLexer(text)).toEqual([]);
  });

  it("agree on manifests laid out at random", () => {
    fc.assert(
      fc.property(validManifest, (text) => {
        expect(disagreementsWithLexer(text)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it("agree on manifests being typed", () => {
    fc.assert(
      fc.property(typedManifest, (text) => {
        expect(disagreementsWithLexer(text)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it("agree on soups of the language's tokens", () => {
    // Ended by a line break, as files are: a backslash last in the text escapes nothing to the lexer.
    fc.assert(
      fc.property(tokenSoup, (text) => {
        expect(disagreementsWithLexer(`${text}\n`)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it("agree on any text", () => {
    const any = fc.string({ unit: "grapheme", maxLength: 80 });
    fc.assert(
      fc.property(any, (text) => {
        expect(disagreementsWithLexer(`${text}\n`)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});
