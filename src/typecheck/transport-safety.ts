import { ts } from "ts-morph";

/**
 * Which copy a value goes through between methods:
 * - `clone`: structured cloning, as between worker threads (FLOW4007);
 * - `json`: `JSON.stringify` and `JSON.parse`, as through a queue (FLOW4008).
 */
export type TransportMode = "clone" | "json";

/**
 * How the walked type stands in what is sent:
 * - `value`: the type of one value sent on its own (`undefined` is carried as such);
 * - `items`: an array whose elements are sent one by one, as the items of a parallel method;
 * - `elements`: the element type of an array that is sent whole.
 */
export type TransportRoot = "value" | "items" | "elements";

/** One part of a type that the transport loses or refuses. */
export interface TransportHazard {
  /** Where in the value: `Out.createdAt`, `Out.rows[number]`, or `""` for the value itself. */
  readonly path: string;
  /** The offending part, printed. */
  readonly type: string;
  /** What the transport does to it, as a predicate: `becomes a string`. */
  readonly consequence: string;
}

export interface TransportFindings {
  /** The first hazards found, at most `limit`. */
  readonly hazards: readonly TransportHazard[];
  /** Whether there are more than those. */
  readonly more: boolean;
  /**
   * For `json`: the first parts typed `any` or `unknown`, at most `limit` (their `consequence`
   * is empty). Nothing shows what they hold, so nothing proves that it survives.
   */
  readonly unproven: readonly TransportHazard[];
  /** Whether there are more than those. */
  readonly moreUnproven: boolean;
}

export interface TransportEnvironment {
  readonly checker: ts.TypeChecker;
  readonly program: ts.Program;
  /** Prints a type the way messages print types. */
  print(type: ts.Type): string;
}

/** How deep the walk looks into nested types; deeper parts are trusted. */
export const maxTransportDepth = 24;
/** How many types one walk visits at most, so that huge types stay cheap; the rest is trusted. */
const maxVisits = 4_000;
/** How many hazards an edge reports by default. */
export const reportedHazards = 3;

/**
 * Where a part sits, for `json`: a non-optional member that is `undefined` goes
 * missing, an array element becomes `null`, while a value sent on its own and an
 * optional member (or a record's value) read back as `undefined` all the same.
 */
type Position = "value" | "member" | "optional" | "element";

/** The library's function types, which have no call signature of their own. */
const functionTypes: ReadonlySet<string> = new Set(["Function", "CallableFunction", "NewableFunction"]);

/** Built-in objects known by name (when the default library declares them), and what each transport does to them. */
interface BuiltIn {
  /** `undefined`: cloned; `"walk"`: cloned, contents walked (Map, Set); else the consequence. */
  readonly clone: string | undefined;
  /** `undefined`: kept; else the consequence. */
  readonly json: string | undefined;
}

const EMPTY_OBJECT = "becomes an empty object";
const NOT_CLONEABLE = "cannot be cloned";

const builtIns: ReadonlyMap<string, BuiltIn> = new Map<string, BuiltIn>([
  // Says nothing about its contents, like `object`: trusted.
  ["Object", { clone: undefined, json: undefined }],
  ["Date", { clone: undefined, json: "becomes a string" }],
  ["RegExp", { clone: undefined, json: EMPTY_OBJECT }],
  ["Map", { clone: "walk", json: EMPTY_OBJECT }],
  ["ReadonlyMap", { clone: "walk", json: EMPTY_OBJECT }],
  ["Set", { clone: "walk", json: EMPTY_OBJECT }],
  ["ReadonlySet", { clone: "walk", json: EMPTY_OBJECT }],
  ["ArrayBuffer", { clone: undefined, json: EMPTY_OBJECT }],
  ["SharedArrayBuffer", { clone: undefined, json: EMPTY_OBJECT }],
  ["DataView", { clone: undefined, json: EMPTY_OBJECT }],
  ...[
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float16Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
  ].map((name): [string, BuiltIn] => [name, { clone: undefined, json: "becomes a plain object keyed by index" }]),
  ...[
    "Error",
    "EvalError",
    "RangeError",
    "ReferenceError",
    "SyntaxError",
    "TypeError",
    "URIError",
    "AggregateError",
  ].map((name): [string, BuiltIn] => [name, { clone: undefined, json: EMPTY_OBJECT }]),
  ...["Boolean", "Number", "String"].map((name): [string, BuiltIn] => [
    name,
    { clone: undefined, json: "becomes a primitive" },
  ]),
  ...["WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "Promise"].map((name): [string, BuiltIn] => [
    name,
    { clone: NOT_CLONEABLE, json: EMPTY_OBJECT },
  ]),
]);

const identifierName = /^[A-Za-z_$][\w$]*$/;

/**
 * Finds the parts of `type` that do not survive `mode`: what structured cloning
 * refuses (functions, symbols, weak collections, promises) or changes (class
 * instances arrive as plain objects, without their methods and `#private` fields),
 * or what a JSON round trip changes (dates, maps, sets, big integers, functions,
 * `undefined` members and elements, class instances).
 *
 * The walk follows members, array and tuple elements, record values, and a Map's
 * or Set's contents when cloning; it looks inside each object type once, so
 * recursive types end, and no deeper than `maxTransportDepth`. What it cannot see
 * into (`any`, `unknown`, `object`, unresolved type parameters) is no hazard; for
 * `json`, parts typed `any` or `unknown` are listed apart as `unproven`.
 */
export function findTransportHazards(
  environment: TransportEnvironment,
  type: ts.Type,
  mode: TransportMode,
  root: TransportRoot,
  limit = reportedHazards,
): TransportFindings {
  return new TransportWalk(environment, mode, limit).run(type, root);
}

/** `Out.createdAt: Date becomes a string; …`: findings as a message argument. */
export function describeHazards(findings: TransportFindings): string {
  const parts = findings.hazards.map(
    (hazard) => `${hazard.path === "" ? hazard.type : `${hazard.path}: ${hazard.type}`} ${hazard.consequence}`,
  );
  if (findings.more) parts.push("and more");
  return parts.join("; ");
}

/** `Out.data: unknown, Out.meta: any`: the unproven parts as a message argument. */
export function describeUnproven(findings: TransportFindings): string {
  const parts = findings.unproven.map((part) =>
    part.path === "" ? `the value itself (${part.type})` : `${part.path}: ${part.type}`,
  );
  if (findings.moreUnproven) parts.push("and more");
  return parts.join(", ");
}

class Stop extends Error {}

class TransportWalk {
  private readonly hazards: TransportHazard[] = [];
  private more = false;
  private readonly unproven: TransportHazard[] = [];
  private moreUnproven = false;
  private readonly seen = new Set<ts.Type>();
  private visits = 0;
  private readonly checker: ts.TypeChecker;

  constructor(
    private readonly environment: TransportEnvironment,
    private readonly mode: TransportMode,
    private readonly limit: number,
  ) {
    this.checker = environment.checker;
  }

  run(type: ts.Type, root: TransportRoot): TransportFindings {
    try {
      if (root === "items") {
        // The items of a parallel method are its incoming array's elements, each sent as a value.
        for (const member of type.isUnion() ? type.types : [type]) {
          const elements = this.elementsOf(member);
          if (elements === undefined) this.visit(member, "", "value", 0);
          else
            for (const element of elements) this.visit(element.type, element.tuple ? element.segment : "", "value", 1);
        }
      } else {
        this.visit(type, "", root === "elements" ? "element" : "value", 0);
      }
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
    }
    return { hazards: this.hazards, more: this.more, unproven: this.unproven, moreUnproven: this.moreUnproven };
  }

  private report(path: string, type: ts.Type, consequence: string): void {
    if (this.hazards.length >= this.limit) {
      this.more = true;
      throw new Stop();
    }
    this.hazards.push({
      path,
      type: this.environment.print(type),
      consequence,
    });
  }

  private noteUnproven(path: string, type: ts.Type): void {
    if (this.unproven.length >= this.limit) {
      this.moreUnproven = true;
      return;
    }
    this.unproven.push({ path, type: this.environment.print(type), consequence: "" });
  }

  private visit(type: ts.Type, path: string, position: Position, depth: number): void {
    if (depth > maxTransportDepth) return;
    if (++this.visits > maxVisits) throw new Stop();
    const flags = type.flags;

    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
      // Structured cloning refuses few values, and the warnings about threads are about what
      // a type does hold; JSON changes many, and a plan is proved JSON-safe part by part.
      if (this.mode === "json") this.noteUnproven(path, type);
      return;
    }

    if (flags & ts.TypeFlags.Union) {
      for (const member of (type as ts.UnionType).types) this.visit(member, path, position, depth);
      return;
    }
    if (flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) {
      if (this.mode === "json" && position === "member") {
        this.report(path, type, "is dropped (make the member optional)");
      } else if (this.mode === "json" && position === "element") {
        this.report(path, type, "becomes null");
      }
      return;
    }
    if (flags & ts.TypeFlags.ESSymbolLike) {
      this.report(path, type, this.mode === "clone" ? NOT_CLONEABLE : this.lostAs(position));
      return;
    }
    if (flags & ts.TypeFlags.BigIntLike) {
      if (this.mode === "json") this.report(path, type, "cannot be written as JSON");
      return;
    }
    if (
      flags &
      (ts.TypeFlags.TypeParameter |
        ts.TypeFlags.Index |
        ts.TypeFlags.IndexedAccess |
        ts.TypeFlags.Conditional |
        ts.TypeFlags.Substitution)
    ) {
      const constraint = this.checker.getBaseConstraintOfType(type);
      if (constraint !== undefined && constraint !== type) this.visit(constraint, path, position, depth + 1);
      return;
    }
    if (!(flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection))) return;

    this.visitObject(type, path, position, depth);
  }

  private visitObject(type: ts.Type, path: string, position: Position, depth: number): void {
    const checker = this.checker;
    if (
      checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0 ||
      checker.getSignaturesOfType(type, ts.SignatureKind.Construct).length > 0
    ) {
      this.report(path, type, this.mode === "clone" ? NOT_CLONEABLE : this.lostAs(position));
      return;
    }

    const elements = this.elementsOf(type);
    if (elements !== undefined) {
      if (!this.enter(type)) return;
      for (const element of elements) {
        // An array at the top is named by its elements: `Row.createdAt`, not `Row[][number].createdAt`.
        const segment = path === "" && !element.tuple ? "" : `${path}${element.segment}`;
        this.visit(element.type, segment, "element", depth + 1);
      }
      return;
    }

    const builtIn = this.builtIn(type);
    if (builtIn !== undefined && functionTypes.has(builtIn.name)) {
      this.report(path, type, this.mode === "clone" ? NOT_CLONEABLE : this.lostAs(position));
      return;
    }
    if (builtIn !== undefined && builtIn.derived) {
      // `class HttpError extends Error`: the copy is the built-in, without the subclass.
      const consequence =
        this.mode === "json"
          ? builtIn.json
          : builtIn.clone === NOT_CLONEABLE
            ? NOT_CLONEABLE
            : `arrives as a plain ${builtIn.name}`;
      if (consequence !== undefined) this.report(path, type, consequence);
      return;
    }
    if (builtIn !== undefined) {
      const consequence = this.mode === "json" ? builtIn.json : builtIn.clone;
      if (consequence === "walk") {
        if (!this.enter(type)) return;
        const base = path === "" ? this.label(type) : path;
        const [first, second] = checker.getTypeArguments(type as ts.TypeReference);
        const isMap = second !== undefined;
        if (first !== undefined) this.visit(first, `${base}[${isMap ? "key" : "element"}]`, "element", depth + 1);
        if (second !== undefined) this.visit(second, `${base}[value]`, "element", depth + 1);
      } else if (consequence !== undefined) {
        this.report(path, type, consequence);
      }
      return;
    }

    const properties = checker.getPropertiesOfType(type);
    if (this.mode === "json") {
      // JSON.stringify writes what `toJSON` returns instead of the object (a URL becomes its string).
      const toJSON = properties.find((property) => property.getName() === "toJSON");
      const returned = toJSON === undefined ? undefined : this.returnTypeOf(checker.getTypeOfSymbol(toJSON));
      if (returned !== undefined) {
        this.report(path, type, `becomes ${jsonKindOf(returned, this.environment.print)} (its toJSON)`);
        return;
      }
      // An iterable that is no array (a generator, a custom collection) is written as its own properties.
      if (properties.some((property) => /^__@(?:async)?[Ii]terator@/.test(property.getName()))) {
        this.report(path, type, "becomes an empty object: JSON does not iterate it (send an array)");
        return;
      }
    }

    const symbol = type.getSymbol();
    const isClass = symbol !== undefined && (symbol.flags & ts.SymbolFlags.Class) !== 0;
    // A class instance keeps its own data but not what its prototype holds.
    const onPrototype = (property: ts.Symbol) =>
      isClass && (property.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.Accessor)) !== 0;
    if (isClass) this.report(path, type, classConsequence(properties, onPrototype));
    if (!this.enter(type)) return;

    const base = path === "" ? this.label(type) : path;
    for (const property of properties) {
      const name = property.getName();
      // Symbol keys and `#private` fields are left behind by both transports, and no type reads them from outside.
      if (onPrototype(property) || name.startsWith("__@") || isPrivateName(property)) continue;
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      this.visit(
        checker.getTypeOfSymbol(property),
        memberPath(base, name),
        optional ? "optional" : "member",
        depth + 1,
      );
    }
    for (const info of checker.getIndexInfosOfType(type)) {
      const key = info.keyType.flags & ts.TypeFlags.NumberLike ? "number" : "string";
      this.visit(info.type, `${base}[${key}]`, "optional", depth + 1);
    }
  }

  /** The return type of a function type's first call signature, or `undefined` when it is no function. */
  private returnTypeOf(type: ts.Type): ts.Type | undefined {
    const signature = this.checker.getSignaturesOfType(type, ts.SignatureKind.Call)[0];
    return signature === undefined ? undefined : this.checker.getReturnTypeOfSignature(signature);
  }

  /**
   * Whether to look inside `type`: an object type holds the same parts wherever it
   * occurs, so it is looked into once (what it is itself is reported every time). This
   * is what ends the walk on recursive types.
   */
  private enter(type: ts.Type): boolean {
    if (this.seen.has(type)) return false;
    this.seen.add(type);
    return true;
  }

  /** The element types of an array or tuple, each with its path segment; `undefined` for anything else. */
  private elementsOf(type: ts.Type): { type: ts.Type; segment: string; tuple: boolean }[] | undefined {
    const checker = this.checker;
    if (checker.isArrayType(type)) {
      const element = checker.getTypeArguments(type as ts.TypeReference)[0];
      return element === undefined ? [] : [{ type: element, segment: "[number]", tuple: false }];
    }
    if (checker.isTupleType(type)) {
      return checker.getTypeArguments(type as ts.TypeReference).map((element, i) => ({
        type: element,
        segment: `[${i}]`,
        tuple: true,
      }));
    }
    return undefined;
  }

  /**
   * The built-in object `type` is (a name the default library declares), or the one a
   * class or interface of the program derives from (`derived`), if any.
   */
  private builtIn(type: ts.Type): (BuiltIn & { readonly name: string; readonly derived: boolean }) | undefined {
    const own = this.libraryType(type);
    if (own !== undefined) return { ...own, derived: false };
    let declared: ts.Type = type;
    if (type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) {
      declared = (type as ts.TypeReference).target;
    }
    if (
      !(declared.flags & ts.TypeFlags.Object) ||
      !((declared as ts.ObjectType).objectFlags & ts.ObjectFlags.ClassOrInterface)
    ) {
      return undefined;
    }
    // Breadth-first up the heritage, bounded: deep hierarchies are rare and trusted beyond it.
    const queue: ts.Type[] = [declared];
    for (let i = 0; i < queue.length && i < 32; i++) {
      const current = queue[i]!;
      if (
        !(current.flags & ts.TypeFlags.Object) ||
        !((current as ts.ObjectType).objectFlags & ts.ObjectFlags.ClassOrInterface)
      )
        continue;
      for (const base of this.checker.getBaseTypes(current as ts.InterfaceType)) {
        const known = this.libraryType(base);
        if (known !== undefined) return known.name === "Object" ? undefined : { ...known, derived: true };
        const target =
          base.flags & ts.TypeFlags.Object && (base as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference
            ? (base as ts.TypeReference).target
            : base;
        queue.push(target);
      }
    }
    return undefined;
  }

  private libraryType(type: ts.Type): (BuiltIn & { readonly name: string }) | undefined {
    const symbol = type.getSymbol();
    if (symbol === undefined) return undefined;
    const name = symbol.getName();
    const known = functionTypes.has(name) ? { clone: NOT_CLONEABLE, json: undefined } : builtIns.get(name);
    if (known === undefined) return undefined;
    const fromLibrary = (symbol.getDeclarations() ?? []).some((declaration) =>
      this.environment.program.isSourceFileDefaultLibrary(declaration.getSourceFile()),
    );
    return fromLibrary ? { ...known, name } : undefined;
  }

  /** What `json` makes of a function or a symbol: a member goes missing, elsewhere it becomes `null`. */
  private lostAs(position: Position): string {
    return position === "member" || position === "optional" ? "is dropped" : "becomes null";
  }

  /** How a path starts at an object type: by its name, or by nothing for an anonymous one (`createdAt`). */
  private label(type: ts.Type): string {
    const named = type.aliasSymbol !== undefined || !(type.getSymbol()?.getName() ?? "__").startsWith("__");
    if (!named) return "";
    const printed = this.environment.print(type);
    // `Box<string>.value` reads as it is; `(A & B).value` needs the parentheses.
    return type.isIntersection() || !/^[\w$.]+(<.*>)?$/.test(printed) ? `(${printed})` : printed;
  }
}

/**
 * What either transport does to a class instance: it copies the own enumerable data, so the
 * copy is a plain object (`instanceof` fails, methods and accessors are gone), and `#private`
 * fields, which are no properties at all, are left behind.
 */
function classConsequence(properties: readonly ts.Symbol[], onPrototype: (property: ts.Symbol) => boolean): string {
  const methods = properties.some(onPrototype);
  const privateFields = properties
    .filter((property) => isPrivateName(property) && !onPrototype(property))
    .map((property) => property.getName());
  const lost = `arrives as a plain object without its class${methods ? " and its methods" : ""}`;
  return privateFields.length === 0
    ? lost
    : `${lost}, and its private fields (${privateFields.join(", ")}) are dropped`;
}

/** Whether a member is `#private`: its name reads `#secret` (TypeScript keeps it as `__#12@#secret`). */
function isPrivateName(property: ts.Symbol): boolean {
  return property.getName().startsWith("#");
}

/** What JSON holds for a value of `type`: `a string`, `a number`, or the type itself (`{ id: string; }`). */
function jsonKindOf(type: ts.Type, print: (type: ts.Type) => string): string {
  if (type.flags & ts.TypeFlags.StringLike) return "a string";
  if (type.flags & ts.TypeFlags.NumberLike) return "a number";
  if (type.flags & ts.TypeFlags.BooleanLike) return "a boolean";
  return `'${print(type)}'`;
}

function memberPath(base: string, name: string): string {
  if (!identifierName.test(name)) return `${base}[${JSON.stringify(name)}]`;
  return base === "" ? name : `${base}.${name}`;
}
