import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { FileChangeType, type PublishDiagnosticsParams } from "vscode-languageserver-protocol/node";
import { LspClient, uriOf } from "./client.js";
import { COUNT_WORDS_RETURNS, COUNT_WORDS_RETURNS_STRING, wordCountProject, type WordCountProject } from "./project.js";

/**
 * A manifest's diagnostics follow its methods module and its tsconfig: changed on disk (seen
 * by the server's own watch, or reported by a client that watches files for it) and changed
 * in an editor's unsaved buffer.
 */
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function start(client: "vscode" | "minimal"): Promise<{ lsp: LspClient; project: WordCountProject }> {
  const project = wordCountProject();
  const lsp = await LspClient.start({ cwd: project.dir, client });
  cleanups.push(
    () => lsp.kill(),
    () => project.remove(),
  );
  return { lsp, project };
}

const codes = (params: PublishDiagnosticsParams): unknown[] => params.diagnostics.map((d) => d.code);
const withCodes =
  (...expected: string[]) =>
  (params: PublishDiagnosticsParams): boolean =>
    JSON.stringify(codes(params)) === JSON.stringify(expected);

describe("methods changed on disk", () => {
  it("are seen by the server's own watch when the client watches nothing", async () => {
    const { lsp, project } = await start("minimal");
    expect(lsp.registrations).toEqual([]);
    const uri = await lsp.open(project.manifest);
    expect(codes(await lsp.diagnosticsOf(uri, 1))).toEqual([]);
    // The methods module, its folder and the tsconfig's are watched once this is logged.
    await lsp.log(/^flowc: watching [1-9]\d* files/);
    const original = readFileSync(project.methods, "utf8");
    let since = lsp.published.length;
    writeFileSync(project.methods, original.replace(COUNT_WORDS_RETURNS, COUNT_WORDS_RETURNS_STRING));
    const broken = await lsp.diagnostics(uri, withCodes("FLOW4001"), since);
    expect(broken.diagnostics[0]!.message).toContain("'mergeCounts'");
    since = lsp.published.length;
    writeFileSync(project.methods, original);
    await lsp.diagnostics(uri, withCodes(), since);
    expect(await lsp.shutdown()).toBe(0);
  });

  it("sees a module that goes and comes back", async () => {
    const { lsp, project } = await start("minimal");
    const uri = await lsp.open(project.manifest);
    expect(codes(await lsp.diagnosticsOf(uri, 1))).toEqual([]);
    await lsp.log(/^flowc: watching [1-9]\d* files/);
    const original = readFileSync(project.methods, "utf8");
    let since = lsp.published.length;
    rmSync(project.methods);
    const missing = await lsp.diagnostics(uri, (params) => params.diagnostics.length > 0, since);
    expect(codes(missing)).toEqual(["FLOW2002"]);
    since = lsp.published.length;
    writeFileSync(project.methods, original);
    await lsp.diagnostics(uri, withCodes(), since);
    expect(await lsp.shutdown()).toBe(0);
  });

  it("are reported by a client that watches files, each change counted once", async () => {
    const { lsp, project } = await start("vscode");
    const uri = await lsp.open(project.manifest);
    expect(codes(await lsp.diagnosticsOf(uri, 1))).toEqual([]);
    // The client is asked to watch methods modules and tsconfigs.
    const watch = lsp.registrations.find((r) => r.method === "workspace/didChangeWatchedFiles");
    expect(watch?.registerOptions).toMatchObject({
      watchers: expect.arrayContaining([{ globPattern: "**/tsconfig*.json" }]),
    });
    const original = readFileSync(project.methods, "utf8");
    const since = lsp.published.length;
    writeFileSync(project.methods, original.replace(COUNT_WORDS_RETURNS, COUNT_WORDS_RETURNS_STRING));
    await lsp.filesChanged([{ uri: uriOf(project.methods), type: FileChangeType.Changed }]);
    await lsp.diagnostics(uri, withCodes("FLOW4001"), since);
    const logged = lsp.logs.length;
    // Reported again, with the tsconfig untouched but reported too: neither counts.
    writeFileSync(project.tsconfig, readFileSync(project.tsconfig, "utf8"));
    await lsp.filesChanged([
      { uri: uriOf(project.methods), type: FileChangeType.Changed },
      { uri: uriOf(project.tsconfig), type: FileChangeType.Changed },
    ]);
    // The tsconfig, never reported before, is looked at; the methods module is not, being as it was.
    const line = await lsp.log(/changed on disk/, logged);
    expect(line).toBe("flowc: tsconfig.json changed on disk: checking 1 manifest");
    writeFileSync(project.methods, original);
    await lsp.filesChanged([{ uri: uriOf(project.methods), type: FileChangeType.Changed }]);
    await lsp.diagnostics(uri, withCodes(), lsp.published.length);
    expect(await lsp.shutdown()).toBe(0);
  });
});

describe("a methods module in an unsaved buffer", () => {
  it("counts instead of the disk while open, and the disk counts again once it is closed", async () => {
    const { lsp, project } = await start("vscode");
    const uri = await lsp.open(project.manifest);
    expect(codes(await lsp.diagnosticsOf(uri, 1))).toEqual([]);
    const original = readFileSync(project.methods, "utf8");
    const methods = await lsp.open(project.methods, original, "typescript");
    const line = original.split("\n").findIndex((text) => text.startsWith(COUNT_WORDS_RETURNS));
    const column = COUNT_WORDS_RETURNS.indexOf("WordCounts");
    let since = lsp.published.length;
    await lsp.change(methods, [
      {
        range: { start: { line, character: column }, end: { line, character: column + "WordCounts".length } },
        text: "WordCounts | string",
      },
    ]);
    const broken = await lsp.diagnostics(uri, withCodes("FLOW4001"), since);
    expect(broken.version).toBe(1);
    // Nothing was written.
    expect(readFileSync(project.methods, "utf8")).toBe(original);
    since = lsp.published.length;
    await lsp.close(methods);
    await lsp.diagnostics(uri, withCodes(), since);
    expect(await lsp.shutdown()).toBe(0);
  });

  it("shows a module's own TypeScript error on the manifest, where the module comes in, linking to it", async () => {
    const { lsp, project } = await start("vscode");
    const manifest = project.write(
      "imports.flow",
      [
        'import { splitChapters, countWords, mergeCounts } from "./word-count.methods";',
        "splitChapters, countWords, mergeCounts { execution_flow: sequential; }",
        "countWords < execution_flow: parallel; min_worker_count: 2; >",
        "",
      ].join("\n"),
    );
    const uri = await lsp.open(manifest);
    expect(codes(await lsp.diagnosticsOf(uri, 1))).toEqual([]);
    const methods = await lsp.open(project.methods);
    const since = lsp.published.length;
    await lsp.change(methods, [
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
        text: "const n: number = 'one';\n",
      },
    ]);
    const { diagnostics } = await lsp.diagnostics(uri, withCodes("FLOW4012"), since);
    const [error] = diagnostics;
    // On the import's module string…
    expect(error!.range).toEqual({ start: { line: 0, character: 55 }, end: { line: 0, character: 77 } });
    expect(error!.message).toMatch(
      /^TS2322: Type 'string' is not assignable to type 'number'\. \(word-count\.methods\.ts:2:7\)$/,
    );
    // …linking to the error's place in the buffer.
    expect(error!.relatedInformation?.[0]).toEqual({
      location: { uri: methods, range: { start: { line: 1, character: 6 }, end: { line: 1, character: 7 } } },
      message: "In word-count.methods.ts",
    });
    expect(await lsp.shutdown()).toBe(0);
  });
});

describe("the tsconfig changed on disk", () => {
  it("is read again", async () => {
    const { lsp, project } = await start("minimal");
    const uri = await lsp.open(project.manifest);
    expect(codes(await lsp.diagnosticsOf(uri, 1))).toEqual([]);
    await lsp.log(/^flowc: watching [1-9]\d* files/);
    const original = readFileSync(project.tsconfig, "utf8");
    const settings = JSON.parse(original) as { compilerOptions: Record<string, unknown> };
    settings.compilerOptions["noSuchOption"] = true;
    let since = lsp.published.length;
    writeFileSync(project.tsconfig, JSON.stringify(settings, null, 2));
    const broken = await lsp.diagnostics(uri, withCodes("FLOW4013"), since);
    expect(broken.diagnostics[0]!.message).toContain("noSuchOption");
    since = lsp.published.length;
    writeFileSync(project.tsconfig, original);
    await lsp.diagnostics(uri, withCodes(), since);
    expect(await lsp.shutdown()).toBe(0);
  });
});
