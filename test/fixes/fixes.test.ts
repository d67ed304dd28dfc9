import { afterAll, describe, expect, it } from "vitest";
import { applyAndCheck, closeServices, compileText, errorCodes, offered } from "./fix-support.js";

afterAll(closeServices);

interface Case {
  readonly name: string;
  readonly text: string;
  readonly code: number;
  /** The fix applied, and whether it is the preferred one. */
  readonly title: string;
  readonly preferred: boolean;
  /** The text once it is applied. */
  readonly fixed: string;
}

/**
 * One manifest per fix the compiler offers, each with one mistake (or two of a kind), and
 * the text the fix makes of it. Every fix of every case is also applied in the test below.
 */
const cases: readonly Case[] = [
  {
    name: "a misspelt import without 'as' is changed in the import and wherever it is named",
    text: 'import { extrct } from "./etl.methods";\n\nextrct, load {\n  execution_flow: sequential;\n}\nextrct { retries: 1; }\n',
    code: 2003,
    title: "Change every 'extrct' to 'extract'",
    preferred: true,
    fixed:
      'import { extract } from "./etl.methods";\n\nextract, load {\n  execution_flow: sequential;\n}\nextract { retries: 1; }\n',
  },
  {
    name: "a misspelt import with 'as' is changed in the import alone",
    text: 'import { transfrom as clean } from "./etl.methods";\n\nextract, clean { execution_flow: sequential; }\n',
    code: 2003,
    title: "Change to 'transform'",
    preferred: true,
    fixed: 'import { transform as clean } from "./etl.methods";\n\nextract, clean { execution_flow: sequential; }\n',
  },
  {
    name: "a misspelt name of the default module is changed at every mention, a fallback's too",
    text: "extract, transfrom, load { execution_flow: sequential; }\nload { fallback: transfrom; }\n",
    code: 2003,
    title: "Change every 'transfrom' to 'transform'",
    preferred: true,
    fixed: "extract, transform, load { execution_flow: sequential; }\nload { fallback: transform; }\n",
  },
  {
    name: "a name close to an import is changed to the import's local name",
    text: 'import { fetchRows } from "./sources";\n\nfetchRow, load { execution_flow: sequential; }\n',
    code: 2012,
    title: "Change to 'fetchRows'",
    preferred: true,
    fixed: 'import { fetchRows } from "./sources";\n\nfetchRows, load { execution_flow: sequential; }\n',
  },
  {
    name: "a misspelt property is changed to the one meant",
    text: "extract, load { execution_flw: sequential; }\n",
    code: 2006,
    title: "Change to 'execution_flow'",
    preferred: true,
    fixed: "extract, load { execution_flow: sequential; }\n",
  },
  {
    name: "a property that may mean several gets one fix each, none preferred",
    text: "extract, count, merge { execution_flow: sequential; }\ncount < execution_flow: parallel; workers: 2; >\n",
    code: 2006,
    title: "Change to 'min_worker_count'",
    preferred: false,
    fixed:
      "extract, count, merge { execution_flow: sequential; }\ncount < execution_flow: parallel; min_worker_count: 2; >\n",
  },
  {
    name: "a misspelt execution flow is changed to the one meant",
    text: "extract, count, merge { execution_flow: sequential; }\ncount { execution_flow: paralel; min_worker_count: 2; }\n",
    code: 2007,
    title: "Change to 'parallel'",
    preferred: true,
    fixed:
      "extract, count, merge { execution_flow: sequential; }\ncount { execution_flow: parallel; min_worker_count: 2; }\n",
  },
  {
    name: "a value in quotes loses them",
    text: 'extract, load { execution_flow: "sequential"; }\n',
    code: 2007,
    title: "Change to 'sequential'",
    preferred: true,
    fixed: "extract, load { execution_flow: sequential; }\n",
  },
  {
    name: "a misspelt on_error and cache are changed to the words meant",
    text: "extract, load { execution_flow: sequential; }\nload { on_error: skp; cache: flase; }\n",
    code: 2007,
    title: "Change to 'skip'",
    preferred: true,
    fixed: "extract, load { execution_flow: sequential; }\nload { on_error: skip; cache: flase; }\n",
  },
  {
    name: "a misspelt backend is changed to the backend meant",
    text: "backend bulmq;\n\nextract, load { execution_flow: sequential; }\n",
    code: 2007,
    title: "Change to 'bullmq'",
    preferred: true,
    fixed: "backend bullmq;\n\nextract, load { execution_flow: sequential; }\n",
  },
  {
    name: "a backend in quotes loses them",
    text: 'backend "threads";\n\nextract, load { execution_flow: sequential; }\n',
    code: 2007,
    title: "Change to 'threads'",
    preferred: true,
    fixed: "backend threads;\n\nextract, load { execution_flow: sequential; }\n",
  },
  {
    name: "a misspelt '@input' is changed to it",
    text: "@inptu, extract, load { execution_flow: sequential; }\n",
    code: 2022,
    title: "Change to '@input'",
    preferred: true,
    fixed: "@input, extract, load { execution_flow: sequential; }\n",
  },
  {
    name: "an unused import alone in its declaration goes with its line and the blank line after it",
    text: 'import { cleanup } from "./sources";\n\nextract, load { execution_flow: sequential; }\n',
    code: 2010,
    title: "Remove unused import 'cleanup'",
    preferred: true,
    fixed: "extract, load { execution_flow: sequential; }\n",
  },
  {
    name: "an unused import beside others goes with its comma",
    text: 'import { fetchRows, cleanup } from "./sources";\nimport { audit } from "./etl.methods";\n\nfetchRows, load { execution_flow: sequential; }\n',
    code: 2010,
    title: "Remove unused import 'audit'",
    preferred: true,
    fixed: 'import { fetchRows, cleanup } from "./sources";\n\nfetchRows, load { execution_flow: sequential; }\n',
  },
  {
    name: "an unused import on a line of its own goes with its line",
    text: 'import {\n  fetchRows,\n  cleanup,\n} from "./sources";\n\nfetchRows, load { execution_flow: sequential; }\n',
    code: 2010,
    title: "Remove unused import 'cleanup'",
    preferred: true,
    fixed: 'import {\n  fetchRows,\n} from "./sources";\n\nfetchRows, load { execution_flow: sequential; }\n',
  },
  {
    name: "a name listed twice in a row is taken out",
    text: "extract, extract, load { execution_flow: sequential; }\n",
    code: 2004,
    title: "Remove the second 'extract'",
    preferred: true,
    fixed: "extract, load { execution_flow: sequential; }\n",
  },
  {
    name: "a name listed again further down a sequential group is taken out, but not as the one obvious fix",
    text: "extract, transform, extract { execution_flow: sequential; }\n",
    code: 2004,
    title: "Remove the second 'extract'",
    preferred: false,
    fixed: "extract, transform { execution_flow: sequential; }\n",
  },
  {
    name: "an import repeated word for word is taken out",
    text: 'import { extract } from "./etl.methods";\nimport { extract } from "./etl.methods";\n\nextract, load { execution_flow: sequential; }\n',
    code: 2005,
    title: "Remove the second import of 'extract'",
    preferred: true,
    fixed: 'import { extract } from "./etl.methods";\n\nextract, load { execution_flow: sequential; }\n',
  },
  {
    name: "a second import of a name from elsewhere may be taken out",
    text: 'import { extract, audit } from "./etl.methods";\nimport { fetchRows as extract } from "./sources";\n\nextract, audit { execution_flow: sequential; }\n',
    code: 2005,
    title: "Remove the second import of 'extract'",
    preferred: false,
    fixed: 'import { extract, audit } from "./etl.methods";\n\nextract, audit { execution_flow: sequential; }\n',
  },
  {
    name: "a property set twice on one line loses the second",
    text: "extract, load { execution_flow: sequential; }\nload { retries: 2; retries: 3; }\n",
    code: 2008,
    title: "Remove the second 'retries'",
    preferred: false,
    fixed: "extract, load { execution_flow: sequential; }\nload { retries: 2; }\n",
  },
  {
    name: "a property set twice alike on lines of their own loses the second line",
    text: "extract, load { execution_flow: sequential; }\nload {\n  timeout: 5s;\n  timeout: 5s;\n}\n",
    code: 2008,
    title: "Remove the second 'timeout'",
    preferred: true,
    fixed: "extract, load { execution_flow: sequential; }\nload {\n  timeout: 5s;\n}\n",
  },
  {
    name: "a second backend statement may be taken out",
    text: "backend inline;\nbackend threads;\n\nextract, load { execution_flow: sequential; }\n",
    code: 2013,
    title: "Remove this backend statement",
    preferred: false,
    fixed: "backend inline;\n\nextract, load { execution_flow: sequential; }\n",
  },
  {
    name: "a backend statement without ';' gets one",
    text: "backend inline\nextract, load { execution_flow: sequential; }\n",
    code: 1014,
    title: "Add ';'",
    preferred: true,
    fixed: "backend inline;\nextract, load { execution_flow: sequential; }\n",
  },
  {
    name: "an import below the groups moves above them",
    text: 'extract, fetchRows { execution_flow: sequential; }\nimport { fetchRows } from "./sources"\n',
    code: 1008,
    title: "Move the import above the groups",
    preferred: true,
    fixed: 'import { fetchRows } from "./sources";\nextract, fetchRows { execution_flow: sequential; }\n',
  },
  {
    name: "a backend statement inside the outer braces moves after the imports",
    text: 'import { fetchRows } from "./sources";\n\n{\n  fetchRows, load { execution_flow: sequential; }\n  backend threads;\n}\n',
    code: 1010,
    title: "Move the backend statement above the groups",
    preferred: true,
    fixed:
      'import { fetchRows } from "./sources";\nbackend threads;\n\n{\n  fetchRows, load { execution_flow: sequential; }\n}\n',
  },
  {
    name: "a shard size on a method that is not parallel: the group is made parallel",
    text: "extract, inspect { execution_flow: sequential; }\ninspect {\n  shard_size: 64;\n  min_worker_count: 2;\n}\n",
    code: 3004,
    title: "Add 'execution_flow: parallel;'",
    preferred: false,
    fixed:
      "extract, inspect { execution_flow: sequential; }\ninspect {\n  execution_flow: parallel;\n  shard_size: 64;\n  min_worker_count: 2;\n}\n",
  },
  {
    name: "a shard size on a method that is not parallel: or the setting goes",
    text: "extract, inspect { execution_flow: sequential; }\ninspect { retries: 1; shard_size: 64; }\n",
    code: 3004,
    title: "Remove 'shard_size'",
    preferred: false,
    fixed: "extract, inspect { execution_flow: sequential; }\ninspect { retries: 1; }\n",
  },
  {
    name: "a parallel method without a minimum is given 'min_worker_count: 1'",
    text: "extract, count, merge { execution_flow: sequential; }\ncount <\n  execution_flow: parallel;\n  retries: 2;\n>\n",
    code: 3014,
    title: "Add 'min_worker_count: 1;'",
    preferred: true,
    fixed:
      "extract, count, merge { execution_flow: sequential; }\ncount <\n  execution_flow: parallel;\n  min_worker_count: 1;\n  retries: 2;\n>\n",
  },
  {
    name: "'settle' on a method that is not parallel becomes 'skip', as the message says",
    text: "extract, load { execution_flow: sequential; }\nload { on_error: settle; }\n",
    code: 3019,
    title: "Change to 'skip'",
    preferred: true,
    fixed: "extract, load { execution_flow: sequential; }\nload { on_error: skip; }\n",
  },
];

describe("the fixes of the compiler's diagnostics", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const before = await compileText(c.text);
      const diagnostic = before.diagnostics.find((d) => d.code === c.code && d.fixes?.some((f) => f.title === c.title));
      expect(diagnostic, offered(before.diagnostics).join("\n")).toBeDefined();
      const fix = diagnostic!.fixes!.find((f) => f.title === c.title)!;
      expect(fix.preferred === true).toBe(c.preferred);
      const { text, after } = await applyAndCheck(c.text, before, diagnostic!, fix);
      expect(text).toBe(c.fixed);
      // The error fixed is gone (with others of its kind that the same edits fix), and no other came.
      const remaining = errorCodes(before.diagnostics);
      if (diagnostic!.severity === "error") remaining.splice(remaining.indexOf(c.code), 1);
      const left = errorCodes(after.diagnostics);
      expect(left.filter((code) => code !== c.code)).toEqual(remaining.filter((code) => code !== c.code));
      expect(left.filter((code) => code === c.code).length).toBeLessThanOrEqual(
        remaining.filter((code) => code === c.code).length,
      );
    });
  }

  it("every fix of every case removes its diagnostic and brings no error of its own", async () => {
    let applied = 0;
    for (const c of cases) {
      const before = await compileText(c.text);
      const errorsBefore = new Set(errorCodes(before.diagnostics));
      for (const diagnostic of before.diagnostics) {
        for (const fix of diagnostic.fixes ?? []) {
          const { text, after } = await applyAndCheck(c.text, before, diagnostic, fix);
          const fresh = errorCodes(after.diagnostics).filter((code) => !errorsBefore.has(code));
          expect(fresh, `FLOW${diagnostic.code} "${fix.title}" gave:\n${text}`).toEqual([]);
          applied++;
        }
      }
    }
    expect(applied).toBeGreaterThan(cases.length);
  });

  it("offers no fix where none is certain: no suggestion, or a rename that would list a name twice", async () => {
    const result = await compileText(
      "extract, zzzzzz { execution_flow: sequential; }\nextract, transfrom, transform { execution_flow: sequential; }\nload { colour: red; }\n",
    );
    expect(result.diagnostics.map((d) => `${d.code} ${d.fixes?.length ?? 0}`)).toEqual(["2003 0", "2003 0", "2006 0"]);
  });
});
