/**
 * Overhead per item of the threads backend: 1,000,000 items through a method
 * that does nothing (`x => x`), from an array and from an async iterable,
 * against the same calls in a plain loop. The difference divided by the item
 * count is what the runtime costs per item above the method's own work:
 * reading, batching, copying to and from threads, putting results in order.
 * Target: < 2 µs per item.
 *
 *   npx tsx bench/threads-overhead.ts
 *   ITEMS=2000000 ROUNDS=7 npx tsx bench/threads-overhead.ts
 */
import { availableParallelism } from "node:os";
import { createRunner, inline, threads, type Backend } from "../stdlib/index.js";
import { buildPlan } from "../test/runtime/plans.js";
import { identity } from "./threads-overhead.methods.js";
import { machine, median, time } from "./threads-common.js";

const ITEMS = Number(process.env["ITEMS"] ?? 1_000_000);
const ROUNDS = Math.max(5, Number(process.env["ROUNDS"] ?? 5));

async function* stream(count: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) yield i;
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  const items = Array.from({ length: ITEMS }, (_, i) => i);
  console.log(`threads-overhead bench — ${machine()}`);
  console.log(`${ITEMS} items through x => x, median of ${ROUNDS} rounds after warm-up\n`);

  const check = (output: readonly number[]): void => {
    if (output.length !== ITEMS || output[ITEMS - 1] !== ITEMS - 1 || output[12345] !== 12345) {
      throw new Error("wrong output");
    }
  };
  const plan = buildPlan({ each: { mode: "parallel", minWorkers: cores, exportName: "identity" } }, [], "overhead");
  const make = (backend: Backend) =>
    createRunner<number[] | AsyncIterable<number>, number[]>(
      plan,
      { each: identity },
      { backend, modules: { "./test.methods": new URL("./threads-overhead.methods.ts", import.meta.url) } },
    );
  const onThreads = make(threads());
  const onInline = make(inline());

  const cases = [
    { name: "plain loop (the method's own work)", run: async () => check(items.map(identity)) },
    { name: "async iterable read in a plain loop", run: async () => check(await collect(stream(ITEMS))) },
    { name: `flowc threads, array (${cores} threads)`, run: async () => check(await onThreads.run(items)) },
    { name: `flowc threads, async iterable`, run: async () => check(await onThreads.run(stream(ITEMS))) },
    { name: "flowc inline, array (reference)", run: async () => check(await onInline.run(items)) },
  ].map((entry) => ({ ...entry, times: [] as number[] }));

  for (const entry of cases) for (let i = 0; i < 2; i++) await entry.run();
  for (let round = 0; round < ROUNDS; round++) for (const entry of cases) entry.times.push(await time(entry.run));
  await onThreads.close();
  await onInline.close();

  const [loop, streamLoop] = cases.map((entry) => median(entry.times)) as [number, number];
  for (const entry of cases) {
    const ms = median(entry.times);
    const baseline = entry.name.includes("async iterable") ? streamLoop : loop;
    const perItem = ((ms - baseline) * 1000) / ITEMS;
    const extra = entry.name.startsWith("flowc") ? `  ${perItem.toFixed(3)} µs/item above its loop` : "";
    console.log(`  ${entry.name.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms${extra}`);
  }
  const array = ((median(cases[2]?.times ?? []) - loop) * 1000) / ITEMS;
  const async = ((median(cases[3]?.times ?? []) - streamLoop) * 1000) / ITEMS;
  console.log(`\n  threads overhead per item: ${array.toFixed(3)} µs (array), ${async.toFixed(3)} µs (async iterable)`);
  console.log("  target < 2 µs per item");
}

async function collect(source: AsyncIterable<number>): Promise<number[]> {
  const out: number[] = [];
  for await (const x of source) out.push(identity(x));
  return out;
}

await main();
