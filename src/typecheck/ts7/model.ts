import {
  ObjectFlags,
  SignatureKind,
  SymbolFlags,
  TypeFlags,
  type Checker,
  type InterfaceType,
  type NumberLiteralType,
  type ObjectType,
  type Program,
  type TupleType,
  type Type,
  type TypeReference,
  type UnionOrIntersectionType,
} from "typescript/unstable/sync";
import { ElementFlags } from "typescript/unstable/sync";
import type { PropertyInfo, TupleInfo, TypeModel } from "../engine.js";

/**
 * `TypeFormatFlags`, which the native compiler takes as TypeScript 6 numbers them:
 * no truncation, aliases defined elsewhere by name, unique symbols as such.
 */
export const PRINT_FLAGS = 1 | 16384 | 1048576;
/** The same, every type named by the module it comes from (`UseFullyQualifiedType`). */
export const QUALIFIED_PRINT_FLAGS = 1 | 64 | 1048576;
/** Only never cut short, for what a `this` parameter requires. */
export const NO_TRUNCATION = 1;

/** The types of a TypeScript 7 program as the walks see them; answers are kept, each is a round trip. */
export function typeScript7Model(program: Program, checker: Checker): TypeModel<Type> {
  const printed = new Map<number, string>();
  const isObject = (type: Type, flag: ObjectFlags): boolean =>
    (type.flags & TypeFlags.Object) !== 0 && ((type as ObjectType).objectFlags & flag) !== 0;
  const signatures = (type: Type, kind: SignatureKind) => checker.getSignaturesOfType(type, kind);
  return {
    TypeFlags,
    flags: (type) => type.flags,
    key: (type) => type.id,
    unionMembers: (type) => (type.flags & TypeFlags.Union ? (type as UnionOrIntersectionType).getTypes() : undefined),
    isIntersection: (type) => (type.flags & TypeFlags.Intersection) !== 0,
    hasSignatures: (type, kind) =>
      signatures(type, kind === "call" ? SignatureKind.Call : SignatureKind.Construct).length > 0,
    returnTypeOfCall(type) {
      const signature = signatures(type, SignatureKind.Call)[0];
      return signature === undefined ? undefined : checker.getReturnTypeOfSignature(signature);
    },
    isArray: (type) => checker.isArrayType(type),
    tuple(type): TupleInfo<Type> | undefined {
      // A tuple is a reference to a tuple target: told from the flags the compiler sent with both, the
      // target asked for once per shape. Its elements are asked for only when read.
      if (!isObject(type, ObjectFlags.Reference)) return undefined;
      const target = (type as TypeReference).getTarget() as TupleType | undefined;
      if (target === undefined || !isObject(target, ObjectFlags.Tuple)) return undefined;
      let elements: readonly Type[] | undefined;
      const lazyElements = {
        get elements(): readonly Type[] {
          elements ??= checker.getTypeArguments(type as TypeReference);
          return elements;
        },
      };
      const flags = target.elementFlags as readonly ElementFlags[] | undefined;
      if (flags === undefined) return Object.assign(lazyElements, lengthOf(checker, type));
      return Object.assign(lazyElements, {
        minLength: flags.filter((flag) => (flag & (ElementFlags.Required | ElementFlags.Variadic)) !== 0).length,
        fixedLength: target.fixedLength,
        variadic: flags.some((flag) => (flag & ElementFlags.Variable) !== 0),
      });
    },
    typeArguments: (type) => checker.getTypeArguments(type as TypeReference),
    baseConstraint: (type) => checker.getBaseConstraintOfType(type),
    properties: (type) =>
      checker.getPropertiesOfType(type).map((property): PropertyInfo<Type> => ({
        // A `#private` field keeps its mangled name (`__#1@#secret`); TypeScript 6 gives `#secret`.
        name: property.name.replace(/^__#\d+@(?=#)/, ""),
        optional: (property.flags & SymbolFlags.Optional) !== 0,
        methodOrAccessor: (property.flags & (SymbolFlags.Method | SymbolFlags.Accessor)) !== 0,
        type: () => checker.getTypeOfSymbol(property) ?? checker.getUnknownType(),
      })),
    indexInfos: (type) =>
      checker.getIndexInfosOfType(type).map((info) => ({ keyType: info.keyType, type: info.valueType })),
    symbolOf(type) {
      const symbol = type.getSymbol();
      if (symbol === undefined) return undefined;
      return {
        name: symbol.name,
        isClass: (symbol.flags & SymbolFlags.Class) !== 0,
        fromLibrary: () =>
          symbol.declarations.some(
            (declaration) => program.getSourceFileMetadataByPath(declaration.path)?.isDefaultLibrary === true,
          ),
      };
    },
    hasAlias: (type) => type.getAliasSymbol() !== undefined,
    classOrInterface(type) {
      const declared = isObject(type, ObjectFlags.Reference) ? (type as TypeReference).getTarget() : type;
      return isObject(declared, ObjectFlags.ClassOrInterface) ? declared : undefined;
    },
    baseTypes: (type) => checker.getBaseTypes(type as InterfaceType),
    isAssignable: (source, target) => checker.isTypeAssignableTo(source, target),
    print(type) {
      let text = printed.get(type.id);
      if (text === undefined) {
        text = checker.typeToString(type, undefined, PRINT_FLAGS);
        printed.set(type.id, text);
      }
      return text;
    },
  };
}

/**
 * A tuple's lengths read from its `length` property, for a tuple whose target came without
 * its element flags: `1 | 2` for `[a, b?]`, `number` for one with a rest element.
 */
function lengthOf(checker: Checker, type: Type): Omit<TupleInfo<Type>, "elements"> {
  const length = checker.getPropertyOfType(type, "length");
  const lengthType = length === undefined ? undefined : checker.getTypeOfSymbol(length);
  if (lengthType === undefined) return { minLength: 0, fixedLength: 0, variadic: true };
  const members =
    lengthType.flags & TypeFlags.Union ? (lengthType as UnionOrIntersectionType).getTypes() : [lengthType];
  const values = members.flatMap((member) =>
    member.flags & TypeFlags.NumberLiteral ? [(member as NumberLiteralType).value] : [],
  );
  if (values.length < members.length || values.length === 0) return { minLength: 0, fixedLength: 0, variadic: true };
  return { minLength: Math.min(...values), fixedLength: Math.max(...values), variadic: false };
}
