/**
 * The in-memory TypeScript file through which the type-check asks its questions.
 * Each question is a declaration or an assignment TypeScript checks with its own
 * rules, so the answers — and the explanations of failed answers — are exactly those
 * `tsc` would give.
 *
 * The file is built as a syntax tree and printed, statement by statement, so that
 * each question's range in the text is known from where it was printed. Only names
 * this module makes up become identifiers; whatever the manifest says (module paths,
 * method names, export names) becomes a string literal or a quoted key.
 */
import { arrayOf, propertyName, typeLiteral, typeReference } from "../emit/syntax.js";
import { printStatement } from "../syntax/print.js";
import * as t from "../syntax/tree.js";
import { handedType, literalType, orUndefined, pieceTypeOf } from "../emit/edge-types.js";
import type { Handed } from "./flow-shape.js";
import { askedApart, constant, declareConst, PREFIX, preamble, returned, runtime, typeOf } from "./probe-syntax.js";
import {
  probeNames,
  type ProbeMethod,
  type ProbePiece,
  type ProbePlan,
  type ProbeRange,
  type ProbeSubject,
} from "./probe-plan.js";

export interface ProbeFile {
  readonly text: string;
  readonly ranges: readonly ProbeRange[];
}

/** The value a method hands on: its output, or the array of outputs of a parallel method (see `Handed`). */
function handedOn(method: { readonly index: number; readonly handed: Handed }): t.TypeNode {
  return handedType(method.handed, typeOf(probeNames.output(method.index)), (output) =>
    typeReference(runtime.Settled, output),
  );
}

/** Whether another method feeds `method`; one fed by nothing or by the run's input alone is a source. */
function fedByMethods(method: ProbeMethod): boolean {
  return method.inputs.some((piece) => piece.kind === "method");
}

/**
 * One piece of what a method receives: the run's input, or what a sender hands on (routed, or
 * possibly `undefined`). `spelt` for a piece that is printed: TypeScript prints the variants a
 * route lets through by their own names rather than as `Routed<Ticket, "kind", "a" | "b">`
 * once they are intersected with `{}`, which changes no object type (and what a branch routes
 * is objects told apart by a property).
 */
function pieceType(piece: ProbePiece, runInput: t.TypeNode, spelt = false): t.TypeNode {
  if (piece.kind === "run input") return runInput;
  return pieceTypeOf(handedOn(piece), piece, (handed, property, values) => {
    const routed = typeReference(runtime.Routed, handed, property, values);
    return spelt ? t.intersectionType([routed, typeLiteral([])]) : routed;
  });
}

/** `Helper<typeof fn>`, one of the probe's helpers applied to a method. */
function ofMethod(helper: string, method: ProbeMethod): t.TypeNode {
  return typeReference(helper, typeOf(probeNames.method(method.index)));
}

/**
 * What a method that takes the run's input needs of it: its input (`unknown`, which does
 * not narrow the intersection, when it takes none), or an array of them when it is
 * parallel; the type of the `"@input"` member of its input when it takes the run's input
 * beside other inputs.
 */
function sourcePart(method: ProbeMethod): t.TypeNode {
  const target = ofMethod(`${PREFIX}Target`, method);
  if (method.runInput === "key") return typeReference(runtime.RunInputPart, target);
  return method.parallel ? arrayOf(target, true) : target;
}

/**
 * What `method` sends its predicate and its fallback: what it receives (for a parallel
 * method, the whole value for its predicate and one item for its fallback); for a
 * method that takes the run's input as a whole, what it accepts.
 */
function guardInput(method: ProbeMethod, role: "run_if" | "fallback"): t.Expression {
  const whole = !fedByMethods(method);
  if (whole) {
    const accepted = ofMethod(`${PREFIX}Target`, method);
    const sent = method.parallel && role === "run_if" ? arrayOf(accepted, true) : accepted;
    return t.as(t.as(t.nullLiteral(), t.keywordType("unknown")), sent);
  }
  const name =
    method.parallel && role === "fallback" ? probeNames.item(method.index) : probeNames.incoming(method.index);
  return ident(name);
}

/**
 * The questions about a method's predicate and fallback: what the method sends fits the
 * guard's parameter; a predicate returns a boolean; a fallback's output fits in place of
 * the method's.
 */
function addGuards(out: ProbeWriter, plan: ProbePlan, method: ProbeMethod): void {
  for (const { role, index } of method.guards) {
    const guard = plan.methods.find((candidate) => candidate.index === index);
    if (guard === undefined) continue;
    const subject = (aspect: "input" | "output") => ({ kind: "guard", role, aspect, method: method.name }) as const;
    const input = probeNames.guard(role, "input", method.index);
    out.add([asked(input, ofMethod(`${PREFIX}Target`, guard), guardInput(method, role))], subject("input"));
    const output = probeNames.guard(role, "output", method.index);
    const expected = role === "run_if" ? t.keywordType("boolean") : typeOf(probeNames.output(method.index));
    const value = t.as(t.as(t.nullLiteral(), t.keywordType("unknown")), typeOf(probeNames.output(guard.index)));
    out.add([asked(output, expected, value)], subject("output"));
  }
}

/** What the skips and branches of a plan are decided by (see decisions.ts). */
function addDecisions(out: ProbeWriter, plan: ProbePlan): void {
  const statements: t.Statement[] = [];
  const yes = t.literalType(t.boolean(true));
  const no = t.literalType(t.boolean(false));
  for (const method of plan.methods) {
    const target = ofMethod(`${PREFIX}Target`, method);
    statements.push(declareConst(probeNames.target(method.index), target));
    method.inputs.forEach((piece, position) => {
      if (piece.kind !== "method") return;
      // `[A] extends [B]`, so that a union is judged whole, as assignability judges it.
      const given =
        method.inputs.length === 1
          ? t.keywordType("undefined")
          : typeReference("Record", t.literalType(t.string(piece.name)), t.keywordType("undefined"));
      const taken =
        method.inputs.length === 1
          ? target
          : typeReference(
              "Pick",
              target,
              typeReference("Extract", t.literalType(t.string(piece.name)), t.typeOperator("keyof", target)),
            );
      const question = t.conditionalType(t.tupleType([given]), t.tupleType([taken]), yes, no);
      statements.push(declareConst(probeNames.accepts(method.index, position), question));
    });
  }
  out.add(statements, { kind: "run" });
}

/** Prints statements one after the other, keeping the range of text each question takes. */
class ProbeWriter {
  text = "";
  readonly ranges: ProbeRange[] = [];

  add(statements: readonly t.Statement[], subject: ProbeSubject): void {
    const start = this.text.length;
    for (const statement of statements) this.text += `${printStatement(statement)}\n`;
    this.ranges.push({ start, end: this.text.length, subject });
  }

  /**
   * A call whose last argument is the run context: a complaint about that argument is about
   * the method's second parameter, any other about what it receives.
   */
  addCall(statement: t.Statement, method: string, withContext: boolean): void {
    const start = this.text.length;
    const printed = printStatement(statement);
    this.text += `${printed}\n`;
    const context = withContext ? start + printed.lastIndexOf(`${PREFIX}runContext`) : this.text.length;
    this.ranges.push({ start, end: context, subject: { kind: "edge", receiver: method } });
    if (withContext) this.ranges.push({ start: context, end: this.text.length, subject: { kind: "context", method } });
  }
}

export function writeProbeFile(plan: ProbePlan): ProbeFile {
  const out = new ProbeWriter();

  // One import per method, of the method alone: the types its signature uses
  // stay out of scope, so TypeScript names them as a reader would
  // (`Row`, or `import("./a").Row` when two modules both have a `Row`).
  for (const method of plan.methods) {
    const specifier = t.importSpecifier(probeNames.imported(method.index), {
      exported: exportName(method.exportName),
    });
    const statement = t.importDeclaration(t.namedImports([specifier]), method.specifier, true);
    out.add([statement], { kind: "method", method: method.name });
  }
  out.add(preamble(), { kind: "preamble" });

  for (const method of plan.methods) {
    const fn = probeNames.method(method.index);
    const output =
      method.call === undefined
        ? ofMethod(runtime.MethodOutput, method)
        : typeReference("Awaited", typeReference("ReturnType", typeOf(probeNames.call(method.index))));
    out.add(
      [
        declareConst(fn, typeOf(probeNames.imported(method.index))),
        declareConst(probeNames.parameters(method.index), typeReference("Parameters", typeOf(fn))),
        declareConst(probeNames.input(method.index), ofMethod(runtime.MethodInput, method)),
        declareConst(probeNames.output(method.index), output),
      ],
      { kind: "method", method: method.name },
    );
    // A call passes the run context itself, where TypeScript judges it against the signature it picks.
    if (method.call !== undefined) continue;
    const context = probeNames.context(method.index);
    out.add([asked(context, ofMethod(`${PREFIX}Context`, method), ident(`${PREFIX}runContext`))], {
      kind: "context",
      method: method.name,
    });
  }

  const runInput = typeOf(probeNames.runInput(Math.max(0, plan.sources.length - 1)));
  for (const method of plan.methods) {
    if (!fedByMethods(method)) {
      // A source receives the run's input, which is whatever it accepts.
      if (method.call !== undefined) {
        const given = ofMethod(method.parallel ? `${PREFIX}Target` : runtime.MethodInput, method);
        out.add([declareConst(probeNames.item(method.index), given)], { kind: "run" });
        addCall(out, method, probeNames.item(method.index));
      }
      continue;
    }
    const only = method.inputs.length === 1 ? method.inputs[0] : undefined;
    const incoming =
      only !== undefined
        ? pieceType(only, runInput)
        : typeLiteral(method.inputs.map((piece) => [piece.name, pieceType(piece, runInput)] as const));
    const name = probeNames.incoming(method.index);
    const target = ofMethod(`${PREFIX}Target`, method);
    out.add([declareConst(name, incoming)], { kind: "run" });
    if (method.parallel) {
      out.add([asked(probeNames.array(method.index), typeReference(`${PREFIX}AnyItems`), ident(name))], {
        kind: "array",
        receiver: method.name,
      });
      out.add([declareConst(probeNames.item(method.index), typeReference(runtime.Item, typeOf(name)))], {
        kind: "run",
      });
      if (method.call === undefined) {
        const items = typeReference(`${PREFIX}Items`, typeOf(name), target);
        out.add([asked(probeNames.edge(method.index), items, ident(name))], { kind: "edge", receiver: method.name });
      } else {
        addCall(out, method, probeNames.item(method.index));
      }
    } else if (method.call === undefined) {
      out.add([asked(probeNames.edge(method.index), target, ident(name))], { kind: "edge", receiver: method.name });
    } else {
      addCall(out, method, name);
    }
  }

  // The run's input, intersected one method that takes it at a time (each with the
  // intersection of those before it), so that the method that makes it impossible can be named.
  const sources = plan.sources.map((index) => plan.methods[index]).filter((m) => m !== undefined);
  sources.forEach((source, position) => {
    const own = typeOf(probeNames.source(position));
    const intersection = position === 0 ? own : t.intersectionType([typeOf(probeNames.runInput(position - 1)), own]);
    out.add(
      [
        declareConst(probeNames.source(position), sourcePart(source)),
        declareConst(probeNames.runInput(position), intersection),
      ],
      { kind: "run" },
    );
  });

  for (const method of plan.methods) addGuards(out, plan, method);
  if (plan.decisions === true) addDecisions(out, plan);

  const sinks = plan.sinks.flatMap(({ index, mayBeSkipped }) => {
    const sink = plan.methods[index];
    if (sink === undefined) return [];
    const handed = handedOn(sink);
    return [{ name: sink.name, type: mayBeSkipped ? orUndefined(handed) : handed }];
  });
  const output =
    sinks.length === 1 && sinks[0] !== undefined
      ? sinks[0].type
      : typeLiteral(sinks.map((sink) => [sink.name, sink.type] as const));
  out.add([declareConst(probeNames.runOutput, output)], { kind: "run" });

  (plan.literals ?? []).forEach((value, index) => {
    out.add([declareConst(probeNames.literal(index), literalType(value))], { kind: "run" });
  });

  // Each input of each method on its own, for the edges of the typed plan; last, so that every
  // question before keeps its place in the text.
  const pieces = plan.methods.flatMap((method) =>
    method.inputs.map((piece, position) =>
      declareConst(probeNames.piece(method.index, position), pieceType(piece, runInput, true)),
    ),
  );
  if (pieces.length > 0) out.add(pieces, { kind: "run" });

  return { text: out.text, ranges: out.ranges };
}

/** `function call() { return fn(value, runContext); }` for a generic or overloaded method. */
function addCall(out: ProbeWriter, method: ProbeMethod, argument: string): void {
  const arity = method.call ?? 0;
  const args = [ident(argument), ident(`${PREFIX}runContext`)].slice(0, arity);
  const call = t.call(ident(probeNames.method(method.index)), args);
  out.addCall(askedApart(probeNames.call(method.index), [returned(call)]), method.name, arity === 2);
}

/** `const name: type = value;`, asked in a function of its own (see `askedApart`). */
function asked(name: string, type: t.TypeNode, value: t.Expression): t.Statement {
  return askedApart(probeNames.question(name), [constant(name, type, value)]);
}

function ident(name: string): t.Identifier {
  return t.identifier(name);
}

/** An export name as an import specifier writes it: bare when it is an identifier, else as a string. */
function exportName(name: string): t.Identifier | t.StringLiteral {
  const key = propertyName(name);
  return key.kind === "identifier" ? key : t.string(name);
}
