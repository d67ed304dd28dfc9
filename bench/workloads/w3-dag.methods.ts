/**
 * The methods of W3: each waits its fixed time (no CPU), then returns a term
 * naming itself and what it received, so that the final output spells out
 * which values reached which method. Fan-in methods receive an object keyed
 * by predecessor, as the language defines.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** How long each method waits, in milliseconds. */
export const DURATIONS = { a: 50, b: 80, c: 30, d: 40, e: 60, f: 20, g: 70, h: 10 } as const;

/** Predecessors of each method, in the order of their keys in its input. */
export const PREDECESSORS: Readonly<Record<keyof typeof DURATIONS, readonly (keyof typeof DURATIONS)[]>> = {
  a: [],
  b: [],
  c: [],
  d: ["a", "b"],
  e: ["b"],
  f: ["b", "c"],
  g: ["f"],
  h: ["d", "e", "g"],
};

/** The longest chain of waits, b → f → g → h: no schedule can finish sooner. */
export const CRITICAL_PATH_MS = DURATIONS.b + DURATIONS.f + DURATIONS.g + DURATIONS.h;

export async function a(run: number): Promise<string> {
  await sleep(DURATIONS.a);
  return `a${run}`;
}

export async function b(run: number): Promise<string> {
  await sleep(DURATIONS.b);
  return `b${run}`;
}

export async function c(run: number): Promise<string> {
  await sleep(DURATIONS.c);
  return `c${run}`;
}

export async function d(input: { a: string; b: string }): Promise<string> {
  await sleep(DURATIONS.d);
  return `d(${input.a},${input.b})`;
}

export async function e(input: string): Promise<string> {
  await sleep(DURATIONS.e);
  return `e(${input})`;
}

export async function f(input: { b: string; c: string }): Promise<string> {
  await sleep(DURATIONS.f);
  return `f(${input.b},${input.c})`;
}

export async function g(input: string): Promise<string> {
  await sleep(DURATIONS.g);
  return `g(${input})`;
}

export async function h(input: { d: string; e: string; g: string }): Promise<string> {
  await sleep(DURATIONS.h);
  return `h(${input.d},${input.e},${input.g})`;
}

/** The output of run `run`. */
export function expectedOutput(run: number): string {
  return `h(d(a${run},b${run}),e(b${run}),g(f(b${run},c${run})))`;
}
