/**
 * The methods of W1: each does next to nothing, so that the time of a run is
 * what the runner spends calling them. The manifest uses the synchronous
 * ones; the asynchronous ones are the same steps as most real methods are
 * written.
 */
export function a(x: number): number {
  return x + 1;
}

export function b(x: number): number {
  return x * 2;
}

export function c(x: number): number {
  return x - 3;
}

export const asyncMethods = {
  a: async (x: number): Promise<number> => x + 1,
  b: async (x: number): Promise<number> => x * 2,
  c: async (x: number): Promise<number> => x - 3,
};

/** What `c(b(a(x)))` must give. */
export function expectedChain(x: number): number {
  return (x + 1) * 2 - 3;
}
