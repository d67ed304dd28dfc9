import { ts } from "ts-morph";
import { describeValue } from "../../stdlib/errors.js";
import type { TransportEnvironment } from "./transport-safety.js";

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
export function findInputProblems(
  environment: TransportEnvironment,
  type: ts.Type,
  value: unknown,
  limit = 5,
): InputProblem[] {
  return new InputCheck(environment).problems(value, type, "input", 0, limit);
}

class InputCheck {
  private readonly checker: ts.TypeChecker;

  constructor(private readonly environment: TransportEnvironment) {
    this.checker = environment.checker;
  }

  problems(value: unknown, type: ts.Type, path: string, depth: number, limit: number): InputProblem[] {
    if (limit <= 0) return [];
    const flags = type.flags;
    if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return [];
    if (depth > MAX_INPUT_DEPTH) {
      return [{ path, expected: `at most ${MAX_INPUT_DEPTH} levels of nesting`, got: "a deeper value" }];
    }
    if (type.isUnion()) return this.union(value, type, path, depth, limit);
    if (flags & (ts.TypeFlags.TypeParameter | ts.TypeFlags.Conditional | ts.TypeFlags.IndexedAccess)) {
      const constraint = this.checker.getBaseConstraintOfType(type);
      return constraint === undefined || constraint === type
        ? []
        : this.problems(value, constraint, path, depth, limit);
    }
    if (value === undefined || value === null || typeof value !== "object") {
      return this.checker.isTypeAssignableTo(this.literalType(value), type) ? [] : [this.mismatch(path, type, value)];
    }
    if (Array.isArray(value)) return this.array(value, type, path, depth, limit);
    return this.object(value as Record<string, unknown>, type, path, depth, limit);
  }

  private union(value: unknown, type: ts.UnionType, path: string, depth: number, limit: number): InputProblem[] {
    let closest: InputProblem[] | undefined;
    for (const member of type.types) {
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

  private array(value: readonly unknown[], type: ts.Type, path: string, depth: number, limit: number): InputProblem[] {
    const checker = this.checker;
    if (checker.isTupleType(type)) {
      const target = (type as ts.TupleTypeReference).target;
      const elements = checker.getTypeArguments(type as ts.TypeReference);
      const variadic = (target.combinedFlags & ts.ElementFlags.Variable) !== 0;
      if (value.length < target.minLength || (!variadic && value.length > elements.length)) {
        const count = variadic ? `at least ${target.minLength}` : `${target.minLength}–${elements.length}`;
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
    type: ts.Type,
    path: string,
    depth: number,
    limit: number,
  ): InputProblem[] {
    const checker = this.checker;
    if (!(type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection | ts.TypeFlags.NonPrimitive))) {
      return [this.mismatch(path, type, value)];
    }
    if (type.flags & ts.TypeFlags.NonPrimitive || this.elementType(type) !== undefined) {
      // `object` takes any object; an array type takes no plain object.
      return type.flags & ts.TypeFlags.NonPrimitive ? [] : [this.mismatch(path, type, value)];
    }
    const found: InputProblem[] = [];
    const properties = new Map(checker.getPropertiesOfType(type).map((property) => [property.getName(), property]));
    const indexes = checker.getIndexInfosOfType(type);
    for (const [name, property] of properties) {
      if (found.length >= limit) return found;
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      if (!Object.hasOwn(value, name)) {
        if (!optional && !this.acceptsUndefined(checker.getTypeOfSymbol(property))) {
          const expected = this.print(checker.getTypeOfSymbol(property));
          found.push({ path: memberPath(path, name), expected, got: "nothing (the property is missing)" });
        }
        continue;
      }
      const propertyType = checker.getTypeOfSymbol(property);
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
  private elementType(type: ts.Type): ts.Type | undefined {
    if (!this.checker.isArrayType(type)) return undefined;
    return this.checker.getTypeArguments(type as ts.TypeReference)[0];
  }

  private indexTakes(info: ts.IndexInfo, key: string): boolean {
    const keyType = info.keyType;
    if (keyType.flags & ts.TypeFlags.String) return true;
    if (keyType.flags & ts.TypeFlags.Number) return key !== "" && Number.isFinite(Number(key));
    return this.checker.isTypeAssignableTo(this.checker.getStringLiteralType(key), keyType);
  }

  private acceptsUndefined(type: ts.Type): boolean {
    return this.checker.isTypeAssignableTo(this.checker.getUndefinedType(), type);
  }

  /** The literal type of a JSON primitive (or of `undefined`, for an input left out). */
  private literalType(value: unknown): ts.Type {
    const checker = this.checker;
    switch (typeof value) {
      case "string":
        return checker.getStringLiteralType(value);
      case "number":
        return checker.getNumberLiteralType(value);
      case "boolean":
        return value ? checker.getTrueType() : checker.getFalseType();
      case "undefined":
        return checker.getUndefinedType();
      default:
        return checker.getNullType();
    }
  }

  private mismatch(path: string, type: ts.Type, value: unknown): InputProblem {
    return { path, expected: this.print(type), got: describeJson(value) };
  }

  private print(type: ts.Type): string {
    return this.environment.print(type);
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
