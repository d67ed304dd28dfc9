/**
 * A language client for tests: spawns the real `flowc lsp --stdio` (the built CLI) and talks
 * to it with vscode-languageserver-protocol, as an editor would. Everything waits on events
 * (a notification that arrives, a request answered), never on time.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  DiagnosticRefreshRequest,
  type ClientCapabilities,
  type FileEvent,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol/node";
import { cliPath } from "../cli/helpers.js";
import { vscodeCapabilities } from "./capabilities.js";

export interface StartOptions {
  /** The workspace folder (and the server's working directory). */
  readonly cwd: string;
  /** VS Code's capabilities (the default), with or without pulled diagnostics, or only the basics of the protocol. */
  readonly client?: "vscode" | "vscode-pull" | "minimal";
  /** `--typescript`. */
  readonly typescript?: 6 | 7;
  readonly args?: readonly string[];
}

interface Waiter<T> {
  readonly test: (value: T) => boolean;
  readonly resolve: (value: T) => void;
}

export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

/** One server process and the client's side of the connection to it. */
export class LspClient {
  readonly connection: ProtocolConnection;
  readonly registrations: Registration[] = [];
  readonly logs: string[] = [];
  /** Every diagnostics notification, in the order received. */
  readonly published: PublishDiagnosticsParams[] = [];
  initializeResult: InitializeResult | undefined;
  /** How many times the server asked the client to pull diagnostics again. */
  refreshes = 0;
  readonly exited: Promise<number | null>;
  private stderr = "";
  private readonly versions = new Map<string, number>();
  private readonly diagnosticWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private readonly logWaiters: Waiter<string>[] = [];
  private readonly refreshWaiters: (() => void)[] = [];

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.connection = createProtocolConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      settle(this.diagnosticWaiters, params);
    });
    this.connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params.message);
      settle(this.logWaiters, params.message);
    });
    this.connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
    });
    this.connection.onRequest(DiagnosticRefreshRequest.type, () => {
      this.refreshes++;
      for (const waiter of this.refreshWaiters.splice(0)) waiter();
    });
    // The connection ends with the process; what is still pending then is the test's failure to report.
    this.connection.onError(() => undefined);
    this.connection.listen();
  }

  /** Starts the server and initializes it, with a workspace folder at `cwd`. */
  static async start(options: StartOptions): Promise<LspClient> {
    if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first (npm test does)`);
    const args = [
      cliPath,
      "lsp",
      "--stdio",
      ...(options.typescript ? ["--typescript", String(options.typescript)] : []),
    ];
    const child = spawn(process.execPath, [...args, ...(options.args ?? [])], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    const client = new LspClient(child);
    const capabilities: ClientCapabilities =
      options.client === "minimal" ? {} : vscodeCapabilities({ pullDiagnostics: options.client === "vscode-pull" });
    client.initializeResult = await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uriOf(options.cwd),
      workspaceFolders: [{ uri: uriOf(options.cwd), name: "workspace" }],
      capabilities,
      clientInfo: { name: "flowc tests" },
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** What the server wrote on standard error (nothing, normally). */
  get errors(): string {
    return this.stderr;
  }

  /** Opens `file` with its text on disk (or `text`); its version is 1. */
  async open(file: string, text?: string, languageId?: string): Promise<string> {
    const uri = uriOf(file);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: {
        uri,
        languageId: languageId ?? (file.endsWith(".flow") ? "flowc" : "typescript"),
        version: 1,
        text: text ?? readFileSync(file, "utf8"),
      },
    });
    return uri;
  }

  /** Applies changes to an open document; returns its new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /**
   * The first diagnostics published for `uri` (from now, or already received when `since` is
   * given: the index in `published` to look from) that `test` accepts.
   */
  diagnostics(
    uri: string,
    test: (params: PublishDiagnosticsParams) => boolean = () => true,
    since?: number,
  ): Promise<PublishDiagnosticsParams> {
    const accept = (params: PublishDiagnosticsParams): boolean => params.uri === uri && test(params);
    if (since !== undefined) {
      const found = this.published.slice(since).find(accept);
      if (found !== undefined) return Promise.resolve(found);
    }
    return new Promise((resolve) => this.diagnosticWaiters.push({ test: accept, resolve }));
  }

  /** The diagnostics of `uri`'s version `version`, as soon as they are published. */
  diagnosticsOf(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    return this.diagnostics(uri, (params) => params.version === version, 0);
  }

  /** The first log message matching `pattern`, among those received since `since` (an index into `logs`). */
  log(pattern: RegExp, since = 0): Promise<string> {
    const found = this.logs.slice(since).find((message) => pattern.test(message));
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.logWaiters.push({ test: (message) => pattern.test(message), resolve }));
  }

  /** Resolves when the server next asks the client to pull diagnostics again. */
  refreshed(): Promise<void> {
    return new Promise((resolve) => this.refreshWaiters.push(resolve));
  }

  /** `shutdown`, then `exit`: resolves with the exit code. */
  async shutdown(): Promise<number | null> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }

  /** Ends the process, however it is doing (after a failed test). */
  kill(): void {
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

function settle<T>(waiters: Waiter<T>[], value: T): void {
  for (const waiter of waiters.splice(0)) {
    if (waiter.test(value)) waiter.resolve(value);
    else waiters.push(waiter);
  }
}
