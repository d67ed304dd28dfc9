import { execFile, spawn } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMessageConnection,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";
import {
  findInstalledFlowc,
  findOnPath,
  INSTALL_COMMAND,
  probeServer,
  resolveServerCommand,
  serverArguments,
  type FlowcLauncher,
  type HostEnvironment,
  type ServerSettings,
} from "../../editors/vscode/src/server-command.js";
import { cliPath, root } from "../cli/helpers.js";

/**
 * How the VS Code extension finds and starts flowc, in real folders: a workspace with flowc installed (a link to
 * this repository, as `npm install` of a local path makes), nested packages, one without flowc, and the settings
 * that name another flowc or another Node.js. Every launcher found is run.
 */
const exec = promisify(execFile);
const version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
const nodeDir = path.dirname(process.execPath);
const host: HostEnvironment = {
  env: { ...process.env, PATH: nodeDir },
  execPath: process.execPath,
  platform: process.platform,
  home: homedir(),
};
const defaults: ServerSettings = { path: "", node: "", typescript: "default" };

let scratch: string;
let installed: string;
let bare: string;

/** A folder with a package.json, and node_modules/flowc linked to `target` when given. */
function workspace(name: string, target?: string): string {
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true }));
  if (target !== undefined) symlinkSync(target, path.join(dir, "node_modules/flowc"), "dir");
  return dir;
}

/** A package named flowc whose CLI prints `help` for `lsp --help`, as flowc releases with and without a server do. */
function standIn(name: string, help: string): string {
  const dir = path.join(scratch, "stand-ins", name);
  mkdirSync(path.join(dir, "bin"), { recursive: true });
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "flowc", version: "0.0.1", bin: { flowc: "bin/cli.js" } }),
  );
  writeFileSync(path.join(dir, "bin/cli.js"), `process.stdout.write(${JSON.stringify(help)});\n`);
  return dir;
}

function launcherOf(
  folders: readonly string[],
  settings: Partial<ServerSettings> = {},
  environment = host,
): FlowcLauncher {
  const resolution = resolveServerCommand(folders, { ...defaults, ...settings }, environment);
  if (!resolution.ok) throw new Error(resolution.message);
  return resolution.launcher;
}

/** Runs a launcher with flowc's own arguments, as the client spawns it. */
async function runFlowc(launcher: FlowcLauncher, args: readonly string[]): Promise<string> {
  const { stdout } = await exec(launcher.command, [...launcher.args, ...args], {
    cwd: launcher.cwd,
    env: launcher.env,
  });
  return stdout.trim();
}

beforeAll(() => {
  scratch = realpathSync(mkdtempSync(path.join(tmpdir(), "flowc-server-command-")));
  installed = workspace("installed", root);
  bare = workspace("bare");
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the workspace's own flowc", () => {
  it("is found through node_modules and run with the node on PATH", async () => {
    const launcher = launcherOf([installed]);
    expect(launcher).toMatchObject({
      command: process.execPath,
      args: [cliPath],
      cwd: installed,
      origin: "workspace",
      shell: false,
    });
    expect(launcher.description).toBe(`${path.resolve(root)} (${version})`);
    expect(await runFlowc(launcher, ["--version"])).toBe(version);
  });

  it("is found from a package below the folder that installed it, from flowc's own repository, and from the first folder that has it", async () => {
    const nested = path.join(installed, "packages/app");
    mkdirSync(nested, { recursive: true });
    expect(findInstalledFlowc(nested)).toBe(path.resolve(root));
    // In flowc's own repository, flowc is the package itself.
    expect(findInstalledFlowc(path.join(root, "examples/word-count"))).toBe(path.resolve(root));
    expect(launcherOf([bare, nested]).cwd).toBe(nested);
  });

  it("runs on VS Code's own Node.js, as Node, when no node is on PATH", async () => {
    const launcher = launcherOf([installed], {}, { ...host, env: { ...host.env, PATH: path.join(scratch, "empty") } });
    expect(launcher.command).toBe(process.execPath);
    expect(launcher.env["ELECTRON_RUN_AS_NODE"]).toBe("1");
    expect(await runFlowc(launcher, ["--version"])).toBe(version);
  });

  it("is missing from a workspace without it, which is told the command that installs it", () => {
    expect(findInstalledFlowc(bare)).toBeUndefined();
    const resolution = resolveServerCommand([bare], defaults, host);
    expect(resolution).toEqual({
      ok: false,
      reason: "not-installed",
      message: `flowc is not installed in this workspace (looked from ${bare}). Install it with \`${INSTALL_COMMAND}\`, or set flowc.server.path.`,
    });
    expect(resolveServerCommand([], defaults, host)).toMatchObject({ ok: false, reason: "not-installed" });
  });

  it("is reported unbuilt when its CLI is missing", () => {
    const unbuilt = standIn("unbuilt", "");
    rmSync(path.join(unbuilt, "bin"), { recursive: true });
    const resolution = resolveServerCommand([workspace("unbuilt-workspace", unbuilt)], defaults, host);
    expect(resolution).toMatchObject({ ok: false, reason: "not-built" });
    expect(!resolution.ok && resolution.message).toBe(
      `The flowc at ${unbuilt} (0.0.1) has no CLI at bin/cli.js: build it (npm run build) or install it again (${INSTALL_COMMAND}).`,
    );
  });
});

describe("flowc.server.path and flowc.server.node", () => {
  it("take flowc's package folder, relative to the first workspace folder, over the workspace's own", async () => {
    const other = standIn("configured", "Usage: flowc lsp [options]\n");
    const launcher = launcherOf([installed], { path: path.relative(installed, other) });
    expect(launcher).toMatchObject({ args: [path.join(other, "bin/cli.js")], cwd: installed, origin: "setting" });
  });

  it("take the CLI script, or the node_modules/.bin link to it, run with Node.js", async () => {
    for (const script of [cliPath, path.join(root, "node_modules/.bin/vitest")]) {
      const launcher = launcherOf([bare], { path: script });
      expect(launcher.command).toBe(process.execPath);
      expect(launcher.args).toEqual([realpathSync(script)]);
    }
    expect(await runFlowc(launcherOf([bare], { path: cliPath }), ["--version"])).toBe(version);
  });

  it("take an executable, run as it is", async () => {
    const executable = path.join(scratch, "flowc-wrapper");
    writeFileSync(executable, `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
    chmodSync(executable, 0o755);
    const launcher = launcherOf([bare], { path: executable });
    expect(launcher).toMatchObject({ command: executable, args: [] });
    expect(await runFlowc(launcher, ["--version"])).toBe(version);
  });

  it("name what is wrong with a path that is nothing usable, and never fall back to the workspace's flowc", () => {
    const text = path.join(scratch, "notes.txt");
    writeFileSync(text, "not flowc");
    chmodSync(text, 0o644);
    expect(resolveServerCommand([installed], { ...defaults, path: "missing/flowc" }, host)).toEqual({
      ok: false,
      reason: "invalid-setting",
      message: `flowc.server.path ("missing/flowc", that is ${path.join(installed, "missing/flowc")}) names nothing: no such file or folder.`,
    });
    expect(resolveServerCommand([installed], { ...defaults, path: text }, host)).toEqual({
      ok: false,
      reason: "invalid-setting",
      message: `flowc.server.path (${JSON.stringify(text)}) is neither a JavaScript file nor an executable.`,
    });
    expect(resolveServerCommand([installed], { ...defaults, path: scratch }, host)).toMatchObject({
      ok: false,
      message: expect.stringContaining("is a folder without a package.json"),
    });
  });

  it("choose the Node.js that runs flowc, by path or by name on PATH", async () => {
    expect(launcherOf([installed], { node: process.execPath }).command).toBe(process.execPath);
    const byName = launcherOf([installed], { node: path.basename(process.execPath) });
    expect(byName.command).toBe(findOnPath(path.basename(process.execPath), host));
    expect(await runFlowc(byName, ["--version"])).toBe(version);
    expect(resolveServerCommand([installed], { ...defaults, node: "no-such-node" }, host)).toEqual({
      ok: false,
      reason: "invalid-setting",
      message: 'flowc.server.node ("no-such-node"): not found on PATH.',
    });
    expect(resolveServerCommand([installed], { ...defaults, node: "./bin/node" }, host)).toMatchObject({
      ok: false,
      message: 'flowc.server.node ("./bin/node"): no such file.',
    });
  });
});

describe("what a flowc's server can do", () => {
  const probe = (help: string) =>
    probeServer(launcherOf([workspace(`probe-${help.length}`, standIn(`probe-${help.length}`, help))]));

  it("has no server in a flowc whose `lsp --help` is its general help", async () => {
    expect(await probe("Usage: flowc [options] [command]\n\nCommands:\n  check [options] <files...>\n")).toEqual({
      ok: true,
      lsp: false,
      typescriptOption: false,
    });
  });

  it("takes --typescript only where the server's help lists it", async () => {
    const without = "Usage: flowc lsp [options]\n\nOptions:\n  --stdio  talk over stdin and stdout\n";
    expect(await probe(without)).toEqual({ ok: true, lsp: true, typescriptOption: false });
    expect(await probe(`${without}  --typescript <version>  7 or 6\n`)).toEqual({
      ok: true,
      lsp: true,
      typescriptOption: true,
    });
    const launcher = launcherOf([installed]);
    expect(serverArguments(launcher)).toEqual([cliPath, "lsp"]);
    expect(serverArguments(launcher, "6")).toEqual([cliPath, "lsp", "--typescript", "6"]);
  });

  it("says why a flowc that cannot run failed", async () => {
    const broken = standIn("broken", "");
    writeFileSync(path.join(broken, "bin/cli.js"), "console.error('flowc: damaged install'); process.exit(3);\n");
    const result = await probeServer(launcherOf([workspace("broken-workspace", broken)]));
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining("flowc: damaged install") });
  });
});

// This repository's flowc serves editors once its CLI has the `lsp` command; until then there is nothing to start.
const cliHasServer = (await exec(process.execPath, [cliPath, "lsp", "--help"])).stdout.startsWith("Usage: flowc lsp");

describe.skipIf(!cliHasServer)("the workspace's flowc started as the extension starts it", () => {
  it("answers initialize over stdio and shuts down", async () => {
    const launcher = launcherOf([installed]);
    const server = spawn(launcher.command, [...serverArguments(launcher), "--stdio"], {
      cwd: launcher.cwd,
      env: launcher.env,
      stdio: ["pipe", "pipe", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => server.once("exit", resolve));
    const connection = createMessageConnection(
      new StreamMessageReader(server.stdout),
      new StreamMessageWriter(server.stdin),
    );
    connection.listen();
    const result = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: [{ uri: pathToFileURL(installed).href, name: "installed" }],
      capabilities: {},
    });
    expect(result.capabilities.textDocumentSync).toBeDefined();
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
    expect(await exited).toBe(0);
    connection.dispose();
  }, 60_000);
});
