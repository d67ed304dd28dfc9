import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { IGrammar } from "vscode-textmate";
import { backendNames } from "../../src/bind/read-backend.js";
import { booleanValues, executionFlows, knownProperties, onErrorValues } from "../../src/bind/read-properties.js";
import { durationUnits } from "../../src/duration.js";
import { root } from "../cli/helpers.js";
import { coloured, grammarPath, innermost, loadGrammar, tokenizeText } from "./textmate-grammar.js";

/**
 * The TextMate grammar of `.flow` (grammar/flow.tmLanguage.json), run by vscode-textmate:
 * the scopes of every kind of token, the examples coloured completely, text being typed
 * that leaves the rest of the file as it was, and the grammar's words the compiler's own.
 */
let grammar: IGrammar;
beforeAll(async () => {
  grammar = await loadGrammar();
});

const colour = (text: string) => coloured(tokenizeText(grammar, text));

const examples = readdirSync(path.join(root, "examples"), { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".flow"))
  .map((file) => path.join("examples", file))
  .sort();

describe("scopes", () => {
  it("of an import: keywords, imported names, aliases, the module's path", () => {
    expect(colour(`import { extract, transform as clean } from "./etl.methods";`)).toEqual([
      ["import", "keyword.control.import.flowc"],
      ["{", "punctuation.definition.block.begin.flowc"],
      ["extract", "entity.name.function.flowc"],
      [",", "punctuation.separator.comma.flowc"],
      ["transform", "entity.name.function.flowc"],
      ["as", "keyword.control.import.flowc"],
      ["clean", "entity.name.function.alias.flowc"],
      ["}", "punctuation.definition.block.end.flowc"],
      ["from", "keyword.control.import.flowc"],
      ['"', "punctuation.definition.string.begin.flowc"],
      ["./etl.methods", "string.quoted.double.flowc"],
      ['"', "punctuation.definition.string.end.flowc"],
      [";", "punctuation.terminator.flowc"],
    ]);
    const tokens = tokenizeText(grammar, `import {\n  a,\n  b as c,\n} from './m'`);
    expect(tokens.filter((t) => t.text.trim() !== "").every((t) => t.scopes.includes("meta.import.flowc"))).toBe(true);
    expect(colour(`import {\n  a,\n  b as c,\n} from './m'`)).toContainEqual(["./m", "string.quoted.single.flowc"]);
  });

  it("of `from`, `as` and `backend` where they are names", () => {
    expect(colour(`import { from, as as backend } from "./m";`).slice(2, 8)).toEqual([
      ["from", "entity.name.function.flowc"],
      [",", "punctuation.separator.comma.flowc"],
      ["as", "entity.name.function.flowc"],
      ["as", "keyword.control.import.flowc"],
      ["backend", "entity.name.function.alias.flowc"],
      ["}", "punctuation.definition.block.end.flowc"],
    ]);
    expect(colour("from, as, backend, importer { retries: 1; }").slice(0, 7)).toEqual([
      ["from", "entity.name.function.flowc"],
      [",", "punctuation.separator.comma.flowc"],
      ["as", "entity.name.function.flowc"],
      [",", "punctuation.separator.comma.flowc"],
      ["backend", "entity.name.function.flowc"],
      [",", "punctuation.separator.comma.flowc"],
      ["importer", "entity.name.function.flowc"],
    ]);
    expect(colour("backend store {\n  retries: 1;\n}")[0]).toEqual(["backend", "entity.name.function.flowc"]);
  });

  it("of the backend statement, its value known or not", () => {
    expect(colour("backend bullmq;")).toEqual([
      ["backend", "keyword.control.import.flowc"],
      ["bullmq", "constant.language.flowc"],
      [";", "punctuation.terminator.flowc"],
    ]);
    expect(colour("backend bulmq;")[1]).toEqual(["bulmq", "variable.other.flowc"]);
    expect(colour(`backend "threads";`).slice(0, 3)).toEqual([
      ["backend", "keyword.control.import.flowc"],
      ['"', "punctuation.definition.string.begin.flowc"],
      ["threads", "string.quoted.double.flowc"],
    ]);
    expect(tokenizeText(grammar, "backend inline;").every((t) => t.scopes.includes("meta.backend.flowc"))).toBe(true);
  });

  it("of a group: method names, `@input`, a block of known and unknown properties", () => {
    expect(colour("@input, extract, load_v2 { execution_flow: sequential; retires: 3; }")).toEqual([
      ["@input", "variable.language.flowc"],
      [",", "punctuation.separator.comma.flowc"],
      ["extract", "entity.name.function.flowc"],
      [",", "punctuation.separator.comma.flowc"],
      ["load_v2", "entity.name.function.flowc"],
      ["{", "punctuation.definition.block.begin.flowc"],
      ["execution_flow", "support.type.property-name.flowc"],
      [":", "punctuation.separator.key-value.flowc"],
      ["sequential", "constant.language.flowc"],
      [";", "punctuation.terminator.flowc"],
      ["retires", "variable.other.property.flowc"],
      [":", "punctuation.separator.key-value.flowc"],
      ["3", "constant.numeric.flowc"],
      [";", "punctuation.terminator.flowc"],
      ["}", "punctuation.definition.block.end.flowc"],
    ]);
    const tokens = tokenizeText(grammar, "a, b { cache: false; }");
    expect(tokens.every((t) => t.scopes.includes("meta.group.flowc"))).toBe(true);
    expect(tokens.filter((t) => /[{:;}]|cache|false/.test(t.text)).map((t) => t.scopes.at(-2))).toEqual(
      Array(6).fill("meta.block.flowc"),
    );
  });

  it("of an angle block over several lines", () => {
    expect(colour("count <\n  execution_flow: parallel;\n  min_worker_count: 4;\n>")).toEqual([
      ["count", "entity.name.function.flowc"],
      ["<", "punctuation.definition.block.begin.angle.flowc"],
      ["execution_flow", "support.type.property-name.flowc"],
      [":", "punctuation.separator.key-value.flowc"],
      ["parallel", "constant.language.flowc"],
      [";", "punctuation.terminator.flowc"],
      ["min_worker_count", "support.type.property-name.flowc"],
      [":", "punctuation.separator.key-value.flowc"],
      ["4", "constant.numeric.flowc"],
      [";", "punctuation.terminator.flowc"],
      [">", "punctuation.definition.block.end.angle.flowc"],
    ]);
  });

  it("of values: words, methods, numbers, durations and percentages with their units", () => {
    const values = (block: string) => colour(`a { ${block} }`).filter(([, scope]) => !scope.startsWith("punctuation"));
    expect(values("on_error: settle; cache: true; run_if: isReady; fallback: @input; branch_on: status;")).toEqual([
      ["a", "entity.name.function.flowc"],
      ["on_error", "support.type.property-name.flowc"],
      ["settle", "constant.language.flowc"],
      ["cache", "support.type.property-name.flowc"],
      ["true", "constant.language.flowc"],
      ["run_if", "support.type.property-name.flowc"],
      ["isReady", "entity.name.function.flowc"],
      ["fallback", "support.type.property-name.flowc"],
      ["@input", "variable.language.flowc"],
      ["branch_on", "support.type.property-name.flowc"],
      ["status", "variable.other.flowc"],
    ]);
    expect(values("timeout: 250ms; retries: -1; x: 2.5; max_failures: 10%; y: 1h; z: 3parsecs;").slice(1)).toEqual([
      ["timeout", "support.type.property-name.flowc"],
      ["250", "constant.numeric.flowc"],
      ["ms", "keyword.other.unit.flowc"],
      ["retries", "support.type.property-name.flowc"],
      ["-1", "constant.numeric.flowc"],
      ["x", "variable.other.property.flowc"],
      ["2.5", "constant.numeric.flowc"],
      ["max_failures", "support.type.property-name.flowc"],
      ["10", "constant.numeric.flowc"],
      ["%", "keyword.other.unit.flowc"],
      ["y", "variable.other.property.flowc"],
      ["1", "constant.numeric.flowc"],
      ["h", "keyword.other.unit.flowc"],
      ["z", "variable.other.property.flowc"],
      ["3", "constant.numeric.flowc"],
      ["parsecs", "keyword.other.unit.unknown.flowc"],
    ]);
  });

  it("of strings, their escapes and the escapes JavaScript refuses", () => {
    expect(colour(String.raw`a { branch_on: "k\"i\nd\u{1F600}\x41\1\u{110000}"; }`).slice(4, -2)).toEqual([
      ['"', "punctuation.definition.string.begin.flowc"],
      ["k", "string.quoted.double.flowc"],
      ['\\"', "constant.character.escape.flowc"],
      ["i", "string.quoted.double.flowc"],
      ["\\n", "constant.character.escape.flowc"],
      ["d", "string.quoted.double.flowc"],
      ["\\u{1F600}", "constant.character.escape.flowc"],
      ["\\x41", "constant.character.escape.flowc"],
      ["\\1", "invalid.illegal.escape.flowc"],
      ["\\u{110000}", "invalid.illegal.escape.flowc"],
      ['"', "punctuation.definition.string.end.flowc"],
    ]);
    expect(colour(String.raw`a { x: 'it\'s'; }`).slice(4, 9)).toEqual([
      ["'", "punctuation.definition.string.begin.flowc"],
      ["it", "string.quoted.single.flowc"],
      ["\\'", "constant.character.escape.flowc"],
      ["s", "string.quoted.single.flowc"],
      ["'", "punctuation.definition.string.end.flowc"],
    ]);
    // A backslash before the line end continues the string on the next line, as in JavaScript.
    expect(colour('a { x: "one\\\ntwo"; }').slice(5, 9)).toEqual([
      ["one", "string.quoted.double.flowc"],
      ["\\", "constant.character.escape.flowc"],
      ["two", "string.quoted.double.flowc"],
      ['"', "punctuation.definition.string.end.flowc"],
    ]);
  });

  it("of line and block comments, a block comment over several lines, between any two tokens", () => {
    expect(colour("// a line { not a block\n/* a\n   block */ a /* x */ { } // end")).toEqual([
      ["//", "punctuation.definition.comment.flowc"],
      [" a line { not a block", "comment.line.double-slash.flowc"],
      ["/*", "punctuation.definition.comment.begin.flowc"],
      [" a", "comment.block.flowc"],
      ["   block ", "comment.block.flowc"],
      ["*/", "punctuation.definition.comment.end.flowc"],
      ["a", "entity.name.function.flowc"],
      ["/*", "punctuation.definition.comment.begin.flowc"],
      [" x ", "comment.block.flowc"],
      ["*/", "punctuation.definition.comment.end.flowc"],
      ["{", "punctuation.definition.block.begin.flowc"],
      ["}", "punctuation.definition.block.end.flowc"],
      ["//", "punctuation.definition.comment.flowc"],
      [" end", "comment.line.double-slash.flowc"],
    ]);
  });

  it("of the outer braces around the groups", () => {
    const tokens = tokenizeText(grammar, "{\n  a { retries: 1; }\n}");
    expect(coloured(tokens).at(0)).toEqual(["{", "punctuation.section.braces.begin.flowc"]);
    expect(coloured(tokens).at(-1)).toEqual(["}", "punctuation.section.braces.end.flowc"]);
    expect(tokens.filter((t) => t.text.trim() !== "").every((t) => t.scopes[1] === "meta.groups.flowc")).toBe(true);
  });

  it("of what the lexer refuses: a stray character, a stray closer", () => {
    expect(colour("a { } # }")).toEqual([
      ["a", "entity.name.function.flowc"],
      ["{", "punctuation.definition.block.begin.flowc"],
      ["}", "punctuation.definition.block.end.flowc"],
      ["#", "invalid.illegal.character.flowc"],
      ["}", "invalid.illegal.stray.flowc"],
    ]);
  });
});

describe("the examples", () => {
  it.each(examples)("%s: every character but whitespace has a scope of its own", (file) => {
    const tokens = tokenizeText(grammar, readFileSync(path.join(root, file), "utf8"));
    const bare = tokens.filter(
      (t) => t.text.trim() !== "" && (innermost(t) === "source.flowc" || innermost(t).startsWith("meta.")),
    );
    expect(bare).toEqual([]);
    expect(tokens.filter((t) => t.scopes.some((scope) => scope.startsWith("invalid")))).toEqual([]);
  });

  it("are all found", () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });
});

describe("text being typed", () => {
  const rest = "load, save { retries: 3; timeout: 30s; }\ncount <\n  execution_flow: parallel;\n>\n";
  const unfinished = [
    "extract, transform {",
    "extract { retries: 3;",
    "extract <  execution_flow: parallel;",
    "extract { execution_flow:",
    "extract { execution_flow: sequential",
    'extract { branch_on: "status',
    "extract { branch_on: 'status",
    "extract { run_if:",
    "extract,",
    "extract { retries: 3; } }",
    "extract < > >",
    "{",
    "import",
    "import { a, b",
    "import { a as",
    'import { a } from "./etl',
    "import { a } from",
    "backend",
    'backend "bull',
    "@inp",
    "# ;:,",
  ];
  it.each(unfinished)("%j leaves the lines after it coloured as they were", (line) => {
    const alone = colour(rest);
    expect(colour(`${line}\n${rest}`).slice(-alone.length)).toEqual(alone);
  });

  it("an unclosed block comment runs to the end of the file, as the lexer reads it", () => {
    const tokens = tokenizeText(grammar, `/* no end\n${rest}`);
    expect(tokens.every((t) => t.scopes.includes("comment.block.flowc"))).toBe(true);
  });
});

describe("the grammar's words", () => {
  const raw = readFileSync(grammarPath, "utf8");
  const repository = (JSON.parse(raw) as { repository: Record<string, Record<string, unknown>> }).repository;

  /** Every alternation of plain words, `(?:a|b|c)` or `(a|b|c)`, in the regular expressions of one rule. */
  function wordLists(rule: string): string[][] {
    const entry = repository[rule];
    if (entry === undefined) throw new Error(`no rule ${rule}`);
    const regexes = [entry.match, entry.begin, entry.end].filter((r): r is string => typeof r === "string");
    return regexes.flatMap((regex) =>
      [...regex.matchAll(/\((?:\?:)?([a-z_]+(?:\|[a-z_]+)+)\)/g)].map((m) => m[1]!.split("|").sort()),
    );
  }
  const sorted = (words: readonly string[]) => [...words].sort();
  const units = sorted(durationUnits);

  it("are the compiler's properties", () => {
    expect(wordLists("property-key")).toEqual([sorted(knownProperties)]);
    for (const key of wordLists("method-property").flat()) expect(knownProperties).toContain(key);
  });

  it("are the compiler's values and duration units", () => {
    expect(wordLists("property-value")).toEqual([
      sorted([...executionFlows, ...onErrorValues, ...booleanValues]),
      units,
    ]);
    expect(wordLists("number")).toEqual([units]);
  });

  it("are the compiler's backends", () => {
    expect(wordLists("backend")).toEqual([sorted(backendNames), units]);
  });

  it("scope every known property and value as known", () => {
    for (const key of knownProperties)
      expect(colour(`a { ${key}: 1; }`)[2]).toEqual([key, "support.type.property-name.flowc"]);
    for (const value of [...executionFlows, ...onErrorValues, ...booleanValues]) {
      expect(colour(`a { x: ${value}; }`)[4]).toEqual([value, "constant.language.flowc"]);
    }
    for (const value of backendNames)
      expect(colour(`backend ${value};`)[1]).toEqual([value, "constant.language.flowc"]);
    for (const unit of durationUnits)
      expect(colour(`a { timeout: 5${unit}; }`)[5]).toEqual([unit, "keyword.other.unit.flowc"]);
  });
});

describe("the package", () => {
  it("ships the grammar", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { files: string[] };
    const relative = path.relative(root, grammarPath);
    expect(pkg.files.some((entry) => relative === entry || relative.startsWith(`${entry}/`))).toBe(true);
  });
});
