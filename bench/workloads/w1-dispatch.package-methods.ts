/**
 * W1's methods as users write them, `async`: the generated-runner case copies
 * this file into the package it builds, as `w1-dispatch.methods.ts` beside
 * the manifest, and compiles it with the runner.
 */
export async function a(x: number): Promise<number> {
  return x + 1;
}

export async function b(x: number): Promise<number> {
  return x * 2;
}

export async function c(x: number): Promise<number> {
  return x - 3;
}
