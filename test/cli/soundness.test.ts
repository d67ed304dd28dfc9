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
    const result = flowc(["check", wrong], { cwd: dir.root });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "wrong.flow:1:7 - error FLOW4015: No overload of 'measure' accepts what 'flag' sends ('boolean'): " +
        "'(text: string): number' — Argument of type 'boolean' is not assignable to parameter of type 'string'; " +
        "'(texts: readonly string[]): number[]' — Argument of type 'boolean' is not assignable to parameter of type 'readonly string[]'.",
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
