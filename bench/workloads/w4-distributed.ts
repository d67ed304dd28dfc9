/**
 * W4 — distributed map: 20,000 trivial items over 2 worker processes through
 * a private Redis. Target: flowc's bullmq backend moves ≥ 80 % of the items
 * per second that raw BullMQ does (its better variant).
 */
import { fileURLToPath } from "node:url";
import type { PlanDescriptor } from "../../stdlib/index.js";
import { rawBullmq } from "../adapters/bullmq-raw.js";
import { flowcBullmq } from "../adapters/flowc-bullmq.js";
import { compilePlan, workloadFile } from "../harness/plans.js";
import { redisUnavailable, startRedis, type RedisServer } from "../harness/redis-server.js";
import { judge, medianOf, ratioOf } from "../harness/targets.js";
import type { CaseSpec, Mode, Workload } from "../harness/types.js";
import { inc } from "./w4-distributed.methods.js";

export interface DistributedSetup {
  readonly redis: RedisServer;
  readonly items: readonly number[];
  /** The plan as `flowc build --backend bullmq` makes it. */
  readonly plan: PlanDescriptor;
  /** Path of the manifest, which `flowc worker` serves. */
  readonly manifest: string;
  readonly method: (x: number) => number;
  readonly module: URL;
  readonly exportName: string;
  /** Worker processes per contender. */
  readonly workers: number;
}

const ITEMS = 20_000;
const WORKERS = 2;
const CONTENDERS = ["raw-bullmq-1", "raw-bullmq-100", "flowc-bullmq"];

function cases(mode: Mode): CaseSpec[] {
  const spec = (units: number, warmups: number, rounds: number): CaseSpec => ({
    group: "trivial items",
    scale: 1,
    units,
    warmups,
    rounds,
    contenders: CONTENDERS,
    timeoutMs: 180_000,
  });
  if (mode === "test") return [];
  if (mode === "quick") return [spec(ITEMS / 10, 1, 1)];
  return [spec(ITEMS, 1, 7)];
}

let plan: PlanDescriptor | undefined;

export const distributedWorkload: Workload<DistributedSetup, number[]> = {
  id: "W4",
  title: "distributed map",
  description:
    `\`inc(x) = x + 1\` over ${ITEMS.toLocaleString("en")} items in ${WORKERS} worker processes, through a redis-server ` +
    "started for the run (persistence off, loopback). Raw BullMQ gets the items one per job and 100 per job; flowc's " +
    "manifest sets `shard_size: 100`, the same batches. Throughput is items ÷ median time.",
  unit: "item",
  contenders: [rawBullmq(1), rawBullmq(100), flowcBullmq],
  cases,
  unavailable: redisUnavailable,
  async setup(spec) {
    plan ??= await compilePlan(workloadFile("w4-distributed.flow"), { types: true, backend: "bullmq" });
    const redis = await startRedis();
    return {
      value: {
        redis,
        items: Array.from({ length: spec.units }, (_, i) => i),
        plan,
        manifest: fileURLToPath(workloadFile("w4-distributed.flow")),
        method: inc,
        module: workloadFile("w4-distributed.methods.ts"),
        exportName: "inc",
        workers: WORKERS,
      },
      notes: [`${redis.url.replace(/:\d+$/, ":<free port>")}, ${WORKERS} worker processes per contender`],
      dispose: () => redis.stop(),
    };
  },
  check(setup, output) {
    if (!Array.isArray(output) || output.length !== setup.items.length) {
      throw new Error(
        `${Array.isArray(output) ? output.length : typeof output} outputs for ${setup.items.length} items`,
      );
    }
    for (let i = 0; i < output.length; i++) {
      if (output[i] !== i + 1) throw new Error(`item ${i} gave ${String(output[i])}, expected ${i + 1}`);
    }
  },
  targets(results) {
    const result = results[0];
    const units = result?.spec.units ?? ITEMS;
    const rate = (id: string): string => {
      const ms = medianOf(result, id);
      return ms === undefined ? "—" : `${Math.round((units / ms) * 1000).toLocaleString("en")} items/s`;
    };
    // flowc's share of a raw variant's throughput is the raw time over flowc's; the faster raw variant gives the smaller share.
    const shares = ["raw-bullmq-1", "raw-bullmq-100"]
      .map((id) => ({ id, share: ratioOf(result, id, "flowc-bullmq") }))
      .filter((entry): entry is { id: string; share: number } => entry.share !== undefined)
      .sort((x, y) => x.share - y.share);
    const best = shares[0];
    return [
      judge(
        "W4: flowc bullmq ≥ 80 % of raw BullMQ's throughput (its faster variant)",
        best?.share,
        (share) => share >= 0.8,
        (share) =>
          `${Math.round(share * 100)} % of ${best?.id ?? "—"} (flowc ${rate("flowc-bullmq")}, raw ${rate(best?.id ?? "")})`,
      ),
    ];
  },
};
