import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSourceText } from "../../grammar/source.js";
import { compile } from "../../src/compile.js";
import { createRunner, ErrorCode, type MethodTable } from "../../stdlib/index.js";

/**
 * `flowc check --workers N` and `createRunner({ workers: N })` judge a plan's demand
 * with one algorithm and one message: whatever the graph, the compiler refuses
 * exactly the plans the runner refuses, in the same words.
 */

/** A random manifest: chains of methods `m0 … m(n-1)` (edges only forward), some of them parallel. */
const manifests = fc
  // At least two methods: a chain needs two distinct ones.
  .integer({ min: 2, max: 9 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      chains: fc.array(
        fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 2, maxLength: Math.min(4, n) }),
        {
          maxLength: 5,
        },
      ),
      parallel: fc.array(fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), { minLength: n, maxLength: n }),
      workers: fc.integer({ min: 1, max: 12 }),
    }),
  )
  .map(({ n, chains, parallel, workers }) => {
    const names = Array.from({ length: n }, (_, i) => `m${i}`);
    const groups = chains.map(
      (chain) =>
        `${[...chain]
          .sort((a, b) => a - b)
          .map((i) => names[i])
          .join(", ")} { execution_flow: sequential; }`,
    );
    const scaled = parallel.flatMap((min, i) =>
      min === undefined ? [] : [`${names[i]} { execution_flow: parallel; min_worker_count: ${min}; }`],
    );
    // Every method is named at least once, so that it is part of the plan.
    const text = [...groups, ...scaled, `${names.join(", ")} { retries: 0; }`].join("\n");
    return { text, names, workers };
  });

async function compiled(text: string, workers?: number) {
  return compile(createSourceText("demand.flow", text), { types: false, workers });
}

describe("the compiler and the runtime agree on a plan's demand", () => {
  it("refuse the same plans for the same number of workers, in the same words", async () => {
    await fc.assert(
      fc.asyncProperty(manifests, async ({ text, names, workers }) => {
        const plain = await compiled(text);
        expect(plain.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const plan = plain.plan!;
        const checked = await compiled(text, workers);
        const refusals = checked.diagnostics.filter((d) => d.code === 3009 || d.code === 3010);

        const methods: MethodTable = Object.fromEntries(names.map((name) => [name, () => []]));
        const runner = createRunner(plan, methods, { workers, backend: "inline" });
        const error = await runner.run([]).then(
          () => undefined,
          (e: unknown) => e,
        );
        await runner.close();
        const refused = (error as { code?: unknown } | undefined)?.code === ErrorCode.WorkerCap;

        expect(refused).toBe(refusals.length > 0);
        if (refused) {
          // The compiler reports each method that is too big alone where it is; the runner names them in plan order.
          const position = (message: string) => plan.methods.findIndex((m) => message.startsWith(`'${m.name}'`));
          const compilerWords = refusals
            .map((d) => d.message.replace(`(--workers ${workers})`, `(workers: ${workers})`))
            .sort((a, b) => position(a) - position(b));
          expect((error as Error).message).toBe(compilerWords.join(" "));
        }
      }),
      { numRuns: 150 },
    );
  });
});
