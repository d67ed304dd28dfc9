import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSourceText } from "../../grammar/source.js";
import { compile } from "../../src/compile.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import type { Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { buildPlan } from "../../src/plan/build-plan.js";
import type { ModuleHost } from "../../src/resolve/types.js";
import { createTypeScriptHost } from "../../src/typecheck/ts6/module-host.js";
import { typeScript6Project } from "../../src/typecheck/ts6/engine.js";
import { createProject } from "../../src/typecheck/ts6/project.js";
import { typeCheck } from "../../src/typecheck/type-check.js";
import { runCheck } from "../check/pipeline.js";
import { analyseManifest } from "../typecheck/pipeline.js";
import { createTempDir, type TempDir } from "../typecheck/temp-project.js";
import { referenceEntries, type ReferenceEntry } from "./reference-text.js";

/**
 * Every example of the Diagnostics section of grammar/REFERENCE.md, compiled: it must
 * report exactly the documented messages under its code. The examples are `etl.flow`.
 * FLOW4xxx examples come with their methods module and are type-checked for real; the
 * others are checked against a host where `./etl.methods` and `./sources` export every
 * name the example uses, except `extrct` (misspelt) and `CONFIG` (not a function), and
 * no other module exists.
 */
const entries = referenceEntries();

/** `--workers N` when the entry says it was checked with it. */
function workersOf(entry: ReferenceEntry): number | undefined {
  const match = /Checked with `--workers (\d+)`/.exec(entry.text);
  return match === null ? undefined : Number(match[1]);
}

function referenceHost(manifest: string, code: number): ModuleHost {
  const names = new Set([...(manifest.match(/[A-Za-z_$][\w$]*/g) ?? []), "extract"]);
  // The example of FLOW2021 is about a module that also exports `then`.
  if (code === 2021) names.add("then");
  names.delete("extrct");
  const exports = new Map([...names].map((name) => [name, { isFunction: name !== "CONFIG" }]));
  return {
    resolveModule(specifier) {
      if (specifier !== "./etl.methods" && specifier !== "./sources") return undefined;
      return { path: `/reference/${specifier.slice(2)}.ts`, exports };
    },
  };
}

/** The manifest's file name: `etl.flow`, unless the entry says it was checked as another. */
function manifestPathOf(entry: ReferenceEntry): string {
  return /Checked as `([^`]+\.flow)`/.exec(entry.text)?.[1] ?? "etl.flow";
}

/** The limit of diagnostics per file, when the entry shows it with a smaller one than the compiler's. */
function limitOf(entry: ReferenceEntry): number | undefined {
  const match = /the limit set to (\d+)/.exec(entry.text);
  return match === null ? undefined : Number(match[1]);
}

const manifestOf = (entry: ReferenceEntry): string => entry.blocks[0]?.body ?? "";

/** The last block: one message per line. */
const documentedMessages = (entry: ReferenceEntry): string[] =>
  (entry.blocks.at(-1)?.body ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

const withCode = (diagnostics: readonly Diagnostic[], code: number): string[] =>
  diagnostics.filter((d) => d.code === code).map((d) => d.message);

describe("the examples of grammar/REFERENCE.md", () => {
  it("show a manifest and a message for every code", () => {
    expect(entries.length).toBeGreaterThan(30);
    for (const entry of entries) expect(entry.blocks.length, `FLOW${entry.code}`).toBeGreaterThanOrEqual(2);
  });

  for (const entry of entries.filter((e) => e.code < 4000)) {
    it(`FLOW${entry.code} — ${entry.title}`, () => {
      const manifest = manifestOf(entry);
      const result = runCheck(manifest, {
        path: manifestPathOf(entry),
        host: referenceHost(manifest, entry.code),
        check: { workers: workersOf(entry) },
        limit: limitOf(entry),
      });
      // FLOW1012 counts warnings, which only the phases after the parser report.
      const syntax = entry.code < 2000 && entry.code !== Messages.MoreWarningsNotShown.code;
      const diagnostics = syntax ? result.syntax : result.diagnostics;
      expect(withCode(diagnostics, entry.code)).toEqual(documentedMessages(entry));
    });
  }

  describe("with TypeScript", () => {
    let dir: TempDir;
    beforeAll(() => {
      dir = createTempDir("flowc-reference-");
      dir.write("package.json", JSON.stringify({ type: "module" }));
      dir.write(
        "tsconfig.json",
        JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext", lib: ["ES2023"], types: [] } }),
      );
    });
    afterAll(() => dir.remove());

    /** Messages that name files of the example's project, as the reference shows them: from its folder. */
    const relativeTo = (folder: string, messages: string[]): string[] =>
      messages.map((message) =>
        message.replaceAll(`${path.join(dir.root, folder)}/`, "").replaceAll(`${dir.root}/`, ""),
      );

    for (const entry of entries.filter((e) => e.code >= 4000)) {
      it(`FLOW${entry.code} — ${entry.title}`, async () => {
        const folder = `flow${entry.code}`;
        const block = (lang: string) => entry.blocks.find((b) => b.lang === lang)?.body;
        dir.write(`${folder}/etl.methods.ts`, block("ts") ?? "export const parse = (text: string): string => text;\n");
        // A JavaScript module is the one the manifest imports; a tsconfig block is the project's own.
        if (block("js") !== undefined) dir.write(`${folder}/legacy.js`, block("js") ?? "");
        const tsconfig = block("json") === undefined ? "tsconfig.json" : `${folder}/tsconfig.json`;
        if (block("json") !== undefined) dir.write(tsconfig, block("json") ?? "");
        const manifest = dir.write(`${folder}/etl.flow`, manifestOf(entry));
        const project = createProject(path.join(dir.root, tsconfig));
        const host = createTypeScriptHost(project);
        if (entry.code === 4014) {
          // Only a build knows where the runner goes: here, a folder whose package.json has no "type".
          dir.write(`${folder}/package.json`, "{}");
          const outFile = path.join(dir.root, folder, "etl.flow.ts");
          const engineProject = typeScript6Project(project, host);
          const services = { version: 6 as const, forManifest: async () => engineProject, close: () => {} };
          const result = await compile(createSourceText(manifest, manifestOf(entry)), { outFile }, services);
          expect(relativeTo(folder, withCode(result.diagnostics, entry.code))).toEqual(documentedMessages(entry));
          return;
        }
        if (entry.code === 4006) {
          // The resolver refuses this export first (FLOW2009); past it, the type-check says what TypeScript sees.
          const { analysis, diagnostics } = runCheck(manifestOf(entry), { path: manifest, host });
          expect(diagnostics.map((d) => d.code)).toEqual([2009]);
          const plan = buildPlan("etl", analysis.graph, analysis.settings, analysis.resolution);
          const typed = typeCheck({ ...analysis, plan }, typeScript6Project(project));
          expect(withCode(typed.diagnostics, entry.code)).toEqual(documentedMessages(entry));
          return;
        }
        const analysis = analyseManifest(manifest, host);
        const backend = entry.code === 4008 || entry.code === 4009 ? "bullmq" : analysis.backend;
        const typed = typeCheck(analysis, typeScript6Project(project), { backend });
        expect(relativeTo(folder, withCode(typed.diagnostics, entry.code))).toEqual(documentedMessages(entry));
      });
    }
  });
});
