/** The method of W4: trivial, so that what is measured is moving items through Redis and back. */
export function inc(x: number): number {
  return x + 1;
}
