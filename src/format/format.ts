/**
 * The canonical layout of a manifest (`flowc fmt`): imports, then the backend
 * statement, then the groups, each section separated by a blank line.
 *
 * The layout comes from the tree; the comments, which the tree does not
 * place, are attached to the printed lines by their offsets:
 *   - a comment inside a line's source range (`a, /* x *\/ b {`) stays inside
 *     it when it is a block comment, or moves above it when it is a line comment;
 *   - a comment that starts on the line where a printed line's source ended
 *     trails that line;
 *   - any other comment leads the next printed line (or ends the document).
 * The result parses back to the same placement, which makes formatting idempotent.
 */
import type {
  BackendDeclaration,
  Comment,
  FlowDocument,
  Group,
  ImportDeclaration,
  Property,
  Span,
  Value,
} from "../../grammar/ast.js";
import type { SourceText } from "../../grammar/source.js";
import { parse } from "../../grammar/index.js";
import { tokenize } from "../../grammar/lexer.js";
import { LCurly, RCurly } from "../../grammar/tokens.js";
import { maxOf, pushAll } from "../../grammar/arrays.js";
import { lineBreaksOf, type LineBreaks } from "./line-breaks.js";
import { hasErrors, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";

const INDENT = "  ";

export interface FormatResult {
  /** The formatted text, or `undefined` when the manifest has syntax errors. */
  readonly text: string | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses and formats a manifest; refuses (text `undefined`) when it does not parse cleanly. */
export function formatSource(source: SourceText): FormatResult {
  const { document, diagnostics } = parse(source);
  if (hasErrors(diagnostics)) return { text: undefined, diagnostics };
  return { text: formatDocument(document, source), diagnostics };
}

/** A piece of a printed line; `anchor` is the source offset of the token it prints, if any. */
interface Segment {
  readonly text: string;
  readonly anchor?: number;
}

/** One printed line of the layout, with the comments that belong to it. */
interface Line {
  readonly span: Span;
  readonly segments: readonly Segment[];
  readonly leading: Comment[];
  readonly inner: Comment[];
  readonly trailing: Comment[];
}

function line(span: Span, segments: readonly Segment[]): Line {
  return { span, segments, leading: [], inner: [], trailing: [] };
}

interface GroupLines {
  readonly group: Group;
  readonly header: Line;
  readonly properties: readonly Line[];
  readonly close: Line;
}

/** Formats a document that has no syntax errors. */
export function formatDocument(document: FlowDocument, source: SourceText): string {
  const text = source.text;
  const imports = document.imports.map((declaration) => importLine(declaration, text));
  const backends = document.backends.map((declaration) => backendLine(declaration, text));
  const groups = document.groups.map((group) => groupLines(group, text));
  const braces = document.outerBraces ? outerBraceLines(document, source) : undefined;

  // Comments are attached in source order, where a backend statement may stand among the imports.
  const header = [...imports, ...backends];
  const ordered: Line[] = [...header].sort((a, b) => a.span.start - b.span.start);
  if (braces) ordered.push(braces.open);
  for (const group of groups) {
    ordered.push(group.header);
    pushAll(ordered, group.properties);
    ordered.push(group.close);
  }
  if (braces) ordered.push(braces.close);
  const breaks = lineBreaksOf(text);
  const endComments = attachComments(document.comments, ordered, breaks);

  const out = new Printer(breaks);

  for (const imp of imports) out.line(imp, { indent: "", first: "preserve", rest: "preserve" });
  if (imports.length > 0 && backends.length > 0) out.forceBlankLine();
  for (const backend of backends) out.line(backend, { indent: "", first: "preserve", rest: "preserve" });

  if (header.length > 0 && (ordered.length > header.length || endComments.length > 0)) out.forceBlankLine();

  const groupIndent = braces ? INDENT : "";
  if (braces) out.line(braces.open, { indent: "", first: "preserve", rest: "preserve" });
  for (const [index, group] of groups.entries()) {
    printGroup(out, group, groupIndent, braces !== undefined && index === 0 ? "none" : "preserve");
  }
  if (braces) {
    const first = groups.length === 0 ? "none" : "preserve";
    out.line(braces.close, { indent: "", commentIndent: INDENT, first, rest: "preserve", self: "none" });
  }
  out.comments(endComments, "", "preserve", "preserve");
  return out.finish();
}

function printGroup(out: Printer, group: GroupLines, indent: string, blank: BlankLines): void {
  const bodyIndent = indent + INDENT;
  const { header, properties, close } = group;
  const empty =
    properties.length === 0 && header.trailing.length === 0 && close.leading.length === 0 && close.inner.length === 0;
  if (empty) {
    // `a {}`: an empty block on one line, keeping whatever trails its closer. The line ends
    // where the closer did, so that a blank line after it is kept only where the source had one.
    const closeText = close.segments.map((s) => s.text).join("");
    const merged = {
      ...header,
      span: { start: header.span.start, end: close.span.end },
      trailing: close.trailing,
      segments: [...header.segments, { text: closeText }],
    };
    out.line(merged, { indent, first: blank, rest: "preserve" });
    return;
  }
  out.line(header, { indent, first: blank, rest: "preserve" });
  for (const property of properties) out.line(property, { indent: bodyIndent, first: "none", rest: "none" });
  out.line(close, { indent, commentIndent: bodyIndent, first: "none", rest: "none" });
}

type BlankLines = "none" | "preserve";

/**
 * Where a printed line goes: its indentation (and that of the comments above
 * it, which differs for closers) and whether a blank line of the source is
 * kept before the first thing printed, before each later comment, and before
 * the line itself when comments precede it.
 */
interface Placement {
  readonly indent: string;
  readonly commentIndent?: string;
  readonly first: BlankLines;
  readonly rest: BlankLines;
  readonly self?: BlankLines;
}

/** Accumulates output lines, deciding where the single blank lines go. */
class Printer {
  private readonly lines: string[] = [];
  /** Source offset where the last printed thing ended, for blank-line decisions. */
  private lastEnd: number | undefined;
  private forcedBlank = false;

  constructor(private readonly breaks: LineBreaks) {}

  forceBlankLine(): void {
    this.forcedBlank = true;
  }

  /** Prints a layout line with the comments attached to it. */
  line(unit: Line, placement: Placement): void {
    const { indent, first, rest } = placement;
    const inline = inlineLeading(unit, this.breaks);
    const ownLine = unit.leading.slice(0, unit.leading.length - inline.length);
    const movedAbove = unit.inner.filter((c) => c.style === "line");
    this.comments(ownLine, placement.commentIndent ?? indent, first, rest);
    const firstStart = inline[0]?.span.start ?? unit.span.start;
    this.separate(firstStart, placement.self ?? (ownLine.length > 0 ? rest : first));
    for (const comment of movedAbove) this.lines.push(indent + comment.text);

    const inlineBlocks = unit.inner.filter((c) => c.style === "block");
    // Pieces joined once at the end: asking a string grown piece by piece how it ends
    // flattens it each time, which costs the square of a line of many comments.
    const body = inline.map((c) => `${c.text} `);
    let spaced = true;
    const add = (piece: string) => {
      if (piece === "") return;
      body.push(piece);
      spaced = piece.endsWith(" ");
    };
    const leftovers: Comment[] = [];
    let next = 0;
    for (const segment of unit.segments) {
      if (segment.anchor !== undefined) {
        while (next < inlineBlocks.length && inlineBlocks[next]!.span.end <= segment.anchor) {
          // Spaced from the text before it; a `;` ends the statement right after it, as it did.
          add(`${spaced ? "" : " "}${inlineBlocks[next]!.text}${segment.text === ";" ? "" : " "}`);
          next++;
        }
      }
      add(segment.text);
    }
    pushAll(leftovers, inlineBlocks.slice(next));
    const trailing = [...leftovers, ...unit.trailing];
    if (trailing.length > 0) add(` ${trailing.map((c) => c.text).join(" ")}`);
    this.lines.push(indent + body.join(""));
    this.lastEnd = maxOf(
      trailing.map((c) => c.span.end),
      unit.span.end,
    );
  }

  /** Prints comments on lines of their own. */
  comments(comments: readonly Comment[], indent: string, first: BlankLines, rest: BlankLines): void {
    for (const [index, comment] of comments.entries()) {
      this.separate(comment.span.start, index === 0 ? first : rest);
      this.lines.push(indent + comment.text);
      this.lastEnd = comment.span.end;
    }
  }

  /** Emits one blank line before something starting at `start` when the source had one (or one is forced). */
  private separate(start: number, blank: BlankLines): void {
    if (this.lines.length === 0) {
      this.forcedBlank = false;
      return;
    }
    const wanted =
      this.forcedBlank ||
      (blank === "preserve" && this.lastEnd !== undefined && this.breaks.between(this.lastEnd, start) >= 2);
    if (wanted) this.lines.push("");
    this.forcedBlank = false;
  }

  finish(): string {
    return this.lines.length === 0 ? "" : `${this.lines.join("\n")}\n`;
  }
}

/** The leading block comments that sit on the same line as the code they lead, kept in front of it. */
function inlineLeading(unit: Line, breaks: LineBreaks): Comment[] {
  const inline: Comment[] = [];
  let following = unit.span.start;
  for (let i = unit.leading.length - 1; i >= 0; i--) {
    const comment = unit.leading[i]!;
    if (comment.style !== "block" || breaks.between(comment.span.end, following) > 0) break;
    inline.push(comment);
    following = comment.span.start;
  }
  // Found from the last; `unshift` instead would cost the square of a long run of them.
  return inline.reverse();
}

/**
 * Gives each comment to the line it belongs to (see the file comment) and
 * returns the comments that follow everything.
 */
function attachComments(comments: readonly Comment[], lines: readonly Line[], breaks: LineBreaks): Comment[] {
  const end: Comment[] = [];
  let index = 0;
  for (const comment of comments) {
    while (index < lines.length && lines[index]!.span.end <= comment.span.start) index++;
    const current = lines[index];
    if (current !== undefined && current.span.start <= comment.span.start) {
      current.inner.push(comment);
      continue;
    }
    const previous = lines[index - 1];
    if (previous !== undefined && breaks.between(previous.span.end, comment.span.start) === 0) {
      previous.trailing.push(comment);
    } else if (current !== undefined) {
      current.leading.push(comment);
    } else {
      end.push(comment);
    }
  }
  return end;
}

/**
 * The `;` that ends a statement, anchored at the one written in the source if there is one,
 * so that a block comment written before it stays before it (`"./a" /* x *\/;`): printed
 * after it, the comment could pull a later comment onto the wrong line on the next run.
 */
function semicolon(span: Span, text: string): Segment {
  return text[span.end - 1] === ";" ? { text: ";", anchor: span.end - 1 } : { text: ";" };
}

function importLine(declaration: ImportDeclaration, text: string): Line {
  const segments: Segment[] = [{ text: "import { " }];
  for (const [index, specifier] of declaration.specifiers.entries()) {
    if (index > 0) segments.push({ text: ", " });
    segments.push({ text: specifier.imported.name, anchor: specifier.imported.span.start });
    if (specifier.local !== specifier.imported) {
      segments.push({ text: " as " }, { text: specifier.local.name, anchor: specifier.local.span.start });
    }
  }
  segments.push(
    { text: " } from " },
    { text: quote(declaration.source.value), anchor: declaration.source.span.start },
    semicolon(declaration.span, text),
  );
  return line(declaration.span, segments);
}

function backendLine(declaration: BackendDeclaration, text: string): Line {
  return line(declaration.span, [
    { text: "backend " },
    { text: printValue(declaration.value), anchor: declaration.value.span.start },
    semicolon(declaration.span, text),
  ]);
}

function groupLines(group: Group, text: string): GroupLines {
  const { block } = group;
  const [open, close] = block.delimiter === "brace" ? ["{", "}"] : ["<", ">"];
  const segments: Segment[] = [];
  for (const [index, method] of group.methods.entries()) {
    if (index > 0) segments.push({ text: ", " });
    segments.push({ text: method.name, anchor: method.span.start });
  }
  segments.push({ text: " " }, { text: open, anchor: block.span.start });
  return {
    group,
    header: line({ start: group.span.start, end: block.span.start + 1 }, segments),
    properties: block.properties.map((property) => propertyLine(property, text)),
    close: line({ start: block.span.end - 1, end: block.span.end }, [{ text: close, anchor: block.span.end - 1 }]),
  };
}

function propertyLine(property: Property, text: string): Line {
  return line(property.span, [
    { text: property.key.name, anchor: property.key.span.start },
    { text: ": " },
    { text: printValue(property.value), anchor: property.value.span.start },
    semicolon(property.span, text),
  ]);
}

function printValue(value: Value): string {
  switch (value.kind) {
    case "Identifier":
      return value.name;
    case "NumberLiteral":
      return value.raw;
    case "StringLiteral":
      return quote(value.value);
  }
}

/** Double-quoted, with JSON's escapes, which are all valid in the language. */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** The outer `{` and `}` are not in the tree; they are the first `{` after the header and the last `}`. */
function outerBraceLines(document: FlowDocument, source: SourceText): { open: Line; close: Line } {
  const afterImports = maxOf(
    [...document.imports, ...document.backends].map((node) => node.span.end),
    0,
  );
  const tokens = tokenize(source.text, source.path).tokens;
  const open = tokens.find((token) => token.tokenType === LCurly && token.startOffset >= afterImports);
  const close = tokens.findLast((token) => token.tokenType === RCurly);
  const openAt = open?.startOffset ?? afterImports;
  const closeAt = close?.startOffset ?? source.text.length;
  return {
    open: line({ start: openAt, end: openAt + 1 }, [{ text: "{", anchor: openAt }]),
    close: line({ start: closeAt, end: closeAt + 1 }, [{ text: "}", anchor: closeAt }]),
  };
}
