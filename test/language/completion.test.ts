import { afterAll, describe, expect, it } from "vitest";
import { backendNames } from "../../src/bind/read-backend.js";
import { executionFlows, knownProperties, onErrorValues } from "../../src/bind/read-properties.js";
import { completion } from "../../src/language/completion.js";
import type { CompletionEntry } from "../../src/language/types.js";
import { createLanguageProject, cursor } from "./language-project.js";

const project = createLanguageProject({
  "etl.methods.ts": [
    "export function extract(): number[] { return [1, 2]; }",
    "export async function transform(rows: number[]): Promise<string> { return rows.join(); }",
    "export const load = (text: string): void => { void text; };",
    "export const CONFIG = { retries: 2 };",
    "export type Row = number;",
    "",
  ].join("\n"),
  "other.ts": [
    "export function audit(text: string): string { return text; }",
    "export function notify(text: string): void { void text; }",
    "export const LIMIT = 3;",
    "",
  ].join("\n"),
  "legacy.js": "export function old() { return 1; }\n",
  "types.d.ts": "export declare const x: number;\n",
  "weird#1.ts": "export function odd(): void {}\n",
  "etl.flow.ts": "// a runner flowc wrote\nexport {};\n",
  "lib/deep.ts": "export function deep(): void {}\n",
});
afterAll(() => project.close());

/** The entries at the `|` of `marked`, as a real state of that text offers them. */
async function complete(marked: string): Promise<{ entries: readonly CompletionEntry[]; text: string; at: number }> {
  const { text, offset } = cursor(marked);
  const state = await project.state("etl.flow", text);
  return { entries: completion(state, offset), text, at: offset };
}

const labels = (entries: readonly CompletionEntry[]) => entries.map((entry) => entry.label);
/** The labels in the order an editor shows them: by sort text, then label. */
const ranked = (entries: readonly CompletionEntry[]) =>
  [...entries].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((entry) => entry.label);
/** The span of the first `word` in `text`. */
const spanOf = (text: string, word: string, from = 0) => {
  const start = text.indexOf(word, from);
  return { start, end: start + word.length };
};

describe("completion of method names", () => {
  it("offers the default module's functions and the imported names, those not yet used first", async () => {
    const { entries, text, at } = await complete(
      'import { audit } from "./other";\nextract, tr| { execution_flow: sequential; }\nload { retries: 1; }\n',
    );
    // CONFIG is no function, Row no value; notify is not imported.
    expect(new Set(labels(entries))).toEqual(new Set(["audit", "extract", "transform", "load"]));
    // Unused (audit, transform), then used in another group (load), then already in this group (extract).
    expect(ranked(entries)).toEqual(["audit", "transform", "load", "extract"]);
    for (const entry of entries) {
      expect(entry.kind).toBe("method");
      expect(entry.replace).toEqual({ start: at - 2, end: at });
    }
    expect(text.slice(at - 2, at)).toBe("tr");
    expect(entries.find((entry) => entry.label === "audit")?.detail).toBe("function exported by './other'");
  });

  it("gives a method the type-check read its signature, the last one while the text has errors", async () => {
    const { entries } = await complete("extract, tr|ansform, load { execution_flow: sequential; }\n");
    expect(entries.find((entry) => entry.label === "transform")?.detail).toBe("(rows: number[]) => Promise<string>");
    expect(entries.find((entry) => entry.label === "extract")?.detail).toBe("() => number[]");

    const typed = (await project.state("etl.flow", "extract, transform, load { execution_flow: sequential; }\n"))
      .lastTyped;
    const { text, offset } = cursor("extract, transform, load { execution_flow: sequential; }\nlo|");
    const broken = await project.state("etl.flow", text, { lastTyped: typed });
    expect(broken.compiled.typed).toBeUndefined();
    const load = completion(broken, offset).find((entry) => entry.label === "load");
    expect(load?.detail).toBe("(text: string) => void");
  });

  it("offers methods after a comma, with an empty span where nothing is typed yet", async () => {
    const { entries, at } = await complete("extract, | { execution_flow: sequential; }\n");
    expect(labels(entries)).toEqual(expect.arrayContaining(["extract", "transform", "load"]));
    expect(entries.every((entry) => entry.replace?.start === at && entry.replace.end === at)).toBe(true);
  });

  it("offers methods as the value of run_if and fallback", async () => {
    for (const key of ["run_if", "fallback"]) {
      const { entries } = await complete(`extract, load { execution_flow: sequential; }\nload { ${key}: | }\n`);
      expect(new Set(labels(entries))).toEqual(new Set(["extract", "transform", "load"]));
    }
  });
});

describe("completion at the start of a statement", () => {
  it("offers import and backend in the header, with the methods and @input", async () => {
    const { entries } = await complete('import { audit } from "./other";\n|\n');
    expect(labels(entries)).toEqual(expect.arrayContaining(["import", "backend", "@input", "audit", "extract"]));
    expect(entries.find((entry) => entry.label === "import")?.kind).toBe("keyword");
  });

  it("offers no import or backend once a group has begun", async () => {
    const { entries } = await complete("extract { retries: 1; }\nimp|");
    expect(labels(entries)).not.toContain("import");
    expect(labels(entries)).not.toContain("backend");
    expect(labels(entries)).toContain("transform");
  });

  it("replaces the @ typed before input", async () => {
    const { entries, at } = await complete("@|");
    expect(entries.find((entry) => entry.label === "@input")?.replace).toEqual({ start: at - 1, end: at });
  });
});

describe("completion in an import", () => {
  it("offers the functions of the module after from that the braces do not list yet", async () => {
    const { entries, text } = await complete('import { audit, n| } from "./other";\naudit { retries: 1; }\n');
    expect(labels(entries)).toEqual(["notify"]);
    expect(entries[0]?.replace).toEqual({ start: text.indexOf("n }"), end: text.indexOf("n }") + 1 });
  });

  it("offers no name another import binds already", async () => {
    const { entries } = await complete('import { notify } from "./other";\nimport { | } from "./other";\n');
    expect(labels(entries)).toEqual(["audit"]);
  });

  it("offers nothing while the module is not written, or not found", async () => {
    expect((await complete("import { | }")).entries).toEqual([]);
    expect((await complete('import { | } from "./nowhere";')).entries).toEqual([]);
    expect((await complete('import { audit as | } from "./other";')).entries).toEqual([]);
  });

  it("offers from after the braces", async () => {
    const { entries } = await complete("import { audit } f|");
    expect(labels(entries)).toEqual(["from"]);
  });

  it("offers the modules beside the manifest inside the quotes, without extension", async () => {
    const { entries, text } = await complete('import { audit } from "./o|";\n');
    // Not the declaration file, the runner, a file whose name a URL reads otherwise, or a subfolder's.
    expect(labels(entries)).toEqual(["./etl.methods", "./legacy", "./other"]);
    const inside = { start: text.indexOf('"./o') + 1, end: text.indexOf('";') };
    expect(entries.every((entry) => entry.kind === "module" && entry.insertText === undefined)).toBe(true);
    expect(entries[0]?.replace).toEqual(inside);
  });

  it("offers them quoted after from, and inside a string not yet closed", async () => {
    const bare = await complete("import { audit } from |");
    expect(bare.entries.find((entry) => entry.label === "./other")?.insertText).toBe('"./other"');
    const open = await complete('import { audit } from "./ot|');
    expect(open.entries.find((entry) => entry.label === "./other")?.replace).toEqual({
      start: open.text.indexOf('"') + 1,
      end: open.text.length,
    });
  });
});

describe("completion in a block", () => {
  it("offers the properties the block does not set yet, documented from the reference", async () => {
    const { entries, at } = await complete("extract { retries: 1; | }\n");
    expect(labels(entries)).toEqual(knownProperties.filter((key) => key !== "retries"));
    for (const entry of entries) {
      expect(entry.kind).toBe("property");
      expect(entry.detail, entry.label).toBeTruthy();
      expect(entry.documentation, entry.label).toBeTruthy();
      expect(entry.replace).toEqual({ start: at, end: at });
    }
    expect(entries.find((entry) => entry.label === "timeout")?.detail).toContain("250ms");
  });

  it("offers the values of execution_flow, on_error and cache from the compiler's lists", async () => {
    const flow = await complete("extract, load { execution_flow: par| }\n");
    expect(labels(flow.entries)).toEqual(executionFlows);
    expect(flow.entries[0]?.replace).toEqual(spanOf(flow.text, "par"));
    expect(flow.entries.find((entry) => entry.label === "parallel")?.documentation).toContain("worker");
    expect(labels((await complete("load { on_error: | }")).entries)).toEqual(onErrorValues);
    expect(labels((await complete("load { cache: f| }")).entries)).toEqual(["true", "false"]);
    expect((await complete("load { retries: | }")).entries).toEqual([]);
  });

  it("offers values in a block the text has not closed yet", async () => {
    const { entries } = await complete("extract, load {\n  execution_flow: |\n");
    expect(labels(entries)).toEqual(executionFlows);
  });

  it("offers the units of a timeout after its number, replacing a unit begun", async () => {
    const bare = await complete("load { timeout: 30| }");
    expect(labels(bare.entries)).toEqual(["ms", "s", "m", "h"]);
    expect(bare.entries[0]?.replace).toEqual({ start: bare.at, end: bare.at });
    const begun = await complete("load { timeout: 30m|; }");
    expect(begun.entries[0]?.replace).toEqual({ start: begun.at - 1, end: begun.at });
    expect(labels((await complete("load { max_failures: 5| }")).entries)).toEqual(["%"]);
    expect((await complete("load { retries: 3| }")).entries).toEqual([]);
  });
});

describe("completion elsewhere", () => {
  it("offers the backends after backend", async () => {
    const { entries, text } = await complete("backend thr|;\nextract { retries: 1; }\n");
    expect(labels(entries)).toEqual(backendNames);
    expect(entries[0]?.replace).toEqual(spanOf(text, "thr"));
  });

  it("offers nothing in a comment or a string value", async () => {
    expect((await complete("// extract, |\nextract { retries: 1; }")).entries).toEqual([]);
    expect((await complete("extract { retries: 1; }\n/* not | closed")).entries).toEqual([]);
    expect((await complete('extract { branch_on: "st|" }')).entries).toEqual([]);
  });
});
