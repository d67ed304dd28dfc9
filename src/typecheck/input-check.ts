import { describeValue } from "../../stdlib/errors.js";
import type { TypeModel } from "./engine.js";

/** One place where a JSON value does not fit the type it is meant to have. */
export interface InputProblem {
  /** Where in the value: `input`, `input.rows[3].count`, `input["odd key"]`. */
  readonly path: string;
  /** What the type wants there, printed (`number`), or what is wrong (`no property 'count'`). */
  readonly expected: string;
  /** What the value has there: `a string ("ten")`, `an object`, `nothing`. */
  readonly got: string;
}

/** Deeper values are refused with a problem of their own rather than walked. */
export const MAX_INPUT_DEPTH = 256;

/**
 * The places where `value`, a JSON value (`undefined` when none was given), does not
 * fit `type`, at most `limit` of them, in document order.
 *
 * JSON holds only nulls, booleans, numbers, strings, arrays and plain objects, so
 * each is judged by what TypeScript says of its literal type (`"ten"` against
 * `number | "auto"`), and arrays and objects member by member, as TypeScript judges
 * an object literal: a required property must be there, and a property the type does
 * not know is refused unless an index signature takes it. A union is met when one of
 * its members is. `any` and `unknown` take anything. The walk is linear in the value
 * (unions aside), so a large input is checked as fast as it is read.
 */
export function findInputProblems<T>(
  model: TypeModel<T>,
  literals: LiteralTypes<T>,
  type: T,
  value: unknown,
  limit = 5,
): InputProblem[] {
  return new InputCheck(model, literals).problems(value, type, "input", 0, limit);
}

/** A value JSON holds that is no array or object, or `undefined` for one left out. */
export type JsonPrimitive = string | number | boolean | null | undefined;

/** The literal type of each primitive `literalsOf` lists (`"ten"`, `3`, `true`, `null`, `undefined`). */
export type LiteralTypes<T> = (value: JsonPrimitive) => T | undefined;

/**
 * The primitives whose literal types the check of `value` may ask for: every primitive
 * in it, every key of its objects, and `undefined` (for members left out), each once.
 */
export function literalsOf(value: unknown): JsonPrimitive[] {
  const found = new Set<JsonPrimitive>([undefined]);
  const queue: unknown[] = [value];
  while (queue.length > 0) {
    const next = queue.pop();
    if (Array.isArray(next)) queue.push(...next);
    else if (next !== null && typeof next === "object") {
      for (const [key, member] of Object.entries(next)) {
        found.add(key);
        queue.push(member);
      }
    } else if (typeof next === "string" || typeof next === "number" || typeof next === "boolean" || next === null) {
      found.add(next);
    }
  }
  return [...found];
}

class InputCheck<T> {
  constructor(
    private readonly model: TypeModel<T>,
    private readonly literals: LiteralTypes<T>,
  ) {}

  problems(value: unknown, type: T, path: string, depth: number, limit: number): InputProblem[] {
    if (limit <= 0) return [];
    const model = this.model;
    const F = model.TypeFlags;
    const flags = model.flags(type);
    if (flags & (F.Any | F.Unknown)) return [];
    if (depth > MAX_INPUT_DEPTH) {
      return [{ path, expected: `at most ${MAX_INPUT_DEPTH} levels of nesting`, got: "a deeper value" }];
    }
    const members = model.unionMembers(type);
    if (members !== undefined) return this.union(value, type, members, path, depth, limit);
    if (flags & (F.TypeParameter | F.Conditional | F.IndexedAccess)) {
      const constraint = model.baseConstraint(type);
      return constraint === undefined || model.key(constraint) === model.key(type)
        ? []
        : this.problems(value, constraint, path, depth, limit);
    }
    if (value === undefined || value === null || typeof value !== "object") {
      return this.accepts(type, value as JsonPrimitive) ? [] : [this.mismatch(path, type, value)];
    }
    if (Array.isArray(value)) return this.array(value, type, path, depth, limit);
    return this.object(value as Record<string, unknown>, type, path, depth, limit);
  }

  /** Whether `type` takes the primitive `value` (a literal whose type is unknown is taken). */
  private accepts(type: T, value: JsonPrimitive): boolean {
    const literal = this.literals(value);
    return literal === undefined || this.model.isAssignable(literal, type);
  }

  private union(
    value: unknown,
    type: T,
    members: readonly T[],
    path: string,
    depth: number,
    limit: number,
  ): InputProblem[] {
    let closest: InputProblem[] | undefined;
    for (const member of members) {
      const found = this.problems(value, member, path, depth, limit);
      if (found.length === 0) return [];
      // The member the value comes closest to explains best what is wrong: the one with the fewest
      // problems, and of those the one whose first problem lies deepest.
      const closer =
        closest === undefined ||
        found.length < closest.length ||
        (found.length === closest.length && deepest(found) > deepest(closest));
      if (closer) closest = found;
    }
    // At the top of the value itself, the union as a whole is what was expected.
    return closest !== undefined && deepest(closest) > path.length ? closest : [this.mismatch(path, type, value)];
  }

  private array(value: readonly unknown[], type: T, path: string, depth: number, limit: number): InputProblem[] {
    const tuple = this.model.tuple(type);
    if (tuple !== undefined) {
      const { elements, minLength, variadic } = tuple;
      if (value.length < minLength || (!variadic && value.length > elements.length)) {
        const count = variadic ? `at least ${minLength}` : `${minLength}–${elements.length}`;
        return [{ path, expected: `${this.print(type)} (${count} elements)`, got: `an array of ${value.length}` }];
      }
      const found: InputProblem[] = [];
      value.forEach((element, index) => {
        const elementType = elements[Math.min(index, elements.length - 1)];
        if (elementType === undefined || found.length >= limit) return;
        found.push(...this.problems(element, elementType, `${path}[${index}]`, depth + 1, limit - found.length));
      });
      return found;
    }
    const element = this.elementType(type);
    if (element === undefined) return [this.mismatch(path, type, value)];
    const found: InputProblem[] = [];
    for (let index = 0; index < value.length && found.length < limit; index++) {
      found.push(...this.problems(value[index], element, `${path}[${index}]`, depth + 1, limit - found.length));
    }
    return found;
  }

  private object(
    value: Readonly<Record<string, unknown>>,
    type: T,
    path: string,
    depth: number,
    limit: number,
  ): InputProblem[] {
    const model = this.model;
    const F = model.TypeFlags;
    const flags = model.flags(type);
    if (!(flags & (F.Object | F.Intersection | F.NonPrimitive))) {
      return [this.mismatch(path, type, value)];
    }
    if (flags & F.NonPrimitive || this.elementType(type) !== undefined) {
      // `object` takes any object; an array type takes no plain object.
      return flags & F.NonPrimitive ? [] : [this.mismatch(path, type, value)];
    }
    const found: InputProblem[] = [];
    const properties = new Map(model.properties(type).map((property) => [property.name, property]));
    const indexes = model.indexInfos(type);
    for (const [name, property] of properties) {
      if (found.length >= limit) return found;
      if (!Object.hasOwn(value, name)) {
        if (!property.optional && !this.accepts(property.type(), undefined)) {
          const expected = this.print(property.type());
          found.push({ path: memberPath(path, name), expected, got: "nothing (the property is missing)" });
        }
        continue;
      }
      const propertyType = property.type();
      found.push(...this.problems(value[name], propertyType, memberPath(path, name), depth + 1, limit - found.length));
    }
    for (const name of Object.keys(value)) {
      if (found.length >= limit) return found;
      if (properties.has(name)) continue;
      const index = indexes.find((info) => this.indexTakes(info, name));
      if (index === undefined) {
        found.push({
          path: memberPath(path, name),
          expected: `nothing ('${this.print(type)}' has no property '${name}')`,
          got: describeJson(value[name]),
        });
        continue;
      }
      found.push(...this.problems(value[name], index.type, memberPath(path, name), depth + 1, limit - found.length));
    }
    return found;
  }

  /** The element type of an array type (readonly or not), or `undefined` for any other type. */
  private elementType(type: T): T | undefined {
    if (!this.model.isArray(type)) return undefined;
    return this.model.typeArguments(type)[0];
  }

  private indexTakes(info: { readonly keyType: T }, key: string): boolean {
    const flags = this.model.flags(info.keyType);
    if (flags & this.model.TypeFlags.String) return true;
    if (flags & this.model.TypeFlags.Number) return key !== "" && Number.isFinite(Number(key));
    return this.accepts(info.keyType, key);
  }

  private mismatch(path: string, type: T, value: unknown): InputProblem {
    return { path, expected: this.print(type), got: describeJson(value) };
  }

  private print(type: T): string {
    return this.model.print(type);
  }
}

/** How far into the value the first of `problems` lies, by the length of its path. */
function deepest(problems: readonly InputProblem[]): number {
  return Math.max(0, ...problems.slice(0, 1).map((problem) => problem.path.length));
}

const identifierName = /^[A-Za-z_$][\w$]*$/;

function memberPath(base: string, name: string): string {
  return identifierName.test(name) ? `${base}.${name}` : `${base}[${JSON.stringify(name)}]`;
}

/** A JSON value's kind, with a short rendering of a primitive: `a string ("ten")`, `number 3`, `an array of 2`. */
export function describeJson(value: unknown): string {
  return value === undefined ? "nothing" : describeValue(value);
}
