import { describe, expect, it } from "vitest";
import { threadExecArgv, withoutLoaders } from "../../stdlib/backends/threads/thread-exec-argv.js";

const compiled = "file:///app/node_modules/.cache/flowc/threads/0123abcd.mjs";
const plain = "file:///app/methods.js";
const typescript = "file:///app/methods.ts";

describe("the Node options of worker threads", () => {
  it.each([
    [["--import", "tsx"], []],
    [["--import=tsx"], []],
    [["--loader", "tsx/esm"], []],
    [["--experimental-loader=tsx"], []],
    [["-r", "tsx/cjs"], []],
    // What the tsx command passes to node.
    [
      [
        "--require",
        "/app/node_modules/tsx/dist/preflight.cjs",
        "--import",
        "file:///app/node_modules/tsx/dist/loader.mjs",
      ],
      [],
    ],
    [
      ["--enable-source-maps", "--import", "tsx", "--import", "file:///app/record.mjs", "--max-old-space-size=512"],
      ["--enable-source-maps", "--import", "file:///app/record.mjs", "--max-old-space-size=512"],
    ],
    // Only tsx: another package whose name contains it, or a file of the user's named so, stays.
    [
      ["--import", "tsx-helpers"],
      ["--import", "tsx-helpers"],
    ],
    [
      ["--import", "file:///app/tsx.mjs"],
      ["--import", "file:///app/tsx.mjs"],
    ],
  ])("%j keeps %j", (execArgv, kept) => {
    expect(withoutLoaders(execArgv)).toEqual(kept);
  });

  it("leaves tsx out when every module the threads import is JavaScript", () => {
    expect(threadExecArgv([compiled, plain], ["--import", "tsx", "--trace-warnings"])).toEqual(["--trace-warnings"]);
  });

  it("keeps the process's options when a module is left to tsx, or when there is nothing to leave out", () => {
    expect(threadExecArgv([compiled, typescript], ["--import", "tsx"])).toBeUndefined();
    expect(threadExecArgv([compiled], ["--enable-source-maps"])).toBeUndefined();
  });
});
