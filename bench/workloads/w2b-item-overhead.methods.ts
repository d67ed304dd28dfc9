/** The method of W2b: as cheap as a method can be, so that what is measured is the cost of handling an item. */
export function inc(x: number): number {
  return x + 1;
}
