/**
 * The `.flow` TextMate grammar as an editor runs it: loaded by vscode-textmate on the
 * Oniguruma regular expressions VS Code uses, and a whole document tokenized line by line,
 * each token carrying its offsets in the document.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import oniguruma from "vscode-oniguruma";
import textmate, { type IGrammar } from "vscode-textmate";
import { root } from "../cli/helpers.js";

export const grammarPath = path.join(root, "grammar/flow.tmLanguage.json");
export const scopeName = "source.flowc";

export interface ScopedToken {
  readonly text: string;
  /** Offsets in the document, `end` exclusive. */
  readonly start: number;
  readonly end: number;
  /** Outermost first: `source.flowc`, then the regions, then the token's own scope. */
  readonly scopes: readonly string[];
}

let loaded: Promise<IGrammar> | undefined;

/** The grammar, loaded once per test file. */
export function loadGrammar(): Promise<IGrammar> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<IGrammar> {
  await oniguruma.loadWASM(readFileSync(path.join(root, "node_modules/vscode-oniguruma/release/onig.wasm")));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (name) =>
      name === scopeName ? textmate.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath) : null,
  });
  const grammar = await registry.loadGrammar(scopeName);
  if (grammar === null) throw new Error(`${grammarPath} does not define ${scopeName}`);
  return grammar;
}

/** Tokenizes `text` as VS Code does: split at `\r\n`, `\n` and `\r`, each line starting in the state the last left. */
export function tokenizeText(grammar: IGrammar, text: string): ScopedToken[] {
  const tokens: ScopedToken[] = [];
  const lineBreak = /\r\n|\r|\n/g;
  let state = textmate.INITIAL;
  let offset = 0;
  for (;;) {
    const found = lineBreak.exec(text);
    const line = text.slice(offset, found === null ? text.length : found.index);
    const result = grammar.tokenizeLine(line, state);
    for (const token of result.tokens) {
      const end = Math.min(token.endIndex, line.length);
      if (end <= token.startIndex) continue;
      tokens.push({
        text: line.slice(token.startIndex, end),
        start: offset + token.startIndex,
        end: offset + end,
        scopes: token.scopes,
      });
    }
    state = result.ruleStack;
    if (found === null) return tokens;
    offset = found.index + found[0].length;
  }
}

/** The token's own scope: the innermost one. */
export function innermost(token: ScopedToken): string {
  return token.scopes[token.scopes.length - 1]!;
}

/** The tokens that are not whitespace only, as `[text, innermost scope]`: what a reader sees coloured. */
export function coloured(tokens: readonly ScopedToken[]): [string, string][] {
  return tokens.filter((token) => token.text.trim() !== "").map((token) => [token.text, innermost(token)]);
}

/** For each character of `text`, the scopes of the token that covers it (none for line breaks). */
export function scopesByOffset(tokens: readonly ScopedToken[], length: number): (readonly string[] | undefined)[] {
  const byOffset: (readonly string[] | undefined)[] = new Array(length).fill(undefined);
  for (const token of tokens) for (let at = token.start; at < token.end; at++) byOffset[at] = token.scopes;
  return byOffset;
}
