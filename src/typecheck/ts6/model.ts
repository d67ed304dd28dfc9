import { ts } from "ts-morph";
import type { PropertyInfo, TupleInfo, TypeModel } from "../engine.js";

/** Types are printed the way TypeScript's own messages print them, but never cut short. */
export const PRINT_FLAGS =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope |
  ts.TypeFormatFlags.AllowUniqueESSymbolType;

/** Names every type by the module it comes from, to tell namesakes apart. */
export const QUALIFIED_PRINT_FLAGS =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseFullyQualifiedType |
  ts.TypeFormatFlags.AllowUniqueESSymbolType;

/**
 * The types of a TypeScript 6 program as the walks see them. `print` defaults to how
 * messages print types.
 */
export function typeScript6Model(program: ts.Program, print?: (type: ts.Type) => string): TypeModel<ts.Type> {
  const checker = program.getTypeChecker();
  const isObject = (type: ts.Type, flag: ts.ObjectFlags): boolean =>
    (type.flags & ts.TypeFlags.Object) !== 0 && ((type as ts.ObjectType).objectFlags & flag) !== 0;
  return {
    TypeFlags: ts.TypeFlags,
    flags: (type) => type.flags,
    key: (type) => type,
    unionMembers: (type) => (type.isUnion() ? type.types : undefined),
    isIntersection: (type) => type.isIntersection(),
    hasSignatures: (type, kind) =>
      checker.getSignaturesOfType(type, kind === "call" ? ts.SignatureKind.Call : ts.SignatureKind.Construct).length >
      0,
    returnTypeOfCall(type) {
      const signature = checker.getSignaturesOfType(type, ts.SignatureKind.Call)[0];
      return signature === undefined ? undefined : checker.getReturnTypeOfSignature(signature);
    },
    isArray: (type) => checker.isArrayType(type),
    tuple(type): TupleInfo<ts.Type> | undefined {
      if (!checker.isTupleType(type)) return undefined;
      const target = (type as ts.TupleTypeReference).target;
      return {
        elements: checker.getTypeArguments(type as ts.TypeReference),
        minLength: target.minLength,
        fixedLength: target.fixedLength,
        variadic: (target.combinedFlags & ts.ElementFlags.Variable) !== 0,
      };
    },
    typeArguments: (type) => checker.getTypeArguments(type as ts.TypeReference),
    baseConstraint: (type) => checker.getBaseConstraintOfType(type),
    properties: (type) =>
      checker.getPropertiesOfType(type).map((property): PropertyInfo<ts.Type> => ({
        name: property.getName(),
        optional: (property.flags & ts.SymbolFlags.Optional) !== 0,
        methodOrAccessor: (property.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.Accessor)) !== 0,
        type: () => checker.getTypeOfSymbol(property),
      })),
    indexInfos: (type) => checker.getIndexInfosOfType(type).map((info) => ({ keyType: info.keyType, type: info.type })),
    symbolOf(type) {
      const symbol = type.getSymbol();
      if (symbol === undefined) return undefined;
      return {
        name: symbol.getName(),
        isClass: (symbol.flags & ts.SymbolFlags.Class) !== 0,
        fromLibrary: () =>
          (symbol.getDeclarations() ?? []).some((declaration) =>
            program.isSourceFileDefaultLibrary(declaration.getSourceFile()),
          ),
      };
    },
    hasAlias: (type) => type.aliasSymbol !== undefined,
    classOrInterface(type) {
      const declared = isObject(type, ts.ObjectFlags.Reference) ? (type as ts.TypeReference).target : type;
      return isObject(declared, ts.ObjectFlags.ClassOrInterface) ? declared : undefined;
    },
    baseTypes: (type) => checker.getBaseTypes(type as ts.InterfaceType),
    isAssignable: (source, target) => checker.isTypeAssignableTo(source, target),
    print: print ?? ((type) => checker.typeToString(type, undefined, PRINT_FLAGS)),
  };
}
