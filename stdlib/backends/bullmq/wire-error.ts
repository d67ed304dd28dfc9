/**
 * Errors as they cross Redis: written as JSON with their name, message,
 * code, stack, plain properties and causes, and rebuilt on the other side as
 * close to the original as JSON allows (the runtime's own errors as their
 * classes).
 */
import { describe, ErrorCode, MethodTimeoutError, NonRetryableError } from "../../errors.js";
import { checkPayload } from "./payload.js";
import type { WireError } from "./messages.js";

export function isWireError(value: unknown): value is WireError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as WireError).name === "string" &&
    typeof (value as WireError).message === "string"
  );
}

/** Causes followed when writing an error, so that a cyclic chain still ends. */
const MAX_CAUSES = 4;

/** An error (or any thrown value) as JSON. */
export function toWireError(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) {
    return {
      name: "Error",
      message: describe(error),
      props: plainProps({ value: error }),
    };
  }
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key !== "cause" && key !== "name" && key !== "message" && key !== "stack") {
      own[key] = (error as unknown as Record<string, unknown>)[key];
    }
  }
  // MethodTimeoutError keeps these on its instance; they are what the caller rebuilds it from.
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: error.name,
    message: error.message,
    code: typeof code === "string" ? code : undefined,
    stack: error.stack,
    props: plainProps(own),
    cause: cause === undefined || depth >= MAX_CAUSES ? undefined : toWireError(cause, depth + 1),
  };
}

/** The properties that survive JSON unchanged; anything else (functions, cycles, big ints) is left out. */
function plainProps(props: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept: Record<string, unknown> = {};
  let any = false;
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    try {
      const text = JSON.stringify(value);
      if (text === undefined) continue;
      const back = JSON.parse(text) as unknown;
      checkPayload({ [key]: back });
      kept[key] = back;
      any = true;
    } catch {
      // Not plain data: the error reads the same without it.
    }
  }
  return any ? kept : undefined;
}

/**
 * The error a {@link WireError} describes, as close to the original as JSON
 * allows: the runtime's own errors come back as their classes, others as an
 * `Error` with the original name, message, code, stack and plain properties.
 */
export function fromWireError(wire: WireError, depth = 0): Error {
  const props = wire.props ?? {};
  let error: Error;
  if (wire.code === ErrorCode.MethodTimeout) {
    const item = props["item"];
    error = new MethodTimeoutError(
      String(props["method"] ?? ""),
      typeof item === "number" ? item : undefined,
      Number(props["timeoutMs"] ?? 0),
    );
  } else if (wire.code === ErrorCode.NonRetryable) {
    error = new NonRetryableError(wire.message);
  } else {
    // Not the runtime's own: a method's error rebuilt as it was thrown, not one the runtime makes.
    error = new Error(wire.message);
    if (wire.name !== "Error")
      Object.defineProperty(error, "name", {
        value: wire.name,
        configurable: true,
        writable: true,
      });
    for (const [key, value] of Object.entries(props)) {
      if (key === "__proto__" || key === "constructor" || key === "prototype") continue;
      Object.defineProperty(error, key, {
        value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    if (wire.code !== undefined && !("code" in props)) {
      Object.defineProperty(error, "code", {
        value: wire.code,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
  }
  if (wire.stack !== undefined) error.stack = wire.stack;
  // A chain longer than any writer sends (a forged one) is cut where toWireError would have cut it.
  if (isWireError(wire.cause) && depth < MAX_CAUSES) {
    Object.defineProperty(error, "cause", {
      value: fromWireError(wire.cause, depth + 1),
      configurable: true,
      writable: true,
    });
  }
  return error;
}
