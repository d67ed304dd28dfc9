/**
 * The requests the server answers: each waits for the compilation of the manifest as it is
 * now, answers from it (features.ts), and never fails the request over an exception (logged,
 * answered with an empty result). A request about a text that changed while it waited is
 * answered "content modified", one the client cancelled "cancelled": the client asks again.
 */
import {
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DocumentDiagnosticReport,
  type TextDocuments,
} from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { ClientSupport } from "./capabilities.js";
import type { TextLookup } from "./diagnostics.js";
import type * as Features from "./features.js";
import type { Compiled, Manifest, Manifests } from "./manifests.js";

export interface HandlerContext {
  readonly manifests: Manifests;
  readonly documents: TextDocuments<TextDocument>;
  readonly texts: TextLookup;
  readonly log: (message: string) => void;
  readonly support: () => ClientSupport;
  readonly diagnostics: (manifest: Manifest, compiled: Compiled, texts: TextLookup) => LspDiagnostic[];
}

/** The editor features (features.ts), once a request has needed them. */
let loaded: typeof Features | undefined;

export function registerHandlers(connection: Connection, context: HandlerContext): void {
  /**
   * A request about a manifest's text: `answer` with what the compiler made of the text the
   * request was made on, `empty` when there is nothing to answer from (no manifest there, a
   * compilation that failed) or when answering threw.
   */
  const onManifest =
    <P extends { readonly textDocument: { readonly uri: string } }, R>(
      feature: string,
      empty: R,
      answer: (target: Features.Target, params: P, features: typeof Features) => R | ResponseError,
    ) =>
    async (params: P, token: CancellationToken): Promise<R | ResponseError> => {
      try {
        const uri = params.textDocument.uri;
        const asked = context.documents.get(uri)?.version;
        const found = await context.manifests.latest(uri);
        const state = found?.compiled.state;
        if (found === undefined || state === undefined) return empty;
        // Loaded on the first request, after the first compile: a fresh server answers `initialize` and
        // publishes its first diagnostics without waiting for the editor features' modules.
        loaded ??= await import("./features.js");
        if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, "cancelled");
        if (found.compiled.version !== asked) {
          return new ResponseError(LSPErrorCodes.ContentModified, "the manifest changed while this was asked");
        }
        return answer({ uri, version: found.compiled.version, state }, params, loaded);
      } catch (error) {
        context.log(`flowc lsp: ${feature} failed: ${describeError(error)}`);
        return empty;
      }
    };

  connection.onHover(onManifest("hover", null, (target, params, features) => features.hover(target, params.position)));
  connection.onDeclaration(
    onManifest("declaration", [], (target, params, features) => features.declaration(target, params.position)),
  );
  connection.onDefinition(
    onManifest("definition", [], (target, params, features) =>
      features.definition(target, params.position, context.texts),
    ),
  );
  connection.onReferences(
    onManifest("references", [], (target, params, features) =>
      features.references(target, params.position, params.context.includeDeclaration),
    ),
  );
  connection.onPrepareRename(
    onManifest("prepareRename", null, (target, params, features) => features.prepareRename(target, params.position)),
  );
  connection.onRenameRequest(
    onManifest("rename", null, (target, params, features) => {
      const result = features.rename(target, params.position, params.newName, context.support().versionedEdits);
      return "edit" in result ? result.edit : new ResponseError(LSPErrorCodes.RequestFailed, result.reason);
    }),
  );
  connection.onCompletion(
    onManifest("completion", [], (target, params, features) => features.completion(target, params.position)),
  );
  connection.onCodeAction(
    onManifest("codeAction", [], (target, params, features) =>
      features.codeActions(target, params.range, params.context.only, context.support().versionedEdits, context.texts),
    ),
  );
  connection.onDocumentFormatting(
    onManifest("formatting", [], (target, _params, features) => features.formatDocument(target)),
  );
  connection.onDocumentRangeFormatting(
    onManifest("rangeFormatting", [], (target, params, features) => features.formatRange(target, params.range)),
  );
  connection.onDocumentSymbol(
    onManifest("documentSymbol", [], (target, _params, features) =>
      features.documentSymbols(target, context.support().hierarchicalSymbols),
    ),
  );
  connection.onFoldingRanges(
    onManifest("foldingRange", [], (target, _params, features) => features.foldingRanges(target)),
  );
  connection.languages.semanticTokens.on(
    onManifest("semanticTokens", { data: [] }, (target, _params, features) => features.semanticTokens(target)),
  );

  // Pulled diagnostics: those of the manifest as it is now, or "unchanged" when the client has them already.
  connection.languages.diagnostics.on(async (params): Promise<DocumentDiagnosticReport> => {
    const empty: DocumentDiagnosticReport = { kind: DocumentDiagnosticReportKind.Full, items: [] };
    try {
      const found = await context.manifests.latest(params.textDocument.uri);
      if (found === undefined) return empty;
      const resultId = String(found.compiled.serial);
      if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
      return {
        kind: DocumentDiagnosticReportKind.Full,
        resultId,
        items: context.diagnostics(found.manifest, found.compiled, context.texts),
      };
    } catch (error) {
      context.log(`flowc lsp: diagnostics failed: ${describeError(error)}`);
      return empty;
    }
  });
}

/** What a thrown value says, with where it was thrown when it is an error: for the client's log. */
export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
