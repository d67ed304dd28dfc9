import { describe, expect, it } from "vitest";
import { readJobData, readReply, WIRE_VERSION } from "../../stdlib/backends/bullmq/messages.js";
import { restoreHoles, holesOf } from "../../stdlib/backends/bullmq/payload.js";
import { fromWireError, toWireError } from "../../stdlib/backends/bullmq/wire-error.js";
import { ErrorCode, MethodTimeoutError, NonRetryableError } from "../../stdlib/index.js";

/** The data of a valid shard job, which tests alter one field at a time. */
const JOB_DATA = {
  v: WIRE_VERSION,
  run: "r",
  session: "s",
  shard: 0,
  token: "t0",
  first: 0,
  single: false,
  input: [1, 2],
  holes: [],
  events: false,
  backoff: { baseMs: 1, maxMs: 2 },
};

describe("bullmq messages", () => {
  it("brings an error back with its name, message, code, stack, plain properties and cause", () => {
    const cause = new RangeError("too far");
    const error = Object.assign(new TypeError("bad row", { cause }), { code: "E_ROW", row: 3, fn: () => 1 });
    const back = fromWireError(JSON.parse(JSON.stringify(toWireError(error))) as ReturnType<typeof toWireError>);
    expect(back).toBeInstanceOf(Error);
    expect(back).toMatchObject({ name: "TypeError", message: "bad row", code: "E_ROW", row: 3 });
    expect(back).not.toHaveProperty("fn");
    expect(back.stack).toBe(error.stack);
    expect(back.cause).toMatchObject({ name: "RangeError", message: "too far" });
  });

  it("brings the runtime's own errors back as their classes", () => {
    const timeout = fromWireError(toWireError(new MethodTimeoutError("slow", 4, 250)));
    expect(timeout).toBeInstanceOf(MethodTimeoutError);
    expect(timeout).toMatchObject({ code: ErrorCode.MethodTimeout, method: "slow", item: 4, timeoutMs: 250 });
    expect(timeout.message).toBe("timed out after 250 ms");
    const refusal = fromWireError(toWireError(new NonRetryableError("row 3 has no id")));
    expect(refusal).toBeInstanceOf(NonRetryableError);
    expect(refusal.message).toBe("row 3 has no id");
  });

  it("describes thrown values that are not errors", () => {
    expect(fromWireError(toWireError("plain text")).message).toBe("plain text");
    expect(fromWireError(toWireError({ status: 500 }))).toMatchObject({ message: "an object", value: { status: 500 } });
  });

  it("keeps undefined values apart from null ones", () => {
    const values = [1, undefined, null, "x", undefined];
    const holes = holesOf(values);
    expect(holes).toEqual([1, 4]);
    expect(restoreHoles(JSON.parse(JSON.stringify(values)), holes, 5)).toEqual(values);
    expect(() => restoreHoles([1], [3])).toThrow("an undefined value's place is out of range");
    expect(() => restoreHoles([1, 2], [], 3)).toThrow("expected an array of 3 values");
  });

  it("reads job data field by field and names the first thing wrong", () => {
    const data = JOB_DATA;
    expect(readJobData(data, (run) => `${run}.0`)).toMatchObject({ call: "r.0", input: [1, 2], holes: [] });
    expect(() => readJobData("text", String)).toThrow("job data is not an object");
    expect(() => readJobData({ ...data, shard: -1 }, String)).toThrow(
      "job data lacks the non-negative integer 'shard'",
    );
    expect(() => readJobData({ ...data, backoff: { baseMs: 5, maxMs: 1 } }, String)).toThrow(
      "job data has no valid 'backoff'",
    );
    expect(() => readJobData({ ...data, delivered: [1, 0] }, String)).toThrow(
      "job data has a malformed 'delivered' (indices of items, ascending)",
    );
    expect(readJobData({ ...data, delivered: [0] }, String)).toMatchObject({ delivered: [0] });
    expect(() => readJobData({ ...data, token: "no spaces!" }, String)).toThrow("job data has a malformed 'token'");
  });

  it("reads a shard's item numbers only when they are ascending, one per input, from 'first'", () => {
    const data = { ...JOB_DATA, shard: 1, first: 4, input: [1, 2, 3] };
    expect(readJobData({ ...data, items: [4, 9, 12] }, String)).toMatchObject({ first: 4, items: [4, 9, 12] });
    expect(readJobData(data, String)).not.toHaveProperty("items");
    const malformed =
      "job data has a malformed 'items' (the stage's numbers of a shard's items: ascending, one per input, from 'first')";
    for (const items of [[4, 12, 9], [4, 9], [4, 9, 12, 13], [5, 9, 12], [4, 9, -1], [4, 9.5, 12], "4,9,12", {}]) {
      expect(() => readJobData({ ...data, items }, String)).toThrow(malformed);
    }
    // A single call has no items to number: its context names the item it stands for, if any (`item`).
    expect(() => readJobData({ ...data, single: true, input: [1], items: [4] }, String)).toThrow(malformed);
  });

  it("drops replies it cannot dispatch", () => {
    expect(
      readReply('{"t":"done","call":"c","shard":0,"token":"t0","worker":"w","values":[1],"holes":[]}'),
    ).toMatchObject({
      t: "done",
    });
    expect(readReply('{"t":"done","call":"c","shard":0}')).toBeUndefined();
    expect(readReply('{"t":"explode","call":"c","shard":0}')).toBeUndefined();
    expect(
      readReply('{"t":"done","call":"c","shard":0,"token":"t0","values":[{"__proto__":{}}],"holes":[]}'),
    ).toBeUndefined();
    expect(readReply("not json")).toBeUndefined();
  });
});
