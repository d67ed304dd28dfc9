/**
 * The answers TypeScript gave in a probe file (see probe-file.ts), read back: which
 * questions it answered no (and why), and the types of the probe's declarations.
 */
import type { EngineDiagnostic, ProbeTypes } from "./engine.js";
import { findInputProblems, type InputProblem, type JsonPrimitive } from "./input-check.js";
import { probeNames, type ProbeRange, type ProbeSubject } from "./probe-plan.js";
import {
  findTransportHazards,
  type TransportFindings,
  type TransportMode,
  type TransportRoot,
} from "./transport-safety.js";

/** What a method's signature says, read from its `Parameters<…>` tuple. */
export interface Signature {
  readonly takesInput: boolean;
  readonly requiredParameters: number;
}

/** Reads the answers TypeScript gave in the probe file. */
export class ProbeAnswers {
  private readonly failures = new Map<string, EngineDiagnostic>();
  private readonly others: { subject: ProbeSubject; diagnostic: EngineDiagnostic }[] = [];

  constructor(
    private readonly types: ProbeTypes,
    ranges: readonly ProbeRange[],
    diagnostics: readonly EngineDiagnostic[],
    private readonly literals: readonly JsonPrimitive[],
  ) {
    for (const diagnostic of diagnostics) {
      const start = diagnostic.start ?? -1;
      const range = ranges.find((r) => start >= r.start && start < r.end);
      const subject: ProbeSubject = range?.subject ?? { kind: "preamble" };
      if (
        subject.kind === "context" ||
        subject.kind === "array" ||
        subject.kind === "edge" ||
        subject.kind === "guard"
      ) {
        const key = subjectKey(subject);
        if (!this.failures.has(key)) this.failures.set(key, diagnostic);
      } else {
        this.others.push({ subject, diagnostic });
      }
    }
  }

  /** Diagnostics that are not answers to a question, but TypeScript failing to read something. */
  unexpected(): readonly { subject: ProbeSubject; diagnostic: EngineDiagnostic }[] {
    return this.others;
  }

  /** The diagnostic that says a question's answer is no, if it is. */
  failed(subject: ProbeSubject): EngineDiagnostic | undefined {
    return this.failures.get(subjectKey(subject));
  }

  signature(index: number): Signature {
    const parameters = this.types.typeOf(probeNames.parameters(index));
    const tuple = parameters === undefined ? undefined : this.types.model.tuple(parameters);
    if (tuple !== undefined) {
      return { takesInput: tuple.fixedLength > 0 || tuple.variadic, requiredParameters: tuple.minLength };
    }
    // An array (`...args: T[]`) or an unreadable type: it accepts an input, and requires nothing.
    return { takesInput: true, requiredParameters: 0 };
  }

  /** Whether a declaration's type is an array or a tuple (or a union of them). */
  isArrayLike(name: string): boolean {
    const { model, typeOf } = this.types;
    const type = typeOf(name);
    if (type === undefined) return false;
    return (model.unionMembers(type) ?? [type]).every(
      (member) => model.isArray(member) || model.tuple(member) !== undefined,
    );
  }

  isNever(name: string): boolean {
    const type = this.types.typeOf(name);
    return type !== undefined && (this.types.model.flags(type) & this.types.model.TypeFlags.Never) !== 0;
  }

  /**
   * The type of a declaration, printed. Qualified, written from inside the probe file,
   * where no type of the methods is in scope, a name is an `import("…")` type, as in
   * TypeScript's own messages; the probe file sits beside the manifest, so the paths
   * read relative to it: `import("./a.js").Row`.
   */
  printDeclared(name: string, qualified = false): string {
    if (qualified) return this.types.printQualified(name);
    const type = this.types.typeOf(name);
    return type === undefined ? "unknown" : this.types.model.print(type);
  }

  /** What a transport does to the value of a declaration's type (`undefined` when it has none). */
  transportHazards(name: string, mode: TransportMode, root: TransportRoot): TransportFindings | undefined {
    const type = this.types.typeOf(name);
    return type === undefined ? undefined : findTransportHazards(this.types.model, type, mode, root);
  }

  /** Where `value` does not fit a declaration's type (`undefined` when it has none). */
  inputProblems(name: string, value: unknown): readonly InputProblem[] | undefined {
    const type = this.types.typeOf(name);
    if (type === undefined) return undefined;
    const indices = new Map(this.literals.map((literal, index) => [literal, index]));
    const literal = (primitive: JsonPrimitive) => {
      const index = indices.get(primitive);
      return index === undefined ? undefined : this.types.typeOf(probeNames.literal(index));
    };
    return findInputProblems(this.types.model, literal, type, value);
  }
}

export function subjectKey(subject: ProbeSubject): string {
  switch (subject.kind) {
    case "context":
    case "method":
      return `${subject.kind}:${subject.method}`;
    case "array":
    case "edge":
      return `${subject.kind}:${subject.receiver}`;
    case "guard":
      return `guard:${subject.role}:${subject.aspect}:${subject.method}`;
    default:
      return subject.kind;
  }
}
