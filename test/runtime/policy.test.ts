import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../stdlib/policy.js";

const backoff = { baseMs: 10, maxMs: 100 };

describe("backoffDelay", () => {
  it("doubles the nominal delay with every failed attempt", () => {
    const highest = (attempt: number): number => backoffDelay(attempt, backoff, () => 0.999999);
    expect([1, 2, 3, 4].map(highest)).toEqual([10, 20, 40, 80]);
  });

  it("keeps between half and all of the nominal delay (equal jitter)", () => {
    expect(backoffDelay(3, backoff, () => 0)).toBe(20);
    expect(backoffDelay(3, backoff, () => 0.5)).toBe(30);
    expect(backoffDelay(3, backoff, () => 0.999999)).toBe(40);
  });

  it("caps the delay at maxMs however many attempts failed", () => {
    expect(backoffDelay(5, backoff, () => 0.999999)).toBe(100);
    expect(backoffDelay(60, backoff, () => 0)).toBe(50);
  });

  it("waits nothing when the base delay is 0", () => {
    expect(backoffDelay(4, { baseMs: 0, maxMs: 0 }, () => 0.7)).toBe(0);
  });
});
