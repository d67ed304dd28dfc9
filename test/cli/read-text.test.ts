import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstInvalidByte } from "../../src/cli/read-text.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

// Bytes that are mostly text, with the lead and continuation bytes of every sequence length among them.
const bytes = fc
  .array(fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })), { maxLength: 40 })
  .map((values) => Uint8Array.from(values));

describe("the first byte that is not UTF-8", () => {
  it("is past the end exactly when the bytes are UTF-8, and only UTF-8 comes before it", () => {
    fc.assert(
      fc.property(bytes, (input) => {
        const at = firstInvalidByte(input);
        expect(at === input.length).toBe(isUtf8(input));
        expect(isUtf8(input.subarray(0, at))).toBe(true);
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it("refuses overlong forms, surrogates and code points past U+10FFFF where they begin", () => {
    expect(firstInvalidByte(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidByte(Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(firstInvalidByte(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidByte(Buffer.from("größe ✓ 𝄞", "utf8"))).toBe(Buffer.byteLength("größe ✓ 𝄞"));
  });
});
