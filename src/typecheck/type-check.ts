/**
 * The type-check phase: one probe of a manifest's methods put to TypeScript, and what its
 * answers mean for every edge, predicate, fallback and value in transit or in a run's
 * journal; with each method's code hash, read from the program the probe was checked in.
 *
 * Longer than most files here: it is one class whose questions share the state of one
 * probe (which methods could not be read, which edges already failed); how the answers are
 * read back, how TypeScript's messages are worded, how skips and branches are decided and
 * how code is hashed live in probe-answers.ts, type-messages.ts, decisions.ts and code-hash.ts.
 */
import path from "node:path";
import type { Identifier, Span } from "../../grammar/ast.js";
import { RUN_INPUT, type PlanDescriptor, type PlanMethod } from "../../stdlib/plan.js";
import type { Analysis } from "../analysis.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { createDiagnostic, sortDiagnostics, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import { buildPlan, planHash } from "../plan/build-plan.js";
import { manifestName } from "../resolve/manifest-name.js";
import type { SourceText } from "../../grammar/source.js";
import { resolvedByCall } from "./call-shape.js";
import { decide, needsDecisions, type Decided } from "./decisions.js";
import { FlowShape, handedOf } from "./flow-shape.js";
import { flattenMessage, type EngineDiagnostic, type EngineProject } from "./engine.js";
import { codeHashes, type CodeHashes, type HashedMethod } from "./code-hash.js";
import { declarationsOf } from "./declarations.js";
import { diskSources, ModuleReader } from "./module-reader.js";
import { literalsOf, type InputProblem } from "./input-check.js";
import { displayPathFor, moduleTypeErrors, tsConfigErrors } from "./module-errors.js";
import { JAVASCRIPT_FILE } from "./module-files.js";
import { findTsConfig } from "./project.js";
import { relativeImportSpecifier } from "./module-specifier.js";
import { describeHazards, describeUnproven, type TransportMode, type TransportRoot } from "./transport-safety.js";
import { writeProbeFile } from "./probe-file.js";
import {
  probeNames,
  type ProbeArity,
  type ProbeMethod,
  type ProbePiece,
  type ProbePlan,
  type ProbeSubject,
} from "./probe-plan.js";
import type { EdgeType, MethodTypes, SourceLocation, TypeCheckOptions, TypedPlan } from "./types.js";
import { ProbeAnswers, type Signature } from "./probe-answers.js";
import {
  describeSenders,
  elaboration,
  joinWords,
  NO_OVERLOAD,
  overloadFailures,
  parameterTypeOf,
} from "./type-messages.js";

/**
 * Reads the real TypeScript signature of every method of `analysis.plan` and
 * proves that the data between them fits: each method's incoming value (the
 * run's input for a source, its predecessor's output, or an object of its
 * predecessors' outputs) must be assignable to its input parameter, as an array
 * of it for a parallel method.
 *
 * The questions are put to TypeScript as an in-memory file in `project` (see
 * probe-file.ts), which is removed again afterwards so that the project can
 * serve the next manifest; `project` is an engine's (see engine.ts), or a ts-morph
 * project, read with TypeScript 6. Never throws: a failure of TypeScript itself is
 * reported as FLOW4006.
 *
 * Values that cross a thread boundary or travel as JSON are checked too, by the
 * backend `options` name (see `checkTransport`); with `backend: "bullmq"` the plan
 * says whether every value survives JSON (`jsonSafe`).
 *
 * Precondition: `analysis.plan` is defined (the manifest passed the checker).
 */
export function typeCheck(analysis: Analysis, project: EngineProject, options: TypeCheckOptions = {}): TypedPlan {
  const plan = analysis.plan;
  if (plan === undefined) {
    const diagnostic = createDiagnostic(Messages.TypeScriptError, analysis.source.path, analysis.document.span, [
      "The manifest has no plan to type-check; fix the errors reported before.",
    ]);
    return unchecked(analysis, emptyPlan(analysis), [diagnostic]);
  }
  try {
    // Skips and branches are decided by the types first; the plan so decided is then checked.
    const decided = needsDecisions(plan) ? new TypeCheck(analysis, plan, project, options).decisions() : undefined;
    const typed = new TypeCheck(analysis, decided?.plan ?? plan, project, options).run();
    if (decided === undefined || decided.diagnostics.length === 0) return typed;
    return { ...typed, diagnostics: sortDiagnostics([...typed.diagnostics, ...decided.diagnostics]) };
  } catch (error) {
    const method = plan.methods[0]?.name;
    const span = method === undefined ? analysis.document.span : mentionOf(analysis, method).span;
    const diagnostic = createDiagnostic(Messages.TypeScriptError, analysis.source.path, span, [
      `TypeScript failed while checking the methods: ${describeError(error)}`,
    ]);
    return unchecked(analysis, plan, [diagnostic]);
  }
}

class TypeCheck {
  private readonly diagnostics: Diagnostic[] = [];
  /** Methods TypeScript cannot read: every later question about them would only repeat that. */
  private readonly unreadable = new Set<string>();
  /** Methods whose incoming value does not fit: how that value travels is beside the point. */
  private readonly mistyped = new Set<string>();
  /** Generic and overloaded methods, whose output the probe reads from a call, with that call's arity. */
  private readonly calls = new Map<string, ProbeArity>();
  /** Files other than the manifest that diagnostics point into (methods modules, the tsconfig). */
  private readonly sources: SourceText[] = [];
  private readonly file: string;
  private readonly shape: FlowShape;
  /** Whether the probe declares what skips and branches are decided by (see `decisions`). */
  private decide = false;

  constructor(
    private readonly analysis: Analysis,
    private readonly plan: PlanDescriptor,
    private readonly project: EngineProject,
    private readonly options: TypeCheckOptions,
  ) {
    this.file = analysis.source.path;
    this.shape = new FlowShape(plan);
  }

  /**
   * What the types decide about the plan's skips and branches (see decisions.ts), or
   * `undefined` when its methods cannot be read: the check that follows says why.
   */
  decisions(): Decided | undefined {
    this.decide = true;
    const probe = this.describe();
    if (probe === undefined) return undefined;
    const { text } = writeProbeFile(probe);
    const checked = this.project.checkProbe(this.probePath("decisions"), text, this.moduleFiles());
    try {
      return decide(this.analysis, this.plan, checked.types, this.calls, (method) => this.mention(method));
    } finally {
      checked.dispose();
    }
  }

  /**
   * The probe file's path. The questions that decide skips and branches are asked in a file of
   * their own: each file's text then stays the same from one compilation of an unchanged plan to
   * the next, which TypeScript answers without checking anything again (see the engines).
   */
  private probePath(kind: "types" | "decisions" = "types"): string {
    const manifestPath = path.resolve(this.analysis.source.path);
    // Beside the manifest, so that the project's settings for that folder apply to it.
    return path.join(path.dirname(manifestPath), `${path.basename(manifestPath)}.__flowc_${kind}__.ts`);
  }

  /** The methods' modules and the local modules they import, whose own errors are reported as the user's tsc would. */
  private moduleFiles(): Iterable<string> {
    const modules = [...this.analysis.resolution.bindings.values()].flatMap((binding) => binding.modulePath ?? []);
    return this.project.localFiles(modules);
  }

  run(): TypedPlan {
    const display = displayPathFor(this.analysis.source.path);
    this.addForeign(
      tsConfigErrors(
        this.project.configErrors,
        this.project.configFile ?? findTsConfig(this.analysis.source.path),
        this.analysis.source,
        display,
      ),
    );
    const probe = this.describe();
    if (probe === undefined) return unchecked(this.analysis, this.plan, this.diagnostics, this.sources);
    const literals = this.options.runInput === undefined ? [] : literalsOf(this.options.runInput.value);
    const { text, ranges } = writeProbeFile({ ...probe, literals });
    // The modules' own errors, as the user's tsc reports them: the methods would run with them otherwise.
    const checked = this.project.checkProbe(this.probePath(), text, this.moduleFiles());
    try {
      this.addForeign(moduleTypeErrors(checked.moduleErrors, display));
      const modules = new ModuleReader(diskSources((file) => checked.syntaxTree(file)));
      const code = codeHashes(this.codedMethods(), modules);
      const declarations = declarationsOf(this.codedMethods(), modules);
      return this.interpret(new ProbeAnswers(checked.types, ranges, checked.diagnostics, literals), code, declarations);
    } finally {
      checked.dispose();
    }
  }

  /** Each method with the module its code is in: what code hashes and declarations are read for. */
  private codedMethods(): HashedMethod[] {
    return this.plan.methods.map((method) => ({
      name: method.name,
      exportName: method.exportName,
      modulePath: this.analysis.resolution.bindings.get(method.name)?.modulePath,
    }));
  }

  /**
   * The plan in the probe file's terms, or `undefined` when a method's module is
   * unknown (which the resolver has reported; the checker then builds no plan).
   */
  private describe(): ProbePlan | undefined {
    const probeDir = path.dirname(path.resolve(this.analysis.source.path));
    const indexOf = new Map(this.plan.methods.map((method, index) => [method.name, index]));
    const flow = this.shape;
    const methods: ProbeMethod[] = [];
    const unreadableJs = new Set<string>();
    for (const [index, method] of this.plan.methods.entries()) {
      const modulePath = this.analysis.resolution.bindings.get(method.name)?.modulePath;
      if (modulePath === undefined) {
        this.fail(method.name, `TypeScript cannot check '${method.name}': module '${method.module}' was not found.`);
        continue;
      }
      const inputs = flow.pieces(method).map((piece): ProbePiece => {
        if (piece.kind === "run input") return { kind: "run input", name: piece.key };
        const input = indexOf.get(piece.key);
        if (input === undefined) throw new Error(`'${piece.key}' is not a method of the plan`);
        const { route, orUndefined } = piece;
        return { kind: "method", name: piece.key, index: input, handed: handedOf(piece.sender), route, orUndefined };
      });
      const guards = flow.guardsOf(method).flatMap(({ role, guard }) => {
        const at = indexOf.get(guard.name);
        return at === undefined ? [] : [{ role, index: at }];
      });
      if (JAVASCRIPT_FILE.test(modulePath) && !this.project.allowJs) {
        const config = this.project.configFile;
        this.unreadable.add(method.name);
        // Once per module: its other methods would only repeat it.
        if (!unreadableJs.has(modulePath)) {
          unreadableJs.add(modulePath);
          this.report(Messages.JavaScriptWithoutAllowJs, this.mention(method.name), [
            method.module,
            config !== undefined ? displayPathFor(this.analysis.source.path)(config) : "tsconfig.json",
          ]);
        }
        continue;
      }
      const shape = this.project.callShape(modulePath, method.exportName);
      if (shape?.thisType !== undefined) {
        this.report(Messages.ThisParameter, this.mention(method.name), [method.name, shape.thisType]);
      } else if (resolvedByCall(shape) && shape !== undefined) {
        this.calls.set(method.name, shape.arity);
      }
      methods.push({
        name: method.name,
        index,
        specifier: relativeImportSpecifier(probeDir, modulePath),
        exportName: method.exportName,
        parallel: method.mode === "parallel",
        call: this.calls.get(method.name),
        inputs,
        runInput: flow.takesRunInput(method),
        handed: handedOf(method),
        guards,
      });
    }
    if (this.unreadable.size > 0) return undefined;
    const indices = (names: readonly string[]): number[] => names.flatMap((name) => indexOf.get(name) ?? []);
    const sinks = indices(this.plan.sinks).map((index) => ({
      index,
      mayBeSkipped: this.shape.skippable.has(this.plan.methods[index]?.name ?? ""),
    }));
    const takers = flow.runInputTakers().map((taker) => taker.method.name);
    return { methods, sources: indices(takers), sinks, decisions: this.decide };
  }

  private addForeign(found: {
    readonly diagnostics: readonly Diagnostic[];
    readonly sources: readonly SourceText[];
  }): void {
    this.diagnostics.push(...found.diagnostics);
    this.sources.push(...found.sources);
  }

  private interpret(
    answers: ProbeAnswers,
    code: CodeHashes,
    declarations: ReadonlyMap<string, SourceLocation>,
  ): TypedPlan {
    const methods = this.plan.methods;
    // What TypeScript cannot read about modules and methods explains any other
    // failure in the probe file, so other failures are reported only without them.
    const unexpected = answers.unexpected();
    const isRead = (subject: ProbeSubject) => subject.kind === "method";
    for (const { subject, diagnostic } of unexpected.filter((u) => isRead(u.subject))) {
      this.reportUnexpected(subject, diagnostic);
    }
    if (this.unreadable.size === 0) {
      for (const { subject, diagnostic } of unexpected.filter((u) => !isRead(u.subject))) {
        this.reportUnexpected(subject, diagnostic);
      }
    }

    const signatures = new Map<string, Signature>();
    const types = new Map<string, MethodTypes>();
    for (const [index, method] of methods.entries()) {
      if (this.unreadable.has(method.name)) continue;
      const signature = answers.signature(index);
      signatures.set(method.name, signature);
      types.set(method.name, {
        input: answers.printDeclared(probeNames.input(index)),
        output: answers.printDeclared(probeNames.output(index)),
        takesInput: signature.takesInput,
        signature: answers.printDeclared(probeNames.method(index)),
      });
      if (signature.requiredParameters > 2) {
        this.report(Messages.TooManyParameters, this.mention(method.name), [method.name, signature.requiredParameters]);
      }
      const badContext = answers.failed({ kind: "context", method: method.name });
      if (badContext !== undefined) {
        // A call names the parameter it judged the context against; a declaration is that parameter.
        const declared = this.calls.has(method.name)
          ? parameterTypeOf(badContext)
          : answers.printDeclared(probeNames.context(index));
        this.report(Messages.BadContextParameter, this.mention(method.name), [method.name, declared]);
      }
    }

    for (const [index, method] of methods.entries()) {
      this.checkIncoming(answers, index, method);
    }
    this.checkGuards(answers);

    const inputType = this.checkRunInput(answers, signatures);
    const inputProblems = this.judgeGivenInput(answers, inputType);
    const outputType = this.unreadable.size === 0 ? answers.printDeclared(probeNames.runOutput) : "unknown";
    const excused = this.checkTransport(answers, signatures);
    this.checkJournal(answers, excused);

    // Proved only when every method was read and nothing failed: an error anywhere leaves a value unchecked.
    const jsonSafe =
      this.options.backend === "bullmq" &&
      this.unreadable.size === 0 &&
      !this.diagnostics.some((diagnostic) => diagnostic.severity === "error");

    return {
      analysis: this.analysis,
      plan: refinedPlan(this.plan, signatures, jsonSafe, code.hashes),
      codeFiles: code.files,
      calls: this.calls,
      sources: this.sources,
      types,
      edges: this.edgeTypes(answers),
      declarations,
      inputType,
      outputType,
      inputProblems,
      diagnostics: sortDiagnostics(this.diagnostics),
    };
  }

  /**
   * What travels along every edge, as the probe declares each input of each receiver (see
   * `probeNames.piece`); none when a method could not be read, as then its output is unknown.
   */
  private edgeTypes(answers: ProbeAnswers): EdgeType[] {
    if (this.unreadable.size > 0) return [];
    return this.plan.methods.flatMap((method, index) =>
      this.shape.pieces(method).map((piece, position) => ({
        sender: piece.key,
        receiver: method.name,
        type: answers.printDeclared(probeNames.piece(index, position)),
      })),
    );
  }

  /**
   * FLOW4017–4020: what each method sends its predicate and its fallback fits their
   * parameters, a predicate returns a boolean, and a fallback's output fits in place of the
   * method's. Reported at the `run_if` or `fallback` that names the guard.
   */
  private checkGuards(answers: ProbeAnswers): void {
    for (const { method, role, guard } of this.shape.guards()) {
      if (this.unreadable.has(method.name) || this.unreadable.has(guard.name) || this.mistyped.has(method.name))
        continue;
      const index = this.plan.methods.indexOf(method);
      const at = this.guardMention(method.name, role);
      const input = answers.failed({ kind: "guard", role, aspect: "input", method: method.name });
      if (input !== undefined) {
        const message = role === "run_if" ? Messages.PredicateInputMismatch : Messages.FallbackInputMismatch;
        const whole = !this.shape.fedByMethods(method);
        const parallel = method.mode === "parallel";
        let sent: string;
        if (whole) {
          const accepted = answers.printDeclared(probeNames.input(index));
          sent = parallel && role === "run_if" ? `readonly ${accepted}[]` : accepted;
        } else {
          sent = answers.printDeclared(
            parallel && role === "fallback" ? probeNames.item(index) : probeNames.incoming(index),
          );
        }
        const accepted = answers.printDeclared(probeNames.guard(role, "input", index));
        this.report(message, at, [method.name, guard.name, sent, accepted, this.relativeImports(elaboration(input))]);
      }
      const output = answers.failed({ kind: "guard", role, aspect: "output", method: method.name });
      if (output === undefined) continue;
      const guardIndex = this.plan.methods.indexOf(guard);
      const returned = answers.printDeclared(probeNames.output(guardIndex));
      if (role === "run_if") {
        this.report(Messages.PredicateNotBoolean, at, [guard.name, method.name, returned]);
      } else {
        this.report(Messages.FallbackOutputMismatch, at, [
          guard.name,
          method.name,
          returned,
          answers.printDeclared(probeNames.output(index)),
          this.relativeImports(elaboration(output)),
        ]);
      }
    }
  }

  /** The value of the `run_if` or `fallback` that applies to `method`. */
  private guardMention(method: string, role: "run_if" | "fallback"): Identifier {
    const written = this.analysis.origins.get(method)?.routing[role]?.value;
    return written ?? this.mention(method);
  }

  /** FLOW4001/4002: the incoming value of `method` against its input parameter. */
  private checkIncoming(answers: ProbeAnswers, index: number, method: PlanMethod): void {
    if (!this.shape.fedByMethods(method)) return;
    if (this.unreadable.has(method.name) || method.inputs.some((input) => this.unreadable.has(input))) return;
    const at = this.firstIncomingEdge(method.name);
    const from = describeSenders(
      method.inputs.map((input) => (input === RUN_INPUT ? "the run's input" : `'${input}'`)),
    );
    const incoming = answers.printDeclared(probeNames.incoming(index));
    if (method.mode === "parallel" && answers.failed({ kind: "array", receiver: method.name }) !== undefined) {
      this.mistyped.add(method.name);
      this.report(Messages.ParallelInputNotArray, at, [method.name, from, incoming]);
      return;
    }
    const failure = answers.failed({ kind: "edge", receiver: method.name });
    if (failure === undefined) return;
    this.mistyped.add(method.name);
    if (this.calls.has(method.name)) {
      this.reportCallFailure(method, at, from, failure, answers);
      return;
    }
    let printed = [incoming, answers.printDeclared(probeNames.edge(index))];
    // Two types that print alike are namesakes from different modules: say which is which.
    if (printed[0] === printed[1]) {
      printed = [probeNames.incoming(index), probeNames.edge(index)].map((name) => answers.printDeclared(name, true));
    }
    this.report(Messages.EdgeTypeMismatch, at, [
      from,
      method.name,
      printed[0] ?? "",
      printed[1] ?? "",
      this.relativeImports(elaboration(failure)),
    ]);
  }

  /**
   * FLOW4001/4015 for a generic or overloaded method: the call with what it receives
   * fails. For a parallel method the call is made with one item, so the types compared
   * are those of an item.
   */
  private reportCallFailure(
    method: PlanMethod,
    at: Identifier,
    from: string,
    failure: EngineDiagnostic,
    answers: ProbeAnswers,
  ): void {
    const index = this.plan.methods.indexOf(method);
    const received = answers.printDeclared(
      method.mode === "parallel" ? probeNames.item(index) : probeNames.incoming(index),
    );
    if (failure.code === NO_OVERLOAD) {
      this.report(Messages.NoMatchingOverload, at, [
        method.name,
        from,
        received,
        this.relativeImports(overloadFailures(failure)),
      ]);
      return;
    }
    this.report(Messages.EdgeTypeMismatch, at, [
      from,
      method.name,
      received,
      parameterTypeOf(failure),
      this.relativeImports(elaboration(failure)),
    ]);
  }

  /**
   * Where the run's input given for `flowc run` does not fit the input type; nothing is
   * judged when the plan has errors, or takes no input (a given one is then ignored).
   */
  private judgeGivenInput(answers: ProbeAnswers, inputType: string): readonly InputProblem[] | undefined {
    const given = this.options.runInput;
    if (given === undefined || this.unreadable.size > 0 || inputType === "never") return undefined;
    if (inputType === "void") return [];
    return answers.inputProblems(probeNames.runInput(this.shape.runInputTakers().length - 1), given.value);
  }

  /** FLOW4005, and the run's input type: the intersection of what every source needs. */
  private checkRunInput(answers: ProbeAnswers, signatures: ReadonlyMap<string, Signature>): string {
    if (this.unreadable.size > 0) return "unknown";
    const takers = this.shape.runInputTakers();
    const sources = takers.map((taker) => taker.method);
    // A source without input ignores the run's input, unless it is parallel: then it needs an array to count.
    // A method that takes it beside other inputs needs what the "@input" member of its input says.
    const needsInput = (method: PlanMethod) =>
      this.shape.takesRunInput(method) === "key" ||
      method.mode === "parallel" ||
      signatures.get(method.name)?.takesInput === true;
    if (!sources.some(needsInput)) return "void";

    const parts: string[] = [];
    for (const [position, source] of sources.entries()) {
      if (!needsInput(source)) continue;
      // A source that itself takes `never` is odd, but not a disagreement between sources.
      if (answers.isNever(probeNames.source(position)))
        return answers.printDeclared(probeNames.runInput(sources.length - 1));
      parts.push(`'${source.name}' takes '${answers.printDeclared(probeNames.source(position))}'`);
      if (parts.length > 1 && answers.isNever(probeNames.runInput(position))) {
        this.report(Messages.IncompatibleRunInputs, this.mention(source.name), [joinWords(parts)]);
        return "never";
      }
    }
    return answers.printDeclared(probeNames.runInput(sources.length - 1));
  }

  /**
   * FLOW4007/4008: whether the values between methods survive the way they travel.
   *
   * With `backend: "bullmq"` every value goes through a queue as JSON: each edge, the
   * run's input into each source, and each sink's output back to the caller
   * (FLOW4008, an error). Otherwise a parallel method runs on worker threads (the
   * default backend of a plan with one), so its items go there and its results come
   * back by structured cloning, while single methods stay in the calling thread: only
   * edges into or out of a parallel method, the run's input into a parallel source and
   * a parallel sink's output are copied (FLOW4007, an error: such a run fails). With
   * `backend: "inline"` nothing leaves the thread, but a runner may still be created on
   * threads, so the same findings are warnings there (FLOW4010).
   *
   * The type judged is what the sender declares (it is what gets copied, whatever part
   * the receiver reads); for the run's input, what the source declares it takes.
   *
   * With `bullmq`, a value a method produces that is typed `any` or `unknown` (or has such
   * parts) is a warning (FLOW4009) unless the edge already has an error: it cannot be proved
   * to survive, but need not fail either, so it does not keep the plan from `jsonSafe`.
   *
   * Returns the methods the journal's check leaves alone (see `checkJournal`): those whose
   * output an error refuses or does not fit what receives it, and those whose output is an iterable a parallel method reads
   * item by item (a generator), which no journal keeps: a resumed run calls them again to
   * read it, while the parallel method's calls are reused.
   */
  private checkTransport(answers: ProbeAnswers, signatures: ReadonlyMap<string, Signature>): Set<string> {
    const backend = this.options.backend;
    const excused = new Set<string>();
    if (this.unreadable.size > 0) return excused;
    const mode: TransportMode = backend === "bullmq" ? "json" : "clone";
    const message =
      mode === "json"
        ? Messages.NotJsonSafe
        : backend === "inline"
          ? Messages.NotCloneableOffThread
          : Messages.NotCloneable;
    const methods = this.plan.methods;
    const indexOf = new Map(methods.map((method, index) => [method.name, index]));
    const parallel = (name: string) => methods[indexOf.get(name) ?? -1]?.mode === "parallel";
    const inspect = (
      declared: string,
      root: TransportRoot,
      at: Identifier,
      from: string,
      to: string,
      sent: "produced" | "accepted" = "produced",
    ): boolean => {
      const findings = answers.transportHazards(declared, mode, root);
      if (findings === undefined) return false;
      if (findings.hazards.length > 0) {
        this.report(message, at, [from, to, this.relativeImports(describeHazards(findings))]);
        return message.severity === "error";
      }
      // A method that accepts `unknown` accepts whatever JSON makes of the run's input; a value a
      // method produces as `unknown` may be anything, which nothing proves to survive.
      if (mode === "json" && sent === "produced" && findings.unproven.length > 0) {
        this.report(Messages.JsonSafetyUnproven, at, [from, to, this.relativeImports(describeUnproven(findings))]);
      }
      return false;
    };

    for (const edge of this.analysis.graph.edges) {
      const sender = indexOf.get(edge.from);
      if (sender === undefined) continue;
      if (this.mistyped.has(edge.to)) {
        excused.add(edge.from);
        continue;
      }
      const fromParallel = parallel(edge.from);
      const toParallel = parallel(edge.to);
      if (mode === "clone" && !fromParallel && !toParallel) continue;
      // A parallel sender's outputs reach a single receiver gathered in one array; a single
      // sender's array reaches a parallel receiver as items, one by one.
      const root: TransportRoot = fromParallel === toParallel ? "value" : fromParallel ? "elements" : "items";
      const receiver = indexOf.get(edge.to);
      if (root === "items" && receiver !== undefined && !answers.isArrayLike(probeNames.output(sender))) {
        // An iterable's items are what it yields, each sent as a value; the iterable stays here.
        inspect(probeNames.item(receiver), "value", edge.declaration, `'${edge.from}'`, `'${edge.to}'`);
        excused.add(edge.from);
        continue;
      }
      if (inspect(probeNames.output(sender), root, edge.declaration, `'${edge.from}'`, `'${edge.to}'`))
        excused.add(edge.from);
    }
    for (const { method, how } of this.shape.runInputTakers()) {
      const name = method.name;
      const index = indexOf.get(name);
      if (index === undefined || signatures.get(name)?.takesInput !== true) continue;
      if (mode === "clone" && !parallel(name)) continue;
      // Beside other inputs, the run's input is what the "@input" member of the method's input says.
      const accepted =
        how === "key"
          ? probeNames.source(this.shape.runInputTakers().findIndex((t) => t.method === method))
          : probeNames.input(index);
      inspect(accepted, "value", this.mention(name), "the run's input", `'${name}'`, "accepted");
    }
    for (const name of this.plan.sinks) {
      const index = indexOf.get(name);
      if (index === undefined || (mode === "clone" && !parallel(name))) continue;
      if (inspect(probeNames.output(index), "value", this.mention(name), `'${name}'`, "the run's output"))
        excused.add(name);
    }
    return excused;
  }

  /**
   * FLOW4024: a method a run's journal may keep (`cache` on) whose output does not survive
   * the copy the journal stores: JSON with `bullmq`, a structured clone otherwise. Its calls
   * are then neither stored nor reused. Not said of a method whose input does not fit, nor of
   * those `excused` (see `checkTransport`).
   */
  private checkJournal(answers: ProbeAnswers, excused: ReadonlySet<string>): void {
    if (this.unreadable.size > 0) return;
    const mode: TransportMode = this.options.backend === "bullmq" ? "json" : "clone";
    for (const [index, method] of this.plan.methods.entries()) {
      // What a method that receives the wrong value returns is beside the point (and unknown, for a call).
      if (!method.cache || excused.has(method.name) || this.mistyped.has(method.name)) continue;
      const findings = answers.transportHazards(probeNames.output(index), mode, "value");
      if (findings === undefined || findings.hazards.length === 0) continue;
      this.report(Messages.NotStorable, this.mention(method.name), [
        method.name,
        mode === "json" ? "it as JSON" : "a structured clone of it",
        this.relativeImports(describeHazards(findings)),
      ]);
    }
  }

  private reportUnexpected(subject: ProbeSubject, diagnostic: EngineDiagnostic): void {
    const text = flattenMessage(diagnostic.message);
    switch (subject.kind) {
      case "method":
        this.fail(subject.method, `TypeScript cannot read '${subject.method}': ${text}`);
        return;
      default: {
        const first = this.plan.methods[0]?.name;
        if (first !== undefined) this.fail(first, `TypeScript failed while checking the methods: ${text}`);
      }
    }
  }

  /**
   * TypeScript names a type no scope can reach by its module's absolute path
   * (`import("/home/…/a").Row`); the path relative to the manifest reads better
   * and is the same on every machine.
   */
  private relativeImports(text: string): string {
    const dir = path.dirname(path.resolve(this.analysis.source.path));
    return text.replace(/import\("([^"]+)"\)/g, (whole, target: string) =>
      path.isAbsolute(target) ? `import(${JSON.stringify(relativeImportSpecifier(dir, target))})` : whole,
    );
  }

  private fail(method: string, message: string): void {
    if (this.unreadable.has(method)) return;
    this.unreadable.add(method);
    this.report(Messages.TypeScriptError, this.mention(method), [message]);
  }

  private report(
    message: (typeof Messages)[keyof typeof Messages],
    at: Identifier,
    args: readonly (string | number)[],
  ): void {
    this.diagnostics.push(createDiagnostic(message, this.file, at.span, args));
  }

  private mention(method: string): Identifier {
    return mentionOf(this.analysis, method);
  }

  /** Where a receiver's type error is reported: the declaration of its first incoming edge. */
  private firstIncomingEdge(receiver: string): Identifier {
    return this.analysis.graph.edges.find((edge) => edge.to === receiver)?.declaration ?? this.mention(receiver);
  }
}

/** The first mention of `method` in a group (where the user sees it used), else its binding's declaration. */
function mentionOf(analysis: Analysis, method: string): Identifier {
  for (const group of analysis.document.groups) {
    const mention = group.methods.find((identifier) => identifier.name === method);
    if (mention !== undefined) return mention;
  }
  const binding = analysis.resolution.bindings.get(method);
  if (binding !== undefined) return binding.declaration;
  return { kind: "Identifier", name: method, span: documentStart(analysis) };
}

function documentStart(analysis: Analysis): Span {
  return { start: analysis.document.span.start, end: analysis.document.span.start };
}

/**
 * A new plan whose `takesInput` flags come from the signatures (methods
 * TypeScript could not read keep theirs), with each method's code hash, and that
 * is `jsonSafe` as proved. The hash covers all three, so it is computed again the
 * way the plan builder computes it: plans whose methods are called differently,
 * run other code or whose values travel differently are different plans.
 */
function refinedPlan(
  plan: PlanDescriptor,
  signatures: ReadonlyMap<string, Signature>,
  jsonSafe: boolean,
  codeHashes: ReadonlyMap<string, string | null>,
): PlanDescriptor {
  const methods = plan.methods.map((method) => ({
    ...method,
    takesInput: signatures.get(method.name)?.takesInput ?? method.takesInput,
    codeHash: codeHashes.get(method.name) ?? null,
  }));
  const { hash: _previous, ...body } = { ...plan, methods, jsonSafe };
  // Spread over the old plan so that the keys keep their order in printed plans.
  return { ...plan, methods, jsonSafe, hash: planHash(body) };
}

function unchecked(
  analysis: Analysis,
  plan: PlanDescriptor,
  diagnostics: readonly Diagnostic[],
  sources: readonly SourceText[] = [],
): TypedPlan {
  return {
    analysis,
    plan,
    codeFiles: [],
    calls: new Map(),
    sources,
    types: new Map(),
    edges: [],
    declarations: new Map(),
    inputType: "unknown",
    outputType: "unknown",
    diagnostics,
  };
}

/** The plan of a manifest without methods, built as the checker builds plans. */
function emptyPlan(analysis: Analysis): PlanDescriptor {
  return buildPlan(manifestName(analysis.source.path), { nodes: [], edges: [] }, new Map(), analysis.resolution);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
