/**
 * The benchmark harness on tiny sizes: every in-process contender of every
 * workload produces the right output, and so does every contender of W9 (a
 * manifest imported through the built loader, each a fresh process); the
 * harness reports a wrong output as a failure naming the contender. No timing
 * is asserted.
 */
import { afterAll, describe, expect, it } from "vitest";
import { measureWorkload } from "../../bench/harness/measure.js";
import { failuresOf, targetTable, toMarkdown } from "../../bench/harness/report.js";
import { judge } from "../../bench/harness/targets.js";
import { removeUserPackages } from "../../bench/harness/user-package.js";
import type { CaseSpec, Contender, Workload, WorkloadResult } from "../../bench/harness/types.js";
import { describeMachine } from "../../bench/harness/machine.js";
import { dispatchWorkload, type DispatchOutput, type DispatchSetup } from "../../bench/workloads/w1-dispatch.js";
import { parallelCpuWorkload } from "../../bench/workloads/w2-parallel-cpu.js";
import { itemOverheadWorkload } from "../../bench/workloads/w2b-item-overhead.js";
import { dagWorkload } from "../../bench/workloads/w3-dag.js";
import { compilerWorkload, generateManifest } from "../../bench/workloads/w5-compiler.js";
import { branchWorkload } from "../../bench/workloads/w6-branch.js";
import { journalWorkload } from "../../bench/workloads/w7-journal.js";
import { importWorkload } from "../../bench/workloads/w9-import.js";

const inProcess = { mode: "test", placements: ["process"] } as const;

afterAll(removeUserPackages);

/** Ids of the contenders of `workload` that run in this process, over all its test cases. */
function processContenders<S, O>(workload: Workload<S, O>): string[] {
  const ids = new Set(workload.cases("test").flatMap((spec) => spec.contenders));
  return workload.contenders.filter((c) => ids.has(c.id) && c.placement === "process").map((c) => c.id);
}

function expectAllCorrect(result: WorkloadResult, expected: readonly string[]): void {
  expect(failuresOf({ machine: describeMachine(), mode: "test", seconds: 0, workloads: [result] })).toEqual([]);
  const ran = new Set(result.cases.flatMap((c) => c.contenders.map((contender) => contender.id)));
  expect([...ran].sort()).toEqual([...expected].sort());
  for (const c of result.cases.flatMap((r) => r.contenders)) {
    expect(c.error).toBeUndefined();
    expect(c.stats?.samples.length).toBeGreaterThan(0);
  }
}

describe("workloads on tiny sizes, in-process contenders", () => {
  it("W1: hand-written, pocketflow, flowc inline and a generated runner give c(b(a(x))) for every run", async () => {
    const result = await measureWorkload(dispatchWorkload, inProcess);
    expect(result.cases.map((c) => c.spec.group)).toEqual([
      "sync methods",
      "async methods",
      "generated runner, async methods",
    ]);
    expectAllCorrect(result, ["hand-written", "pocketflow", "flowc-inline", "flowc-run", "flowc-generated-runner"]);
  }, 120_000);

  it("W2: every contender hashes every item as the method does, piscina, flowc threads and a generated runner included", async () => {
    const result = await measureWorkload(parallelCpuWorkload, inProcess);
    expectAllCorrect(result, processContenders(parallelCpuWorkload));
    expect(processContenders(parallelCpuWorkload)).toEqual(
      expect.arrayContaining(["flowc-threads", "flowc-run", "flowc-run-first-call"]),
    );
    const chunked = result.cases[0]?.contenders.find((c) => c.id === "piscina-best-chunk");
    expect(chunked?.notes[0]).toMatch(/^chunk size \d+ items, the fastest on the first 24 items/);
  }, 120_000);

  it("W2b: inc over every item, in order, on inline, threads and piscina", async () => {
    const result = await measureWorkload(itemOverheadWorkload, inProcess);
    expectAllCorrect(result, ["single-thread", "piscina-chunked", "flowc-inline", "flowc-threads"]);
  }, 120_000);

  it("W3: the hand-written DAG and flowc deliver the same fan-in values to h", async () => {
    const result = await measureWorkload(dagWorkload, inProcess);
    expectAllCorrect(result, ["hand-written-dag", "flowc-inline", "flowc-threads"]);
  }, 60_000);

  it("W5: the front end plans every generated method, the lexer reads them all, a warm rebuild emits the runner, each phase runs alone", async () => {
    const result = await measureWorkload(compilerWorkload, inProcess);
    expectAllCorrect(result, [
      "flowc-front-end",
      "lexer",
      "flowc-build-warm",
      "phase-parse",
      "phase-check",
      "phase-type-check",
      "phase-emit",
      "phase-prettier",
    ]);
    const warm = result.cases.find((c) => c.spec.group === "warm rebuild word-count")?.contenders[0];
    expect(warm?.notes[0]).toMatch(/^the first build in this process took \d+ ms$/);
  }, 120_000);

  it("W6: the hand-written switch and the generated runners with branch_on, a dispatching method and every handler give each x its handler's output", async () => {
    const result = await measureWorkload(branchWorkload, inProcess);
    expectAllCorrect(result, ["hand-written", "flowc-branch", "flowc-no-branch", "flowc-fan-out"]);
  }, 120_000);

  it("W7: runs with and without a journal hash every item and run the chain alike, and a resume reads the stored 90 % back", async () => {
    const result = await measureWorkload(journalWorkload, inProcess);
    expect(result.cases.map((c) => [c.spec.group, c.contenders.map((contender) => contender.id)])).toEqual([
      ["journal cost, 0.5 ms items on threads", ["no-journal", "journal"]],
      ["journal cost, W1's chain, async methods", ["chain-no-journal", "chain-journal"]],
      ["resume, 90 % of the items stored", ["no-journal", "resume"]],
    ]);
    expectAllCorrect(result, ["no-journal", "journal", "chain-no-journal", "chain-journal", "resume"]);
    expect(result.cases[2]?.notes.join("\n")).toMatch(/the journal of a run over the first 36 items/);
  }, 120_000);

  it("W5's generated manifest chains every method and makes every fifth chain's middle method parallel", () => {
    const text = generateManifest(20);
    expect(text).toBe(
      [
        "m0, m1, m2, m3, m4, m5, m6, m7, m8, m9 { execution_flow: sequential; }",
        "m5 < execution_flow: parallel; min_worker_count: 2; >",
        "m3 { retries: 2; timeout: 30s; }",
        "m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19 { execution_flow: sequential; }",
        "m13 { retries: 2; timeout: 30s; }",
        "",
      ].join("\n"),
    );
  });
});

describe("workloads on tiny sizes, contenders that spawn processes", () => {
  it("W9: the loader cold and warm, the prebuilt runner (with and without pass-through hooks) and `flowc build` then `node` print what `flowc run` prints", async () => {
    const result = await measureWorkload(importWorkload, { mode: "test" });
    expect(result.cases.map((c) => c.spec.group)).toEqual(["import word-count"]);
    // A cold start must have filled both caches, and a warm one must have stored nothing (each run's `verify`).
    expectAllCorrect(result, ["loader-cold", "loader-warm", "prebuilt", "prebuilt-hooked", "cli-build"]);
    const warm = result.cases[0]?.contenders.find((c) => c.id === "loader-warm");
    expect(warm?.notes[0]).toMatch(/^the first start, untimed, which compiled the manifest and the methods: \d+ ms$/);
  }, 120_000);
});

/** A workload of `contenders` that check nothing of their outputs, for testing the harness itself. */
function bareWorkload(title: string, contenders: Contender<null, number>[]): Workload<null, number> {
  return {
    id: "T",
    title,
    description: "",
    unit: "run",
    contenders,
    cases: () => [],
    setup: async () => ({ value: null }),
    check: () => undefined,
  };
}

/** One case of one unit with the contenders and counts given. */
function bareCase(contenders: readonly string[], counts: Pick<CaseSpec, "warmups" | "rounds" | "timeoutMs">): CaseSpec {
  return { group: "g", scale: 1, units: 1, contenders, ...counts };
}

describe("wrong outputs are failures", () => {
  const reversed: Contender<DispatchSetup, DispatchOutput> = {
    id: "reversed",
    label: "a(b(c(x)))",
    role: "peer",
    placement: "process",
    async prepare({ runs, methods }) {
      return {
        async run() {
          const output = new Float64Array(runs);
          for (let x = 0; x < runs; x++) output[x] = await methods.a(await methods.b(await methods.c(x)));
          return output;
        },
      };
    },
  };

  it("a contender computing the chain backwards fails with the first wrong run, the others pass", async () => {
    const workload: Workload<DispatchSetup, DispatchOutput> = {
      ...dispatchWorkload,
      contenders: [...dispatchWorkload.contenders, reversed],
    };
    const spec: CaseSpec = { ...dispatchWorkload.cases("test")[0]!, contenders: ["flowc-inline", "reversed"] };
    const result = await measureWorkload(workload, { ...inProcess, cases: [spec] });
    const [flowc, wrong] = result.cases[0]!.contenders;
    expect(flowc?.error).toBeUndefined();
    // a(b(c(0))) = (0 - 3) * 2 + 1 = -5, where c(b(a(0))) = -1.
    expect(wrong?.error).toBe("wrong or no output: run 0 gave -5, expected -1");
    expect(wrong?.stats).toBeUndefined();
    const report = { machine: describeMachine(), mode: "test" as const, seconds: 0, workloads: [result] };
    expect(failuresOf(report)).toEqual([
      { workload: "W1", case: "sync methods 1× (50)", contender: "a(b(c(x)))", error: wrong?.error },
    ]);
    expect(toMarkdown(report)).toContain(
      "| a(b(c(x))) | — | **failed:** wrong or no output: run 0 gave -5, expected -1 |",
    );
  });

  it("an output that passes the check but differs from the first contender's fingerprint fails", async () => {
    const answer = (value: number): Contender<null, number> => ({
      id: `answers-${value}`,
      label: `answers ${value}`,
      role: value === 1 ? "flowc" : "peer",
      placement: "process",
      prepare: async () => ({ run: async () => value }),
    });
    const workload: Workload<null, number> = {
      ...bareWorkload("fingerprints", [answer(1), answer(1.2), answer(2)]),
      fingerprint: (output) => String(Math.round(output)),
    };
    const spec = bareCase(["answers-1", "answers-1.2", "answers-2"], { warmups: 0, rounds: 2, timeoutMs: 1000 });
    const result = await measureWorkload(workload, { mode: "test", cases: [spec] });
    const errors = result.cases[0]!.contenders.map((c) => c.error);
    // 1.2 has the first contender's fingerprint ("1"); 2 does not.
    expect(errors).toEqual([
      undefined,
      undefined,
      "wrong or no output: its output differs from that of answers 1 (2 ≠ 1)",
    ]);
  });

  it("what a contender does before and after each run is not timed, and a failed verification fails it", async () => {
    const steps: string[] = [];
    let runs = 0;
    const slowHooks: Contender<null, number> = {
      id: "slow-hooks",
      label: "slow hooks",
      role: "flowc",
      placement: "process",
      prepare: async () => ({
        before: async () => {
          steps.push("before");
          await new Promise((resolve) => setTimeout(resolve, 200));
        },
        run: async () => {
          steps.push("run");
          return ++runs;
        },
        verify: async () => {
          steps.push("verify");
          await new Promise((resolve) => setTimeout(resolve, 200));
          if (runs === 3) throw new Error("the third run stored nothing");
        },
      }),
    };
    const workload = bareWorkload("hooks", [slowHooks]);
    const spec = bareCase(["slow-hooks"], { warmups: 1, rounds: 3, timeoutMs: 5000 });
    const result = await measureWorkload(workload, { mode: "test", cases: [spec] });
    const contender = result.cases[0]!.contenders[0]!;
    expect(steps).toEqual(["before", "run", "verify", "before", "run", "verify", "before", "run", "verify"]);
    expect(contender.error).toBe("wrong or no output: the third run stored nothing");
    expect(contender.stats).toBeUndefined();

    // Without the failure, the rounds' times leave out the hooks' 400 ms.
    runs = -100;
    const passing = await measureWorkload(workload, { mode: "test", cases: [spec] });
    const samples = passing.cases[0]!.contenders[0]!.stats?.samples ?? [];
    expect(samples).toHaveLength(3);
    for (const sample of samples) expect(sample).toBeLessThan(150);
  });

  it("a run that never settles fails after the case's timeout instead of stalling the harness", async () => {
    const workload = bareWorkload("timeouts", [
      {
        id: "stuck",
        label: "stuck",
        role: "peer",
        placement: "process",
        prepare: async () => ({ run: () => new Promise<number>(() => undefined) }),
      },
    ]);
    const spec = bareCase(["stuck"], { warmups: 0, rounds: 1, timeoutMs: 50 });
    const result = await measureWorkload(workload, { mode: "test", cases: [spec] });
    expect(result.cases[0]?.contenders[0]?.error).toBe("wrong or no output: the run took longer than 50 ms");
  });
});

describe("targets", () => {
  it("are shown met, missed, or not judged when a contender failed — never met by default", () => {
    const targets = [
      judge(
        "fast enough",
        1.5,
        (ratio) => ratio <= 2,
        (ratio) => `${ratio}×`,
      ),
      judge(
        "faster still",
        2.5,
        (ratio) => ratio <= 2,
        (ratio) => `${ratio}×`,
      ),
      judge("not measured", undefined, () => true, String),
    ];
    expect(targetTable(targets)).toEqual([
      "| target | measured | |",
      "| --- | --- | --- |",
      "| fast enough | 1.5× | met |",
      "| faster still | 2.5× | **missed** |",
      "| not measured | not measured | not judged |",
    ]);
  });
});
