import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempDir, type TempDir } from "../typecheck/temp-project.js";
import { flowc } from "./helpers.js";

/**
 * What `flowc check` accepts runs as checked, and what would fail at run time is
 * refused where it is: each case goes through the real CLI, on a project of its own.
 */
let dir: TempDir;

beforeAll(() => {
  dir = createTempDir("flowc-soundness-");
  dir.write("package.json", JSON.stringify({ type: "module" }));
});
afterAll(() => dir.remove());

/** A manifest and its methods module in a folder of their own; returns the manifest's path. */
function project(name: string, manifest: string, methods: string): string {
  dir.write(`${name}/${name}.methods.ts`, methods);
  return dir.write(`${name}/${name}.flow`, manifest);
}

const run = (manifest: string, input: unknown) =>
  flowc(["run", manifest, "--quiet", "--input", JSON.stringify(input)], { cwd: dir.root });

describe("generic and overloaded methods", () => {
  it("types a generic method by what it receives, and runs it", () => {
    const manifest = project(
      "generic",
      "lines, first, shout { execution_flow: sequential; }\n",
      [
        'export const lines = (text: string): string[] => text.split(" ");',
        "export function first<T>(items: readonly T[]): T { return items[0]!; }",
        "export const shout = (word: string): string => word.toUpperCase();",
      ].join("\n"),
    );
    expect(flowc(["check", manifest], { cwd: dir.root }).status).toBe(0);
    const result = run(manifest, "hello world");
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toBe("HELLO");
  });

  it("hands on what the overload a call picks returns, and lists the overloads when none fits", () => {
    const methods = [
      "export const read = (text: string): string => text;",
      "export const flag = (text: string): boolean => text.length > 0;",
      "export function measure(text: string): number;",
      "export function measure(texts: readonly string[]): number[];",
      "export function measure(value: string | readonly string[]): number | number[] {",
      '  return typeof value === "string" ? value.length : value.map((text) => text.length);',
      "}",
      "export const double = (n: number): number => n * 2;",
    ].join("\n");
    const manifest = project("overloads", "read, measure, double { execution_flow: sequential; }\n", methods);
    expect(flowc(["check", manifest], { cwd: dir.root }).status).toBe(0);
    expect(JSON.parse(run(manifest, "four").stdout)).toBe(8);

    dir.write("overloads/wrong.methods.ts", methods);
    const wrong = dir.write("overloads/wrong.flow", "flag, measure { execution_flow: sequential; }\n");
    // TypeScript 6 explains why each overload refuses the value; 7 explains only the last one.
    const result = flowc(["check", wrong, "--typescript", "6"], { cwd: dir.root });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "wrong.flow:1:7 - error FLOW4015: No overload of 'measure' accepts what 'flag' sends ('boolean'): " +
        "'(text: string): number' — Argument of type 'boolean' is not assignable to parameter of type 'string'; " +
        "'(texts: readonly string[]): number[]' — Argument of type 'boolean' is not assignable to parameter of type 'readonly string[]'.",
    );
    const native = flowc(["check", wrong], { cwd: dir.root });
    expect(native.status).toBe(1);
    expect(native.stderr).toContain(
      "wrong.flow:1:7 - error FLOW4015: No overload of 'measure' accepts what 'flag' sends ('boolean'): " +
        "the last overload — Argument of type 'boolean' is not assignable to parameter of type 'readonly string[]'.",
    );
  });
});

describe("methods the runtime cannot call as planned", () => {
  it("refuses a method that needs `this`, at its name", () => {
    const manifest = project(
      "self",
      "names, greet { execution_flow: sequential; }\n",
      [
        "interface Greeter { readonly greeting: string }",
        'export const names = (): string[] => ["Ada"];',
        "export function greet(this: Greeter, people: string[]): string[] { return people.map((p) => this.greeting + p); }",
      ].join("\n"),
    );
    const result = flowc(["check", manifest], { cwd: dir.root });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("self.flow:1:8 - error FLOW4011: 'greet' declares 'this: Greeter'");
  });

  it("refuses a method named `then` and a module exporting one, instead of letting an import call it", () => {
    const methods = "export const start = (): number => 1;\nexport const then = (n: number): number => n;\n";
    const named = project("thenable", "start, then { execution_flow: sequential; }\n", methods);
    const result = flowc(["check", named], { cwd: dir.root });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("thenable.flow:1:8 - error FLOW2020: 'then' cannot name a method");

    dir.write("thenable/other.flow", 'import { start } from "./thenable.methods";\nstart { retries: 1; }\n');
    const other = flowc(["run", "thenable/other.flow"], { cwd: dir.root });
    expect(other.status).toBe(1);
    expect(other.stderr).toContain(
      "other.flow:1:23 - error FLOW2021: Module './thenable.methods' exports 'then', which makes it a thenable",
    );
  });
});

describe("parallel methods", () => {
  it("take what a generator yields, as the README says", () => {
    const manifest = project(
      "iterable",
      "count, square, total { execution_flow: sequential; }\nsquare < execution_flow: parallel; min_worker_count: 2; >\n",
      [
        "export function* count(limit: number): Generator<number, void, undefined> { for (let n = 1; n <= limit; n++) yield n; }",
        "export const square = async (n: number): Promise<number> => n * n;",
        "export const total = (squares: number[]): number => squares.reduce((a, b) => a + b, 0);",
      ].join("\n"),
    );
    expect(flowc(["check", manifest], { cwd: dir.root }).status).toBe(0);
    const result = run(manifest, 4);
    expect(JSON.parse(result.stdout)).toBe(1 + 4 + 9 + 16);
  });

  it("refuse values worker threads cannot clone, unless the plan runs inline", () => {
    const methods = [
      "export interface Job { readonly id: number; readonly onDone: () => void }",
      "export const plan = (count: number): Job[] => [{ id: count, onDone: () => undefined }];",
      "export const work = (job: Job): number => job.id;",
    ].join("\n");
    const threads = project(
      "clone",
      "plan, work { execution_flow: sequential; }\nwork < execution_flow: parallel; min_worker_count: 2; >\n",
      methods,
    );
    const refused = flowc(["check", threads], { cwd: dir.root });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      "error FLOW4007: Values from 'plan' to 'work' cross between threads, but Job.onDone: () => void cannot be cloned.",
    );

    dir.write("clone/inline.methods.ts", methods);
    const inline = dir.write(
      "clone/inline.flow",
      "backend inline;\n\nplan, work { execution_flow: sequential; }\nwork < execution_flow: parallel; min_worker_count: 2; >\n",
    );
    const warned = flowc(["check", inline], { cwd: dir.root });
    expect(warned.status).toBe(0);
    expect(warned.stderr).toContain("warning FLOW4010");
    expect(JSON.parse(run(inline, 3).stdout)).toEqual([3]);
  });
});

describe("the methods' TypeScript project", () => {
  it("reports a type error anywhere in a methods module, in the module, and runs nothing", () => {
    const manifest = project(
      "broken",
      "parse, count { execution_flow: sequential; }\n",
      [
        'export const parse = (text: string): string[] => text.split(" ");',
        "export const count = (words: string[]): number => words.length;",
        'export const limit: number = "ten";',
      ].join("\n"),
    );
    for (const args of [
      ["check", manifest],
      ["run", manifest, "--input", '"a b"'],
    ]) {
      const result = flowc(args, { cwd: dir.root });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(
        "broken/broken.methods.ts:3:14 - error FLOW4012: TS2322: Type 'string' is not assignable to type 'number'.",
      );
      expect(result.stderr).toContain('> 3 | export const limit: number = "ten";');
    }
  });

  it("follows the nearest tsconfig (its strictness and paths) and reports an error in it where it is", () => {
    dir.write(
      "configured/tsconfig.json",
      JSON.stringify({
        compilerOptions: { module: "NodeNext", strict: false, types: [], paths: { "#text/*": ["./lib/*"] } },
      }),
    );
    dir.write("configured/lib/words.ts", 'export const split = (text: string): string[] => text.split(" ");\n');
    const manifest = project(
      "configured",
      "read, count { execution_flow: sequential; }\n",
      [
        'import { split } from "#text/words.js";',
        // Without strictNullChecks, `string | null` fits `string`.
        "export const read = (text: string): string | null => (text === '' ? null : text);",
        "export const count = (text: string): number => split(text).length;",
      ].join("\n"),
    );
    expect(flowc(["check", manifest], { cwd: dir.root }).stderr).toBe("");

    dir.write(
      "configured/tsconfig.json",
      '{ "compilerOptions": { "strict": false, "stritc": true, "paths": { "#text/*": ["./lib/*"] } } }\n',
    );
    const result = flowc(["check", manifest], { cwd: dir.root });
    expect(result.status).toBe(1);
    // TypeScript 7 says it without TypeScript 6's "Did you mean 'strict'?" (and under code 5023).
    expect(result.stderr).toMatch(
      /configured\/tsconfig\.json:1:41 - error FLOW4013: TS50(?:23|25): Unknown compiler option 'stritc'\./,
    );
    expect(result.stderr).toMatch(/Found 1 error and 0 warnings/);
  });

  it("reads a JavaScript module's JSDoc types and runs it", () => {
    dir.write(
      "javascript/legacy.js",
      [
        "/** @param {string} text @returns {string[]} */",
        'export function words(text) { return text.split(" "); }',
        "/** @param {string[]} list @returns {number} */",
        "export function count(list) { return list.length; }",
      ].join("\n"),
    );
    const manifest = dir.write(
      "javascript/js.flow",
      'import { words, count } from "./legacy.js";\nwords, count { execution_flow: sequential; }\n',
    );
    expect(JSON.parse(run(manifest, "a b c").stdout)).toBe(3);

    dir.write("javascript/tsconfig.json", JSON.stringify({ compilerOptions: { module: "NodeNext", types: [] } }));
    const result = flowc(["check", manifest], { cwd: dir.root });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "js.flow:2:1 - error FLOW4016: './legacy.js' is a JavaScript module, which TypeScript reads only with 'allowJs'",
    );
  });

  it("warns at build time when the runner would compile as CommonJS, with the fix", () => {
    project("commonjs", "parse { retries: 1; }\n", "export const parse = (text: string): string => text;\n");
    dir.write("commonjs/package.json", JSON.stringify({ name: "commonjs" }));
    const result = flowc(["build", "commonjs/commonjs.flow"], { cwd: dir.root });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      "commonjs/commonjs.flow:1:1 - warning FLOW4014: The runner commonjs.flow.ts is an ES module (it uses 'import.meta'), " +
        'but TypeScript would compile it as CommonJS: commonjs/package.json has no "type": "module"; add it',
    );
  });
});

describe("the run's input", () => {
  const methods = [
    'export interface Config { readonly count: number; readonly mode?: "fast" | "slow"; readonly tags: readonly string[] }',
    "export const plan = (config: Config): number[] => Array.from({ length: config.count }, (_, i) => i);",
    'export const greet = (name?: string): string => `hello ${name ?? "you"}`;',
  ].join("\n");

  it("is checked against the plan's input type before anything runs, naming each place that does not fit", () => {
    const manifest = project("input", "plan { retries: 0; }\n", methods);
    const result = run(manifest, { count: "ten", mode: "medium", tags: ["a", 2], extra: true });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      [
        "flowc: --input does not fit the run's input type 'Config':",
        '  input.count: expected number, got a string ("ten")',
        '  input.mode: expected "fast" | "slow" | undefined, got a string ("medium")',
        "  input.tags[1]: expected string, got number 2",
        "  input.extra: expected nothing ('Config' has no property 'extra'), got boolean true",
        "",
      ].join("\n"),
    );
    expect(JSON.parse(run(manifest, { count: 2, tags: [] }).stdout)).toEqual([0, 1]);
  });

  it("may be left out when every method that receives it can go without, and not otherwise", () => {
    dir.write("input/optional.methods.ts", methods);
    const optional = dir.write("input/optional.flow", "greet { retries: 0; }\n");
    const result = flowc(["run", optional, "--quiet"], { cwd: dir.root });
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toBe("hello you");

    const required = flowc(["run", "input/input.flow", "--quiet"], { cwd: dir.root });
    expect(required.status).toBe(2);
    expect(required.stderr).toBe(
      "flowc: input/input.flow needs an input of type 'Config': pass --input '<json>' or --input @file.json\n",
    );
  });
});
