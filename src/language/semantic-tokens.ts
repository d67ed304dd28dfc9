/**
 * Semantic tokens: what each token of the manifest means, for an editor to colour it beyond what
 * the TextMate grammar can tell (a method from a property, `from` as a keyword or as a method).
 * The lexer's tokens are read for any text; the names the parser placed in the document get their
 * meaning from it, and names in a part it could not read are left to the grammar's colours.
 */
import type { IToken } from "../../grammar/chevrotain.js";
import type { FlowDocument } from "../../grammar/ast.js";
import { maxOf } from "../../grammar/arrays.js";
import { tokenize } from "../../grammar/lexer.js";
import { As, Backend, From, Import, NumberLiteral, StringCategory } from "../../grammar/tokens.js";
import { allMentions } from "./mentions.js";
import type { ManifestState, SemanticToken } from "./types.js";

type Meaning = Pick<SemanticToken, "type" | "modifiers">;

/** The properties whose value names a method, and `branch_on`, whose value names a property of an output. */
const valueMeanings: Readonly<Record<string, Meaning>> = {
  run_if: { type: "function", modifiers: [] },
  fallback: { type: "function", modifiers: [] },
  branch_on: { type: "property", modifiers: [] },
};

/**
 * Every token with its meaning, in source order: methods (`function`, with `declaration` where
 * the name is introduced: its import, or its first mention), properties, words a property takes
 * (`enumMember`), numbers, strings, keywords (`import`, `from`, `as`, `backend`, and `@input`
 * with `defaultLibrary`), comments. Each token lies on one line: a block comment over several
 * lines is a token per line, as editors without multi-line tokens need.
 */
export function semanticTokens(state: ManifestState): readonly SemanticToken[] {
  const text = state.source.text;
  const lexed = tokenize(text, state.source.path);
  const names = nameMeanings(state.compiled.document);
  const statements = [...state.compiled.document.imports, ...state.compiled.document.backends].map((node) => node.span);
  const inStatement = (offset: number) => statements.some((span) => span.start <= offset && offset < span.end);

  const found: { start: number; end: number; meaning: Meaning }[] = [];
  for (const token of lexed.tokens) {
    const meaning = tokenMeaning(token, names, inStatement);
    if (meaning !== undefined)
      found.push({ start: token.startOffset, end: token.startOffset + token.image.length, meaning });
  }
  const comment: Meaning = { type: "comment", modifiers: [] };
  for (const token of lexed.comments) {
    found.push({ start: token.startOffset, end: token.startOffset + token.image.length, meaning: comment });
  }
  if (lexed.endsInUnterminatedComment) {
    // The lexer keeps the `/*` that never closes apart from the comments; it runs to the end of the text.
    const last = maxOf(
      found.map((token) => token.end),
      0,
    );
    const start = text.indexOf("/*", last);
    if (start >= 0) found.push({ start, end: text.length, meaning: comment });
  }
  found.sort((a, b) => a.start - b.start);
  return found.flatMap(({ start, end, meaning }) => splitLines(text, start, end, meaning));
}

function tokenMeaning(
  token: IToken,
  names: ReadonlyMap<number, Meaning>,
  inStatement: (offset: number) => boolean,
): Meaning | undefined {
  const named = names.get(token.startOffset);
  if (named !== undefined) return named;
  const type = token.tokenType;
  if (type === NumberLiteral) return { type: "number", modifiers: [] };
  if (type.CATEGORIES?.includes(StringCategory) === true) return { type: "string", modifiers: [] };
  // `import` always begins an import; `from`, `as` and `backend` are keywords only in their statements.
  if (type === Import || ((type === From || type === As || type === Backend) && inStatement(token.startOffset))) {
    return { type: "keyword", modifiers: [] };
  }
  return undefined;
}

/** The meaning of every name the document holds, by its offset. */
function nameMeanings(document: FlowDocument): Map<number, Meaning> {
  const meanings = new Map<number, Meaning>();
  const declared = new Set<string>();
  const mentions = allMentions(document);
  // A name is introduced by its import, else by its first mention.
  for (const mention of mentions) {
    if (mention.role === "import" && !declared.has(mention.identifier.name)) {
      declared.add(mention.identifier.name);
      meanings.set(mention.identifier.span.start, { type: "function", modifiers: ["declaration"] });
    }
  }
  for (const mention of mentions) {
    const start = mention.identifier.span.start;
    if (meanings.has(start)) continue;
    const first = !declared.has(mention.identifier.name);
    declared.add(mention.identifier.name);
    meanings.set(start, { type: "function", modifiers: first ? ["declaration"] : [] });
  }
  for (const declaration of document.imports) {
    for (const { imported, local } of declaration.specifiers) {
      if (imported !== local) meanings.set(imported.span.start, { type: "function", modifiers: [] });
    }
  }
  for (const declaration of document.backends) {
    if (declaration.value.kind === "Identifier") {
      meanings.set(declaration.value.span.start, { type: "enumMember", modifiers: [] });
    }
  }
  for (const group of document.groups) {
    for (const method of group.methods) {
      if (method.name.startsWith("@"))
        meanings.set(method.span.start, { type: "keyword", modifiers: ["defaultLibrary"] });
    }
    for (const property of group.block.properties) {
      meanings.set(property.key.span.start, { type: "property", modifiers: [] });
      const value = property.value;
      if (value.kind !== "Identifier" || meanings.has(value.span.start)) continue;
      const meaning = value.name.startsWith("@")
        ? { type: "keyword" as const, modifiers: ["defaultLibrary" as const] }
        : (valueMeanings[property.key.name] ?? { type: "enumMember", modifiers: [] });
      meanings.set(value.span.start, meaning);
    }
  }
  return meanings;
}

/** The token `[start, end)` as one token per line it covers (line breaks left out). */
function splitLines(text: string, start: number, end: number, meaning: Meaning): SemanticToken[] {
  const tokens: SemanticToken[] = [];
  let from = start;
  for (let at = start; at <= end; at++) {
    const character = at < end ? text.charCodeAt(at) : -1;
    if (at < end && character !== 10 && character !== 13) continue;
    if (at > from) tokens.push({ start: from, length: at - from, ...meaning });
    // `\r\n` is one line break.
    if (character === 13 && text.charCodeAt(at + 1) === 10 && at + 1 < end) at++;
    from = at + 1;
  }
  return tokens;
}
