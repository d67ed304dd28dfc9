/**
 * Rename: a method's name in the manifest, wherever the manifest writes it. Its function's name
 * in TypeScript stays as it is; the manifest keeps the link to it through an import's alias.
 */
import type { FlowDocument, Identifier, Span } from "../../grammar/ast.js";
import { formatMessage } from "../../grammar/diagnostics/catalogue.js";
import { insertAt, insertStatementAfter, insertStatementBefore } from "../../grammar/diagnostics/fixes.js";
import { tokenize, tokenSpan } from "../../grammar/lexer.js";
import { positionAt } from "../../grammar/source.js";
import { As, Backend, From, Identifier as IdentifierToken, Import } from "../../grammar/tokens.js";
import { defaultModuleSpecifier } from "../resolve/manifest-name.js";
import { methodNameProblem } from "../resolve/reserved-words.js";
import { locate } from "./locate.js";
import { allMentions, importOf, mentionsOf, type Mention } from "./mentions.js";
import type { ManifestState, RenameResult, TextEdit } from "./types.js";

/** The name under `offset` that can be renamed, with its span: a method's name in the manifest. */
export function prepareRename(
  state: ManifestState,
  offset: number,
): { readonly span: Span; readonly placeholder: string } | undefined {
  const located = locate(state.compiled.document, offset);
  if (located?.kind !== "method") return undefined;
  return { span: located.mention.identifier.span, placeholder: located.name };
}

/**
 * The edits that rename the method under `offset` to `newName` in the manifest: every mention,
 * the `run_if` and `fallback` values that name it included.
 *
 * - An imported name keeps its export: `import { load }` becomes `import { load as newName }`,
 *   and `import { load as old }` becomes `import { load as newName }` (or `import { load }` when
 *   `newName` is `load`). The function itself is renamed with TypeScript's own rename.
 * - A name of the default module is its export's name too, so that renaming it alone would lose
 *   its function: the rename imports it under the new name from the default module
 *   (`import { extract as newName } from "./etl.methods";`, or one more specifier in an import
 *   of that module the manifest already has).
 *
 * Refused, with the reason: a new name that cannot name a method (not a name, a reserved
 * word, `__proto__`, `then`, `@…`) or that names another method already; the exported name of
 * an aliased import; and a name the manifest also writes where it cannot be read (in a part
 * with syntax errors), which the edits could not reach.
 */
export function rename(state: ManifestState, offset: number, newName: string): RenameResult {
  const document = state.compiled.document;
  const located = locate(document, offset);
  if (located?.kind === "export") {
    return refuse(
      `'${located.identifier.name}' is the name its module exports: rename the function in TypeScript. Its name in this manifest is '${located.name}'.`,
    );
  }
  if (located?.kind !== "method") return refuse("Only the name of a method can be renamed.");
  const oldName = located.name;
  const problem = nameProblem(newName);
  if (problem !== undefined) return refuse(problem);
  if (newName === oldName) return { ok: true, edits: [] };
  if (allMentions(document).some((mention) => mention.identifier.name === newName)) {
    return refuse(`'${newName}' already names a method of this manifest.`);
  }
  const unread = unreadMention(state, oldName);
  if (unread !== undefined) {
    const { line, column } = positionAt(state.source, unread);
    return refuse(
      `'${oldName}' also stands at ${line}:${column}, where the manifest cannot be read: fix its syntax errors first.`,
    );
  }

  const mentions = mentionsOf(document, oldName);
  const edits = mentions.map((mention) => editOf(mention, newName));
  if (importOf(document, oldName) === undefined) edits.push(importEdit(state, oldName, newName));
  return { ok: true, edits: edits.sort((a, b) => a.span.start - b.span.start) };
}

function refuse(reason: string): RenameResult {
  return { ok: false, reason };
}

/** Why `name` cannot name a method, or `undefined` when it can. */
function nameProblem(name: string): string | undefined {
  if (name.startsWith("@")) {
    return `'${name}' cannot name a method: a name that begins with '@' is no method ('@input' is the run's input).`;
  }
  const lexed = tokenize(name, "");
  const token = lexed.tokens[0];
  const isName =
    lexed.tokens.length === 1 &&
    lexed.comments.length === 0 &&
    lexed.diagnostics.length === 0 &&
    token?.image === name &&
    // `import` is spelt as a name; it is refused below as the reserved word it is.
    [IdentifierToken, From, As, Backend, Import].includes(token.tokenType);
  if (!isName) {
    return `'${name}' is not a name: a method's name is spelt like a TypeScript identifier (a letter, '_' or '$', then letters, digits, '_' or '$').`;
  }
  const problem = methodNameProblem(name);
  return problem === undefined ? undefined : formatMessage(problem.message, [name]);
}

/** The edit of one mention: its name, or for an import, the specifier that keeps the export. */
function editOf(mention: Mention, newName: string): TextEdit {
  if (mention.role !== "import") return { span: mention.identifier.span, text: newName };
  const { imported, local, span } = mention.specifier;
  if (imported.name === newName) return { span, text: newName };
  if (imported === local) return { span, text: `${imported.name} as ${newName}` };
  return { span: local.span, text: newName };
}

/** The import of `oldName` from the default module under `newName`. */
function importEdit(state: ManifestState, oldName: string, newName: string): TextEdit {
  const { source } = state;
  const document = state.compiled.document;
  const specifier = defaultModuleSpecifier(source.path);
  const text = `${oldName} as ${newName}`;
  const existing = document.imports.find((declaration) => declaration.source.value === specifier);
  const lastSpecifier = existing?.specifiers.at(-1);
  if (lastSpecifier !== undefined) return insertAt(lastSpecifier.span.end, `, ${text}`);
  const statement = `import { ${text} } from ${JSON.stringify(specifier)};`;
  const lastImport = document.imports.at(-1);
  if (lastImport !== undefined) return insertStatementAfter(source, lastImport.span, statement);
  // Before the first statement, below any comment that heads the file, and a blank line
  // between it and what follows, as the canonical layout has after the imports.
  const first = tokenize(source.text, source.path).tokens[0];
  if (first === undefined) return insertAt(source.text.length, statement);
  const edit = insertStatementBefore(source, tokenSpan(first), statement);
  const lineBreak = /^\r?\n/.exec(edit.text.slice(statement.length))?.[0] ?? "";
  return { span: edit.span, text: `${statement}${lineBreak}${edit.text.slice(statement.length)}` };
}

/**
 * Where the text writes `name` as a name that the document does not hold (a part the parser
 * could not read), or `undefined` when every such name is in the document.
 */
function unreadMention(state: ManifestState, name: string): number | undefined {
  const document = state.compiled.document;
  const read = new Set(identifiers(document).map((identifier) => identifier.span.start));
  // The keywords of the statements the document holds (`from`, `as` and `backend` are names elsewhere).
  const statements = [...document.imports, ...document.backends].map((statement) => statement.span);
  const keyword = (offset: number) => statements.some((span) => span.start <= offset && offset < span.end);
  const tokens = tokenize(state.source.text, state.source.path).tokens;
  return tokens.find((token) => token.image === name && !read.has(token.startOffset) && !keyword(token.startOffset))
    ?.startOffset;
}

/** Every identifier of the document. */
function identifiers(document: FlowDocument): Identifier[] {
  const found: Identifier[] = [];
  for (const declaration of document.imports) {
    for (const specifier of declaration.specifiers) found.push(specifier.imported, specifier.local);
  }
  for (const declaration of document.backends) {
    if (declaration.value.kind === "Identifier") found.push(declaration.value);
  }
  for (const group of document.groups) {
    found.push(...group.methods);
    for (const property of group.block.properties) {
      found.push(property.key);
      if (property.value.kind === "Identifier") found.push(property.value);
    }
  }
  return found;
}
