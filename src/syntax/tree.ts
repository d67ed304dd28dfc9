/**
 * A small, readonly syntax tree of exactly the TypeScript that flowc generates (the
 * runner and the type-check's probe file; its kinds are in nodes.ts), with a builder
 * for each kind. It stands in for the TypeScript compiler's factory, which would load
 * all of TypeScript 6 to build a few hundred lines of code.
 *
 * A name that becomes an identifier is checked when its node is built: whatever is no
 * identifier (user text) is refused here, and must be written as a string literal. The
 * printer (print.ts) adds the parentheses the grammar needs, so a tree holds none.
 */
import { isIdentifier, isIdentifierName } from "./identifiers.js";
import type {
  ArrayLiteral,
  ArrayType,
  Await,
  BooleanLiteral,
  Call,
  Comment,
  ComputedKey,
  ConditionalType,
  ElementAccess,
  EntityName,
  Expression,
  FunctionDeclaration,
  FunctionType,
  Identifier,
  ImportDeclaration,
  ImportMeta,
  ImportSpecifier,
  IndexedAccessType,
  IntersectionType,
  Keyword,
  KeywordType,
  LiteralType,
  Modifier,
  NamedImports,
  NamespaceImport,
  Negation,
  New,
  NullLiteral,
  NumericLiteral,
  ObjectLiteral,
  ObjectMember,
  OptionalType,
  Parameter,
  PropertyAccess,
  PropertyAssignment,
  PropertyKey,
  PropertySignature,
  QualifiedName,
  ReturnStatement,
  SpreadAssignment,
  Statement,
  StringLiteral,
  TupleType,
  TypeAlias,
  TypeAssertion,
  TypeLiteral,
  TypeNode,
  TypeOperator,
  TypeParameter,
  TypeQuery,
  TypeReference,
  UnionType,
  VariableStatement,
} from "./nodes.js";

export type * from "./nodes.js";

/**
 * An identifier that names a variable, a function or a type; refuses any other text
 * (a reserved word too), so that no text can become code through one.
 */
export function identifier(name: string): Identifier {
  if (!isIdentifier(name)) throw new TypeError(`not an identifier: ${JSON.stringify(name)}`);
  return { kind: "identifier", name };
}

/**
 * A name after `.`, an object's or a type literal's key, an imported export: any
 * identifier name, reserved words included (`m0.default`); refuses other text.
 */
export function identifierName(name: string): Identifier {
  if (!isIdentifierName(name)) throw new TypeError(`not an identifier name: ${JSON.stringify(name)}`);
  return { kind: "identifier", name };
}
const asName = (name: string | Identifier): Identifier => (typeof name === "string" ? identifierName(name) : name);

export const string = (value: string): StringLiteral => ({ kind: "string", value });
export function number(value: number): NumericLiteral {
  if (!Number.isFinite(value) || value < 0 || Object.is(value, -0)) {
    throw new TypeError(`a numeric literal is finite and not negative, not ${value}`);
  }
  return { kind: "number", value };
}
export const boolean = (value: boolean): BooleanLiteral => ({ kind: "boolean", value });
export const nullLiteral = (): NullLiteral => ({ kind: "null" });
export const negate = (operand: Expression): Negation => ({ kind: "negate", operand });
/** `value` as a literal: `-` before the magnitude of a negative number (and of `-0`). */
export function signedNumber(value: number): NumericLiteral | Negation {
  return value < 0 || Object.is(value, -0) ? negate(number(Math.abs(value))) : number(value);
}
export const object = (members: readonly ObjectMember[], multiLine = false): ObjectLiteral => ({
  kind: "object",
  members,
  multiLine,
});
export const property = (key: PropertyKey | string, value: Expression): PropertyAssignment => ({
  kind: "property",
  key: typeof key === "string" ? identifierName(key) : key,
  value,
});
export const spread = (expression: Expression): SpreadAssignment => ({ kind: "spread", expression });
export const computed = (expression: StringLiteral): ComputedKey => ({ kind: "computed", expression });
export const array = (elements: readonly Expression[]): ArrayLiteral => ({ kind: "array", elements });
export const call = (
  callee: Expression,
  args: readonly Expression[] = [],
  typeArguments: readonly TypeNode[] = [],
): Call => ({ kind: "call", callee, typeArguments, arguments: args });
export const newExpression = (callee: Expression, args: readonly Expression[]): New => ({
  kind: "new",
  callee,
  arguments: args,
});
export const awaitExpression = (expression: Expression): Await => ({ kind: "await", expression });
export const as = (expression: Expression, type: TypeNode): TypeAssertion => ({ kind: "as", expression, type });
/** `expression as const` */
export const asConst = (expression: Expression): TypeAssertion => ({
  kind: "as",
  expression,
  type: { kind: "typeReference", name: { kind: "identifier", name: "const" }, typeArguments: [] },
});
export const satisfies = (expression: Expression, type: TypeNode): TypeAssertion => ({
  kind: "satisfies",
  expression,
  type,
});
export const member = (object: Expression, name: string | Identifier): PropertyAccess => ({
  kind: "member",
  object,
  name: asName(name),
});
export const element = (object: Expression, index: Expression): ElementAccess => ({ kind: "element", object, index });
export const importMeta = (): ImportMeta => ({ kind: "importMeta" });

export const keywordType = (keyword: Keyword): KeywordType => ({ kind: "keywordType", keyword });
export const qualifiedName = (left: EntityName, right: string | Identifier): QualifiedName => ({
  kind: "qualifiedName",
  left,
  right: asName(right),
});
/** `name<args>` */
export const typeReference = (name: string | EntityName, typeArguments: readonly TypeNode[] = []): TypeReference => ({
  kind: "typeReference",
  name: typeof name === "string" ? identifier(name) : name,
  typeArguments,
});
export const typeQuery = (name: string | EntityName): TypeQuery => ({
  kind: "typeQuery",
  name: typeof name === "string" ? identifier(name) : name,
});
export const indexedAccessType = (object: TypeNode, index: TypeNode): IndexedAccessType => ({
  kind: "indexedAccessType",
  object,
  index,
});
export const literalType = (literal: LiteralType["literal"]): LiteralType => ({ kind: "literalType", literal });
export const typeLiteral = (members: readonly PropertySignature[]): TypeLiteral => ({ kind: "typeLiteral", members });
export const propertySignature = (
  key: PropertyKey | string,
  type: TypeNode,
  options: { readonly readonly?: boolean; readonly optional?: boolean } = {},
): PropertySignature => ({
  kind: "propertySignature",
  readonly: options.readonly ?? false,
  key: typeof key === "string" ? identifierName(key) : key,
  optional: options.optional ?? false,
  type,
});
export const unionType = (types: readonly TypeNode[]): UnionType => ({ kind: "unionType", types });
export const intersectionType = (types: readonly TypeNode[]): IntersectionType => ({
  kind: "intersectionType",
  types,
});
export const tupleType = (elements: readonly (TypeNode | OptionalType)[]): TupleType => ({
  kind: "tupleType",
  elements,
});
export const optionalType = (type: TypeNode): OptionalType => ({ kind: "optionalType", type });
export const arrayType = (element: TypeNode): ArrayType => ({ kind: "arrayType", element });
export const typeOperator = (operator: TypeOperator["operator"], type: TypeNode): TypeOperator => ({
  kind: "typeOperator",
  operator,
  type,
});
export const conditionalType = (
  check: TypeNode,
  test: TypeNode,
  whenTrue: TypeNode,
  whenFalse: TypeNode,
): ConditionalType => ({ kind: "conditionalType", check, test, whenTrue, whenFalse });
export const functionType = (
  parameters: readonly Parameter[],
  returnType: TypeNode,
  typeParameters: readonly TypeParameter[] = [],
): FunctionType => ({ kind: "functionType", typeParameters, parameters, returnType });

export const typeParameter = (name: string, constraint?: TypeNode): TypeParameter => ({
  kind: "typeParameter",
  name: identifier(name),
  constraint,
});
export const parameter = (name: string, type?: TypeNode, initializer?: Expression): Parameter => ({
  kind: "parameter",
  name: identifier(name),
  optional: false,
  type,
  initializer,
});
/** `name?: type`. */
export const optionalParameter = (name: string, type: TypeNode): Parameter => ({
  kind: "parameter",
  name: identifier(name),
  optional: true,
  type,
  initializer: undefined,
});

export const namedImports = (elements: readonly ImportSpecifier[]): NamedImports => ({
  kind: "namedImports",
  elements,
});
export const importSpecifier = (
  name: string,
  options: { readonly exported?: Identifier | StringLiteral; readonly typeOnly?: boolean } = {},
): ImportSpecifier => ({
  kind: "importSpecifier",
  typeOnly: options.typeOnly ?? false,
  exported: options.exported,
  name: identifier(name),
});
export const namespaceImport = (name: string): NamespaceImport => ({ kind: "namespaceImport", name: identifier(name) });
export const importDeclaration = (
  clause: NamedImports | NamespaceImport,
  specifier: string,
  typeOnly = false,
): ImportDeclaration => ({ kind: "import", typeOnly, clause, specifier: string(specifier), comments: [] });
export const typeAlias = (
  name: string,
  type: TypeNode,
  options: { readonly modifiers?: readonly Modifier[]; readonly typeParameters?: readonly TypeParameter[] } = {},
): TypeAlias => ({
  kind: "typeAlias",
  modifiers: options.modifiers ?? [],
  name: identifier(name),
  typeParameters: options.typeParameters ?? [],
  type,
  comments: [],
});
export const variable = (
  name: string,
  options: {
    readonly modifiers?: readonly Modifier[];
    readonly declarationKind?: "const" | "let";
    readonly type?: TypeNode;
    readonly initializer?: Expression;
  },
): VariableStatement => ({
  kind: "variable",
  modifiers: options.modifiers ?? [],
  declarationKind: options.declarationKind ?? "const",
  name: identifier(name),
  type: options.type,
  initializer: options.initializer,
  comments: [],
});
export const functionDeclaration = (
  name: string,
  parameters: readonly Parameter[],
  body: readonly Statement[] | undefined,
  options: { readonly modifiers?: readonly Modifier[]; readonly async?: boolean; readonly returnType?: TypeNode } = {},
): FunctionDeclaration => ({
  kind: "function",
  modifiers: options.modifiers ?? [],
  async: options.async ?? false,
  name: identifier(name),
  parameters,
  returnType: options.returnType,
  body,
  comments: [],
});
export const returnStatement = (expression?: Expression): ReturnStatement => ({
  kind: "return",
  expression,
  comments: [],
});

/** The same statement with `comments` printed before the ones it has. */
export function withComments<T extends Statement>(statement: T, comments: readonly Comment[]): T {
  return { ...statement, comments: [...comments, ...statement.comments] };
}
