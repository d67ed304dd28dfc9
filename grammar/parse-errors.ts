/**
 * What the parser says when it meets an error: the "expected" half of each syntax
 * message (`grammar/index.ts` adds what was found), and, past the number of errors the
 * caller wants, the end of the parse.
 */
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from "./chevrotain.js";
import { describeTokenType, Name, RCurly } from "./tokens.js";

/**
 * Builds the "expected" half of a syntax message; `grammar/index.ts` adds what
 * was found. Names are described by the role they play where they are missing.
 */
export class ExpectationDescriber implements IParserErrorMessageProvider {
  /** Whether the document being parsed wraps its groups in braces; set by the `document` rule. */
  outerBraces = false;
  /** The closer of the block being parsed; set by the `block` rule. */
  closer: TokenType = RCurly;
  /** How many errors the parser may report before it stops (see `FlowParser.parseDocument`). */
  limit = Infinity;
  /** How many errors it has reported. */
  reported = 0;

  /**
   * Counts one error about `token`. Chevrotain asks for a message once per error it
   * records, so this is where the parser can be stopped: an error thrown here is not a
   * recognition error, so no rule recovers from it and it ends the parse.
   */
  private count(token: IToken | undefined): void {
    this.reported++;
    if (this.reported > this.limit) throw new ParseStopped(token);
  }

  buildMismatchTokenMessage(options: { expected: TokenType; actual: IToken; ruleName: string }): string {
    this.count(options.actual);
    const { expected, ruleName } = options;
    if (expected === EOF) return this.outerBraces ? "end of file" : "a method name";
    if (ruleName === "document" && expected === RCurly) return "a method name or '}'";
    if (expected === Name) return ruleName === "property" ? "a property name" : "a method name";
    return describeTokenType(expected);
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken }): string {
    this.count(options.firstRedundant);
    return this.outerBraces ? "end of file" : "a method name";
  }

  buildNoViableAltMessage(options: {
    expectedPathsPerAlt: TokenType[][][];
    actual: IToken[];
    ruleName: string;
  }): string {
    this.count(options.actual[0]);
    const firsts = options.expectedPathsPerAlt.flatMap((paths) => paths.map((path) => path[0]));
    if (options.ruleName === "property") return "a value";
    // A number or a string is read in place of an imported name only to report it as such.
    if (options.ruleName === "importSpecifier") return "a method name";
    // Either closer is accepted, but the one that matches the opener is the one to name.
    if (options.ruleName === "blockClose") return `a property name or ${describeTokenType(this.closer)}`;
    return describeAlternatives(firsts);
  }

  buildEarlyExitMessage(options: { expectedIterationPaths: TokenType[][]; actual: IToken[] }): string {
    this.count(options.actual[0]);
    return describeAlternatives(options.expectedIterationPaths.map((path) => path[0]));
  }
}

/** Ends a parse that has reported as many errors as it may; `token` is where the next error was. */
export class ParseStopped extends Error {
  constructor(readonly token: IToken | undefined) {
    super("the parser has reported as many errors as it may");
  }
}

function describeAlternatives(types: readonly (TokenType | undefined)[]): string {
  const names = [...new Set(types.filter((t): t is TokenType => t !== undefined).map(describeTokenType))];
  if (names.length === 0) return "end of file";
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}
