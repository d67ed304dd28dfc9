import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunContext, Settled } from "../../stdlib/index.js";
import * as csv from "../../examples/csv-clean/csv-clean.methods.js";
import * as stats from "../../examples/reading-stats/reading-stats.methods.js";
import * as sales from "../../examples/sales-join/sales-join.methods.js";
import * as support from "../../examples/support-triage/support-triage.methods.js";
import * as words from "../../examples/word-count/word-count.methods.js";
import { flowc, root } from "./helpers.js";

/**
 * Every example runs end to end through the real binary, and its output equals
 * the same methods composed by hand — so the scheduler neither drops, reorders
 * nor duplicates anything.
 */
function runExample(name: string): unknown {
  const result = flowc(["run", `examples/${name}/${name}.flow`, "--input", `@examples/${name}/input.json`, "--quiet"]);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

function input<T>(name: string): T {
  return JSON.parse(readFileSync(join(root, "examples", name, "input.json"), "utf8")) as T;
}

describe("examples run end to end", () => {
  it("csv-clean (sequential)", async () => {
    const path = input<string>("csv-clean");
    const output = runExample("csv-clean");
    expect(output).toEqual(csv.totalByCustomer(csv.cleanRows(await csv.readCsv(join(root, path)))));
    // Checked by hand against data/orders.csv: the duplicate 1002, the blank customer and the bad amount are dropped.
    expect(output).toContainEqual({ customer: "Grace Hopper", orders: 2, total: 1299.99 });
    expect(output).toContainEqual({ customer: "Alan Turing", orders: 2, total: 100.25 });
  });

  it("hash-files (parallel): one digest per file, in input order", () => {
    const paths = input<string[]>("hash-files");
    const output = runExample("hash-files") as { path: string; bytes: number; sha256: string }[];
    expect(output.map((d) => d.path)).toEqual(paths);
    for (const digest of output) {
      const content = readFileSync(join(root, digest.path));
      expect(digest.sha256).toBe(createHash("sha256").update(content).digest("hex"));
      expect(digest.bytes).toBe(content.length);
    }
  });

  it("word-count (sequential + parallel)", async () => {
    const path = input<string>("word-count");
    const output = runExample("word-count");
    const chapters = await words.splitChapters(join(root, path));
    expect(chapters).toHaveLength(4);
    expect(output).toEqual(JSON.parse(JSON.stringify(words.mergeCounts(chapters.map(words.countWords)))));
  });

  it("reading-stats (concurrent)", async () => {
    const path = input<string>("reading-stats");
    const output = runExample("reading-stats");
    const values = await stats.loadReadings(join(root, path));
    expect(values).toHaveLength(48);
    expect(output).toEqual(stats.report({ summarize: stats.summarize(values), histogram: stats.histogram(values) }));
  });

  it("sales-join (fan-in)", async () => {
    const paths = input<sales.Sources>("sales-join");
    const output = runExample("sales-join");
    const [orders, customers] = await Promise.all([
      sales.loadOrders({ ordersPath: join(root, paths.ordersPath) }),
      sales.loadCustomers({ customersPath: join(root, paths.customersPath) }),
    ]);
    expect(output).toEqual(sales.revenueByCountry(sales.joinOrders({ loadOrders: orders, loadCustomers: customers })));
    expect(output).toContainEqual({ country: "unknown", orders: 1, revenue: 7.5 });
  });

  it("support-triage (@input, settle, max_failures, branch_on, fallback)", async () => {
    const config = input<support.Config>("support-triage");
    const output = runExample("support-triage");
    const tickets = await support.loadTickets({ ...config, ticketsPath: join(root, config.ticketsPath) });
    const triaged = tickets.map((ticket): Settled<support.Ticket> => {
      try {
        return { ok: true, value: support.triage(ticket) };
      } catch (error) {
        const { name, message } = error as Error;
        return { ok: false, error: { name, message } };
      }
    });
    const day = support.assess({ "@input": config, triage: triaged });
    if (day.status !== "degraded") throw new Error("the day is expected to be degraded");
    // No pager is configured, so paging fails and the e-mail fallback stands in with its error.
    const error = await support.escalate(day).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    const context: RunContext = {
      signal: new AbortController().signal,
      attempt: 1,
      method: "escalate",
      item: undefined,
      error,
    };
    const escalation = support.escalateByEmail(day, context);
    expect(output).toEqual(
      JSON.parse(JSON.stringify(support.report({ "@input": config, publishDigest: undefined, escalate: escalation }))),
    );
    // Checked by hand against data/tickets.csv: T-106 (complaint), T-108 (no text) and T-118 (no category) fail,
    // 3 of 20 is 15%, over the 10% budget, so the day is escalated, by e-mail.
    expect(triaged.length).toBe(20);
    expect(triaged.flatMap((record) => (record.ok ? [] : [record.error.message]))).toEqual([
      "T-106 has an unknown category 'complaint'",
      "T-108 has no text to classify",
      "T-118 has an unknown category ''",
    ]);
    expect(output).toEqual({
      team: "Platform support",
      outcome: "escalated",
      digest: null,
      escalation: {
        channel: "email",
        reason: "paging failed: no pager service configured (SUPPORT_TRIAGE_PAGER_URL)",
        message: "3 of 20 tickets (15%) could not be classified",
      },
    });
  });
});
