import { afterEach, describe, expect, it } from "vitest";
import { DocumentDiagnosticRequest, type DocumentDiagnosticReport } from "vscode-languageserver-protocol/node";
import { LspClient, uriOf } from "./client.js";
import { BROKEN_MANIFEST, wordCountProject, type WordCountProject } from "./project.js";

/**
 * Diagnostics through the real `flowc lsp --stdio`: on opening a manifest, as it is edited,
 * pushed to a client that does not ask for them and pulled by one that does.
 */
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function start(
  client: "vscode" | "vscode-pull" = "vscode",
): Promise<{ lsp: LspClient; project: WordCountProject }> {
  const project = wordCountProject();
  const lsp = await LspClient.start({ cwd: project.dir, client });
  cleanups.push(
    () => lsp.kill(),
    () => project.remove(),
  );
  return { lsp, project };
}

describe("pushed diagnostics", () => {
  it("publishes none for a clean manifest, and exits with 0 after shutdown", async () => {
    const { lsp, project } = await start();
    const uri = await lsp.open(project.manifest);
    const published = await lsp.diagnosticsOf(uri, 1);
    expect(published.diagnostics).toEqual([]);
    expect(await lsp.shutdown()).toBe(0);
    expect(lsp.errors).toBe("");
  });

  it("publishes a broken manifest's errors at their ranges, with their related locations", async () => {
    const { lsp, project } = await start();
    const file = project.write("broken.flow", BROKEN_MANIFEST);
    const uri = await lsp.open(file);
    const { diagnostics } = await lsp.diagnosticsOf(uri, 1);
    expect(diagnostics.map((d) => [d.code, d.severity, d.source])).toEqual([
      ["FLOW3001", 1, "flowc"],
      ["FLOW3008", 2, "flowc"],
      ["FLOW3005", 1, "flowc"],
    ]);
    const [cycle, , conflict] = diagnostics;
    expect(cycle!.message).toBe("This declaration closes a cycle: splitChapters → countWords → splitChapters.");
    expect(cycle!.range).toEqual({ start: { line: 3, character: 12 }, end: { line: 3, character: 25 } });
    expect(cycle!.relatedInformation).toEqual([
      {
        location: { uri, range: { start: { line: 2, character: 15 }, end: { line: 2, character: 25 } } },
        message: "'splitChapters' → 'countWords' is declared here.",
      },
      {
        location: { uri, range: { start: { line: 3, character: 12 }, end: { line: 3, character: 25 } } },
        message: "'countWords' → 'splitChapters' is declared here.",
      },
    ]);
    expect(conflict!.range).toEqual({ start: { line: 5, character: 23 }, end: { line: 5, character: 24 } });
    expect(conflict!.relatedInformation).toEqual([
      {
        location: { uri, range: { start: { line: 4, character: 23 }, end: { line: 4, character: 24 } } },
        message: "'retries' of 'mergeCounts' is first set here.",
      },
    ]);
    expect(await lsp.shutdown()).toBe(0);
  });

  it("follows incremental edits into an error and out of it, version by version", async () => {
    const { lsp, project } = await start();
    const uri = await lsp.open(project.manifest);
    expect((await lsp.diagnosticsOf(uri, 1)).diagnostics).toEqual([]);
    // `mergeCounts` on line 4 loses its last letter…
    const s = { start: { line: 4, character: 37 }, end: { line: 4, character: 38 } };
    const broken = await lsp.change(uri, [{ range: s, text: "" }]);
    const { diagnostics } = await lsp.diagnosticsOf(uri, broken);
    expect(diagnostics.map((d) => d.code)).toEqual(["FLOW2003"]);
    expect(diagnostics[0]!.message).toContain("'mergeCount'");
    expect(diagnostics[0]!.range).toEqual({ start: { line: 4, character: 27 }, end: { line: 4, character: 37 } });
    // …and gets it back.
    const fixed = await lsp.change(uri, [{ range: { start: s.start, end: s.start }, text: "s" }]);
    expect((await lsp.diagnosticsOf(uri, fixed)).diagnostics).toEqual([]);
    // Nothing was published for a version but the latest one at the time.
    expect(lsp.published.every((params) => params.uri !== uri || [1, broken, fixed].includes(params.version!))).toBe(
      true,
    );
    expect(await lsp.shutdown()).toBe(0);
  });

  it("marks an unused import as unnecessary", async () => {
    const { lsp, project } = await start();
    const file = project.withOwnMethods(
      "unused",
      [
        'import { countWords as tally } from "./unused.methods";',
        "splitChapters, countWords, mergeCounts { execution_flow: sequential; }",
        "countWords < execution_flow: parallel; min_worker_count: 2; >",
        "",
      ].join("\n"),
    );
    const uri = await lsp.open(file);
    const { diagnostics } = await lsp.diagnosticsOf(uri, 1);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "FLOW2010",
        severity: 2,
        tags: [1],
        range: { start: { line: 0, character: 9 }, end: { line: 0, character: 28 } },
      }),
    ]);
    expect(await lsp.shutdown()).toBe(0);
  });

  it("clears a manifest's diagnostics when it is closed", async () => {
    const { lsp, project } = await start();
    const uri = await lsp.open(project.write("broken.flow", BROKEN_MANIFEST));
    expect((await lsp.diagnosticsOf(uri, 1)).diagnostics).toHaveLength(3);
    const since = lsp.published.length;
    await lsp.close(uri);
    expect((await lsp.diagnostics(uri, () => true, since)).diagnostics).toEqual([]);
    expect(await lsp.shutdown()).toBe(0);
  });
});

describe("pulled diagnostics", () => {
  it("answers textDocument/diagnostic, says when nothing changed, and pushes nothing", async () => {
    const { lsp, project } = await start("vscode-pull");
    const file = project.write("broken.flow", BROKEN_MANIFEST);
    const uri = await lsp.open(file);
    const first = (await lsp.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri },
    })) as DocumentDiagnosticReport;
    expect(first.kind).toBe("full");
    const items = first.kind === "full" ? first.items : [];
    expect(items.map((d) => d.code)).toEqual(["FLOW3001", "FLOW3008", "FLOW3005"]);
    const again = await lsp.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri },
      previousResultId: first.resultId,
    });
    expect(again).toEqual({ kind: "unchanged", resultId: first.resultId });
    // An edit: the next pull has the new text's diagnostics.
    await lsp.change(uri, [
      { range: { start: { line: 5, character: 23 }, end: { line: 5, character: 24 } }, text: "2" },
    ]);
    const edited = await lsp.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri },
      previousResultId: first.resultId,
    });
    expect(edited.kind === "full" ? edited.items.map((d) => d.code) : edited).toEqual(["FLOW3001", "FLOW3008"]);
    // The features are registered for manifests, pulled diagnostics among them.
    const methods = lsp.registrations.map((registration) => registration.method);
    expect(methods).toContain("textDocument/diagnostic");
    expect(methods).toContain("textDocument/hover");
    expect(await lsp.shutdown()).toBe(0);
    expect(lsp.published).toEqual([]);
  });

  it("asks the client to pull again when a methods module changes", async () => {
    const { lsp, project } = await start("vscode-pull");
    const uri = await lsp.open(project.manifest);
    const report = await lsp.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    expect(report.kind === "full" ? report.items : report).toEqual([]);
    const refreshed = lsp.refreshed();
    const methods = await lsp.open(project.methods);
    await lsp.change(methods, [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        text: "export const x: number = 'x';\n",
      },
    ]);
    await refreshed;
    const after = await lsp.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    expect(after.kind === "full" ? after.items.map((d) => d.code) : after).toEqual(["FLOW4012"]);
    expect(uriOf(project.methods)).toBe(methods);
    expect(await lsp.shutdown()).toBe(0);
  });
});
