/**
 * Chevrotain, as the grammar uses it. The package's entry point is built from
 * several hundred ES modules (its own and lodash-es's), which take about half
 * a second to load: a quarter of a cold `flowc build`. The package also ships
 * the same API as one ES module file, which loads in a few tens of
 * milliseconds; this module loads that file, and the entry point only if a
 * version of the package comes without it.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

type Chevrotain = typeof import("chevrotain");

async function load(): Promise<Chevrotain> {
  // The entry point is lib/src/api.js; the one-file build sits at lib/chevrotain.mjs.
  const bundle = join(dirname(dirname(createRequire(import.meta.url).resolve("chevrotain"))), "chevrotain.mjs");
  return (await import(existsSync(bundle) ? pathToFileURL(bundle).href : "chevrotain")) as Chevrotain;
}

const chevrotain = await load();

export const { createToken, CstParser, EOF, Lexer, tokenMatcher } = chevrotain;
export type { CstNode, IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from "chevrotain";
