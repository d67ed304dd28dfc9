import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CodeActionRequest,
  CompletionRequest,
  DeclarationRequest,
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  SemanticTokensRequest,
  type CodeAction,
  type CompletionItem,
  type DocumentSymbol,
  type Location,
  type LocationLink,
  type MarkupContent,
  type Position,
  type PublishDiagnosticsParams,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { createSourceText } from "../../grammar/source.js";
import { formatSource } from "../../src/format/format.js";
import { LspClient, uriOf } from "./client.js";
import { wordCountProject, type WordCountProject } from "./project.js";

/**
 * The editor features through the real server, on examples/word-count: each request made as
 * VS Code makes it, each answer checked for what an editor does with it.
 */
let project: WordCountProject;
let lsp: LspClient;
let uri: string;
let text: string;

beforeAll(async () => {
  project = wordCountProject();
  lsp = await LspClient.start({ cwd: project.dir });
  uri = await lsp.open(project.manifest);
  text = (await import("node:fs")).readFileSync(project.manifest, "utf8");
  await lsp.diagnosticsOf(uri, 1);
});
afterAll(async () => {
  expect(await lsp.shutdown()).toBe(0);
  project.remove();
});

/** The position of the `occurrence`-th `word` (0-based) in `source`, `offset` characters into it. */
function at(source: string, word: string, offset = 0, occurrence = 0): Position {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = source.indexOf(word, index + 1);
  if (index < 0) throw new Error(`no ${word} in the text`);
  return TextDocument.create("file:///x", "flowc", 1, source).positionAt(index + offset);
}

function applied(source: string, edit: WorkspaceEdit | TextEdit[], target = uri): string {
  const edits = Array.isArray(edit)
    ? edit
    : (edit.documentChanges ?? []).flatMap((change) =>
        "textDocument" in change && change.textDocument.uri === target ? change.edits : [],
      );
  return TextDocument.applyEdits(TextDocument.create(target, "flowc", 1, source), edits as TextEdit[]);
}

/** Opens `source` as a manifest `<name>.flow` with methods of its own; resolves with its uri and first diagnostics. */
async function openManifest(
  name: string,
  source: string,
): Promise<{ uri: string; diagnostics: PublishDiagnosticsParams }> {
  const file = project.withOwnMethods(name, source);
  const opened = await lsp.open(file, source);
  return { uri: opened, diagnostics: await lsp.diagnosticsOf(opened, 1) };
}

describe("navigation", () => {
  it("hovers a method with what travels on its edges", async () => {
    const hover = await lsp.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: at(text, "countWords", 3),
    });
    expect(hover?.range).toEqual({ start: at(text, "countWords"), end: at(text, "countWords", "countWords".length) });
    const markdown = (hover?.contents as MarkupContent).value;
    expect((hover?.contents as MarkupContent).kind).toBe("markdown");
    // It receives one chapter (a string) from splitChapters and sends WordCounts on to mergeCounts.
    expect(markdown).toContain("splitChapters");
    expect(markdown).toContain("mergeCounts");
    expect(markdown).toContain("WordCounts");
    expect(markdown).toContain("string");
  });

  it("goes to a method's function in its module", async () => {
    const found = await lsp.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri },
      position: at(text, "mergeCounts", 2),
    });
    const locations = (Array.isArray(found) ? found : [found]) as (Location | LocationLink)[];
    expect(locations).toHaveLength(1);
    const location = locations[0] as Location;
    expect(location.uri).toBe(uriOf(project.methods));
    const methods = (await import("node:fs")).readFileSync(project.methods, "utf8");
    expect(location.range.start).toEqual(at(methods, "mergeCounts"));
  });

  it("goes to declaration: the settings every group gives a method", async () => {
    const found = await lsp.connection.sendRequest(DeclarationRequest.type, {
      textDocument: { uri },
      position: at(text, "countWords", 1),
    });
    const locations = (Array.isArray(found) ? found : [found]) as Location[];
    const document = TextDocument.create(uri, "flowc", 1, text);
    expect(locations.map((location) => location.uri)).toEqual(locations.map(() => uri));
    expect(locations.map((location) => document.getText(location.range))).toEqual([
      "execution_flow: sequential;",
      "execution_flow: parallel;",
      "min_worker_count: 3;",
      "max_worker_count: 8;",
    ]);
  });

  it("finds a method's mentions, and renames it so that the manifest still compiles", async () => {
    const position = at(text, "countWords", 1);
    const references = await lsp.connection.sendRequest(ReferencesRequest.type, {
      textDocument: { uri },
      position,
      context: { includeDeclaration: true },
    });
    expect(references?.map((location) => location.range.start)).toEqual([
      at(text, "countWords", 0, 0),
      at(text, "countWords", 0, 1),
    ]);
    const prepared = await lsp.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position });
    expect(prepared).toMatchObject({ placeholder: "countWords" });
    const edit = await lsp.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri },
      position,
      newName: "tally",
    });
    const renamed = applied(text, edit!);
    expect(renamed).not.toMatch(/countWords\s*[,<{]/);
    const { diagnostics } = await openManifest("renamed", renamed);
    expect(diagnostics.diagnostics).toEqual([]);
  });

  it("outlines, folds and colours the manifest", async () => {
    const symbols = (await lsp.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri },
    })) as DocumentSymbol[];
    const names = (list: readonly DocumentSymbol[]): string[] =>
      list.flatMap((symbol) => [symbol.name, ...names(symbol.children ?? [])]);
    expect(names(symbols)).toEqual(expect.arrayContaining(["splitChapters", "countWords", "mergeCounts"]));
    expect(symbols.every((symbol) => Array.isArray(symbol.children))).toBe(true);
    const folds = await lsp.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
    // The comment on the first four lines folds.
    expect(folds).toContainEqual(expect.objectContaining({ startLine: 0, endLine: 3 }));
    const tokens = await lsp.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
    expect(tokens!.data.length).toBeGreaterThan(0);
    expect(tokens!.data.length % 5).toBe(0);
  });
});

describe("editing", () => {
  it("completes a method's name", async () => {
    const source = `${text}\nmergeC`;
    const { uri: opened } = await openManifest("completion", source);
    const items = (await lsp.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: opened },
      position: TextDocument.create(opened, "flowc", 1, source).positionAt(source.length),
    })) as CompletionItem[];
    const item = items.find((entry) => entry.label === "mergeCounts");
    expect(item).toMatchObject({ label: "mergeCounts", kind: 3 });
    // Methods the manifest does not use yet come first; one already used in a group sorts after them.
    const used = items.find((entry) => entry.label === "splitChapters");
    expect(item?.sortText).toBeDefined();
    expect(used?.sortText).toBeDefined();
  });

  it("formats the manifest as flowc fmt does", async () => {
    const messy =
      "splitChapters,countWords,mergeCounts{execution_flow:sequential;}\ncountWords<execution_flow:parallel;min_worker_count:3;>\n";
    const { uri: opened } = await openManifest("messy", messy);
    const edits = await lsp.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri: opened },
      options: { tabSize: 2, insertSpaces: true },
    });
    const formatted = formatSource(createSourceText("messy.flow", messy)).text;
    expect(formatted).not.toBe(messy);
    expect(applied(messy, edits ?? [], opened)).toBe(formatted);
  });

  it("offers the fix of a misspelt method as a quick fix", async () => {
    const misspelt = text.replace("mergeCounts {", "mergeCount {");
    const { uri: opened, diagnostics } = await openManifest("misspelt", misspelt);
    const [diagnostic] = diagnostics.diagnostics;
    expect(diagnostic?.message).toContain("Did you mean 'mergeCounts'?");
    const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: opened },
      range: diagnostic!.range,
      context: { diagnostics: [diagnostic!], only: ["quickfix"] },
    })) as CodeAction[];
    const fix = actions.find((action) => action.kind === "quickfix");
    expect(fix?.title).toContain("mergeCounts");
    expect(applied(misspelt, fix!.edit!, opened)).toBe(text);
  });
});
