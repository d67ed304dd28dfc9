/**
 * Builds the readonly AST of `grammar/ast.ts` from the parser's concrete tree.
 *
 * After error recovery the concrete tree may have holes: a rule cut short,
 * a token inserted by the parser (it has no position). Pieces that are too
 * incomplete to mean anything are dropped; the parser has already reported
 * why, so nothing here throws.
 */
import type { CstNode, IToken } from "./chevrotain.js";
import type {
  BackendDeclaration,
  Block,
  Comment,
  FlowDocument,
  Group,
  Identifier,
  ImportDeclaration,
  ImportSpecifier,
  NumberLiteral,
  Property,
  Span,
  StringLiteral,
  Value,
} from "./ast.js";
import { createDiagnostic, excerpt, type DiagnosticFix } from "./diagnostics/diagnostic.js";
import { Messages } from "./diagnostics/catalogue.js";
import { fix, insertAt, insertStatementAfter, insertStatementBefore, removeStatement } from "./diagnostics/fixes.js";
import { decodeString, tokenSpan } from "./lexer.js";
import type { SourceText } from "./source.js";
import { flowParser } from "./parser.js";
import {
  reportBadName,
  reportDottedMethod,
  reportDottedName,
  reportStrayRuns,
  type BuildContext,
} from "./tree-diagnostics.js";
import {
  BlockComment,
  describeToken,
  LCurly,
  NumberLiteral as NumberToken,
  StringCategory,
  UnterminatedString,
} from "./tokens.js";

// The shapes of the concrete tree, one per rule. Every child may be missing
// after recovery, hence the optional arrays.
interface DocumentContext {
  readonly importDeclaration?: CstNode[];
  readonly backendDeclaration?: CstNode[];
  readonly outerOpen?: IToken[];
  readonly outerClose?: IToken[];
  readonly group?: CstNode[];
  readonly stray?: IToken[];
}

interface ImportDeclarationContext {
  readonly Import?: IToken[];
  readonly LCurly?: IToken[];
  readonly importSpecifier?: CstNode[];
  readonly RCurly?: IToken[];
  readonly From?: IToken[];
  readonly notFrom?: IToken[];
  readonly source?: IToken[];
  readonly Semicolon?: IToken[];
}

interface BackendDeclarationContext {
  readonly Backend?: IToken[];
  readonly value?: IToken[];
  readonly Semicolon?: IToken[];
}

interface ImportSpecifierContext {
  readonly imported?: IToken[];
  readonly badName?: IToken[];
  readonly As?: IToken[];
  readonly local?: IToken[];
}

interface GroupContext {
  readonly method?: IToken[];
  readonly badName?: IToken[];
  readonly Comma?: IToken[];
  readonly block?: CstNode[];
}

interface BlockContext {
  readonly open?: IToken[];
  readonly property?: CstNode[];
  readonly stray?: IToken[];
  readonly blockClose?: CstNode[];
}

interface BlockCloseContext {
  readonly close?: IToken[];
}

interface PropertyContext {
  readonly key?: IToken[];
  readonly Colon?: IToken[];
  readonly value?: IToken[];
  readonly Semicolon?: IToken[];
}

/** A token that is really in the text (not one the parser imagined while recovering). */
function real(token: IToken | undefined): IToken | undefined {
  return token !== undefined && token.isInsertedInRecovery !== true && Number.isFinite(token.startOffset)
    ? token
    : undefined;
}

function realTokens(tokens: readonly IToken[] | undefined): IToken[] {
  return (tokens ?? []).filter((token) => real(token) !== undefined);
}

function spanOf(first: Span, last: Span): Span {
  return { start: first.start, end: Math.max(first.end, last.end) };
}

function identifier(token: IToken): Identifier {
  return { kind: "Identifier", span: tokenSpan(token), name: token.image };
}

function stringLiteral(token: IToken): StringLiteral {
  return { kind: "StringLiteral", span: tokenSpan(token), value: decodeString(token.image).value };
}

function numberLiteral(token: IToken): NumberLiteral {
  const raw = token.image;
  const match = /^(-?\d+(?:\.\d+)?)([A-Za-z]*|%)$/.exec(raw);
  const numeric = match?.[1] ?? raw;
  const unit = match?.[2] ?? "";
  return {
    kind: "NumberLiteral",
    span: tokenSpan(token),
    raw,
    value: Number(numeric),
    unit: unit === "" ? undefined : unit,
  };
}

/** A value token as the node of its kind. */
function value(token: IToken): Value {
  if (token.tokenType === NumberToken) return numberLiteral(token);
  if (token.tokenType.CATEGORIES?.includes(StringCategory) === true) return stringLiteral(token);
  return identifier(token);
}

const BaseVisitor = flowParser.getBaseCstVisitorConstructor<BuildContext, unknown>();

class AstBuilder extends BaseVisitor {
  constructor() {
    super();
    this.validateVisitor();
  }

  private child<T>(node: CstNode | undefined, context: BuildContext): T | undefined {
    return node === undefined ? undefined : (this.visit(node, context) as T | undefined);
  }

  document(ctx: DocumentContext, context: BuildContext): FlowDocument {
    const imports = (ctx.importDeclaration ?? [])
      .map((node) => this.child<ImportDeclaration>(node, context))
      .filter((node): node is ImportDeclaration => node !== undefined);
    const backends = (ctx.backendDeclaration ?? [])
      .map((node) => this.child<BackendDeclaration>(node, context))
      .filter((node): node is BackendDeclaration => node !== undefined);
    const groups = (ctx.group ?? [])
      .map((node) => this.child<Group>(node, context))
      .filter((node): node is Group => node !== undefined);
    // Imports and the backend belong before the groups and before the outer brace.
    const headerEnd = Math.min(groups[0]?.span.start ?? Infinity, real(ctx.outerOpen?.[0])?.startOffset ?? Infinity);
    const headers = [...imports, ...backends].filter((declaration) => declaration.span.start < headerEnd);
    const lastHeader = headers.sort((a, b) => a.span.start - b.span.start).at(-1);
    const misplaced = (declaration: ImportDeclaration | BackendDeclaration, keyword: string) => {
      if (declaration.span.start < headerEnd) return;
      const message = declaration.kind === "ImportDeclaration" ? Messages.MisplacedImport : Messages.MisplacedBackend;
      const span = { start: declaration.span.start, end: declaration.span.start + keyword.length };
      const fixes = moveToHeader(context.source, declaration, keyword, lastHeader?.span ?? headerEnd);
      context.diagnostics.push(createDiagnostic(message, context.source.path, span, [], [], fixes));
    };
    for (const declaration of imports) misplaced(declaration, "import");
    for (const declaration of backends) misplaced(declaration, "backend");
    const outerOpen = real(ctx.outerOpen?.[0]);
    const boundaries = [...imports, ...backends, ...groups].map((node) => node.span.start).sort((a, b) => a - b);
    const expected = outerOpen === undefined ? "a method name" : "a method name or '}'";
    reportStrayRuns(realTokens(ctx.stray), boundaries, expected, context);
    return {
      kind: "Document",
      span: { start: 0, end: context.source.text.length },
      imports,
      backends,
      outerBraces: outerOpen !== undefined,
      groups,
      comments: [],
    };
  }

  importDeclaration(ctx: ImportDeclarationContext, context: BuildContext): ImportDeclaration | undefined {
    const keyword = real(ctx.Import?.[0]);
    const source = real(ctx.source?.[0]);
    const notFrom = real(ctx.notFrom?.[0]);
    if (notFrom !== undefined) {
      context.diagnostics.push(
        createDiagnostic(Messages.UnexpectedToken, context.source.path, tokenSpan(notFrom), [
          "'from'",
          describeToken(notFrom),
        ]),
      );
    }
    const specifiers = (ctx.importSpecifier ?? [])
      .map((node) => this.child<ImportSpecifier>(node, context))
      .filter((node): node is ImportSpecifier => node !== undefined);
    // Without the module path the names cannot be resolved; the parser said what is missing.
    if (keyword === undefined || source === undefined || specifiers.length === 0) return undefined;
    const last = real(ctx.Semicolon?.[0]) ?? source;
    return {
      kind: "ImportDeclaration",
      span: spanOf(tokenSpan(keyword), tokenSpan(last)),
      specifiers,
      source: stringLiteral(source),
    };
  }

  backendDeclaration(ctx: BackendDeclarationContext, context: BuildContext): BackendDeclaration | undefined {
    const keyword = real(ctx.Backend?.[0]);
    const valueToken = real(ctx.value?.[0]);
    reportDottedName(valueToken, context);
    if (keyword === undefined || valueToken === undefined) return undefined;
    const semicolon = real(ctx.Semicolon?.[0]);
    // A string missing its closing quote swallowed the `;`: that is the one mistake, reported by the lexer.
    if (semicolon === undefined && valueToken.tokenType !== UnterminatedString) {
      const span = spanOf(tokenSpan(keyword), tokenSpan(valueToken));
      const statement = `backend ${excerpt(valueToken.image)}`;
      const addSemicolon = fix("Add ';'", [insertAt(span.end, ";")], true);
      context.diagnostics.push(
        createDiagnostic(Messages.BackendWithoutSemicolon, context.source.path, span, [statement], [], [addSemicolon]),
      );
    }
    const last = semicolon ?? valueToken;
    return { kind: "BackendDeclaration", span: spanOf(tokenSpan(keyword), tokenSpan(last)), value: value(valueToken) };
  }

  importSpecifier(ctx: ImportSpecifierContext, context: BuildContext): ImportSpecifier | undefined {
    for (const bad of realTokens(ctx.badName)) reportBadName(bad, context);
    const importedToken = real(ctx.imported?.[0]);
    if (importedToken === undefined) return undefined;
    const imported = identifier(importedToken);
    const localToken = real(ctx.local?.[0]);
    for (const token of [importedToken, localToken]) if (token !== undefined) reportDottedMethod(token, context);
    const local = localToken === undefined ? imported : identifier(localToken);
    return { kind: "ImportSpecifier", span: spanOf(imported.span, local.span), imported, local };
  }

  group(ctx: GroupContext, context: BuildContext): Group | undefined {
    const methods = realTokens(ctx.method);
    for (const method of methods) reportDottedMethod(method, context);
    const badNames = realTokens(ctx.badName);
    for (const bad of badNames) reportBadName(bad, context);
    // Commas are checked between every two names as written, bad ones included.
    const names = [...methods, ...badNames].sort((a, b) => a.startOffset - b.startOffset);
    // In source order, as the parser consumed them; one pass over both, as a group may hold many names.
    const commas = realTokens(ctx.Comma);
    let comma = 0;
    for (let i = 1; i < names.length; i++) {
      const previous = names[i - 1]!;
      const current = names[i]!;
      while (comma < commas.length && commas[comma]!.startOffset < previous.startOffset) comma++;
      const separated = comma < commas.length && commas[comma]!.startOffset < current.startOffset;
      if (!separated) {
        context.diagnostics.push(
          createDiagnostic(Messages.UnexpectedToken, context.source.path, tokenSpan(current), [
            "','",
            describeToken(current),
          ]),
        );
      }
    }
    const block = this.child<Block>(ctx.block?.[0], context);
    const first = methods[0];
    if (first === undefined || block === undefined) return undefined;
    return {
      kind: "Group",
      span: spanOf(tokenSpan(first), block.span),
      methods: methods.map(identifier),
      block,
    };
  }

  block(ctx: BlockContext, context: BuildContext): Block | undefined {
    const open = real(ctx.open?.[0]);
    if (open === undefined) return undefined;
    context.blockOpens.push(open.startOffset);
    const delimiter = open.tokenType === LCurly ? "brace" : "angle";
    const [opening, closing] = delimiter === "brace" ? ["{", "}"] : ["<", ">"];
    const properties = (ctx.property ?? [])
      .map((node) => this.child<Property>(node, context))
      .filter((node): node is Property => node !== undefined);

    const propertyStarts = properties.map((property) => property.span.start);
    reportStrayRuns(realTokens(ctx.stray), propertyStarts, `a property name or '${closing}'`, context);

    const close = this.child<IToken>(ctx.blockClose?.[0], context);
    if (close !== undefined && close.image !== closing) {
      context.diagnostics.push(
        createDiagnostic(Messages.MismatchedBlockClose, context.source.path, tokenSpan(close), [
          opening,
          closing,
          close.image,
        ]),
      );
    }
    const lastProperty = properties[properties.length - 1];
    const end = close !== undefined ? tokenSpan(close) : (lastProperty?.span ?? tokenSpan(open));
    return { kind: "Block", span: spanOf(tokenSpan(open), end), delimiter, properties };
  }

  blockClose(ctx: BlockCloseContext): IToken | undefined {
    return real(ctx.close?.[0]);
  }

  property(ctx: PropertyContext, context: BuildContext): Property | undefined {
    const keyToken = real(ctx.key?.[0]);
    const valueToken = real(ctx.value?.[0]);
    reportDottedName(keyToken, context);
    reportDottedName(valueToken, context);
    if (keyToken === undefined || valueToken === undefined) return undefined;
    const last = real(ctx.Semicolon?.[0]) ?? valueToken;
    return {
      kind: "Property",
      span: spanOf(tokenSpan(keyToken), tokenSpan(last)),
      key: identifier(keyToken),
      value: value(valueToken),
    };
  }
}

const builder = new AstBuilder();

/**
 * The fix of a declaration below the groups: moved up, after the last declaration above
 * them (`after`), or else before the first group or the outer brace (at offset `after`).
 */
function moveToHeader(
  source: SourceText,
  declaration: ImportDeclaration | BackendDeclaration,
  keyword: string,
  after: Span | number,
): DiagnosticFix[] {
  const text = source.text.slice(declaration.span.start, declaration.span.end);
  const statement = text.endsWith(";") ? text : `${text};`;
  const remove = removeStatement(source, declaration.span);
  const insert =
    typeof after === "number"
      ? insertStatementBefore(source, { start: after, end: after }, statement)
      : insertStatementAfter(source, after, statement);
  // An edit that began where the other does would leave their order to the editor.
  if (insert.span.start >= remove.span.start) return [];
  const what = keyword === "import" ? "import" : `${keyword} statement`;
  return [fix(`Move the ${what} above the groups`, [insert, remove], true)];
}

/** Builds the document from the concrete tree; tree-shape diagnostics are appended to `context.diagnostics`. */
export function buildDocument(cst: CstNode, comments: readonly IToken[], context: BuildContext): FlowDocument {
  const document = builder.visit(cst, context) as FlowDocument;
  return { ...document, comments: comments.map(toComment) };
}

function toComment(token: IToken): Comment {
  return {
    kind: "Comment",
    span: tokenSpan(token),
    text: token.image,
    style: token.tokenType === BlockComment ? "block" : "line",
  };
}
