/** The nodes of the DAG benchmark: each sleeps for its own duration and passes its input on. */
import { setTimeout as sleep } from "node:timers/promises";
import type { RunContext } from "../stdlib/index.js";

export const DURATIONS: Readonly<Record<string, number>> = { A: 50, B: 80, C: 30, D: 40, E: 60, F: 20, G: 70, H: 10 };

export async function nap(input: unknown, context: RunContext): Promise<unknown> {
  await sleep(DURATIONS[context.method] ?? 0);
  return input;
}
