import { describe, expect, it } from "vitest";
import {
  CancelledError,
  ErrorCode,
  FlowError,
  isCancelled,
  isNonRetryable,
  MethodError,
  MethodTimeoutError,
  NonRetryableError,
  ParallelInputError,
} from "../../stdlib/index.js";

describe("runtime errors", () => {
  it("words a MethodError for a single call, a parallel item and several attempts", () => {
    expect(new MethodError("load", undefined, 1, new Error("disk full")).message).toBe(
      "Method 'load' failed after 1 attempt: disk full",
    );
    expect(new MethodError("transform", 17, 3, new Error("bad row")).message).toBe(
      "Method 'transform' failed on item 17 after 3 attempts: bad row",
    );
    expect(new MethodError("t", 0, 2, new MethodTimeoutError("t", 0, 250)).message).toBe(
      "Method 't' failed on item 0 after 2 attempts: timed out after 250 ms",
    );
  });

  it("describes causes that are not errors", () => {
    expect(new MethodError("m", undefined, 1, "nope").message).toBe("Method 'm' failed after 1 attempt: nope");
    expect(new MethodError("m", undefined, 1, { status: 500 }).message).toBe(
      "Method 'm' failed after 1 attempt: an object",
    );
    expect(new MethodError("m", undefined, 1, undefined).message).toBe("Method 'm' failed after 1 attempt: undefined");
    expect(new MethodError("m", undefined, 1, 42).message).toBe("Method 'm' failed after 1 attempt: number 42");
    expect(new MethodError("m", undefined, 1, new TypeError("")).message).toBe(
      "Method 'm' failed after 1 attempt: TypeError",
    );
  });

  it("describes what a parallel method received instead of an array", () => {
    const cases: [unknown, string][] = [
      [null, "null"],
      [undefined, "undefined"],
      [7, "number 7"],
      ["x".repeat(50), `a string ("${"x".repeat(40)}…")`],
      [new Map(), "a Map"],
      [Object.create(null), "an object"],
    ];
    for (const [value, received] of cases) {
      const error = new ParallelInputError("each", value);
      expect(error.received).toBe(received);
      expect(error.message).toBe(
        `Method 'each' runs in parallel and needs an array as input, but received ${received}.`,
      );
    }
  });

  it("gives every error a name, a code and the FlowError base", () => {
    const errors: [FlowError, string, ErrorCode][] = [
      [new MethodError("m", undefined, 1, null), "MethodError", ErrorCode.MethodFailed],
      [new MethodTimeoutError("m", undefined, 5), "TimeoutError", ErrorCode.MethodTimeout],
      [new CancelledError("etl", "stop"), "AbortError", ErrorCode.Cancelled],
      [new NonRetryableError("no"), "NonRetryableError", ErrorCode.NonRetryable],
    ];
    for (const [error, name, code] of errors) {
      expect(error).toBeInstanceOf(FlowError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
    }
  });

  it("recognises non-retryable and cancellation errors by code once cloned across a thread", () => {
    const cloned = { name: "Error", message: "no", code: ErrorCode.NonRetryable };
    expect(isNonRetryable(new NonRetryableError("no"))).toBe(true);
    expect(isNonRetryable(cloned)).toBe(true);
    expect(isNonRetryable(new Error("no"))).toBe(false);
    expect(isCancelled({ code: ErrorCode.Cancelled })).toBe(true);
    expect(isCancelled(new CancelledError("etl", "stop"))).toBe(true);
    expect(isCancelled(null)).toBe(false);
  });
});
