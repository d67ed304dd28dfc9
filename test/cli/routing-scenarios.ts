/**
 * Skips, branches and failures as `flowc run` shows them, one scenario per
 * case, for every backend: what the run prints on stdout (exactly), its exit
 * code, the key lines of its plain progress on stderr, and which methods were
 * called (counted with marker files, see test/fixtures/cli/routing/marks.ts).
 * routing.test.ts runs them on the inline and threads backends,
 * test/bullmq/routing.bullmq.test.ts on bullmq with `flowc worker` processes.
 */
import { expect } from "vitest";
import type { Marks } from "../fixtures/cli/routing/marks.js";
import type { CliResult } from "./helpers.js";

/** What one run of a scenario gave. */
export interface ScenarioRun extends CliResult, Marks {}

export interface Scenario {
  /** The test's name. */
  readonly name: string;
  /** The manifest, relative to the repository root. */
  readonly manifest: string;
  /** The run's input, given as JSON with `--input`. */
  readonly input: unknown;
  /** Asserts what the run printed, exited with and called. */
  readonly check: (run: ScenarioRun) => void;
}

const fixtures = "test/fixtures/cli/routing";

/** A run that succeeded and printed exactly `output` (as JSON, indented by two). */
function expectOutput(run: ScenarioRun, output: unknown): void {
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toBe(`${JSON.stringify(output, null, 2)}\n`);
}

/**
 * A run that failed and printed nothing on stdout; stderr ends with its reason (`reason` matches the whole
 * line) and the stack frames of the methods that failed (`frames`, each `name (file:line:column)`).
 */
function expectFailure(run: ScenarioRun, reason: RegExp, frames: readonly string[]): void {
  expect(run.status, run.stderr).toBe(1);
  expect(run.stdout).toBe("");
  const all = lines(run);
  const failed = all.findIndex((line) => line.startsWith("flowc: run failed: "));
  expect(all[failed]).toMatch(reason);
  expect(all.slice(failed + 1)).toEqual(frames.map((frame) => `    at ${frame}`));
}

/** The lines of stderr. */
function lines(run: ScenarioRun): string[] {
  return run.stderr.split("\n").filter((line) => line !== "");
}

/** stderr has a line matching each pattern (a string is matched whole). */
function expectLines(run: ScenarioRun, ...patterns: readonly (string | RegExp)[]): void {
  const all = lines(run);
  for (const pattern of patterns) {
    if (typeof pattern === "string") expect(all).toContain(pattern);
    else
      expect(
        all.some((line) => pattern.test(line)),
        `a line matching ${String(pattern)} in\n${run.stderr}`,
      ).toBe(true);
  }
}

/** `[0, 1, …, n - 1]` mapped by `f`. */
function upTo<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** The six items `limit.methods.ts` fails on. */
const limitFailures = [5, 15, 25, 35, 45, 55];

/** A stage that gives up at its sixth failed item of a hundred, with `limit` as the manifest writes it. */
function tooManyFailures(manifest: string, limit: string): Scenario {
  return {
    name: `max_failures: ${limit} exceeded (6 of 100 items fail) fails the stage`,
    manifest: `${fixtures}/limit/${manifest}`,
    input: 100,
    check: (run) => {
      // The first failure in time, which is any of the six on a backend that runs items side by side.
      expectFailure(
        run,
        new RegExp(
          `^flowc: run failed: Method 'square': 6 items of 100 failed, more than max_failures allows ` +
            `\\(max_failures: ${limit}: at most 5\\); first: Method 'square' failed on item (${limitFailures.join("|")}) ` +
            `after 1 attempt: item \\1 is broken$`,
        ),
        [`square (${fixtures}/limit/limit.methods.ts:12:37)`],
      );
      expectLines(run, /^stage square failed: \d+\/100 items in .+, 6 failures$/, /^run failed in /);
      expect(run.calls["count"]).toBe(1);
      // The stage gives up once the sixth has failed: every failing item was called, not necessarily every item.
      expect(run.items["square"]).toEqual(expect.arrayContaining(limitFailures));
    },
  };
}

/** A branch on `kind` that reaches `successor` with `output`, the two others skipped. */
function branch(raw: string, successor: string, output: string): Scenario {
  const others = ["onBug", "onQuestion", "onSpam"].filter((name) => name !== successor);
  return {
    name: `branch_on routes '${raw}' to ${successor} alone`,
    manifest: `${fixtures}/branch/branch.flow`,
    input: raw,
    check: (run) => {
      expectOutput(run, { [successor]: output });
      expect(run.calls).toEqual({ classify: 1, [successor]: 1 });
      expectLines(
        run,
        `stage ${successor} started`,
        ...others.map((name) => `stage ${name} skipped (branch)`),
        `flowc: printing the output as JSON lost 2 values: ${others.map((name) => `output.${name} (undefined, left out)`).join(", ")}`,
      );
    },
  };
}

/** The squares of 0…99 as the settled stage records them: item 42 failed. */
const settled = upTo(100, (i) =>
  i === 42 ? { ok: false, error: { name: "RangeError", message: "item 42 is broken" } } : { ok: true, value: i * i },
);

const oneOfHundredTolerated = /^stage square done: 99\/100 items in .+, 1 failure, 1 of 100 tolerated$/;

export const scenarios = {
  predicateFalse: {
    name: "run_if false skips the chain; the fan-in that takes it as optional runs with undefined",
    manifest: `${fixtures}/skip/skip.flow`,
    input: { go: false, n: 3 },
    check: (run) => {
      expectOutput(run, { n: 3, finish: null, finishType: "undefined", finishKey: true });
      expect(run.calls).toEqual({ source: 1, wanted: 1, report: 1 });
      expectLines(run, "stage work skipped (predicate)", "stage finish skipped (upstream)", "stage report started");
    },
  },
  predicateTrue: {
    name: "run_if true runs the chain",
    manifest: `${fixtures}/skip/skip.flow`,
    input: { go: true, n: 3 },
    check: (run) => {
      expectOutput(run, { n: 3, finish: 7, finishType: "number", finishKey: true });
      expect(run.calls).toEqual({ source: 1, wanted: 1, work: 1, finish: 1, report: 1 });
      expectLines(run, "stage work started", "stage finish started", "stage report started");
      expect(run.stderr).not.toMatch(/^stage \w+ skipped/m);
    },
  },
  branchBug: branch("at main.ts:1", "onBug", "bug: at main.ts:1"),
  branchQuestion: branch("why?", "onQuestion", "question: why?"),
  branchSpam: branch("buy now", "onSpam", "spam: spam"),
  settle: {
    name: "on_error: settle records 99 values and the failure of item 42 in input order",
    manifest: `${fixtures}/settle/settle.flow`,
    input: 100,
    check: (run) => {
      expectOutput(run, settled);
      expect(run.calls).toEqual({ count: 1, square: 100 });
      expect(run.items["square"]).toEqual(upTo(100, (i) => i));
      expectLines(run, "stage square started: 100 items", oneOfHundredTolerated);
    },
  },
  skipItem: {
    name: "on_error: skip leaves item 42 out (null as printed), and the next method sees undefined there",
    manifest: `${fixtures}/tolerate/tolerate.flow`,
    input: 100,
    check: (run) => {
      expectOutput(run, { squares: upTo(100, (i) => (i === 42 ? null : i * i)), undefinedAt: [42], nullAt: [] });
      expect(run.calls).toEqual({ count: 1, square: 100, inspect: 1 });
      expectLines(run, oneOfHundredTolerated, "stage inspect started");
    },
  },
  maxFailures: tooManyFailures("limit.flow", "5"),
  maxFailuresPercent: tooManyFailures("limit-percent.flow", "5%"),
  fallback: {
    name: "a fallback that succeeds stands in for a failed call, and sees its error",
    manifest: `${fixtures}/fallback/fallback.flow`,
    input: { text: "hi", fallbackFails: false },
    check: (run) => {
      expectOutput(run, { via: "fallback", text: "hi", error: "the primary service is down, 'hi' not sent" });
      expect(run.calls).toEqual({ send: 1, sendLater: 1 });
      expectLines(run, /^stage send done: 1\/1 call in .+, 1 failure, fallback ×1$/);
    },
  },
  fallbackFails: {
    name: "a fallback that fails too fails the run, naming both errors",
    manifest: `${fixtures}/fallback/fallback.flow`,
    input: { text: "hi", fallbackFails: true },
    check: (run) => {
      expectFailure(
        run,
        /^flowc: run failed: Method 'send' failed: the primary service is down, 'hi' not sent; its fallback 'sendLater' failed too: the queue is full too$/,
        [
          `send (${fixtures}/fallback/fallback.methods.ts:18:9)`,
          `sendLater (${fixtures}/fallback/fallback.methods.ts:23:36)`,
        ],
      );
      expect(run.calls).toEqual({ send: 1, sendLater: 1 });
      expectLines(run, /^stage send failed: 0\/1 call in .+, 1 failure, fallback ×1$/);
    },
  },
  itemFallback: {
    name: "a parallel stage's fallback stands in per item, with the original index as ctx.item",
    manifest: `${fixtures}/item-fallback/item-fallback.flow`,
    input: 10,
    check: (run) => {
      expectOutput(
        run,
        upTo(10, (i) =>
          i === 3 || i === 7
            ? { value: i * 10, source: "cache", item: i, error: `origin has no ${i * 10}` }
            : { value: i * 10, source: "origin", item: null, error: null },
        ),
      );
      expect(run.calls).toEqual({ count: 1, fetch: 10, cached: 2 });
      expect(run.items["cached"]).toEqual([30, 70]);
      expectLines(run, /^stage fetch done: 10\/10 items in .+, 2 failures, fallback ×2, 2 of 10 tolerated$/);
    },
  },
  skipSink: {
    name: "on_error: skip on a sink: the run succeeds without that key",
    manifest: `${fixtures}/skip-sink/skip-sink.flow`,
    input: 4,
    check: (run) => {
      expectOutput(run, { steady: 5 });
      expect(run.calls).toEqual({ source: 1, risky: 1, steady: 1 });
      expectLines(
        run,
        /^stage risky skipped \(error: Error: risky cannot take 4\): 0\/1 call in .+, 1 failure$/,
        "flowc: printing the output as JSON lost 1 value: output.risky (undefined, left out)",
        /^run done in /,
      );
    },
  },
  runInput: {
    name: "@input reaches a fan-in at the end of a chain, as its first key",
    manifest: `${fixtures}/run-input/run-input.flow`,
    input: { label: "week", values: [1, 2, 3] },
    check: (run) => {
      expectOutput(run, { keys: ["@input", "total"], label: "week", total: 6 });
      expect(run.calls).toEqual({ load: 1, total: 1, report: 1 });
    },
  },
} satisfies Readonly<Record<string, Scenario>>;
