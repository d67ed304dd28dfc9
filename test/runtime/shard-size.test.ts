/**
 * The threads backend's shard sizer, on simulated stages: each shard's
 * measured time is its items' cost, as a worker would report it.
 */
import { describe, expect, it } from "vitest";
import {
  MAX_GUIDED_SHARD_MS,
  MAX_SHARD_ITEMS,
  ShardSizer,
  TARGET_SHARD_MS,
} from "../../stdlib/backends/threads/shard-size.js";

/** Cuts `items` into shards for `lanes` lanes, item `i` costing `cost(i)` ms; returns the shard sizes. */
function simulate(
  items: number,
  lanes: number,
  cost: (item: number) => number,
  sizer = new ShardSizer(null),
): number[] {
  const sizes: number[] = [];
  for (let first = 0; first < items;) {
    const size = sizer.next(items - first, lanes);
    let ms = 0;
    for (let i = first; i < first + size; i++) ms += cost(i);
    sizer.record(size, ms);
    sizes.push(size);
    first += size;
  }
  return sizes;
}

describe("shard sizer", () => {
  it("starts at one item and grows at most fourfold per shard", () => {
    const sizes = simulate(10_000, 2, () => 0.001);
    expect(sizes[0]).toBe(1);
    for (let k = 1; k < sizes.length; k++) expect(sizes[k]).toBeLessThanOrEqual(4 * (sizes[k - 1] ?? 0));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it("cuts a long array of items that cost alike into few shards, none over its limit of work, shrinking at the end", () => {
    const cost = 0.5;
    const sizes = simulate(4000, 2, () => cost);
    // Shards of 20 ms alone would take about a hundred.
    expect(sizes.length).toBeLessThan(30);
    expect(Math.max(...sizes) * cost).toBeLessThanOrEqual(MAX_GUIDED_SHARD_MS);
    expect(Math.max(...sizes) * cost).toBeGreaterThan(TARGET_SHARD_MS);
    // The last shards are small, so that the lanes finish together.
    expect(sizes.at(-1)).toBeLessThan(Math.max(...sizes) / 4);
  });

  it("keeps shards of about 20 ms when shards of items cost differently", () => {
    // One item in about fifty, scattered, costs 25 ms instead of 0.5: shards of a few dozen disagree.
    const heavy = (i: number): boolean => Math.imul(i, 2654435761) >>> 0 < 2 ** 32 / 50;
    const sizes = simulate(4000, 2, (i) => (heavy(i) ? 25 : 0.5));
    expect(sizes.length).toBeGreaterThan(60);
    // No shard was sized for more than 20 ms at the cheapest cost, a few times over.
    expect(Math.max(...sizes)).toBeLessThanOrEqual((4 * TARGET_SHARD_MS) / 0.5);
  });

  it("ignores a slow cold start once later shards agree", () => {
    const sizes = simulate(4000, 2, (i) => (i === 0 ? 30 : 0.5));
    expect(sizes.length).toBeLessThan(35);
  });

  it("keeps a stream's shards to 20 ms and at most MAX_SHARD_ITEMS items", () => {
    const sizer = new ShardSizer(null);
    const sizes: number[] = [];
    for (let k = 0; k < 40; k++) {
      const size = sizer.next(undefined, 2);
      sizer.record(size, size * 0.5);
      sizes.push(size);
    }
    expect(Math.max(...sizes)).toBe(TARGET_SHARD_MS / 0.5);
    const cheap = new ShardSizer(null);
    for (let k = 0; k < 40; k++) cheap.record(cheap.next(undefined, 2), 0);
    expect(cheap.next(undefined, 2)).toBe(MAX_SHARD_ITEMS);
  });

  it("spreads the last items over every lane", () => {
    const sizer = new ShardSizer(null);
    for (let k = 0; k < 10; k++) sizer.record(sizer.next(1_000_000, 4), 1e-6);
    expect(sizer.next(10, 4)).toBe(3);
  });

  it("keeps to the plan's shard_size", () => {
    expect(simulate(100, 2, () => 0.5, new ShardSizer(7))).toEqual([...Array<number>(14).fill(7), 2]);
  });
});
