/** The method of the overhead benchmark: no work at all, so that what is measured is the runtime. */
export function identity(x: number): number {
  return x;
}
