/**
 * How the extension starts flowc's language server: which flowc (the one `flowc.server.path` names, else the one
 * installed in the workspace), which Node.js runs it, and what the server is asked to do. No `vscode` import, so
 * that it runs, and is tested, under plain Node.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** What a user runs to give a workspace its own flowc. */
export const INSTALL_COMMAND = "npm install --save-dev flowc";

export type TypeScriptSetting = "default" | "6" | "7";

/** The extension's settings, as read from VS Code (empty strings for unset paths). */
export interface ServerSettings {
  /** `flowc.server.path`: flowc's package folder, its CLI script or an executable; "" for the workspace's own. */
  readonly path: string;
  /** `flowc.server.node`: a path to Node.js or a command on PATH; "" to choose one. */
  readonly node: string;
  /** `flowc.typescript`. */
  readonly typescript: TypeScriptSetting;
}

/** The process the extension runs in: passed in, so that tests can describe another. */
export interface HostEnvironment {
  readonly env: NodeJS.ProcessEnv;
  /** The extension host's own executable: Node.js inside VS Code's Electron. */
  readonly execPath: string;
  readonly platform: NodeJS.Platform;
  readonly home: string;
}

/** A flowc ready to run: `command ...args <flowc's own arguments>`. */
export interface FlowcLauncher {
  /** The program to spawn: Node.js, or flowc itself when `flowc.server.path` names an executable. */
  readonly command: string;
  /** The arguments before flowc's own: its CLI script when Node.js runs it. */
  readonly args: readonly string[];
  /** The whole environment of the server's process. */
  readonly env: NodeJS.ProcessEnv;
  /** Spawn through the shell: only for Windows' .cmd and .bat files, which Node.js will not spawn otherwise. */
  readonly shell: boolean;
  /** The server's working directory: the folder flowc was found from. */
  readonly cwd: string;
  /** Where flowc was found, and how, for messages: "/repo/node_modules/flowc (0.1.0)". */
  readonly description: string;
  readonly origin: "workspace" | "setting";
}

export type Resolution =
  | { readonly ok: true; readonly launcher: FlowcLauncher }
  | {
      readonly ok: false;
      /** not-installed: no flowc in any folder; not-built: a flowc without its CLI; invalid-setting: a setting names nothing usable. */
      readonly reason: "not-installed" | "not-built" | "invalid-setting";
      readonly message: string;
    };

type Failure = Extract<Resolution, { ok: false }>;
const failure = (reason: Failure["reason"], message: string): Failure => ({ ok: false, reason, message });

/**
 * Finds the flowc to serve `folders` (workspace folders first, then any other folders worth looking from): the one
 * `settings.path` names, which must then be usable, else the first that Node's resolution finds from a folder.
 */
export function resolveServerCommand(
  folders: readonly string[],
  settings: ServerSettings,
  host: HostEnvironment,
): Resolution {
  const base = folders[0] ?? host.home;
  if (settings.path.trim() !== "") return fromSetting(settings.path.trim(), base, settings, host);

  for (const folder of folders) {
    const packageDir = findInstalledFlowc(folder);
    if (packageDir !== undefined) return fromPackage(packageDir, folder, "workspace", settings, host);
  }
  const searched = folders.length === 0 ? "no folder is open" : `looked from ${folders.join(", ")}`;
  return failure(
    "not-installed",
    `flowc is not installed in this workspace (${searched}). Install it with \`${INSTALL_COMMAND}\`, or set flowc.server.path.`,
  );
}

/** flowc's package folder as `require.resolve` finds it from `folder`: its node_modules, its parents', or flowc itself. */
export function findInstalledFlowc(folder: string): string | undefined {
  // createRequire wants a file name; it need not exist.
  const require = createRequire(path.join(folder, "__flowc_resolve__.js"));
  try {
    return path.dirname(require.resolve("flowc/package.json"));
  } catch {
    // A flowc whose package.json is not among its exports: look where Node would.
    for (const dir of require.resolve.paths("flowc") ?? []) {
      if (existsSync(path.join(dir, "flowc", "package.json"))) return path.join(dir, "flowc");
    }
    return undefined;
  }
}

function fromSetting(value: string, base: string, settings: ServerSettings, host: HostEnvironment): Resolution {
  const target = resolvePath(value, base, host);
  const named = `flowc.server.path (${JSON.stringify(value)}${target === value ? "" : `, that is ${target}`})`;
  let stats;
  try {
    stats = statSync(target);
  } catch {
    return failure("invalid-setting", `${named} names nothing: no such file or folder.`);
  }
  if (stats.isDirectory()) {
    if (!existsSync(path.join(target, "package.json"))) {
      return failure("invalid-setting", `${named} is a folder without a package.json: name flowc's package folder.`);
    }
    return fromPackage(target, path.resolve(base), "setting", settings, host);
  }
  const cwd = path.resolve(base);
  // node_modules/.bin/flowc is a link to the CLI script: run that with the chosen Node.js rather than its shebang.
  if (isScript(realpathSync(target))) return withNode(realpathSync(target), cwd, target, "setting", settings, host);
  if (!isExecutable(target, host.platform)) {
    return failure("invalid-setting", `${named} is neither a JavaScript file nor an executable.`);
  }
  return {
    ok: true,
    launcher: {
      command: target,
      args: [],
      env: { ...host.env },
      shell: host.platform === "win32" && /\.(?:cmd|bat)$/i.test(target),
      cwd,
      description: target,
      origin: "setting",
    },
  };
}

/** A flowc package: its `bin.flowc`, run with Node.js. */
function fromPackage(
  packageDir: string,
  cwd: string,
  origin: FlowcLauncher["origin"],
  settings: ServerSettings,
  host: HostEnvironment,
): Resolution {
  let manifest: { name?: unknown; version?: unknown; bin?: unknown };
  try {
    manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as typeof manifest;
  } catch (error) {
    return failure("invalid-setting", `${path.join(packageDir, "package.json")} cannot be read: ${describe(error)}`);
  }
  const bin =
    typeof manifest.bin === "string" ? manifest.bin : (manifest.bin as Record<string, unknown> | undefined)?.["flowc"];
  if (typeof bin !== "string") {
    const which = origin === "setting" ? "flowc.server.path names" : "The workspace has";
    return failure(
      origin === "setting" ? "invalid-setting" : "not-installed",
      `${which} a package at ${packageDir} that has no flowc command (no "bin.flowc" in its package.json).`,
    );
  }
  const script = path.resolve(packageDir, bin);
  const version = typeof manifest.version === "string" ? ` (${manifest.version})` : "";
  if (!existsSync(script)) {
    return failure(
      "not-built",
      `The flowc at ${packageDir}${version} has no CLI at ${bin}: build it (npm run build) or install it again (${INSTALL_COMMAND}).`,
    );
  }
  return withNode(script, cwd, `${packageDir}${version}`, origin, settings, host);
}

/** `node <script>`, with the Node.js `flowc.server.node` names, else `node` on PATH, else VS Code's own. */
function withNode(
  script: string,
  cwd: string,
  description: string,
  origin: FlowcLauncher["origin"],
  settings: ServerSettings,
  host: HostEnvironment,
): Resolution {
  const launcher = { args: [script], shell: false, cwd, description, origin } as const;
  const wanted = settings.node.trim();
  if (wanted !== "") {
    const isPath = path.isAbsolute(wanted) || wanted.startsWith("~") || /[\\/]/.test(wanted);
    const node = isPath ? resolvePath(wanted, cwd, host) : findOnPath(wanted, host);
    if (node === undefined || !existsSync(node)) {
      const where = isPath ? "no such file" : "not found on PATH";
      return failure("invalid-setting", `flowc.server.node (${JSON.stringify(wanted)}): ${where}.`);
    }
    return { ok: true, launcher: { ...launcher, command: node, env: { ...host.env } } };
  }
  const node = findOnPath("node", host);
  if (node !== undefined) return { ok: true, launcher: { ...launcher, command: node, env: { ...host.env } } };
  // No Node.js on PATH: VS Code's Electron runs as plain Node.js with ELECTRON_RUN_AS_NODE.
  return {
    ok: true,
    launcher: { ...launcher, command: host.execPath, env: { ...host.env, ELECTRON_RUN_AS_NODE: "1" } },
  };
}

/** The arguments that start flowc's language server; the client adds `--stdio`. */
export function serverArguments(launcher: FlowcLauncher, typescript?: "6" | "7"): string[] {
  return [...launcher.args, "lsp", ...(typescript === undefined ? [] : ["--typescript", typescript])];
}

/** What a flowc's `lsp --help` says it can do. */
export type ServerProbe =
  | { readonly ok: true; readonly lsp: boolean; readonly typescriptOption: boolean }
  | { readonly ok: false; readonly message: string };

/**
 * Asks a flowc, with `lsp --help`, whether it has a language server and whether that takes `--typescript`.
 * A flowc without the command prints its general help instead, which shows no `flowc lsp` usage.
 */
export async function probeServer(launcher: FlowcLauncher, timeoutMs = 30_000): Promise<ServerProbe> {
  const help = await run(launcher, ["lsp", "--help"], timeoutMs);
  if (!help.ok) return help;
  const lsp = /^Usage: flowc lsp\b/m.test(help.stdout);
  return { ok: true, lsp, typescriptOption: lsp && /--typescript\b/.test(help.stdout) };
}

function run(
  launcher: FlowcLauncher,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ ok: true; stdout: string } | { ok: false; message: string }> {
  const command = launcher.shell ? `"${launcher.command}"` : launcher.command;
  return new Promise((resolve) => {
    execFile(
      command,
      [...launcher.args, ...args],
      { cwd: launcher.cwd, env: launcher.env, shell: launcher.shell, timeout: timeoutMs, windowsHide: true },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ ok: true, stdout });
        const said = String(stderr).trim() || String(stdout).trim();
        const shown = [launcher.command, ...launcher.args, ...args].join(" ");
        resolve({
          ok: false,
          message: `\`${shown}\` failed: ${error.killed ? `no answer within ${timeoutMs / 1000} s` : describe(error)}${said === "" ? "" : `\n${said}`}`,
        });
      },
    );
  });
}

/** `value` as a path: `~/` is the home folder, and a relative path is taken from `base`. */
function resolvePath(value: string, base: string, host: HostEnvironment): string {
  if (value === "~" || value.startsWith("~/") || value.startsWith("~\\")) return path.join(host.home, value.slice(1));
  return path.resolve(base, value);
}

function isScript(file: string): boolean {
  return /\.(?:js|mjs|cjs)$/i.test(file);
}

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  if (platform === "win32") return /\.(?:exe|cmd|bat|com)$/i.test(file);
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `name` on the host's PATH (with PATHEXT's extensions on Windows). */
export function findOnPath(name: string, host: HostEnvironment): string | undefined {
  const key = Object.keys(host.env).find((k) =>
    host.platform === "win32" ? k.toUpperCase() === "PATH" : k === "PATH",
  );
  const dirs = (key === undefined ? "" : (host.env[key] ?? "")).split(host.platform === "win32" ? ";" : ":");
  const extensions =
    host.platform === "win32" ? ["", ...(host.env["PATHEXT"] ?? ".COM;.EXE;.BAT;.CMD").split(";")] : [""];
  for (const dir of dirs) {
    if (dir === "") continue;
    for (const extension of extensions) {
      const candidate = path.join(dir, name + extension);
      try {
        if (statSync(candidate).isFile() && isExecutable(candidate, host.platform)) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
