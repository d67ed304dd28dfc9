import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  COMMANDS,
  FLOW_DOCUMENTS,
  GRAMMAR_SCOPE,
  LANGUAGE_ID,
  SETTINGS,
  SOURCE_DOCUMENTS,
} from "../../editors/vscode/src/contributions.js";
import { root } from "../cli/helpers.js";

/**
 * The VS Code extension as it ships: its packaging script run on a copy of the repository's files, and the .vsix it
 * writes opened as VS Code would open it (a zip, read with yauzl, which comes with vsce).
 */
const exec = promisify(execFile);
const extensionSource = path.join(root, "editors/vscode");

interface ExtensionManifest {
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    commands: { command: string; title: string; category: string }[];
    configuration: { properties: Record<string, { default: unknown }> };
  };
}

let scratch: string;
let vsix: string;
let entries: Map<string, Buffer>;
let grammarSource: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "flowc-vscode-"));
  // The repository's layout, in miniature: the script finds the grammar two folders up and the packages in node_modules.
  const repository = path.join(scratch, "repository");
  const extension = path.join(repository, "editors/vscode");
  mkdirSync(path.join(repository, "grammar"), { recursive: true });
  symlinkSync(path.join(root, "node_modules"), path.join(repository, "node_modules"), "dir");
  cpSync(path.join(root, "tsconfig.json"), path.join(repository, "tsconfig.json"));
  cpSync(extensionSource, extension, {
    recursive: true,
    filter: (file) => !/[\\/](?:dist|syntaxes|node_modules)$|\.vsix$/.test(file),
  });
  // The grammar and the language configuration are written beside the extension; until they are, stand-ins.
  grammarSource = path.join(repository, "grammar/flow.tmLanguage.json");
  const grammar = path.join(root, "grammar/flow.tmLanguage.json");
  if (existsSync(grammar)) cpSync(grammar, grammarSource);
  else writeFileSync(grammarSource, JSON.stringify({ scopeName: GRAMMAR_SCOPE, patterns: [], repository: {} }));
  if (!existsSync(path.join(extension, "language-configuration.json"))) {
    writeFileSync(path.join(extension, "language-configuration.json"), JSON.stringify({ comments: {} }));
  }

  const out = path.join(scratch, "out");
  const { stdout } = await exec(process.execPath, ["scripts/package.mjs", "--out", out], {
    cwd: extension,
    env: { ...process.env, NO_COLOR: "1" },
  });
  vsix = path.join(out, "flowc-0.1.0.vsix");
  expect(stdout.trim().split("\n").at(-1)).toBe(vsix);
  entries = await readZip(vsix);
}, 180_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every entry of a zip file, by name. */
async function readZip(file: string): Promise<Map<string, Buffer>> {
  interface Entry {
    fileName: string;
  }
  interface ZipFile {
    readEntry(): void;
    on(event: "entry", listener: (entry: Entry) => void): void;
    once(event: "end" | "error", listener: (error?: Error) => void): void;
    openReadStream(entry: Entry, callback: (error: Error | null, stream: NodeJS.ReadableStream) => void): void;
  }
  const require = createRequire(path.join(root, "node_modules/@vscode/vsce/package.json"));
  const yauzl = require("yauzl") as {
    open(file: string, options: { lazyEntries: boolean }, callback: (error: Error | null, zip: ZipFile) => void): void;
  };
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  const result = new Map<string, Buffer>();
  return new Promise((resolve, reject) => {
    zip.once("error", reject);
    zip.once("end", () => resolve(result));
    zip.on("entry", (entry) =>
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.once("error", reject);
        stream.once("end", () => {
          result.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      }),
    );
    zip.readEntry();
  });
}

function entry(name: string): Buffer {
  const content = entries.get(name);
  if (content === undefined)
    throw new Error(`${name} is not in the .vsix (it holds ${[...entries.keys()].join(", ")})`);
  return content;
}

const manifest = (): ExtensionManifest => JSON.parse(entry("extension/package.json").toString("utf8"));

describe("the packaged extension", () => {
  it("holds the bundle, the grammar, the manifest, the language configuration, the README and the licence, and nothing else", () => {
    expect([...entries.keys()].filter((name) => name.startsWith("extension/")).sort()).toEqual([
      "extension/LICENSE.txt",
      "extension/dist/extension.js",
      "extension/language-configuration.json",
      "extension/package.json",
      "extension/readme.md",
      "extension/syntaxes/flow.tmLanguage.json",
    ]);
    expect([...entries.keys()].filter((name) => /(?:^|\/)(?:src|node_modules|scripts)\//.test(name))).toEqual([]);
  });

  it("ships the repository's grammar byte for byte", () => {
    expect(entry("extension/syntaxes/flow.tmLanguage.json").equals(readFileSync(grammarSource))).toBe(true);
    const grammar = JSON.parse(entry("extension/syntaxes/flow.tmLanguage.json").toString("utf8")) as {
      scopeName: string;
    };
    expect(grammar.scopeName).toBe(GRAMMAR_SCOPE);
  });

  it("bundles everything but VS Code and Node's built-ins, and exports activate and deactivate", () => {
    const bundle = entry("extension/dist/extension.js").toString("utf8");
    const required = new Set([...bundle.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]!));
    expect(required).toContain("vscode");
    expect([...required].filter((name) => name !== "vscode" && !isBuiltin(name))).toEqual([]);
    // No module is loaded by a computed name or by import() either.
    expect(bundle.match(/\brequire\(\s*[^"'`\s)]/g)).toBeNull();
    expect(bundle.match(/\bimport\(/g)).toBeNull();
    // esbuild's note of the entry's exports, which Node reads when an ES module imports the bundle.
    expect(bundle).toMatch(/0\s*&&\s*\(module\.exports\s*=\s*\{\s*activate,\s*deactivate\s*\}\)/);
  });

  it("declares the language the client serves, with the grammar, the language configuration and the main it ships", () => {
    const { main, activationEvents, contributes } = manifest();
    expect(entries.has(path.posix.join("extension", main))).toBe(true);

    expect(contributes.languages).toEqual([
      expect.objectContaining({
        id: LANGUAGE_ID,
        extensions: [".flow"],
        configuration: "./language-configuration.json",
      }),
    ]);
    expect(FLOW_DOCUMENTS.map((filter) => filter.language)).toEqual([LANGUAGE_ID]);
    expect(contributes.grammars).toEqual([
      { language: LANGUAGE_ID, scopeName: GRAMMAR_SCOPE, path: "./syntaxes/flow.tmLanguage.json" },
    ]);
    expect(entries.has(path.posix.join("extension", contributes.grammars[0]!.path))).toBe(true);
    expect(entries.has(path.posix.join("extension", contributes.languages[0]!.configuration))).toBe(true);

    expect(activationEvents).toEqual([`onLanguage:${LANGUAGE_ID}`, "workspaceContains:**/*.flow"]);
    // Methods modules are synchronised, never served: no language of theirs is the extension's.
    for (const filter of SOURCE_DOCUMENTS)
      expect(contributes.languages.map((l) => l.id)).not.toContain(filter.language);
  });

  it("contributes the commands and settings the extension reads, and only those", () => {
    const { contributes, capabilities } = manifest();
    expect(contributes.commands.map((command) => command.command).sort()).toEqual(Object.values(COMMANDS).sort());
    expect(contributes.commands.map((command) => `${command.category}: ${command.title}`).sort()).toEqual([
      "flowc: Restart language server",
      "flowc: Show output",
    ]);
    expect(Object.keys(contributes.configuration.properties).sort()).toEqual(Object.values(SETTINGS).sort());
    // VS Code reads the client's trace level from `<client id>.trace.server`.
    expect(SETTINGS.traceServer).toBe(`${LANGUAGE_ID}.trace.server`);
    expect(contributes.configuration.properties[SETTINGS.typescript]!.default).toBe("default");
    // A workspace cannot choose the programs the extension runs before the user trusts it.
    expect(capabilities.untrustedWorkspaces.restrictedConfigurations.sort()).toEqual(
      [SETTINGS.serverNode, SETTINGS.serverPath].sort(),
    );
  });
});

describe("the extension's sources", () => {
  it("type-check against VS Code's API and the language client", async () => {
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    const result = await exec(process.execPath, [tsc, "-p", path.join(extensionSource, "tsconfig.json")], {
      cwd: root,
    }).catch((error: { stdout: string; stderr: string }) => ({ stdout: error.stdout, stderr: error.stderr }));
    expect(`${result.stdout}${result.stderr}`).toBe("");
  }, 120_000);

  it("refuse to package without the grammar, saying which file is missing", async () => {
    const bare = path.join(scratch, "bare/editors/vscode");
    cpSync(path.join(scratch, "repository/editors/vscode/scripts"), path.join(bare, "scripts"), { recursive: true });
    cpSync(path.join(extensionSource, "package.json"), path.join(bare, "package.json"));
    symlinkSync(path.join(root, "node_modules"), path.join(scratch, "bare/node_modules"), "dir");
    const failed = await exec(process.execPath, ["scripts/package.mjs"], { cwd: bare }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr.trim()).toBe(
      `package: the TextMate grammar ${path.join(scratch, "bare/grammar/flow.tmLanguage.json")} is missing`,
    );
  });
});
