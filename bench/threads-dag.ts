/**
 * Scheduling of a DAG: eight nodes that sleep — sources A = 50, B = 80,
 * C = 30 ms; D(A, B) = 40, E(B) = 60, F(B, C) = 20, G(F) = 70, H(D, E, G) =
 * 10 ms. The critical path B → F → G → H takes 180 ms, so a scheduler that
 * starts every node as soon as its inputs are ready finishes in 180 ms plus
 * its own overhead. Target: makespan / 180 ms ≤ 1.05.
 *
 * Two plans: every node a single method (which the threads backend runs in
 * the calling thread, as inline does), and the nodes with one input — A, B,
 * C, E, G — made parallel over a one-item array, so that those sleeps run on
 * worker threads and the pool's dispatch is on the critical path.
 *
 *   npx tsx bench/threads-dag.ts
 */
import { availableParallelism } from "node:os";
import { createRunner, inline, threads, type Backend, type PlanDescriptor } from "../stdlib/index.js";
import { buildPlan, type EdgeSpec, type MethodSpec } from "../test/runtime/plans.js";
import { DURATIONS, nap } from "./threads-dag.methods.js";
import { machine, median, time } from "./threads-common.js";

const ROUNDS = Math.max(5, Number(process.env["ROUNDS"] ?? 9));
const CRITICAL_PATH_MS = 180;

const edges: EdgeSpec[] = [
  ["A", "D"],
  ["B", "D"],
  ["B", "E"],
  ["B", "F"],
  ["C", "F"],
  ["F", "G"],
  ["D", "H"],
  ["E", "H"],
  ["G", "H"],
];

function dag(parallel: readonly string[]): PlanDescriptor {
  const spec = (name: string): MethodSpec =>
    parallel.includes(name) ? { mode: "parallel", minWorkers: 1, exportName: "nap" } : { exportName: "nap" };
  return buildPlan(Object.fromEntries(Object.keys(DURATIONS).map((name) => [name, spec(name)])), edges, "dag");
}

/** Fan-in nodes get an object; give parallel nodes downstream an array back. */
async function napToArray(input: unknown, context: Parameters<typeof nap>[1]): Promise<unknown> {
  await nap(input, context);
  return [0];
}

async function main(): Promise<void> {
  console.log(`threads-dag bench — ${machine()}`);
  console.log(`critical path B → F → G → H = ${CRITICAL_PATH_MS} ms; median of ${ROUNDS} runs after warm-up\n`);
  const modules = { "./test.methods": new URL("./threads-dag.methods.ts", import.meta.url) };
  const single = dag([]);
  const mixed = dag(["A", "B", "C", "E", "G"]);
  const methods = Object.fromEntries(Object.keys(DURATIONS).map((name) => [name, nap]));
  // In the mixed plan, F (single, fed by B and C) must hand G (parallel) an array.
  const mixedMethods = { ...methods, F: napToArray };
  const cases: { name: string; plan: PlanDescriptor; backend: () => Backend; methods: typeof methods }[] = [
    { name: "single methods, inline", plan: single, backend: inline, methods },
    { name: "single methods, threads", plan: single, backend: () => threads(), methods },
    {
      name: `A B C E G parallel, threads (${availableParallelism()} cores)`,
      plan: mixed,
      backend: () => threads(),
      methods: mixedMethods,
    },
  ];
  for (const entry of cases) {
    const runner = createRunner<unknown, unknown>(entry.plan, entry.methods, {
      backend: entry.backend(),
      modules,
      workers: 8,
    });
    for (let i = 0; i < 2; i++) await runner.run([0]);
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) times.push(await time(() => runner.run([0])));
    await runner.close();
    const makespan = median(times);
    console.log(
      `  ${entry.name.padEnd(40)} makespan ${makespan.toFixed(1).padStart(6)} ms  ` +
        `${(makespan / CRITICAL_PATH_MS).toFixed(3)} × ${CRITICAL_PATH_MS} ms (target ≤ 1.05)`,
    );
  }
}

await main();
