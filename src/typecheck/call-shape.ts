/**
 * How a method can be called, read from its declared call signatures before the
 * probe file is written: the probe asks TypeScript about a generic or overloaded
 * method through a call, so that TypeScript's own call resolution infers its type
 * arguments and picks its overload, and it must know how many arguments that call passes.
 */
export interface CallShape {
  /** More than one call signature: the call picks one. */
  readonly overloaded: boolean;
  /** A signature with type parameters: the call infers them. */
  readonly generic: boolean;
  /**
   * How many arguments the runtime's call `fn(input, context)` passes that a signature
   * declares a parameter for: 0, 1 or 2 (a rest parameter counts as 2).
   */
  readonly arity: 0 | 1 | 2;
  /** The declared type of a `this` parameter, printed, when a signature requires one. */
  readonly thisType: string | undefined;
}

/** Whether TypeScript must resolve a call to know what the method returns for what it receives. */
export function resolvedByCall(shape: CallShape | undefined): boolean {
  return shape !== undefined && (shape.overloaded || shape.generic);
}
