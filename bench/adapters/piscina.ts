/**
 * piscina, the worker-thread pool most Node programs reach for: one pool of
 * one thread per core, given either one task per item or the items in
 * chunks. The chunked contender searches a few chunk sizes first and keeps
 * the fastest, which is what a user tuning it by hand ends up with.
 */
import { Piscina } from "piscina";
import type { Contender, Trial } from "../harness/types.js";
import type { ParallelItemsSetup } from "../workloads/parallel-items.js";

const WORKER = new URL("./piscina-worker.mjs", import.meta.url).href;

function createPool<I, R>(setup: ParallelItemsSetup<I, R>, chunked: boolean): Piscina {
  return new Piscina({
    filename: WORKER,
    minThreads: setup.threads,
    maxThreads: setup.threads,
    idleTimeout: 60_000,
    workerData: { module: setup.module.href, exportName: setup.exportName, chunked },
  });
}

/** W2: one `pool.run(item)` per item, all submitted at once. */
export function piscinaPerItem<I, R>(): Contender<ParallelItemsSetup<I, R>, R[]> {
  return {
    id: "piscina-per-item",
    label: "piscina, one task per item",
    role: "peer",
    placement: "process",
    async prepare(setup) {
      const pool = createPool(setup, false);
      // Start the threads and load the module before anything is timed.
      await Promise.all(setup.items.slice(0, setup.threads).map((item) => pool.run(item)));
      return {
        run: () => Promise.all(setup.items.map((item) => pool.run(item) as Promise<R>)),
        close: () => pool.destroy(),
      };
    },
  };
}

/** Runs `items` in chunks of `size` on `pool`; resolves to the outputs in input order. */
async function runChunks<I, R>(pool: Piscina, items: readonly I[], size: number): Promise<R[]> {
  const chunks: Promise<R[]>[] = [];
  for (let first = 0; first < items.length; first += size) {
    chunks.push(pool.run(items.slice(first, first + size)) as Promise<R[]>);
  }
  return (await Promise.all(chunks)).flat();
}

/** Items the chunk-size search times each candidate on: enough for the tail of a stage to show. */
const SEARCH_ITEMS = 4000;

/**
 * W2, W2b: the items in fixed-size chunks, one task per chunk. Without
 * `size`, the fastest of a few sizes (timed twice each on the first
 * {@link SEARCH_ITEMS} items when preparing) — down to one chunk per thread.
 */
export function piscinaChunked<I, R>(size?: number): Contender<ParallelItemsSetup<I, R>, R[]> {
  return {
    id: size === undefined ? "piscina-best-chunk" : "piscina-chunked",
    label: size === undefined ? "piscina, best fixed chunk size" : `piscina, chunks of ${size}`,
    role: "peer",
    placement: "process",
    async prepare(setup): Promise<Trial<R[]>> {
      const pool = createPool(setup, true);
      let chosen = size;
      const notes: string[] = [];
      if (chosen === undefined) {
        const sample = setup.items.slice(0, SEARCH_ITEMS);
        const perThread = Math.ceil(sample.length / setup.threads);
        const candidates = [...new Set([10, 40, 160, 640, perThread].filter((n) => n <= perThread))];
        // Start the threads and load the module before anything is timed.
        await runChunks(pool, sample.slice(0, setup.threads), 1);
        const timings: string[] = [];
        let best = Infinity;
        for (const candidate of candidates) {
          // The better of two tries: one alone is at the mercy of whatever else the machine is doing.
          let elapsed = Infinity;
          for (let attempt = 0; attempt < 2; attempt++) {
            const start = performance.now();
            await runChunks(pool, sample, candidate);
            elapsed = Math.min(elapsed, performance.now() - start);
          }
          timings.push(`${candidate}: ${elapsed.toFixed(0)} ms`);
          if (elapsed < best) {
            best = elapsed;
            chosen = candidate;
          }
        }
        notes.push(
          `chunk size ${chosen} items, the fastest on the first ${sample.length} items (${timings.join(", ")})`,
        );
      }
      const chunk = chosen ?? 1;
      return {
        run: () => runChunks<I, R>(pool, setup.items, chunk),
        notes,
        close: () => pool.destroy(),
      };
    },
  };
}
