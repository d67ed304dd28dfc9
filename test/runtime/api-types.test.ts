/**
 * The public types generated runners are written against. These assertions
 * are checked by the TypeScript compiler (`tsc` over the test files, or
 * `vitest --typecheck`); at run time they are no-ops.
 */
import { describe, expectTypeOf, it } from "vitest";
import type { Fits, MethodInput, MethodOutput, RunContext, Runner } from "../../stdlib/index.js";

declare function parse(text: string, context: RunContext): Promise<number[]>;
declare function tick(): void;
declare function total(values: readonly number[]): number;

describe("runtime public types", () => {
  it("reads a method's input and awaited output", () => {
    expectTypeOf<MethodInput<typeof parse>>().toEqualTypeOf<string>();
    expectTypeOf<MethodOutput<typeof parse>>().toEqualTypeOf<number[]>();
    expectTypeOf<MethodInput<typeof tick>>().toEqualTypeOf<void>();
    expectTypeOf<MethodOutput<typeof total>>().toEqualTypeOf<number>();
  });

  it("proves an edge only when the output fits the next input", () => {
    expectTypeOf<Fits<MethodOutput<typeof parse>, MethodInput<typeof total>>>().toEqualTypeOf<
      [number[], readonly number[]]
    >();
    // @ts-expect-error a number[] does not fit a string parameter
    type Wrong = Fits<MethodOutput<typeof parse>, MethodInput<typeof parse>>;
    expectTypeOf<Wrong>().not.toBeNever();
  });

  it("types a runner's run by its input and output", () => {
    expectTypeOf<Runner<string, number>["run"]>().parameter(0).toEqualTypeOf<string>();
    expectTypeOf<Runner<string, number>["run"]>().returns.toEqualTypeOf<Promise<number>>();
  });
});
