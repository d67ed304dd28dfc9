/**
 * Shares TypeScript and JavaScript documents with flowc's server for synchronisation only.
 *
 * The client's document selector is the manifests alone, so every editor feature the server offers (hover,
 * completion, formatting, …) is registered for `.flow` files and never competes with the TypeScript extension in
 * a methods module. This feature then adds the methods modules to the open, change, save and close notifications,
 * with the options the server asked for, so that a manifest is checked against a module's unsaved text.
 */
import { randomUUID } from "node:crypto";
import {
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  TextDocumentSyncKind,
  type BaseLanguageClient,
  type ClientCapabilities,
  type DocumentSelector,
  type FeatureState,
  type ServerCapabilities,
  type StaticFeature,
  type TextDocumentSaveRegistrationOptions,
  type TextDocumentSyncOptions,
} from "vscode-languageclient/node";

export class SourceDocumentSync implements StaticFeature {
  constructor(
    private readonly client: BaseLanguageClient,
    private readonly documents: DocumentSelector,
  ) {}

  fillClientCapabilities(_capabilities: ClientCapabilities): void {
    // The built-in synchronisation features already announce what this one uses.
  }

  initialize(capabilities: ServerCapabilities & { resolvedTextDocumentSync?: TextDocumentSyncOptions }): void {
    const sync = capabilities.resolvedTextDocumentSync;
    if (sync === undefined) return;
    const documentSelector = this.documents;
    if (sync.openClose === true) {
      this.client.getFeature(DidOpenTextDocumentNotification.method).register({
        id: randomUUID(),
        registerOptions: { documentSelector },
      });
      this.client.getFeature(DidCloseTextDocumentNotification.method).register({
        id: randomUUID(),
        registerOptions: { documentSelector },
      });
    }
    if (sync.change !== undefined && sync.change !== TextDocumentSyncKind.None) {
      this.client.getFeature(DidChangeTextDocumentNotification.method).register({
        id: randomUUID(),
        registerOptions: { documentSelector, syncKind: sync.change },
      });
    }
    if (sync.save !== undefined && sync.save !== false) {
      // The feature takes the save options, though its declared type names only the selector.
      const registerOptions: TextDocumentSaveRegistrationOptions = {
        documentSelector,
        includeText: typeof sync.save === "object" && sync.save.includeText === true,
      };
      this.client.getFeature(DidSaveTextDocumentNotification.method).register({ id: randomUUID(), registerOptions });
    }
  }

  getState(): FeatureState {
    return { kind: "static" };
  }

  clear(): void {
    // Its registrations live in the synchronisation features, which clear them when the client stops.
  }
}
