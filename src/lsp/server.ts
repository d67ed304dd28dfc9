/**
 * `flowc lsp`: the language server. It wires the protocol's connection to the open documents
 * (manifests, compiled as they change; methods modules, read unsaved), the watch on the files
 * the manifests depend on, the diagnostics (pushed, or pulled by a client that asks for them)
 * and the editor features (src/lsp/handlers.ts). Nothing a request or a notification does may
 * end the process: an exception is logged to the client and answered with an empty result.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { createConnection, TextDocuments, type ClientCapabilities, type Connection } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { createSourceText, type SourceText } from "../../grammar/source.js";
import type { TypeScriptVersion } from "../typecheck/engine.js";
import { createTypeScriptServices } from "../typescript-services.js";
import { VERSION } from "../version.js";
import { clientSupport, dynamicRegistrations, serverCapabilities, type ClientSupport } from "./capabilities.js";
import { uriToPath } from "./convert.js";
import { Dependencies, MODULE_FILE } from "./dependencies.js";
import { compileFailure, toLspDiagnostics, type TextLookup } from "./diagnostics.js";
import { findManifest } from "./find-manifest.js";
import { describeError, registerHandlers } from "./handlers.js";
import { Manifests, type Compiled, type Manifest } from "./manifests.js";
import { Overlays } from "./overlays.js";
import { watchDisk, type DiskWatch } from "./watch.js";

/**
 * How long a manifest waits after a change for the next one before it is compiled: short
 * enough that diagnostics follow typing (a compilation of a small manifest takes tens of
 * milliseconds once TypeScript is warm), long enough that a burst of keystrokes is one.
 */
export const DEBOUNCE_MS = 30;

export interface ServerOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** `--typescript 6|7`. */
  readonly typescript?: TypeScriptVersion | undefined;
}

/**
 * Serves the protocol on `input` and `output` until the client says `exit` or closes the
 * input; the process then exits (0 after a `shutdown`, 1 without), TypeScript ended first.
 */
export function startLanguageServer(options: ServerOptions): Connection {
  const connection = createConnection(options.input, options.output);
  const log = (message: string): void => connection.console.error(message);
  // Standard output is the protocol's: whatever a library prints goes to the client's log instead.
  routeConsole(connection);
  process.on("uncaughtException", (error) => log(`flowc lsp: internal error: ${error.stack ?? error.message}`));
  process.on("unhandledRejection", (reason) => log(`flowc lsp: internal error: ${describeError(reason)}`));

  const services = createTypeScriptServices({
    typescript: options.typescript,
    projectLimit: Number.POSITIVE_INFINITY,
    warn: (message) => connection.console.warn(`flowc: ${message}`),
  });
  // However the process ends (`exit`, the input closing, the editor gone), TypeScript 7's process ends with it,
  // before TypeScript's own handler signals it in a way it answers with "context canceled" on the shared stderr.
  process.prependListener("exit", () => services.close());

  const documents = new TextDocuments(TextDocument);
  /** Open documents by absolute path: their text counts over the disk's. */
  const byPath = new Map<string, TextDocument>();
  let client: ClientCapabilities = {};
  let support: ClientSupport = clientSupport(client);
  let disk: DiskWatch | undefined;
  let warmed = false;
  /** The workspace's folders: where a client that watches files reports their changes. */
  let roots: string[] = [];

  /** What the server watches itself: what the manifests depend on, but what the client watches for it. */
  const watchOwn = (): void => {
    const all = dependencies.watched();
    if (!support.watchesFiles) return disk?.update(all);
    const outside = (file: string): boolean => !roots.some((root) => isWithin(root, file));
    const files = new Set([...all.files].filter(outside));
    const folders = new Set([...files].map((file) => path.dirname(file)));
    disk?.update({ files, folders });
  };

  const texts: TextLookup = (file) => {
    const open = byPath.get(file);
    if (open !== undefined) return createSourceText(file, open.getText());
    try {
      return createSourceText(file, readFileSync(file, "utf8"));
    } catch {
      return undefined;
    }
  };

  const publish = (manifest: Manifest, compiled: Compiled): void => {
    void connection.sendDiagnostics({
      uri: manifest.uri,
      version: compiled.version,
      diagnostics: diagnosticsOf(manifest, compiled, texts),
    });
  };

  const overlays = new Overlays(services);
  const manifests: Manifests = new Manifests(services, {
    debounceMs: DEBOUNCE_MS,
    compiled: (manifest, compiled, current) => {
      // A compilation of a text that changed since is not shown: the one of the new text follows.
      if (current && !support.pullDiagnostics) publish(manifest, compiled);
      watchOwn();
    },
    error: log,
  });
  const dependencies = new Dependencies(services, manifests, {
    debounceMs: DEBOUNCE_MS,
    buffered: (file) => overlays.has(file),
    report: (files, count) => {
      const names = files.map((file) => path.relative(process.cwd(), file));
      const what = names.length <= 3 ? names.join(", ") : `${names.length} files`;
      connection.console.log(`flowc: ${what} changed on disk: checking ${count} manifest${count === 1 ? "" : "s"}`);
    },
    invalidated: () => {
      if (support.pullDiagnostics && support.diagnosticRefresh) {
        connection.languages.diagnostics.refresh().catch((error: unknown) => log(describeError(error)));
      }
    },
  });

  /** Starts TypeScript for a manifest's project, once, before anything needs it. */
  const warm = (manifestPath: string): void => {
    if (warmed) return;
    warmed = true;
    services
      .forManifest(manifestPath)
      // Reading the settings opens the project: its libraries are loaded by the time a manifest is compiled.
      .then((project) => project.configErrors)
      .catch((error: unknown) => log(`starting TypeScript: ${describeError(error)}`));
  };

  connection.onInitialize((params) => {
    client = params.capabilities;
    support = clientSupport(client);
    roots = (params.workspaceFolders ?? []).flatMap((folder) => uriToPath(folder.uri) ?? []);
    const rootUri = params.rootUri === null ? undefined : uriToPath(params.rootUri);
    if (roots.length === 0 && rootUri !== undefined) roots.push(rootUri);
    void findManifest(roots).then((found) => found !== undefined && warm(found), log);
    return {
      capabilities: serverCapabilities(client),
      serverInfo: { name: "flowc", version: VERSION },
    };
  });

  connection.onInitialized(() => {
    const registrations = dynamicRegistrations(client);
    if (registrations !== undefined) {
      connection.client.register(registrations).catch((error: unknown) => log(`registering: ${describeError(error)}`));
    }
    watchDisk({
      changed: (file) => dependencies.changedOnDisk([file]),
      watching: (watched) =>
        connection.console.log(`flowc: watching ${watched.files.size} files in ${watched.folders.size} folders`),
      error: log,
    }).then(
      (started) => {
        disk = started;
        watchOwn();
      },
      (error: unknown) => log(`watching files: ${describeError(error)}`),
    );
  });

  connection.onDidChangeWatchedFiles((params) =>
    guarded(log, () => dependencies.changedOnDisk(params.changes.flatMap((change) => uriToPath(change.uri) ?? []))),
  );

  const seenVersion = new Map<string, number>();
  documents.onDidOpen(({ document }) =>
    guarded(log, () => {
      seenVersion.set(document.uri, document.version);
      const file = uriToPath(document.uri);
      if (file === undefined) return;
      byPath.set(file, document);
      if (isManifest(document, file)) {
        warm(file);
        manifests.opened(document.uri, file, document);
      } else if (MODULE_FILE.test(file) && overlays.opened(file, document.getText())) {
        dependencies.changedInBuffer(file);
      }
    }),
  );
  documents.onDidChangeContent(({ document }) =>
    guarded(log, () => {
      // Opening a document is a change of its content too: already handled.
      if (seenVersion.get(document.uri) === document.version) return;
      seenVersion.set(document.uri, document.version);
      const file = uriToPath(document.uri);
      if (file === undefined) return;
      if (manifests.get(document.uri) !== undefined) {
        manifests.changed(document.uri, document);
      } else if (MODULE_FILE.test(file) && overlays.changed(file, document.getText())) {
        dependencies.changedInBuffer(file);
      }
    }),
  );
  documents.onDidClose(({ document }) =>
    guarded(log, () => {
      seenVersion.delete(document.uri);
      const file = uriToPath(document.uri);
      if (file === undefined) return;
      byPath.delete(file);
      if (manifests.get(document.uri) !== undefined) {
        manifests.closed(document.uri);
        if (!support.pullDiagnostics) void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
        watchOwn();
      } else if (overlays.closed(file)) {
        dependencies.changedInBuffer(file);
      }
    }),
  );

  registerHandlers(connection, {
    manifests,
    documents,
    texts,
    log,
    support: () => support,
    diagnostics: diagnosticsOf,
  });

  const close = async (): Promise<void> => {
    dependencies.dispose();
    await disk?.close();
    services.close();
  };
  connection.onShutdown(() => close().catch((error: unknown) => log(describeError(error))));
  connection.onExit(() => services.close());

  documents.listen(connection);
  connection.listen();
  return connection;
}

/** What to show for a compilation: its diagnostics, or the one that says it failed. */
function diagnosticsOf(manifest: Manifest, compiled: Compiled, texts: TextLookup) {
  if (compiled.state === undefined) return [compileFailure(compiled.failure ?? "unknown error")];
  const source: SourceText = compiled.state.source;
  const result = compiled.state.compiled;
  const lookup: TextLookup = (file) => result.sources.find((text) => text.path === file) ?? texts(file);
  return toLspDiagnostics(result, { uri: manifest.uri, source }, lookup);
}

function isWithin(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

function isManifest(document: TextDocument, file: string): boolean {
  return document.languageId === "flowc" || path.extname(file) === ".flow";
}

/** Runs a notification's handling; what it throws is logged, never let through. */
function guarded(log: (message: string) => void, handle: () => void): void {
  try {
    handle();
  } catch (error) {
    log(`flowc lsp: internal error: ${describeError(error)}`);
  }
}

function routeConsole(connection: Connection): void {
  console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(" "));
  console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(" "));
  console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(" "));
  console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(" "));
  console.debug = console.log;
}
