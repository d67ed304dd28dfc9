/**
 * The syntax diagnostics the tree builder reports (`cst-to-ast.ts`): mistakes the
 * parser let through so that it could read on, each reported once and precisely.
 */
import type { IToken } from "./chevrotain.js";
import type { SourceText } from "./source.js";
import { createDiagnostic, type Diagnostic } from "./diagnostics/diagnostic.js";
import { Messages } from "./diagnostics/catalogue.js";
import { tokenSpan } from "./lexer.js";
import { describeToken, DottedName } from "./tokens.js";

/** What the visitor threads through one document; nothing survives the call. */
export interface BuildContext {
  readonly source: SourceText;
  readonly diagnostics: Diagnostic[];
  /** Offsets of every block's opening `{` or `<`, in source order, to say where an unclosed block began. */
  readonly blockOpens: number[];
}

/**
 * A dotted name where a method is named (`Tokenizer.lines`): a method is looked up as an
 * export of its module, never as a member of one, so say what to export instead.
 */
export function reportDottedMethod(token: IToken, context: BuildContext): void {
  if (token.tokenType !== DottedName) return;
  const dot = token.image.lastIndexOf(".");
  const owner = token.image.slice(0, dot);
  const member = token.image.slice(dot + 1);
  const wrapper = `export function ${member}(…) { return ${token.image}(…); }`;
  context.diagnostics.push(
    createDiagnostic(Messages.DottedName, context.source.path, tokenSpan(token), [token.image, owner, wrapper]),
  );
}

/** A dotted name anywhere else (a property, a value): its first `.` is a character no name holds. */
export function reportDottedName(token: IToken | undefined, context: BuildContext): void {
  if (token?.tokenType !== DottedName) return;
  const at = token.startOffset + token.image.indexOf(".");
  context.diagnostics.push(
    createDiagnostic(Messages.UnexpectedCharacter, context.source.path, { start: at, end: at + 1 }, ["'.'"]),
  );
}

/** A number or a string where a method name belongs: `a, 1b {`. */
export function reportBadName(token: IToken, context: BuildContext): void {
  context.diagnostics.push(
    createDiagnostic(Messages.UnexpectedToken, context.source.path, tokenSpan(token), [
      "a method name",
      describeToken(token),
    ]),
  );
}

/**
 * One diagnostic per run of stray tokens: the first is the mistake, the rest
 * follow from it. A run ends where a well-formed piece (`boundaries`, sorted
 * start offsets) begins.
 */
export function reportStrayRuns(
  strays: readonly IToken[],
  boundaries: readonly number[],
  expected: string,
  context: BuildContext,
): void {
  let boundary = 0;
  let previous: IToken | undefined;
  for (const stray of strays) {
    let separated = previous === undefined;
    while (boundary < boundaries.length && boundaries[boundary]! < stray.startOffset) {
      if (previous !== undefined && boundaries[boundary]! > previous.startOffset) separated = true;
      boundary++;
    }
    if (separated) {
      context.diagnostics.push(
        createDiagnostic(Messages.UnexpectedToken, context.source.path, tokenSpan(stray), [
          expected,
          describeToken(stray),
        ]),
      );
    }
    previous = stray;
  }
}
