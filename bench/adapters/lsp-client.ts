/**
 * A language client for the benchmark, as an editor is one: `flowc lsp --stdio` in a
 * process of its own, spoken to over its standard input and output with
 * vscode-languageserver-protocol (the library VS Code's own client stands on).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type Hover,
  type ProtocolConnection,
} from "vscode-languageserver-protocol/node";
import { CLI } from "../harness/processes.js";

/** The diagnostics the server published for one version of a document. */
export interface Published {
  readonly version: number | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

export class LspSession {
  readonly uri: string;
  private version = 0;
  private readonly waiting: { readonly version: number; readonly resolve: (published: Published) => void }[] = [];
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: ProtocolConnection,
    file: string,
  ) {
    this.uri = pathToFileURL(file).href;
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      if (params.uri !== this.uri) return;
      // A server that does not say which version it checked answers the latest change.
      const version = params.version ?? this.version;
      for (const waiter of this.waiting.filter((w) => w.version <= version)) {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        waiter.resolve({ version: params.version ?? undefined, diagnostics: params.diagnostics });
      }
    });
  }

  /** Starts the server for the workspace `root` and initializes it, as an editor does on opening a folder. */
  static async start(root: string, file: string): Promise<LspSession> {
    const child = spawn(process.execPath, [CLI, "lsp", "--stdio"], {
      cwd: root,
      stdio: ["pipe", "pipe", "inherit"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    connection.listen();
    const session = new LspSession(child, connection, file);
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: "bench" }],
      capabilities: {
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: true },
          hover: { contentFormat: ["markdown", "plaintext"] },
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
        },
      },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return session;
  }

  /** Opens the document with `text`; resolves with its first diagnostics. */
  async open(text: string): Promise<Published> {
    this.version = 1;
    const published = this.published(1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: this.uri, languageId: "flowc", version: 1, text },
    });
    return published;
  }

  /** Replaces the document's text, as a keystroke does; resolves with the diagnostics of that version. */
  async change(text: string): Promise<Published> {
    const version = ++this.version;
    const published = this.published(version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: this.uri, version },
      contentChanges: [{ text }],
    });
    return published;
  }

  hover(line: number, character: number): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: this.uri },
      position: { line, character },
    });
  }

  /** Shuts the server down as an editor does; resolves with its exit code. */
  async stop(): Promise<number | null> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      this.child.kill("SIGKILL");
    }
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }

  private published(version: number): Promise<Published> {
    return new Promise((resolve) => this.waiting.push({ version, resolve }));
  }
}

/** Zero-based line and character of `offset` in `text`, as the protocol counts them (UTF-16 units). */
export function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}
