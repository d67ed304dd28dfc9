/**
 * Dispatch overhead of the runtime: a 3-method chain a(x)=x+1, b(x)=x*2,
 * c(x)=x-3 run 20,000 times one after the other through `runner.run`,
 * against the same calls written by hand (`await c(await b(await a(x)))`)
 * in the same process. Target: runner ≤ 2× hand-written.
 *
 * Also shown, to explain where the time goes: the general scheduler path
 * (taken when someone listens or a signal is passed; events cost most) and a naive runner that
 * interprets the plan on every call.
 *
 *   npx tsx bench/dispatch.ts            # default: 7 rounds of 20,000 runs
 *   ROUNDS=11 RUNS=50000 npx tsx bench/dispatch.ts
 */
import { cpus } from "node:os";
import { createRunner, type MethodTable } from "../stdlib/index.js";
import { naiveRun } from "./dispatch-naive.js";
import { chainPlan } from "./dispatch-plan.js";

const RUNS = Number(process.env["RUNS"] ?? 20_000);
const ROUNDS = Math.max(5, Number(process.env["ROUNDS"] ?? 7));

const sync = {
  a: (x: number) => x + 1,
  b: (x: number) => x * 2,
  c: (x: number) => x - 3,
};
const async_ = {
  a: async (x: number) => x + 1,
  b: async (x: number) => x * 2,
  c: async (x: number) => x - 3,
};

type Methods = typeof sync | typeof async_;
type Case = (methods: Methods) => () => Promise<number>;

const cases: Record<string, Case> = {
  "hand-written":
    ({ a, b, c }) =>
    async () => {
      let sum = 0;
      for (let x = 0; x < RUNS; x++) sum += await c(await b(await a(x)));
      return sum;
    },
  "runner.run": (methods) => {
    const runner = createRunner<number, number>(chainPlan, methods as MethodTable);
    return async () => {
      let sum = 0;
      for (let x = 0; x < RUNS; x++) sum += await runner.run(x);
      return sum;
    };
  },
  "runner.run + onEvent (general path)": (methods) => {
    let events = 0;
    const runner = createRunner<number, number>(chainPlan, methods as MethodTable, { onEvent: () => events++ });
    return async () => {
      let sum = 0;
      for (let x = 0; x < RUNS; x++) sum += await runner.run(x);
      return sum + events * 0;
    };
  },
  "runner.run + signal (general path)": (methods) => {
    const runner = createRunner<number, number>(chainPlan, methods as MethodTable);
    const signal = new AbortController().signal;
    return async () => {
      let sum = 0;
      for (let x = 0; x < RUNS; x++) sum += await runner.run(x, { signal });
      return sum;
    };
  },
  "naive per-call interpreter": (methods) => async () => {
    let sum = 0;
    for (let x = 0; x < RUNS; x++) sum += (await naiveRun(chainPlan, methods as MethodTable, x)) as number;
    return sum;
  },
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function measure(run: () => Promise<number>, expected: number): Promise<number> {
  const start = process.hrtime.bigint();
  const sum = await run();
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (sum !== expected) throw new Error(`wrong result ${sum}, expected ${expected}`);
  return elapsed;
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log(
    `dispatch bench — Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"})`,
  );
  console.log(`${RUNS} sequential runs of a 3-method chain, median of ${ROUNDS} rounds after warm-up\n`);
  let expected = 0;
  for (let x = 0; x < RUNS; x++) expected += (x + 1) * 2 - 3;

  for (const [label, methods] of [
    ["synchronous methods", sync],
    ["async methods", async_],
  ] as const) {
    const runs = Object.entries(cases).map(([name, make]) => ({ name, run: make(methods), times: [] as number[] }));
    for (const entry of runs) for (let i = 0; i < 3; i++) await measure(entry.run, expected);
    // Rounds interleave the cases so that drift in machine load hits them all alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const entry of runs) entry.times.push(await measure(entry.run, expected));
    }
    const baseline = median(runs[0]?.times ?? []);
    console.log(label);
    for (const entry of runs) {
      const ms = median(entry.times);
      const perRun = (ms * 1e6) / RUNS;
      console.log(
        `  ${entry.name.padEnd(38)} ${ms.toFixed(2).padStart(8)} ms  ${perRun.toFixed(0).padStart(6)} ns/run  ${(ms / baseline).toFixed(2)}×`,
      );
    }
    const ratio = median(runs[1]?.times ?? []) / baseline;
    console.log(`  ratio runner.run / hand-written: ${ratio.toFixed(2)}× (target ≤ 2×)\n`);
  }
}

await main();
