import { afterAll, describe, expect, it } from "vitest";
import type { Span } from "../../grammar/ast.js";
import { codeActions } from "../../src/language/code-actions.js";
import type { CodeActionEntry, ManifestState } from "../../src/language/types.js";
import { applyEdits } from "../../grammar/diagnostics/fixes.js";
import { createLanguageProject } from "./language-project.js";

const project = createLanguageProject({
  "etl.methods.ts": [
    "export function extract(): string { return 'x'; }",
    "export function transform(text: string): string { return text; }",
    "export function load(text: string): void { void text; }",
    "",
  ].join("\n"),
  "other.ts": [
    "export function audit(text: string): string { return text; }",
    "export function notify(text: string): void { void text; }",
    "export function report(text: string): void { void text; }",
    "",
  ].join("\n"),
});
afterAll(() => project.close());

/** The span of the `nth` (from 0) occurrence of `word` in the state's text. */
function spanOf(state: ManifestState, word: string, nth = 0): Span {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = state.source.text.indexOf(word, start + 1);
  if (start < 0) throw new Error(`no '${word}' in ${state.source.text}`);
  return { start, end: start + word.length };
}

function titled(actions: readonly CodeActionEntry[], title: string): CodeActionEntry {
  const action = actions.find((entry) => entry.title === title);
  if (action === undefined) throw new Error(`no '${title}' among ${actions.map((entry) => entry.title).join(", ")}`);
  return action;
}

/** The diagnostics, as `code message`, of the text `action` makes of `state`'s. */
async function afterApplying(state: ManifestState, action: CodeActionEntry, manifest = "etl.flow") {
  const text = applyEdits(state.source.text, action.edits);
  const next = await project.state(manifest, text);
  return { text, diagnostics: next.compiled.diagnostics.map((d) => `${d.code} ${d.message}`) };
}

describe("importing a method the default module lacks", () => {
  it("adds the name to the import of a module that exports it", async () => {
    const state = await project.state(
      "etl.flow",
      'import { audit } from "./other";\nextract, audit, notify { execution_flow: sequential; }\n',
    );
    expect(state.compiled.diagnostics.map((d) => d.code)).toEqual([2003]);
    const actions = codeActions(state, spanOf(state, "notify"));
    const action = titled(actions, "Import 'notify' from './other'");
    expect(action.kind).toBe("quickfix");
    expect(action.diagnostic?.code).toBe(2003);
    const { text, diagnostics } = await afterApplying(state, action);
    expect(text).toBe(
      'import { audit, notify } from "./other";\nextract, audit, notify { execution_flow: sequential; }\n',
    );
    expect(diagnostics).toEqual([]);
  });

  it("does so when the default module does not exist either", async () => {
    const state = await project.state(
      "jobs.flow",
      'import { audit } from "./other";\naudit, notify { execution_flow: sequential; }\n',
    );
    expect(state.compiled.diagnostics.map((d) => d.code)).toEqual([2002]);
    const action = titled(codeActions(state, spanOf(state, "notify")), "Import 'notify' from './other'");
    expect((await afterApplying(state, action, "jobs.flow")).diagnostics).toEqual([]);
  });

  it("offers nothing for a name no module exports, or away from the diagnostic", async () => {
    const state = await project.state(
      "etl.flow",
      'import { audit } from "./other";\nextract, nowhere, audit { execution_flow: sequential; }\n',
    );
    expect(codeActions(state, spanOf(state, "nowhere")).map((a) => a.title)).not.toContain(
      "Import 'nowhere' from './other'",
    );
    const notified = await project.state(
      "etl.flow",
      'import { audit } from "./other";\nextract, audit, notify { execution_flow: sequential; }\n',
    );
    expect(codeActions(notified, spanOf(notified, "extract"))).toEqual([]);
  });
});

describe("taking an import's name from another module", () => {
  it("drops the name from an import whose module lacks it when the default module has it", async () => {
    const state = await project.state(
      "etl.flow",
      'import { audit, extract } from "./other";\nextract, audit { execution_flow: sequential; }\n',
    );
    const action = titled(codeActions(state, spanOf(state, "extract")), "Take 'extract' from './etl.methods'");
    const { text, diagnostics } = await afterApplying(state, action);
    expect(text).toBe('import { audit } from "./other";\nextract, audit { execution_flow: sequential; }\n');
    expect(diagnostics).toEqual([]);
  });

  it("moves it to the import of a module that has it, removing an import left empty with its line", async () => {
    const state = await project.state(
      "etl.flow",
      [
        'import { notify } from "./etl.methods";',
        'import { audit } from "./other";',
        "extract, audit, notify { execution_flow: sequential; }",
        "",
      ].join("\n"),
    );
    const action = titled(codeActions(state, spanOf(state, "notify")), "Import 'notify' from './other' instead");
    const { text, diagnostics } = await afterApplying(state, action);
    expect(text).toBe(
      'import { audit, notify } from "./other";\nextract, audit, notify { execution_flow: sequential; }\n',
    );
    expect(diagnostics).toEqual([]);
  });
});

describe("removing every unused import", () => {
  it("removes unused names with their commas, and imports left with none with their lines", async () => {
    const state = await project.state(
      "etl.flow",
      [
        "import {",
        "  audit,",
        "  notify,",
        "  report,",
        '} from "./other";',
        'import { load } from "./etl.methods"; // loads',
        'import { transform } from "./etl.methods"; import { report as r } from "./other";',
        "extract, audit, transform { execution_flow: sequential; }",
        "",
      ].join("\n"),
    );
    expect(state.compiled.diagnostics.filter((d) => d.code === 2010)).toHaveLength(4);
    // Wherever the cursor is.
    const action = titled(codeActions(state, spanOf(state, "extract")), "Remove all unused imports");
    expect(action.kind).toBe("source");
    const { text, diagnostics } = await afterApplying(state, action);
    expect(text).toBe(
      [
        "import {",
        "  audit,",
        '} from "./other";',
        "// loads",
        'import { transform } from "./etl.methods";',
        "extract, audit, transform { execution_flow: sequential; }",
        "",
      ].join("\n"),
    );
    expect(diagnostics).toEqual([]);
  });

  it("is not offered when every import is used", async () => {
    const state = await project.state(
      "etl.flow",
      'import { audit } from "./other";\nextract, audit { execution_flow: sequential; }\n',
    );
    expect(codeActions(state, { start: 0, end: state.source.text.length })).toEqual([]);
  });
});

describe("the compiler's fixes", () => {
  it("are offered as quick fixes of the diagnostics the range touches", async () => {
    const state = await project.state(
      "etl.flow",
      "extract, load { execution_flow: sequential; }\nload { retires: 2; }\n",
    );
    const diagnostic = state.compiled.diagnostics.find((d) => d.code === 2006)!;
    expect(diagnostic.fixes?.length).toBeGreaterThan(0);
    const actions = codeActions(state, { start: diagnostic.span.start + 2, end: diagnostic.span.start + 2 });
    expect(actions).toEqual(
      diagnostic.fixes!.map((fix) => ({
        title: fix.title,
        kind: "quickfix",
        diagnostic,
        edits: fix.edits,
        preferred: fix.preferred,
      })),
    );
    const { diagnostics } = await afterApplying(state, actions[0]!);
    expect(diagnostics).toEqual([]);
    // A range that ends where the diagnostic begins touches it; one that ends before does not.
    expect(codeActions(state, { start: 0, end: diagnostic.span.start })).toHaveLength(actions.length);
    expect(codeActions(state, { start: 0, end: diagnostic.span.start - 1 })).toEqual([]);
  });
});
