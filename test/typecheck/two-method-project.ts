/** A manifest of two methods and their module, with a variant whose edge no longer fits (FLOW4001). */
export const MANIFEST = "load, total { execution_flow: sequential; }\n";

export const METHODS = [
  "export function load(path: string): number[] { return [path.length]; }",
  "export function total(values: number[]): number { return values.length; }",
  "",
].join("\n");

/** `load` returns strings now: they no longer fit `total`. */
export const METHODS_RETURNING_STRINGS = METHODS.replace(
  "number[] { return [path.length]; }",
  "string[] { return [path]; }",
);
