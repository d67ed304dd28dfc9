import type { PropertyInfo, TypeModel } from "./engine.js";

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
export function findTransportHazards<T>(
  model: TypeModel<T>,
  type: T,
  mode: TransportMode,
  root: TransportRoot,
  limit = reportedHazards,
): TransportFindings {
  return new TransportWalk(model, mode, limit).run(type, root);
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

class TransportWalk<T> {
  private readonly hazards: TransportHazard[] = [];
  private more = false;
  private readonly unproven: TransportHazard[] = [];
  private moreUnproven = false;
  private readonly seen = new Set<unknown>();
  private visits = 0;

  constructor(
    private readonly model: TypeModel<T>,
    private readonly mode: TransportMode,
    private readonly limit: number,
  ) {}

  run(type: T, root: TransportRoot): TransportFindings {
    try {
      if (root === "items") {
        // The items of a parallel method are its incoming array's elements, each sent as a value.
        for (const member of this.model.unionMembers(type) ?? [type]) {
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

  private report(path: string, type: T, consequence: string): void {
    if (this.hazards.length >= this.limit) {
      this.more = true;
      throw new Stop();
    }
    this.hazards.push({
      path,
      type: this.model.print(type),
      consequence,
    });
  }

  private noteUnproven(path: string, type: T): void {
    if (this.unproven.length >= this.limit) {
      this.moreUnproven = true;
      return;
    }
    this.unproven.push({ path, type: this.model.print(type), consequence: "" });
  }

  private visit(type: T, path: string, position: Position, depth: number): void {
    if (depth > maxTransportDepth) return;
    if (++this.visits > maxVisits) throw new Stop();
    const model = this.model;
    const F = model.TypeFlags;
    const flags = model.flags(type);

    if (flags & (F.Any | F.Unknown)) {
      // Structured cloning refuses few values, and the warnings about threads are about what
      // a type does hold; JSON changes many, and a plan is proved JSON-safe part by part.
      if (this.mode === "json") this.noteUnproven(path, type);
      return;
    }

    const members = model.unionMembers(type);
    if (members !== undefined) {
      for (const member of members) this.visit(member, path, position, depth);
      return;
    }
    if (flags & (F.Undefined | F.Void)) {
      if (this.mode === "json" && position === "member") {
        this.report(path, type, "is dropped (make the member optional)");
      } else if (this.mode === "json" && position === "element") {
        this.report(path, type, "becomes null");
      }
      return;
    }
    if (flags & F.ESSymbolLike) {
      this.report(path, type, this.mode === "clone" ? NOT_CLONEABLE : this.lostAs(position));
      return;
    }
    if (flags & F.BigIntLike) {
      if (this.mode === "json") this.report(path, type, "cannot be written as JSON");
      return;
    }
    if (flags & (F.TypeParameter | F.Index | F.IndexedAccess | F.Conditional | F.Substitution)) {
      const constraint = model.baseConstraint(type);
      if (constraint !== undefined && model.key(constraint) !== model.key(type)) {
        this.visit(constraint, path, position, depth + 1);
      }
      return;
    }
    if (!(flags & (F.Object | F.Intersection))) return;

    this.visitObject(type, path, position, depth);
  }

  private visitObject(type: T, path: string, position: Position, depth: number): void {
    const model = this.model;
    if (model.hasSignatures(type, "call") || model.hasSignatures(type, "construct")) {
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
        const [first, second] = model.typeArguments(type);
        const isMap = second !== undefined;
        if (first !== undefined) this.visit(first, `${base}[${isMap ? "key" : "element"}]`, "element", depth + 1);
        if (second !== undefined) this.visit(second, `${base}[value]`, "element", depth + 1);
      } else if (consequence !== undefined) {
        this.report(path, type, consequence);
      }
      return;
    }

    const properties = model.properties(type);
    if (this.mode === "json") {
      // JSON.stringify writes what `toJSON` returns instead of the object (a URL becomes its string).
      const toJSON = properties.find((property) => property.name === "toJSON");
      const returned = toJSON === undefined ? undefined : model.returnTypeOfCall(toJSON.type());
      if (returned !== undefined) {
        this.report(path, type, `becomes ${jsonKindOf(model, returned)} (its toJSON)`);
        return;
      }
      // An iterable that is no array (a generator, a custom collection) is written as its own properties.
      if (properties.some((property) => /^__@(?:async)?[Ii]terator@/.test(property.name))) {
        this.report(path, type, "becomes an empty object: JSON does not iterate it (send an array)");
        return;
      }
    }

    const isClass = model.symbolOf(type)?.isClass === true;
    // A class instance keeps its own data but not what its prototype holds.
    const onPrototype = (property: PropertyInfo<T>) => isClass && property.methodOrAccessor;
    if (isClass) this.report(path, type, classConsequence(properties, onPrototype));
    if (!this.enter(type)) return;

    const base = path === "" ? this.label(type) : path;
    for (const property of properties) {
      const name = property.name;
      // Symbol keys and `#private` fields are left behind by both transports, and no type reads them from outside.
      if (onPrototype(property) || name.startsWith("__@") || isPrivateName(property)) continue;
      this.visit(property.type(), memberPath(base, name), property.optional ? "optional" : "member", depth + 1);
    }
    for (const info of model.indexInfos(type)) {
      const key = model.flags(info.keyType) & model.TypeFlags.NumberLike ? "number" : "string";
      this.visit(info.type, `${base}[${key}]`, "optional", depth + 1);
    }
  }

  /**
   * Whether to look inside `type`: an object type holds the same parts wherever it
   * occurs, so it is looked into once (what it is itself is reported every time). This
   * is what ends the walk on recursive types.
   */
  private enter(type: T): boolean {
    const key = this.model.key(type);
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  /** The element types of an array or tuple, each with its path segment; `undefined` for anything else. */
  private elementsOf(type: T): { type: T; segment: string; tuple: boolean }[] | undefined {
    const model = this.model;
    if (model.isArray(type)) {
      const element = model.typeArguments(type)[0];
      return element === undefined ? [] : [{ type: element, segment: "[number]", tuple: false }];
    }
    const tuple = model.tuple(type);
    if (tuple !== undefined) {
      return tuple.elements.map((element, i) => ({ type: element, segment: `[${i}]`, tuple: true }));
    }
    return undefined;
  }

  /**
   * The built-in object `type` is (a name the default library declares), or the one a
   * class or interface of the program derives from (`derived`), if any.
   */
  private builtIn(type: T): (BuiltIn & { readonly name: string; readonly derived: boolean }) | undefined {
    const own = this.libraryType(type);
    if (own !== undefined) return { ...own, derived: false };
    const declared = this.model.classOrInterface(type);
    if (declared === undefined) return undefined;
    // Breadth-first up the heritage, bounded: deep hierarchies are rare and trusted beyond it.
    const queue: T[] = [declared];
    for (let i = 0; i < queue.length && i < 32; i++) {
      for (const base of this.model.baseTypes(queue[i]!)) {
        const known = this.libraryType(base);
        if (known !== undefined) return known.name === "Object" ? undefined : { ...known, derived: true };
        const next = this.model.classOrInterface(base);
        if (next !== undefined) queue.push(next);
      }
    }
    return undefined;
  }

  private libraryType(type: T): (BuiltIn & { readonly name: string }) | undefined {
    const symbol = this.model.symbolOf(type);
    if (symbol === undefined) return undefined;
    const name = symbol.name;
    const known = functionTypes.has(name) ? { clone: NOT_CLONEABLE, json: undefined } : builtIns.get(name);
    if (known === undefined) return undefined;
    return symbol.fromLibrary() ? { ...known, name } : undefined;
  }

  /** What `json` makes of a function or a symbol: a member goes missing, elsewhere it becomes `null`. */
  private lostAs(position: Position): string {
    return position === "member" || position === "optional" ? "is dropped" : "becomes null";
  }

  /** How a path starts at an object type: by its name, or by nothing for an anonymous one (`createdAt`). */
  private label(type: T): string {
    const named = this.model.hasAlias(type) || !(this.model.symbolOf(type)?.name ?? "__").startsWith("__");
    if (!named) return "";
    const printed = this.model.print(type);
    // `Box<string>.value` reads as it is; `(A & B).value` needs the parentheses.
    return this.model.isIntersection(type) || !/^[\w$.]+(<.*>)?$/.test(printed) ? `(${printed})` : printed;
  }
}

/**
 * What either transport does to a class instance: it copies the own enumerable data, so the
 * copy is a plain object (`instanceof` fails, methods and accessors are gone), and `#private`
 * fields, which are no properties at all, are left behind.
 */
function classConsequence<T>(
  properties: readonly PropertyInfo<T>[],
  onPrototype: (property: PropertyInfo<T>) => boolean,
): string {
  const methods = properties.some(onPrototype);
  const privateFields = properties
    .filter((property) => isPrivateName(property) && !onPrototype(property))
    .map((property) => property.name);
  const lost = `arrives as a plain object without its class${methods ? " and its methods" : ""}`;
  return privateFields.length === 0
    ? lost
    : `${lost}, and its private fields (${privateFields.join(", ")}) are dropped`;
}

/** Whether a member is `#private`: its name reads `#secret` (TypeScript keeps it as `__#12@#secret`). */
function isPrivateName(property: { readonly name: string }): boolean {
  return property.name.startsWith("#");
}

/** What JSON holds for a value of `type`: `a string`, `a number`, or the type itself (`{ id: string; }`). */
function jsonKindOf<T>(model: TypeModel<T>, type: T): string {
  const flags = model.flags(type);
  if (flags & model.TypeFlags.StringLike) return "a string";
  if (flags & model.TypeFlags.NumberLike) return "a number";
  if (flags & model.TypeFlags.BooleanLike) return "a boolean";
  return `'${model.print(type)}'`;
}

function memberPath(base: string, name: string): string {
  if (!identifierName.test(name)) return `${base}[${JSON.stringify(name)}]`;
  return base === "" ? name : `${base}.${name}`;
}
