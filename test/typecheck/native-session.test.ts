import { ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NativeSession } from "../../src/typecheck/ts7/session.js";

/** The compiler's process behind a started session, read as the session reads it. */
function processOf(session: NativeSession): ChildProcess {
  const api = session.start() as unknown as { client?: { channel?: { child?: unknown } } };
  const child = api.client?.channel?.child;
  if (!(child instanceof ChildProcess))
    throw new Error("TypeScript 7's API no longer holds its process where 7.0.2 did");
  return child;
}

describe("the TypeScript 7 session", () => {
  it("ends the compiler's process at once on close, before it can print on the standard error it shares", async () => {
    const session = new NativeSession(process.cwd());
    const child = processOf(session);
    expect(child.exitCode).toBeNull();
    // A snapshot with a project open, as after a type-check: closing releases it, then ends the process.
    session.open(path.resolve("examples/tsconfig.json"));
    expect(session.current().getProjects()).toHaveLength(1);
    const exited = once(child, "exit");
    session.close();
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: null, signal: "SIGKILL" });
    expect(() => session.current()).toThrow("the TypeScript 7 session is closed");
  });

  it("closes without having started", () => {
    const session = new NativeSession(process.cwd());
    expect(() => session.close()).not.toThrow();
  });
});
