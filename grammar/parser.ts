/**
 * The `.flow` parser: a Chevrotain CST parser with error recovery, so one
 * pass reports every syntax error and still yields a tree for the rest.
 *
 * Rules are class properties: a misspelt `this.SUBRULE(this.grup)` is a
 * compile error, not a runtime surprise.
 */
import { CstParser, EOF, tokenMatcher, type IRecognitionException, type IToken, type TokenType } from "./chevrotain.js";
import { ExpectationDescriber, ParseStopped } from "./parse-errors.js";
import {
  allTokens,
  As,
  Backend,
  Colon,
  Comma,
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

/** The concrete tree of a document, and the parser's errors. */
export interface ParsedDocument {
  readonly cst: ReturnType<FlowParser["document"]>;
  readonly errors: readonly IRecognitionException[];
  /** Offset of the error at which the parser stopped, having reported `limit` before it; the tree ends about there. */
  readonly stoppedAt: number | undefined;
}

/** The most tokens the parser looks ahead (`startsGroup` looks at three). */
const lookahead = 3;

export class FlowParser extends CstParser {
  private readonly describer: ExpectationDescriber;

  constructor() {
    const describer = new ExpectationDescriber();
    super(allTokens as TokenType[], {
      recoveryEnabled: true,
      errorMessageProvider: describer,
      maxLookahead: lookahead,
    });
    this.describer = describer;
    this.performSelfAnalysis();
  }

  /**
   * Parses `tokens` as a whole document; the parser keeps nothing from earlier calls.
   *
   * Recovering from an error costs the parser about a tenth of a millisecond, so a file of
   * garbage would take minutes: after `limit` errors it stops, and reads the tokens up to
   * that point again (with the few after it that it looks ahead at, so that it decides as
   * it did the first time) to build the tree of everything before it.
   */
  parseDocument(tokens: IToken[], limit = Infinity): ParsedDocument {
    // Recovery raises one exception per syntax error; their stack traces are
    // never read and would make a file full of errors slow to parse.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return { cst: this.parseTokens(tokens, limit), errors: this.errors, stoppedAt: undefined };
    } catch (error) {
      if (!(error instanceof ParseStopped)) throw error;
      const found = error.token === undefined ? -1 : tokens.indexOf(error.token);
      const end = found === -1 ? tokens.length : found + lookahead;
      const cst = this.parseTokens(tokens.slice(0, end), Infinity);
      return { cst, errors: this.errors, stoppedAt: found === -1 ? undefined : error.token!.startOffset };
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }

  private parseTokens(tokens: IToken[], limit: number): ReturnType<FlowParser["document"]> {
    this.describer.outerBraces = false;
    this.describer.limit = limit;
    this.describer.reported = 0;
    this.input = tokens;
    return this.document();
  }

  /** Alternatives that step over one of `tokens`, labelled `stray`; `occurrence` keeps each call site distinct. */
  private strays(occurrence: number, tokens: readonly TokenType[]): { ALT: () => IToken }[] {
    return tokens.map((token) => ({ ALT: () => this.consume(occurrence, token, { LABEL: "stray" }) }));
  }

  /**
   * `Document : Header* ( "{" Group* "}" | Group* )` with `Header : Import | Backend`
   *
   * Groups after a closing outer brace are refused: the braces either wrap
   * the whole manifest or are absent, so stray groups after them are most
   * likely a misplaced `}`. An import or a backend statement among the groups
   * is read (so its names still resolve) and reported by the tree builder as
   * misplaced. Tokens that cannot start a group are stepped over as `stray` and
   * reported by the tree builder: one run of them is one mistake.
   *
   * `backend` is also a name, so `backend bullmq;` and a group such as
   * `backend, store {` or `backend {` share their first token; the parser tells
   * them apart by looking ahead (see `backendStatement`).
   */
  readonly document = this.RULE("document", () => {
    let braced = false;
    this.MANY({
      // A group named `backend` follows the header: the statement's gate decides, not the lookahead alone.
      GATE: () => tokenMatcher(this.LA(1), Import) || this.backendStatement().GATE(),
      DEF: () =>
        this.OR([
          { ALT: () => this.SUBRULE(this.importDeclaration) },
          { ...this.backendStatement(), ALT: () => this.SUBRULE(this.backendDeclaration) },
        ]),
    });
    this.OPTION(() => {
      this.CONSUME(LCurly, { LABEL: "outerOpen" });
      braced = true;
      this.ACTION(() => {
        this.describer.outerBraces = true;
      });
      this.MANY2(() =>
        this.OR2([
          { ...this.backendStatement(), ALT: () => this.SUBRULE2(this.backendDeclaration) },
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
        this.OR3([
          { ...this.backendStatement(), ALT: () => this.SUBRULE3(this.backendDeclaration) },
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
   * `Backend : "backend" Value ";"`
   *
   * Any single value is read, so that `backend "bullmq";` or `backend bulmq;`
   * is one precise diagnostic of the checker rather than a syntax error. A missing
   * `;` is accepted here (see `backendStatement` for when) and reported by the tree
   * builder, so that the statement is not read as a group named `backend`.
   */
  readonly backendDeclaration = this.RULE("backendDeclaration", () => {
    this.CONSUME(Backend);
    this.OR([
      { ALT: () => this.CONSUME(Name, { LABEL: "value" }) },
      { ALT: () => this.CONSUME(NumberLiteral, { LABEL: "value" }) },
      { ALT: () => this.CONSUME(StringCategory, { LABEL: "value" }) },
    ]);
    this.OPTION(() => this.CONSUME(Semicolon));
  });

  /**
   * Whether `backend` begins the backend statement rather than a group: a value and `;`,
   * or a value and what can only follow a statement that lacks its `;`: the end, an
   * import, another statement, a group (a name: `backend bullmq` then `extract, load {`),
   * or the outer `{` (told from a block by what it holds: a group, not a property).
   * Otherwise (`backend, store {`, `backend {`, `backend store {  retries: 1; }`) it is
   * a group; chevrotain's own lookahead cannot see that far, hence the gate.
   */
  private backendStatement(): { GATE: () => boolean; IGNORE_AMBIGUITIES: true } {
    const value = (token: IToken) => [Name, NumberLiteral, StringCategory].some((type) => tokenMatcher(token, type));
    const ends = (token: IToken) =>
      [Semicolon, EOF, Import, Backend, Name].some((type) => tokenMatcher(token, type)) ||
      (tokenMatcher(token, LCurly) && this.startsGroupAt(4));
    return {
      GATE: () => tokenMatcher(this.LA(1), Backend) && value(this.LA(2)) && ends(this.LA(3)),
      IGNORE_AMBIGUITIES: true,
    };
  }

  /**
   * `ImportSpecifier : Name ("as" Name)?`
   *
   * `from` and `as` are names here too, as in TypeScript; `import` is not, as
   * it always begins an import and no TypeScript function can bear that name.
   * A number or a string in place of the name is read as `badName` and reported
   * by the tree builder, so that it costs one diagnostic.
   */
  readonly importSpecifier = this.RULE("importSpecifier", () => {
    this.OR([
      { ALT: () => this.CONSUME(Name, { LABEL: "imported" }) },
      { ALT: () => this.CONSUME(NumberLiteral, { LABEL: "badName" }) },
      { ALT: () => this.CONSUME(StringCategory, { LABEL: "badName" }) },
    ]);
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
   * abandoning the whole group. So is a number or a string where a later name belongs
   * (`a, 1b {`), labelled `badName`: one diagnostic, and the rest of the group is read.
   */
  readonly group = this.RULE("group", () => {
    this.CONSUME(Name, { LABEL: "method" });
    this.MANY(() => {
      this.OPTION(() => this.CONSUME(Comma));
      this.OR([
        { ALT: () => this.CONSUME2(Name, { LABEL: "method" }) },
        { ALT: () => this.CONSUME(NumberLiteral, { LABEL: "badName" }) },
        { ALT: () => this.CONSUME(StringCategory, { LABEL: "badName" }) },
      ]);
    });
    this.OPTION2(() => this.CONSUME2(Comma));
    this.SUBRULE(this.block);
  });

  /**
   * `Block : "{" Property* "}" | "<" Property* ">"`
   *
   * Either closer is accepted after either opener (see `blockClose`). Tokens that
   * cannot start a property are stepped over as `stray` and reported by the tree
   * builder, so the rest of the block is still read.
   *
   * A name followed by what follows a method name (`,`, `{`, `<`, or another name and
   * then one of those) begins a group, not a property: the block ends there, unclosed.
   * `blockClose` then fails on that name, and the parser's re-synchronisation resumes at
   * the group level, where the name is in the follow set, so the next group is read as
   * a group instead of as a run of malformed properties.
   */
  readonly block = this.RULE("block", () => {
    const open = this.OR([
      { ALT: () => this.CONSUME(LCurly, { LABEL: "open" }) },
      { ALT: () => this.CONSUME(LAngle, { LABEL: "open" }) },
    ]);
    this.ACTION(() => {
      this.describer.closer = open.tokenType === LAngle ? RAngle : RCurly;
    });
    this.MANY({
      GATE: () => !this.startsGroup(),
      DEF: () => this.OR2([{ ALT: () => this.SUBRULE(this.property) }, ...this.strays(2, blockStrayTokens)]),
    });
    this.SUBRULE(this.blockClose);
  });

  /**
   * `"}" | ">"`, whichever the opener: the tree builder reports a mismatched pair
   * precisely. A rule of its own so that a block left unclosed is told apart from
   * every other syntax error (see `grammar/index.ts`).
   */
  readonly blockClose = this.RULE("blockClose", () => {
    this.OR([
      { ALT: () => this.CONSUME(RCurly, { LABEL: "close" }) },
      { ALT: () => this.CONSUME(RAngle, { LABEL: "close" }) },
    ]);
  });

  /** Whether the next tokens read as the start of a group: `a,` `a {` `a <`, or `a b,` `a b {` `a b <`. */
  private startsGroup(): boolean {
    return this.startsGroupAt(1);
  }

  /** Whether the tokens from the `at`th ahead read as the start of a group (see `startsGroup`). */
  private startsGroupAt(at: number): boolean {
    const followsName = (token: IToken) => [Comma, LCurly, LAngle].some((type) => tokenMatcher(token, type));
    if (!tokenMatcher(this.LA(at), Name)) return false;
    const second = this.LA(at + 1);
    return followsName(second) || (tokenMatcher(second, Name) && followsName(this.LA(at + 2)));
  }

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
