/**
 * W8 — the editor: `flowc lsp` spoken to over the protocol, as an editor speaks to it,
 * on a copy of each example and on a chain of 2,000 async methods (each in a package of
 * its own, with the examples' tsconfig).
 *
 * - Diagnostics after an edit in a warm session: one server for the case; each run sends
 *   an edit and waits for the diagnostics of that version. Two kinds of edit: a setting of
 *   one method changed (the plan changes and every phase runs again, but TypeScript is asked
 *   what it was asked before), and a group left out and put back in turn (the edges change,
 *   so TypeScript checks a new probe). Targets: < 150 ms for the examples, < 500 ms for
 *   2,000 methods.
 * - Hover on a method name (its signature and the types on its edges), warm. Target: < 50 ms.
 * - A fresh server: started, initialized, the manifest opened, until its first diagnostics,
 *   against `flowc check` of the same manifest in a fresh process (the rebuild cache off),
 *   which is how a user learns the same without the server. Target: the server first. Also
 *   timed from the opening alone, in a server already started and initialized (untimed), as
 *   it is once an editor has opened the folder.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "../../grammar/index.js";
import { createSourceText } from "../../grammar/source.js";
import type { FlowDocument } from "../../grammar/ast.js";
import { compile, type TypeScriptServices } from "../../src/compile.js";
import { createTypeScriptServices } from "../../src/typescript-services.js";
import { cliCheck, lspEdit, lspEditTypes, lspHover, lspOpen, lspOpenStarted } from "../adapters/flowc-lsp.js";
import { findCase, judge, medianOf, ratiosOf, timesWithSpread } from "../harness/targets.js";
import type { CaseSpec, Mode, TargetResult, Workload } from "../harness/types.js";
import { copyExample, writeUserPackage } from "../harness/user-package.js";
import { exampleNames } from "./w5-compiler.js";
import { phaseManifest, phaseMethods } from "./w5-phases.js";

export interface EditorSetup {
  readonly name: string;
  /** The workspace folder the server is started in. */
  readonly root: string;
  /** The manifest's absolute path. */
  readonly manifest: string;
  readonly text: string;
  /** The codes of the manifest's diagnostics (`FLOW3008,…`, sorted), as the compiler gives them. */
  readonly expected: string;
  /**
   * The text after the `n`-th edit: the same diagnostics, a plan that differs from the one
   * before, and the same questions for TypeScript (a setting of one method).
   */
  edited(n: number): string;
  /** The text after the `n`-th edit that changes the edges, and so what TypeScript is asked; the same diagnostics. */
  typesEdited(n: number): string;
  /** Where a hover lands: on the first mention of `method` in a group. */
  readonly hover: { readonly offset: number; readonly method: string };
}

export type EditorOutput =
  | { readonly kind: "diagnostics"; readonly codes: string }
  | { readonly kind: "hover"; readonly markdown: string }
  | { readonly kind: "exit"; readonly status: number | null; readonly output: string };

const CONTENDERS = ["lsp-edit", "lsp-edit-types", "lsp-hover", "lsp-open", "lsp-open-started", "cli-check"];
const CHAIN = 2000;
const CHAIN_GROUP = `editor, chain of ${CHAIN.toLocaleString("en")} methods`;

function cases(mode: Mode): CaseSpec[] {
  const editor = (name: string, group: string, warmups: number, rounds: number): CaseSpec => ({
    group,
    scale: 1,
    units: 1,
    unit: "request",
    warmups,
    rounds,
    contenders: CONTENDERS,
    timeoutMs: 120_000,
    params: { example: name },
  });
  const examples = exampleNames();
  if (mode === "test") return [editor("word-count", "editor word-count", 0, 1)];
  if (mode === "quick") {
    return [
      ...examples.map((name) => editor(name, `editor ${name}`, 1, 2)),
      editor(`chain-${CHAIN}`, CHAIN_GROUP, 1, 2),
    ];
  }
  return [...examples.map((name) => editor(name, `editor ${name}`, 2, 9)), editor(`chain-${CHAIN}`, CHAIN_GROUP, 1, 5)];
}

interface CompiledFacts {
  /** The codes of what the compiler reports, as the server names them, sorted. */
  readonly codes: string;
  /** What the type-check proved: every edge's type and the run's output type. */
  readonly edges: string;
}

/** Compiles texts of one manifest in one TypeScript project, each text once. */
function factsReader(manifest: string, services: TypeScriptServices): (text: string) => Promise<CompiledFacts> {
  const known = new Map<string, Promise<CompiledFacts>>();
  return (text) => {
    let facts = known.get(text);
    if (facts === undefined) {
      facts = compile(createSourceText(manifest, text), {}, services).then((result) => ({
        codes: result.diagnostics
          .map((diagnostic) => `FLOW${diagnostic.code}`)
          .sort()
          .join(","),
        edges: JSON.stringify([result.typed?.edges ?? [], result.typed?.outputType]),
      }));
      known.set(text, facts);
    }
    return facts;
  };
}

/** Where a group can be added: before the outer braces close, when the manifest has them. */
function groupsEnd(document: FlowDocument, text: string): number {
  return document.outerBraces ? text.lastIndexOf("}") : text.length;
}

/**
 * An edit that changes the plan and nothing the compiler reports: `timeout` set on one
 * method that has none, to `n` seconds. The first method whose edited text reports what the
 * original does is taken.
 */
async function planEdit(
  factsOf: (text: string) => Promise<CompiledFacts>,
  document: FlowDocument,
  text: string,
  methods: readonly string[],
): Promise<{ readonly edited: (n: number) => string; readonly expected: string }> {
  const end = groupsEnd(document, text);
  const original = await factsOf(text);
  for (const method of methods) {
    const edited = (n: number): string => `${text.slice(0, end)}\n${method} { timeout: ${n}s; }\n${text.slice(end)}`;
    if ((await factsOf(edited(1))).codes === original.codes) return { edited, expected: original.codes };
  }
  throw new Error("no method can take a timeout without a new diagnostic");
}

/**
 * An edit that changes what TypeScript is asked, and nothing the compiler reports: one group,
 * or a group's last name, left out, or else `on_error: skip` given to a method (the first of
 * these that changes the typed edges or the run's output type and no diagnostic), then undone,
 * edit after edit, so that each version's probe differs from the one before.
 */
async function typesEdit(
  factsOf: (text: string) => Promise<CompiledFacts>,
  document: FlowDocument,
  text: string,
): Promise<(n: number) => string> {
  const groups = [...document.groups].reverse();
  // A group left out, or the last name of a group of several.
  const variants = groups.flatMap((group) => {
    const [before, last] = group.methods.slice(-2);
    const shorter =
      before === undefined || last === undefined
        ? []
        : [`${text.slice(0, before.span.end)}${text.slice(last.span.end)}`];
    return [`${text.slice(0, group.span.start)}${text.slice(group.span.end)}`, ...shorter];
  });
  // Else a method whose failed calls are skipped: what it hands on may hold `undefined`.
  const end = groupsEnd(document, text);
  for (const group of groups) {
    for (const method of group.methods) {
      variants.push(`${text.slice(0, end)}\n${method.name} { on_error: skip; }\n${text.slice(end)}`);
    }
  }
  const original = await factsOf(text);
  for (const without of variants) {
    const changed = await factsOf(without);
    if (original.codes === changed.codes && original.edges !== changed.edges) {
      return (n) => (n % 2 === 1 ? without : text);
    }
  }
  throw new Error("no group or name of the manifest can be left out without a new diagnostic");
}

/** The names listed in groups (`@input` aside), in order of first mention, each with where it is first. */
function mentionedMethods(document: FlowDocument): { readonly name: string; readonly offset: number }[] {
  const seen = new Map<string, number>();
  for (const group of document.groups) {
    for (const name of group.methods) {
      if (!name.name.startsWith("@") && !seen.has(name.name)) seen.set(name.name, name.span.start);
    }
  }
  return [...seen].map(([name, offset]) => ({ name, offset }));
}

export const editorWorkload: Workload<EditorSetup, EditorOutput> = {
  id: "W8",
  title: "editor",
  description:
    "`flowc lsp` over the Language Server Protocol, from a client on vscode-languageserver-protocol in this process " +
    "and the server in its own, as an editor runs it, on a copy of each example and on a chain of 2,000 async " +
    "methods. *lsp-edit*: a warm session, each run an edit that changes one method's `timeout` until the diagnostics " +
    "of that version arrive: the plan changes and every phase runs again, but TypeScript is asked what it was asked " +
    "before, so its answers are reused. *lsp-edit-types*: the same with an edit that changes the edges (one group " +
    "left out, then put back), so TypeScript checks a new probe each time. *lsp-hover*: a " +
    "hover on a method name (its signature and the types on its edges). *lsp-open*: a fresh server started, " +
    "initialized and the manifest opened, until its first diagnostics; *lsp-open-started*: the same from the " +
    "opening alone, the server started and initialized beforehand (untimed); *cli-check*: `flowc check --no-cache` of the " +
    "same manifest in a fresh process, what a user without the server runs to learn the same.",
  unit: "request",
  contenders: [lspEdit, lspEditTypes, lspHover, lspOpen, lspOpenStarted, cliCheck],
  needsBuild: true,
  cases,
  async setup(spec) {
    const name = String(spec.params?.["example"]);
    let root: string;
    let manifest: string;
    let dispose: (() => Promise<void>) | undefined;
    if (name === `chain-${CHAIN}`) {
      root = writeUserPackage(name, phaseManifest("chain", CHAIN), phaseMethods(CHAIN));
      manifest = join(root, `${name}.flow`);
    } else {
      const outDir = mkdtempSync(join(tmpdir(), "flowc-bench-editor-"));
      root = outDir;
      manifest = join(copyExample(name, outDir), `${name}.flow`);
      dispose = async () => rmSync(outDir, { recursive: true, force: true });
    }
    const text = readFileSync(manifest, "utf8");
    const document = parse(createSourceText(manifest, text)).document;
    const methods = mentionedMethods(document);
    const first = methods[0];
    if (first === undefined) throw new Error(`no method found in ${manifest}`);
    // The edits are chosen by what the compiler makes of them, in one TypeScript project for all.
    const services = createTypeScriptServices();
    const factsOf = factsReader(manifest, services);
    try {
      const { edited, expected } = await planEdit(factsOf, document, text, methods.map((m) => m.name).reverse());
      const typesEdited = await typesEdit(factsOf, document, text);
      return {
        value: {
          name,
          root,
          manifest,
          text,
          expected,
          edited,
          typesEdited,
          hover: { offset: first.offset, method: first.name },
        },
        notes: [`${name}: diagnostics expected on every version: ${expected === "" ? "none" : expected}`],
        dispose,
      };
    } finally {
      services.close();
    }
  },
  check(setup, output) {
    switch (output.kind) {
      case "diagnostics":
        if (output.codes !== setup.expected) {
          throw new Error(`diagnostics '${output.codes}', expected '${setup.expected}'`);
        }
        return;
      case "hover":
        if (!output.markdown.includes(setup.hover.method)) {
          throw new Error(`the hover on '${setup.hover.method}' does not name it: ${output.markdown.slice(0, 200)}`);
        }
        return;
      case "exit":
        if (output.status !== 0)
          throw new Error(`exited with ${String(output.status)}: ${output.output.slice(0, 500)}`);
        return;
    }
  },
  targets(results) {
    const out: TargetResult[] = [];
    const examples = results.filter((result) => result.spec.group !== CHAIN_GROUP);
    const edits = [
      { id: "lsp-edit", what: "a setting edited" },
      { id: "lsp-edit-types", what: "the edges edited" },
    ];
    const chain = findCase(results, CHAIN_GROUP);
    const all = [...examples, ...(chain === undefined ? [] : [chain])];
    for (const result of all) {
      const limit = result === chain ? 500 : 150;
      for (const { id, what } of edits) {
        out.push(
          judge(
            `W8 ${result.spec.group}: diagnostics after an edit (${what}) < ${limit} ms`,
            medianOf(result, id),
            (ms) => ms < limit,
            (ms) => `${ms.toFixed(0)} ms`,
          ),
        );
      }
    }
    const slowestHover = Math.max(...all.map((result) => medianOf(result, "lsp-hover") ?? Number.NaN));
    out.push(
      judge(
        "W8: hover < 50 ms (slowest case's median)",
        slowestHover,
        (ms) => ms < 50,
        (ms) => `${ms.toFixed(1)} ms`,
      ),
    );
    for (const result of all) {
      const ratios = ratiosOf(result, "lsp-open", "cli-check");
      const started = ratiosOf(result, "lsp-open-started", "cli-check");
      out.push(
        judge(
          `W8 ${result.spec.group}: first diagnostics from opening, server started, < a cold \`flowc check\``,
          started?.median,
          (ratio) => ratio < 1,
          () => (started === undefined ? "—" : timesWithSpread(started)),
        ),
      );
      out.push(
        judge(
          `W8 ${result.spec.group}: first diagnostics, server start included, < a cold \`flowc check\``,
          ratios?.median,
          (ratio) => ratio < 1,
          () => (ratios === undefined ? "—" : timesWithSpread(ratios)),
        ),
      );
    }
    return out;
  },
};
