import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import {
  ExitNotification,
  HoverRequest,
  DocumentSymbolRequest,
  SemanticTokensRequest,
} from "vscode-languageserver-protocol/node";
import { cliPath, flowc } from "../cli/helpers.js";
import { LspClient, uriOf } from "./client.js";
import { wordCountProject, type WordCountProject } from "./project.js";

/** `flowc lsp` as a command: its help, the transports it refuses, how it starts, answers and ends. */
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function project(): WordCountProject {
  const created = wordCountProject();
  cleanups.push(() => created.remove());
  return created;
}

async function start(cwd: string, client: "vscode" | "minimal" = "vscode", typescript?: 6 | 7): Promise<LspClient> {
  const lsp = await LspClient.start({ cwd, client, typescript });
  cleanups.push(() => lsp.kill());
  return lsp;
}

describe("flowc lsp as a command", () => {
  it("documents itself in --help: what it is and how editors start it", () => {
    const help = flowc(["lsp", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: flowc lsp \[options\]/);
    expect(help.stdout).toContain("--stdio");
    expect(help.stdout).toContain("--typescript <version>");
    expect(help.stdout).toContain("Language Server Protocol");
    expect(help.stdout).toContain("flowc lsp --stdio");
    expect(flowc(["--help"]).stdout).toMatch(/^\s+lsp \[options\]\s+run the language server for editors/m);
  });

  it("refuses the transports it does not offer, saying which it does", () => {
    for (const args of [["--node-ipc"], ["--socket=5007"], ["--pipe=/tmp/flowc.sock"]]) {
      const result = flowc(["lsp", ...args]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(
        /^flowc: flowc lsp talks only over standard input and output \(--stdio\): --\w[\w-]* is not supported/,
      );
    }
  });

  it("takes what VS Code's client adds to the command line", async () => {
    const dir = project().dir;
    const lsp = await LspClient.start({ cwd: dir, args: [`--clientProcessId=${process.pid}`] });
    cleanups.push(() => lsp.kill());
    expect(lsp.initializeResult?.serverInfo?.name).toBe("flowc");
    expect(await lsp.shutdown()).toBe(0);
  });
});

describe("the server", () => {
  it("announces its features statically to a client that registers none itself", async () => {
    const lsp = await start(project().dir, "minimal");
    const capabilities = lsp.initializeResult!.capabilities;
    expect(capabilities).toMatchObject({
      positionEncoding: "utf-16",
      textDocumentSync: { openClose: true, change: 2 },
      hoverProvider: true,
      definitionProvider: true,
      declarationProvider: true,
      referencesProvider: true,
      renameProvider: true,
      completionProvider: { triggerCharacters: [":", '"', "'", "/", "@"] },
      codeActionProvider: true,
      documentFormattingProvider: true,
      documentRangeFormattingProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      semanticTokensProvider: {
        legend: {
          tokenTypes: ["function", "property", "enumMember", "number", "string", "keyword", "comment"],
          tokenModifiers: ["declaration", "defaultLibrary"],
        },
        full: true,
      },
    });
    expect(capabilities.diagnosticProvider).toBeUndefined();
    expect(await lsp.shutdown()).toBe(0);
  });

  it("registers its features for manifests alone with a client that registers them", async () => {
    const lsp = await start(project().dir);
    expect(lsp.initializeResult!.capabilities.hoverProvider).toBeUndefined();
    // The registrations come with `initialized`, which the client sent without waiting: a request answered is after them.
    await lsp.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: "file:///nowhere.flow" },
      position: { line: 0, character: 0 },
    });
    const hover = lsp.registrations.find((registration) => registration.method === "textDocument/hover");
    expect(hover?.registerOptions).toEqual({
      documentSelector: [{ language: "flowc" }, { scheme: "file", pattern: "**/*.flow" }],
    });
    expect(await lsp.shutdown()).toBe(0);
  });

  it("answers empty for documents that are no open manifest, and goes on", async () => {
    const dir = project();
    const lsp = await start(dir.dir);
    const methods = await lsp.open(dir.methods);
    const position = { line: 2, character: 3 };
    expect(
      await lsp.connection.sendRequest(HoverRequest.type, { textDocument: { uri: methods }, position }),
    ).toBeNull();
    expect(
      await lsp.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf("/no/such.flow") }, position }),
    ).toBeNull();
    expect(
      await lsp.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: "untitled:Untitled-1" } }),
    ).toEqual([]);
    // A position past the end of the text is the end of the text.
    const uri = await lsp.open(dir.manifest);
    const far = { line: 10_000, character: 10_000 };
    expect(await lsp.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: far })).toBeNull();
    expect(
      (await lsp.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }))?.data,
    ).toBeDefined();
    expect(await lsp.shutdown()).toBe(0);
    expect(lsp.errors).toBe("");
  });

  it("works with TypeScript 6 as with 7", async () => {
    const dir = project();
    const lsp = await start(dir.dir, "vscode", 6);
    const uri = await lsp.open(
      dir.write(
        "broken.flow",
        'import { splitChapters, countWords, mergeCount } from "./word-count.methods";\nsplitChapters, countWords, mergeCount { execution_flow: sequential; }\n',
      ),
    );
    const { diagnostics } = await lsp.diagnosticsOf(uri, 1);
    expect(diagnostics.map((d) => d.code)).toEqual(["FLOW2003"]);
    expect(await lsp.shutdown()).toBe(0);
  });

  it("exits with 1 on exit without shutdown, and when its input closes", async () => {
    const dir = project();
    const first = await start(dir.dir);
    await first.diagnosticsOf(await first.open(dir.manifest), 1);
    await first.connection.sendNotification(ExitNotification.type);
    expect(await first.exited).toBe(1);

    const second = await start(dir.dir);
    // TypeScript is running: the manifest was compiled.
    await second.diagnosticsOf(await second.open(dir.manifest), 1);
    second.child.stdin.end();
    expect(await second.exited).toBe(1);
    expect(first.errors).toBe("");
    expect(second.errors).toBe("");
  });

  it("exits when its input closes before it was even initialized", async () => {
    const child = spawn(process.execPath, [cliPath, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    cleanups.push(() => child.kill("SIGKILL"));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.stdin.end();
    expect(await exited).toBe(1);
  });
});
