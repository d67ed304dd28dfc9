import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Manifests, type Compiled } from "../../src/lsp/manifests.js";
import { createTypeScriptServices, type WarmTypeScriptServices } from "../../src/typescript-services.js";
import { uriOf } from "./client.js";
import { wordCountProject, type WordCountProject } from "./project.js";

/**
 * The compile loop on its own, with the real compiler and TypeScript: which texts get
 * compiled, which compilations count as current, and what a request waits for.
 */
let project: WordCountProject;
let text: string;
let services: WarmTypeScriptServices | undefined;

beforeAll(() => {
  project = wordCountProject();
  text = readFileSync(project.manifest, "utf8");
});
afterAll(() => project.remove());
afterEach(() => services?.close());

interface Seen {
  readonly version: number;
  readonly current: boolean;
  readonly codes: number[] | undefined;
}

function loop(debounceMs: number): { manifests: Manifests; seen: Seen[]; errors: string[] } {
  services = createTypeScriptServices({ projectLimit: Number.POSITIVE_INFINITY });
  const seen: Seen[] = [];
  const errors: string[] = [];
  const manifests = new Manifests(services, {
    debounceMs,
    compiled: (_manifest, compiled: Compiled, current) =>
      seen.push({
        version: compiled.version,
        current,
        codes: compiled.state?.compiled.diagnostics.map((d) => d.code),
      }),
    error: (message) => errors.push(message),
  });
  return { manifests, seen, errors };
}

/** A burst of edits, each breaking the manifest a little more, then mending it. */
function burst(document: TextDocument, count: number): TextDocument {
  let current = document;
  for (let version = 2; version < count + 2; version++) {
    const mended = version === count + 1;
    current = TextDocument.update(current, [{ text: mended ? text : `${text}\nbroken ${version} {` }], version);
  }
  return current;
}

describe("the compile loop", () => {
  it("compiles the latest text of a burst of edits once, and only that compilation is current", async () => {
    const { manifests, seen } = loop(30);
    const uri = uriOf(project.manifest);
    const document = TextDocument.create(uri, "flowc", 1, text);
    manifests.opened(uri, project.manifest, document);
    const last = burst(document, 5);
    for (let version = 2; version <= last.version; version++) manifests.changed(uri, last);
    const found = await manifests.latest(uri);
    expect(found?.compiled.version).toBe(6);
    // The text of version 1 was compiled as it was opened; the edits, once, as they stand at the end.
    expect(seen).toEqual([
      { version: 1, current: false, codes: [] },
      { version: 6, current: true, codes: [] },
    ]);
  });

  it("answers a request from the current text at once, without waiting for the pause", async () => {
    const { manifests, seen } = loop(60_000);
    const uri = uriOf(project.manifest);
    const document = TextDocument.create(uri, "flowc", 1, text);
    manifests.opened(uri, project.manifest, document);
    expect((await manifests.latest(uri))?.compiled.version).toBe(1);
    const edited = TextDocument.update(document, [{ text: `${text}\nbroken {` }], 2);
    manifests.changed(uri, edited);
    const found = await manifests.latest(uri);
    expect(found?.compiled.version).toBe(2);
    const codes = found?.compiled.state?.compiled.diagnostics.map((d) => d.code) ?? [];
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((code) => code < 2000)).toBe(true);
    expect(seen.map((s) => s.version)).toEqual([1, 2]);
    manifests.closed(uri);
    expect(await manifests.latest(uri)).toBeUndefined();
  });

  it("records a compilation that throws, with why, and goes on", async () => {
    const { manifests, seen, errors } = loop(30);
    // TypeScript started and then closed: the compiler cannot read the methods any more.
    await services!.forManifest(project.manifest);
    services!.close();
    const uri = uriOf(project.manifest);
    manifests.opened(uri, project.manifest, TextDocument.create(uri, "flowc", 1, text));
    const found = await manifests.latest(uri);
    expect(found?.compiled.state).toBeUndefined();
    expect(found?.compiled.failure).toBe("the TypeScript 7 session is closed");
    expect(seen).toEqual([{ version: 1, current: true, codes: undefined }]);
    expect(errors[0]).toContain("the TypeScript 7 session is closed");
  });
});
