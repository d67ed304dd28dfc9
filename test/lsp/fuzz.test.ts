import fc from "fast-check";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  LSPErrorCodes,
  ReferencesRequest,
  ResponseError,
  SemanticTokensRequest,
  type Position,
} from "vscode-languageserver-protocol/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { LspClient } from "./client.js";
import { wordCountProject, type WordCountProject } from "./project.js";

/**
 * Random edits through `didChange` — manifest fragments, garbage, non-ASCII text, CRLF line
 * ends, deletions — each followed, without waiting, by a request at a random place. Every
 * request is answered (at worst "content modified" or "cancelled"), the server stays up, and
 * the diagnostics of the last text arrive.
 */
let project: WordCountProject;
let lsp: LspClient;

beforeAll(async () => {
  project = wordCountProject();
  lsp = await LspClient.start({ cwd: project.dir });
});
afterAll(async () => {
  expect(await lsp.shutdown()).toBe(0);
  project.remove();
});

const FRAGMENTS = [
  'import { splitChapters, countWords, mergeCounts } from "./word-count.methods";\n',
  'import { countWords as tally } from "./word-count.methods";',
  "backend threads;\n",
  "splitChapters, countWords, mergeCounts { execution_flow: sequential; }\n",
  "countWords < execution_flow: parallel; min_worker_count: 2; >\n",
  "mergeCounts { retries: 3; timeout: 30s; }\n",
  "{",
  "}",
  "<",
  ">",
  ";",
  ":",
  ",",
  '"',
  "'./x",
  "/* a comment",
  "*/",
  "// note\n",
  "execution_flow: ",
  "parallel",
  "250ms",
  "-1.5",
  "größe",
  "名前, 😀",
  "\u2028",
  "\r\n",
  "\n",
  "\r",
  "\t",
  "@input",
  "\0",
];

type Edit =
  | { readonly kind: "insert"; readonly at: number; readonly text: string }
  | { readonly kind: "delete"; readonly at: number; readonly length: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    text: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6, unit: "binary" })),
  }),
  fc.record({
    kind: fc.constant("delete" as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.integer({ min: 1, max: 12 }),
  }),
);

const REQUESTS = [
  "hover",
  "completion",
  "definition",
  "references",
  "symbols",
  "folding",
  "tokens",
  "formatting",
  "codeActions",
  "none",
] as const;

function request(kind: (typeof REQUESTS)[number], uri: string, position: Position): Promise<unknown> | undefined {
  const textDocument = { uri };
  const c = lsp.connection;
  switch (kind) {
    case "hover":
      return c.sendRequest(HoverRequest.type, { textDocument, position });
    case "completion":
      return c.sendRequest(CompletionRequest.type, { textDocument, position });
    case "definition":
      return c.sendRequest(DefinitionRequest.type, { textDocument, position });
    case "references":
      return c.sendRequest(ReferencesRequest.type, { textDocument, position, context: { includeDeclaration: true } });
    case "codeActions":
      return c.sendRequest(CodeActionRequest.type, {
        textDocument,
        range: { start: position, end: position },
        context: { diagnostics: [] },
      });
    case "symbols":
      return c.sendRequest(DocumentSymbolRequest.type, { textDocument });
    case "folding":
      return c.sendRequest(FoldingRangeRequest.type, { textDocument });
    case "tokens":
      return c.sendRequest(SemanticTokensRequest.type, { textDocument });
    case "formatting":
      return c.sendRequest(DocumentFormattingRequest.type, {
        textDocument,
        options: { tabSize: 2, insertSpaces: true },
      });
    case "none":
      return undefined;
  }
}

/** The error codes a request may end with while its text keeps changing. */
const BENIGN = new Set<number>([LSPErrorCodes.ContentModified, LSPErrorCodes.RequestCancelled]);

let run = 0;

it("answers every request and publishes the last text's diagnostics, whatever the edits", async () => {
  const example = readFileSync(project.manifest, "utf8");
  await fc.assert(
    fc.asyncProperty(
      fc.boolean(),
      fc.array(fc.tuple(edit, fc.constantFrom(...REQUESTS), fc.double({ min: 0, max: 1, noNaN: true })), {
        minLength: 1,
        maxLength: 20,
      }),
      async (crlf, steps) => {
        const initial = `import { splitChapters } from "./word-count.methods";\n${example}`;
        let document = TextDocument.create(
          `file://${project.dir}/word-count/fuzz-${run++}.flow`,
          "flowc",
          1,
          crlf ? initial.replace(/\n/g, "\r\n") : initial,
        );
        const uri = await lsp.open(document.uri.replace("file://", ""), document.getText());
        expect(uri).toBe(document.uri);
        const answers: Promise<unknown>[] = [];
        for (const [step, kind, where] of steps) {
          const length = document.getText().length;
          const at = Math.floor(step.at * length);
          const range =
            step.kind === "insert"
              ? { start: document.positionAt(at), end: document.positionAt(at) }
              : { start: document.positionAt(at), end: document.positionAt(Math.min(length, at + step.length)) };
          const change = { range, text: step.kind === "insert" ? step.text : "" };
          const version = await lsp.change(uri, [change]);
          document = TextDocument.update(document, [change], version);
          const answer = request(kind, uri, document.positionAt(Math.floor(where * document.getText().length)));
          if (answer !== undefined) answers.push(answer);
        }
        const outcomes = await Promise.allSettled(answers);
        for (const outcome of outcomes) {
          if (outcome.status === "fulfilled") continue;
          const error = outcome.reason as unknown;
          expect(error instanceof ResponseError && BENIGN.has(error.code), String(error)).toBe(true);
        }
        const final = await lsp.diagnosticsOf(uri, document.version);
        const lines = document.lineCount;
        for (const diagnostic of final.diagnostics) expect(diagnostic.range.end.line).toBeLessThanOrEqual(lines);
        await lsp.close(uri);
        expect(lsp.child.exitCode).toBeNull();
      },
    ),
    { numRuns: 30 },
  );
  expect(lsp.errors).toBe("");
}, 120_000);
