/**
 * What the server offers, and for which documents. An editor may send it more documents than
 * manifests — the methods modules, so that their unsaved text counts — and would then ask it
 * to hover, format or outline those too; so every feature is registered for manifests only,
 * dynamically where the client can take that, statically (for every document it sends, which
 * get empty answers) where it cannot. A client that watches files is asked to report the
 * changes to methods modules and tsconfigs in its workspace; the server watches the rest.
 */
import {
  BulkRegistration,
  CodeActionKind,
  CodeActionRequest,
  CompletionRequest,
  DeclarationRequest,
  DefinitionRequest,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticRequest,
  DocumentFormattingRequest,
  DocumentRangeFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  ReferencesRequest,
  RenameRequest,
  SemanticTokensRegistrationType,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type DocumentSelector,
  type ServerCapabilities,
} from "vscode-languageserver";
import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES } from "../language/types.js";

/** The legend the semantic tokens are announced with (a token's type and modifiers are indices into it). */
export const SEMANTIC_TOKENS_LEGEND = {
  tokenTypes: [...SEMANTIC_TOKEN_TYPES],
  tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS],
};

/** Manifests: by the language id editors give `.flow` files, or by their name. */
export const MANIFEST_SELECTOR: DocumentSelector = [{ language: "flowc" }, { scheme: "file", pattern: "**/*.flow" }];

/** Characters after which an editor asks for completions without a word typed: a value, a module path. */
export const COMPLETION_TRIGGERS = [":", '"', "'", "/", "@"];

/** What the client said it can do, as the server reads it. */
export interface ClientSupport {
  /** It asks for diagnostics (`textDocument/diagnostic`): they are then never pushed. */
  readonly pullDiagnostics: boolean;
  /** It can be asked to pull every manifest's diagnostics again (`workspace/diagnostic/refresh`). */
  readonly diagnosticRefresh: boolean;
  readonly hierarchicalSymbols: boolean;
  /** Workspace edits may name the document version they were made for. */
  readonly versionedEdits: boolean;
  /** It watches files for the server when asked (`workspace/didChangeWatchedFiles`, registered). */
  readonly watchesFiles: boolean;
}

export function clientSupport(capabilities: ClientCapabilities): ClientSupport {
  return {
    pullDiagnostics: capabilities.textDocument?.diagnostic !== undefined,
    diagnosticRefresh: capabilities.workspace?.diagnostics?.refreshSupport === true,
    hierarchicalSymbols: capabilities.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
    versionedEdits: capabilities.workspace?.workspaceEdit?.documentChanges === true,
    watchesFiles: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
  };
}

/** One feature: whether the client registers it dynamically, and how it is announced. */
interface Feature {
  readonly dynamic: boolean | undefined;
  /** Adds its dynamic registration. */
  register(registrations: BulkRegistration, documentSelector: DocumentSelector): void;
  /** Sets its static capability. */
  announce(capabilities: ServerCapabilities): void;
}

function features(client: ClientCapabilities): Feature[] {
  const text = client.textDocument ?? {};
  const prepareProvider = text.rename?.prepareSupport === true;
  const completionProvider = { triggerCharacters: COMPLETION_TRIGGERS, resolveProvider: false };
  const codeActionKinds = [CodeActionKind.QuickFix, CodeActionKind.Source];
  const diagnosticProvider = { interFileDependencies: true, workspaceDiagnostics: false };
  const semanticTokensProvider = { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: false };
  return [
    {
      dynamic: text.hover?.dynamicRegistration,
      register: (r, documentSelector) => r.add(HoverRequest.type, { documentSelector }),
      announce: (c) => (c.hoverProvider = true),
    },
    {
      dynamic: text.definition?.dynamicRegistration,
      register: (r, documentSelector) => r.add(DefinitionRequest.type, { documentSelector }),
      announce: (c) => (c.definitionProvider = true),
    },
    {
      dynamic: text.declaration?.dynamicRegistration,
      register: (r, documentSelector) => r.add(DeclarationRequest.type, { documentSelector }),
      announce: (c) => (c.declarationProvider = true),
    },
    {
      dynamic: text.references?.dynamicRegistration,
      register: (r, documentSelector) => r.add(ReferencesRequest.type, { documentSelector }),
      announce: (c) => (c.referencesProvider = true),
    },
    {
      dynamic: text.rename?.dynamicRegistration,
      register: (r, documentSelector) => r.add(RenameRequest.type, { documentSelector, prepareProvider }),
      announce: (c) => (c.renameProvider = prepareProvider ? { prepareProvider } : true),
    },
    {
      dynamic: text.completion?.dynamicRegistration,
      register: (r, documentSelector) => r.add(CompletionRequest.type, { documentSelector, ...completionProvider }),
      announce: (c) => (c.completionProvider = completionProvider),
    },
    {
      dynamic: text.codeAction?.dynamicRegistration,
      register: (r, documentSelector) => r.add(CodeActionRequest.type, { documentSelector, codeActionKinds }),
      announce: (c) =>
        (c.codeActionProvider = text.codeAction?.codeActionLiteralSupport === undefined ? true : { codeActionKinds }),
    },
    {
      dynamic: text.formatting?.dynamicRegistration,
      register: (r, documentSelector) => r.add(DocumentFormattingRequest.type, { documentSelector }),
      announce: (c) => (c.documentFormattingProvider = true),
    },
    {
      dynamic: text.rangeFormatting?.dynamicRegistration,
      register: (r, documentSelector) => r.add(DocumentRangeFormattingRequest.type, { documentSelector }),
      announce: (c) => (c.documentRangeFormattingProvider = true),
    },
    {
      dynamic: text.documentSymbol?.dynamicRegistration,
      register: (r, documentSelector) => r.add(DocumentSymbolRequest.type, { documentSelector }),
      announce: (c) => (c.documentSymbolProvider = true),
    },
    {
      dynamic: text.foldingRange?.dynamicRegistration,
      register: (r, documentSelector) => r.add(FoldingRangeRequest.type, { documentSelector }),
      announce: (c) => (c.foldingRangeProvider = true),
    },
    {
      dynamic: text.semanticTokens?.dynamicRegistration,
      register: (r, documentSelector) =>
        r.add(SemanticTokensRegistrationType.type, { documentSelector, ...semanticTokensProvider }),
      announce: (c) => (c.semanticTokensProvider = semanticTokensProvider),
    },
    ...(text.diagnostic === undefined
      ? []
      : [
          {
            dynamic: text.diagnostic.dynamicRegistration,
            register: (r: BulkRegistration, documentSelector: DocumentSelector) =>
              r.add(DocumentDiagnosticRequest.type, { documentSelector, ...diagnosticProvider }),
            announce: (c: ServerCapabilities) => (c.diagnosticProvider = diagnosticProvider),
          },
        ]),
  ];
}

/** The capabilities answered to `initialize`: document sync, and each feature the client does not register itself. */
export function serverCapabilities(client: ClientCapabilities): ServerCapabilities {
  const capabilities: ServerCapabilities = {
    // Every offset the compiler gives counts UTF-16 code units, as the protocol's default does.
    positionEncoding: "utf-16",
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
  };
  for (const feature of features(client)) if (feature.dynamic !== true) feature.announce(capabilities);
  return capabilities;
}

/**
 * The files whose changes the client is asked to report, where it watches files for the
 * server: what methods modules are written in, and the files that decide how they are read.
 */
export const WATCHED_FILES = ["**/*.{ts,mts,cts,tsx,js,mjs,cjs,jsx}", "**/tsconfig*.json", "**/package.json"];

/**
 * The registrations to send once initialized: every feature the client registers
 * dynamically, for manifests, and the files to watch, if it watches them.
 */
export function dynamicRegistrations(client: ClientCapabilities): BulkRegistration | undefined {
  const registrations = BulkRegistration.create();
  let any = false;
  for (const feature of features(client)) {
    if (feature.dynamic !== true) continue;
    feature.register(registrations, MANIFEST_SELECTOR);
    any = true;
  }
  if (clientSupport(client).watchesFiles) {
    registrations.add(DidChangeWatchedFilesNotification.type, {
      watchers: WATCHED_FILES.map((globPattern) => ({ globPattern })),
    });
    any = true;
  }
  return any ? registrations : undefined;
}
