/**
 * The `.flow` parser: a Chevrotain CST parser with error recovery, so one
 * pass reports every syntax error and still yields a tree for the rest.
 *
 * Rules are class properties: a misspelt `this.SUBRULE(this.grup)` is a
 * compile error, not a runtime surprise.
 */
import { CstParser, EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from "./chevrotain.js";
import {
  allTokens,
  As,
  Colon,
  Comma,
  describeTokenType,
  From,
  Import,
  LAngle,
  LCurly,
  Name,
  NumberLiteral,
  RAngle,
  RCurly,
  Semicolon,
  Identifier,
  StringCategory,
  blockStrayTokens,
  topLevelStrayTokens,
} from "./tokens.js";

/**
 * Builds the "expected" half of a syntax message; `grammar/index.ts` adds what
 * was found. Names are described by the role they play where they are missing.
 */
class ExpectationDescriber implements IParserErrorMessageProvider {
  /** Whether the document being parsed wraps its groups in braces; set by the `document` rule. */
  outerBraces = false;

  buildMismatchTokenMessage(options: { expected: TokenType; ruleName: string }): string {
    const { expected, ruleName } = options;
    if (expected === EOF) return this.outerBraces ? "end of file" : "a method name";
    if (ruleName === "document" && expected === RCurly) return "a method name or '}'";
    if (expected === Name) return ruleName === "property" ? "a property name" : "a method name";
    return describeTokenType(expected);
  }

  buildNotAllInputParsedMessage(): string {
    return this.outerBraces ? "end of file" : "a method name";
  }

  buildNoViableAltMessage(options: { expectedPathsPerAlt: TokenType[][][]; ruleName: string }): string {
    const firsts = options.expectedPathsPerAlt.flatMap((paths) => paths.map((path) => path[0]));
    if (options.ruleName === "property") return "a value";
    const first = firsts[0];
    // The closing alternatives list the matching delimiter first.
    if (options.ruleName === "block" && (first === RCurly || first === RAngle)) {
      return `a property name or ${describeTokenType(first)}`;
    }
    return describeAlternatives(firsts);
  }

  buildEarlyExitMessage(options: { expectedIterationPaths: TokenType[][] }): string {
    return describeAlternatives(options.expectedIterationPaths.map((path) => path[0]));
  }
}

function describeAlternatives(types: readonly (TokenType | undefined)[]): string {
  const names = [...new Set(types.filter((t): t is TokenType => t !== undefined).map(describeTokenType))];
  if (names.length === 0) return "end of file";
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

export class FlowParser extends CstParser {
  private readonly describer: ExpectationDescriber;

  constructor() {
    const describer = new ExpectationDescriber();
    super(allTokens as TokenType[], { recoveryEnabled: true, errorMessageProvider: describer, maxLookahead: 3 });
    this.describer = describer;
    this.performSelfAnalysis();
  }

  /** Parses `tokens` as a whole document; the parser keeps nothing from earlier calls. */
  parseDocument(tokens: IToken[]): ReturnType<FlowParser["document"]> {
    this.describer.outerBraces = false;
    this.input = tokens;
    // Recovery raises one exception per syntax error; their stack traces are
    // never read and would make a file full of errors slow to parse.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return this.document();
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }

  /** Alternatives that step over one of `tokens`, labelled `stray`; `occurrence` keeps each call site distinct. */
  private strays(occurrence: number, tokens: readonly TokenType[]): { ALT: () => IToken }[] {
    return tokens.map((token) => ({ ALT: () => this.consume(occurrence, token, { LABEL: "stray" }) }));
  }

  /**
   * `Document : Import* ( "{" Group* "}" | Group* )`
   *
   * Groups after a closing outer brace are refused: the braces either wrap
   * the whole manifest or are absent, so stray groups after them are most
   * likely a misplaced `}`. An import among the groups is read (so its names
   * still resolve) and reported by the tree builder as misplaced. Tokens that
   * cannot start a group are stepped over as `stray` and reported by the tree
   * builder: one run of them is one mistake.
   */
  readonly document = this.RULE("document", () => {
    let braced = false;
    this.MANY(() => this.SUBRULE(this.importDeclaration));
    this.OPTION(() => {
      this.CONSUME(LCurly, { LABEL: "outerOpen" });
      braced = true;
      this.ACTION(() => {
        this.describer.outerBraces = true;
      });
      this.MANY2(() =>
        this.OR([
          { ALT: () => this.SUBRULE(this.group) },
          { ALT: () => this.SUBRULE2(this.importDeclaration) },
          ...this.strays(1, topLevelStrayTokens),
        ]),
      );
      this.CONSUME(RCurly, { LABEL: "outerClose" });
    });
    this.MANY3({
      GATE: () => !braced,
      DEF: () =>
        this.OR2([
          { ALT: () => this.SUBRULE2(this.group) },
          { ALT: () => this.SUBRULE3(this.importDeclaration) },
          ...this.strays(2, [...topLevelStrayTokens, RCurly]),
        ]),
    });
  });

  /**
   * `Import : "import" "{" ImportSpecifier ("," ImportSpecifier)* ","? "}" "from" String ";"?`
   *
   * An empty list is refused: it would import nothing. A plain name where
   * `from` belongs (`form`, `frm`) is accepted here and reported by the tree
   * builder, so a typo is one diagnostic and the import is still read.
   */
  readonly importDeclaration = this.RULE("importDeclaration", () => {
    this.CONSUME(Import);
    this.CONSUME(LCurly);
    this.SUBRULE(this.importSpecifier);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.importSpecifier);
    });
    this.OPTION(() => this.CONSUME2(Comma));
    this.CONSUME(RCurly);
    this.OR([{ ALT: () => this.CONSUME(From) }, { ALT: () => this.CONSUME(Identifier, { LABEL: "notFrom" }) }]);
    this.CONSUME(StringCategory, { LABEL: "source" });
    this.OPTION2(() => this.CONSUME(Semicolon));
  });

  /**
   * `ImportSpecifier : Name ("as" Name)?`
   *
   * `from` and `as` are names here too, as in TypeScript; `import` is not, as
   * it always begins an import and no TypeScript function can bear that name.
   */
  readonly importSpecifier = this.RULE("importSpecifier", () => {
    this.CONSUME(Name, { LABEL: "imported" });
    this.OPTION(() => {
      this.CONSUME(As);
      this.CONSUME2(Name, { LABEL: "local" });
    });
  });

  /**
   * `Group : Name ("," Name)* ","? Block`
   *
   * A group without a block is refused: names alone say nothing about how the
   * methods run. A missing comma between two names is accepted here and reported by the
   * tree builder, which can say precisely "expected ','" instead of
   * abandoning the whole group.
   */
  readonly group = this.RULE("group", () => {
    this.CONSUME(Name, { LABEL: "method" });
    this.MANY(() => {
      this.OPTION(() => this.CONSUME(Comma));
      this.CONSUME2(Name, { LABEL: "method" });
    });
    this.OPTION2(() => this.CONSUME2(Comma));
    this.SUBRULE(this.block);
  });

  /**
   * `Block : "{" Property* "}" | "<" Property* ">"`
   *
   * Either closer is accepted after either opener so that the tree builder
   * can report a mismatched pair precisely; the closer of the opener's own
   * kind is listed first, which is what the "expected" message names.
   * Tokens that cannot start a property are stepped over as `stray` and
   * reported by the tree builder, so the rest of the block is still read.
   */
  readonly block = this.RULE("block", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LCurly, { LABEL: "open" });
          this.MANY(() => this.OR4([{ ALT: () => this.SUBRULE(this.property) }, ...this.strays(1, blockStrayTokens)]));
          this.OR2([
            { ALT: () => this.CONSUME(RCurly, { LABEL: "close" }) },
            { ALT: () => this.CONSUME(RAngle, { LABEL: "close" }) },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(LAngle, { LABEL: "open" });
          this.MANY2(() =>
            this.OR5([{ ALT: () => this.SUBRULE2(this.property) }, ...this.strays(2, blockStrayTokens)]),
          );
          this.OR3([
            { ALT: () => this.CONSUME2(RAngle, { LABEL: "close" }) },
            { ALT: () => this.CONSUME2(RCurly, { LABEL: "close" }) },
          ]);
        },
      },
    ]);
  });

  /**
   * `Property : Name ":" Value ";"` with `Value : Name | Number | String`
   *
   * The value is required and is a single token: lists or expressions have no
   * meaning for any property. A missing `;` is reported but the property is
   * kept (recovery inserts the `;`), so later phases still see it.
   *
   * Any number is accepted: whether `0`, `1.5` or `3parsecs` suits the
   * property is the checker's call, which can name the property in its message.
   */
  readonly property = this.RULE("property", () => {
    this.CONSUME(Name, { LABEL: "key" });
    this.CONSUME(Colon);
    this.OR([
      { ALT: () => this.CONSUME2(Name, { LABEL: "value" }) },
      { ALT: () => this.CONSUME(NumberLiteral, { LABEL: "value" }) },
      { ALT: () => this.CONSUME(StringCategory, { LABEL: "value" }) },
    ]);
    this.CONSUME(Semicolon);
  });
}

/**
 * The one parser instance: building one analyses the whole grammar, which
 * costs far more than parsing a manifest. `parseDocument` resets it per call.
 */
export const flowParser = new FlowParser();
