/**
 * The flowc extension for VS Code: starts `flowc lsp --stdio` from the flowc installed in the workspace (or the one
 * the settings name) and connects the editor to it. Without a flowc it says, once, how to install one.
 */
import os from "node:os";
import path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type Executable, type LanguageClientOptions } from "vscode-languageclient/node";
import { COMMANDS, FLOW_DOCUMENTS, LANGUAGE_ID, SETTINGS, SOURCE_DOCUMENTS, WATCHED_FILES } from "./contributions.js";
import {
  INSTALL_COMMAND,
  probeServer,
  resolveServerCommand,
  serverArguments,
  type HostEnvironment,
  type ServerSettings,
  type TypeScriptSetting,
} from "./server-command.js";
import { SourceDocumentSync } from "./source-sync.js";

let output: vscode.LogOutputChannel;
let watchers: vscode.FileSystemWatcher[] = [];
let client: LanguageClient | undefined;
/** Starts and stops run one at a time, in the order asked. */
let queue: Promise<void> = Promise.resolve();
/** The missing-flowc message is shown once, until the user asks for a restart. */
let toldMissing = false;

export function activate(context: vscode.ExtensionContext): void {
  output = vscode.window.createOutputChannel("flowc", { log: true });
  watchers = WATCHED_FILES.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  context.subscriptions.push(
    output,
    ...watchers,
    vscode.commands.registerCommand(COMMANDS.restartServer, () => {
      toldMissing = false;
      return restart();
    }),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      const concerned = [SETTINGS.serverPath, SETTINGS.serverNode, SETTINGS.typescript];
      if (concerned.some((setting) => event.affectsConfiguration(setting))) void restart();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      if (client === undefined) void restart();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
  );
  void restart();
}

export function deactivate(): Thenable<void> {
  return serially(stop);
}

function restart(): Promise<void> {
  return serially(async () => {
    await stop();
    await start();
  });
}

function serially(task: () => Promise<void>): Promise<void> {
  queue = queue.then(task).catch((error: unknown) => output.error(describe(error)));
  return queue;
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined) return;
  try {
    // Stops the server, and drops the client's diagnostics and registrations for good.
    await running.dispose();
  } catch (error) {
    output.warn(`The language server did not stop cleanly: ${describe(error)}`);
  }
}

async function start(): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    output.info("The workspace is not trusted: the language server (the workspace's own flowc) waits until it is.");
    return;
  }
  const settings = readSettings();
  const folders = await foldersToSearch();
  const resolution = resolveServerCommand(folders, settings, host());
  if (!resolution.ok) {
    output.warn(resolution.message);
    // Not awaited: the message waits for the user, and a restart it leads to must not wait for this start.
    if (resolution.reason === "not-installed") void tellMissing(folders);
    else void showError(resolution.message);
    return;
  }
  const { launcher } = resolution;
  const probe = await probeServer(launcher);
  if (!probe.ok) {
    output.error(probe.message);
    void showError(`flowc could not be run: ${probe.message.split("\n")[0] ?? ""}`);
    return;
  }
  if (!probe.lsp) {
    const message = `The flowc at ${launcher.description} has no language server: update it with \`${INSTALL_COMMAND}@latest\`.`;
    output.warn(message);
    void showError(message);
    return;
  }
  let typescript = settings.typescript === "default" ? undefined : settings.typescript;
  if (typescript !== undefined && !probe.typescriptOption) {
    output.warn(
      `${SETTINGS.typescript} is ${typescript}, but this flowc's server does not take --typescript: it uses its default.`,
    );
    typescript = undefined;
  }

  const server: Executable = {
    command: launcher.command,
    args: serverArguments(launcher, typescript),
    transport: TransportKind.stdio,
    options: { cwd: launcher.cwd, env: launcher.env, shell: launcher.shell },
  };
  const options: LanguageClientOptions = {
    documentSelector: [...FLOW_DOCUMENTS],
    synchronize: { fileEvents: watchers },
    outputChannel: output,
    diagnosticCollectionName: LANGUAGE_ID,
  };
  output.info(
    `Starting ${[server.command, ...(server.args ?? [])].join(" ")} --stdio (flowc from ${launcher.description})`,
  );
  const created = new LanguageClient(LANGUAGE_ID, "flowc", server, options);
  created.registerFeature(new SourceDocumentSync(created, [...SOURCE_DOCUMENTS]));
  client = created;
  try {
    await created.start();
  } catch (error) {
    output.error(`The language server did not start: ${describe(error)}`);
    void showError(`flowc's language server did not start: ${describe(error)}`);
  }
}

function readSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration();
  const typescript = config.get<string>(SETTINGS.typescript, "default");
  return {
    path: config.get<string>(SETTINGS.serverPath, ""),
    node: config.get<string>(SETTINGS.serverNode, ""),
    typescript: (["6", "7"].includes(typescript) ? typescript : "default") as TypeScriptSetting,
  };
}

/** The workspace folders, then the folders of the manifests in them (a monorepo's packages have their own flowc). */
async function foldersToSearch(): Promise<string[]> {
  const folders = (vscode.workspace.workspaceFolders ?? [])
    .filter((folder) => folder.uri.scheme === "file")
    .map((folder) => folder.uri.fsPath);
  const manifests = await vscode.workspace.findFiles("**/*.flow", "**/node_modules/**", 50);
  const open = vscode.workspace.textDocuments.filter(
    (document) => document.languageId === LANGUAGE_ID && document.uri.scheme === "file",
  );
  const near = [...open.map((document) => document.uri), ...manifests].map((uri) => path.dirname(uri.fsPath));
  return [...new Set([...folders, ...near])];
}

function host(): HostEnvironment {
  return {
    env: process.env,
    execPath: process.execPath,
    platform: process.platform,
    home: os.homedir(),
  };
}

async function tellMissing(folders: readonly string[]): Promise<void> {
  if (toldMissing) return;
  toldMissing = true;
  const install = "Install in a terminal";
  const choice = await vscode.window.showWarningMessage(
    `flowc is not installed in this workspace, so .flow files get no diagnostics, navigation or completion. Install it with: ${INSTALL_COMMAND}`,
    install,
    "Show output",
  );
  if (choice === "Show output") output.show();
  if (choice !== install) return;
  const terminal = vscode.window.createTerminal({ name: "Install flowc", cwd: folders[0] });
  terminal.show();
  terminal.sendText(INSTALL_COMMAND);
  const started = await vscode.window.showInformationMessage(
    "Once npm has installed flowc, start its language server.",
    "Start",
  );
  if (started === "Start") await restart();
}

async function showError(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, "Show output");
  if (choice === "Show output") output.show();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
