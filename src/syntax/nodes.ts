/**
 * The node kinds of flowc's syntax tree: readonly, told apart by `kind`, and exactly
 * those of the TypeScript flowc generates (the runner and the type-check's probe
 * file). Build them with tree.ts, which checks what becomes an identifier.
 */
export interface Identifier {
  readonly kind: "identifier";
  readonly name: string;
}
export interface StringLiteral {
  readonly kind: "string";
  readonly value: string;
}
/** A finite number that is not negative: `-1` is `negate(number(1))`. */
export interface NumericLiteral {
  readonly kind: "number";
  readonly value: number;
}
export interface BooleanLiteral {
  readonly kind: "boolean";
  readonly value: boolean;
}
export interface NullLiteral {
  readonly kind: "null";
}
/** `-operand` */
export interface Negation {
  readonly kind: "negate";
  readonly operand: Expression;
}
/** `{ key: value, ...spread }`; `multiLine` keeps one property per line even where they would fit on one. */
export interface ObjectLiteral {
  readonly kind: "object";
  readonly members: readonly ObjectMember[];
  readonly multiLine: boolean;
}
export type ObjectMember = PropertyAssignment | SpreadAssignment;
export interface PropertyAssignment {
  readonly kind: "property";
  readonly key: PropertyKey;
  readonly value: Expression;
}
export interface SpreadAssignment {
  readonly kind: "spread";
  readonly expression: Expression;
}
/** `["__proto__"]`: a key that is computed, so that it never sets the object's prototype. */
export interface ComputedKey {
  readonly kind: "computed";
  readonly expression: StringLiteral;
}
export type PropertyKey = Identifier | StringLiteral | ComputedKey;
export interface ArrayLiteral {
  readonly kind: "array";
  readonly elements: readonly Expression[];
}
export interface Call {
  readonly kind: "call";
  readonly callee: Expression;
  readonly typeArguments: readonly TypeNode[];
  readonly arguments: readonly Expression[];
  /** Printed `/* @__PURE__ *\/`: bundlers may drop the call when its result is not used. */
  readonly pure?: boolean;
}
export interface New {
  readonly kind: "new";
  readonly callee: Expression;
  readonly arguments: readonly Expression[];
}
export interface Await {
  readonly kind: "await";
  readonly expression: Expression;
}
/** `expression as type`, `expression satisfies type` */
export interface TypeAssertion {
  readonly kind: "as" | "satisfies";
  readonly expression: Expression;
  readonly type: TypeNode;
}
/** `object.name` */
export interface PropertyAccess {
  readonly kind: "member";
  readonly object: Expression;
  readonly name: Identifier;
}
/** `object["key"]` */
export interface ElementAccess {
  readonly kind: "element";
  readonly object: Expression;
  readonly index: Expression;
}
export interface ImportMeta {
  readonly kind: "importMeta";
}
export type Expression =
  | Identifier
  | StringLiteral
  | NumericLiteral
  | BooleanLiteral
  | NullLiteral
  | Negation
  | ObjectLiteral
  | ArrayLiteral
  | Call
  | New
  | Await
  | TypeAssertion
  | PropertyAccess
  | ElementAccess
  | ImportMeta;

export type Keyword = "any" | "boolean" | "never" | "number" | "object" | "string" | "undefined" | "unknown" | "void";
export interface KeywordType {
  readonly kind: "keywordType";
  readonly keyword: Keyword;
}
/** `a.b.c` in a type position. */
export interface QualifiedName {
  readonly kind: "qualifiedName";
  readonly left: EntityName;
  readonly right: Identifier;
}
export type EntityName = Identifier | QualifiedName;
/** `Name<Arguments>` */
export interface TypeReference {
  readonly kind: "typeReference";
  readonly name: EntityName;
  readonly typeArguments: readonly TypeNode[];
}
/** `typeof name` */
export interface TypeQuery {
  readonly kind: "typeQuery";
  readonly name: EntityName;
}
/** `object[index]` */
export interface IndexedAccessType {
  readonly kind: "indexedAccessType";
  readonly object: TypeNode;
  readonly index: TypeNode;
}
/** `"text"`, `1`, `-1`, `true`, `null` as a type. */
export interface LiteralType {
  readonly kind: "literalType";
  readonly literal: StringLiteral | NumericLiteral | Negation | BooleanLiteral | NullLiteral;
}
export interface TypeLiteral {
  readonly kind: "typeLiteral";
  readonly members: readonly PropertySignature[];
}
export interface PropertySignature {
  readonly kind: "propertySignature";
  readonly readonly: boolean;
  readonly key: PropertyKey;
  readonly optional: boolean;
  readonly type: TypeNode;
}
export interface UnionType {
  readonly kind: "unionType";
  readonly types: readonly TypeNode[];
}
export interface IntersectionType {
  readonly kind: "intersectionType";
  readonly types: readonly TypeNode[];
}
export interface TupleType {
  readonly kind: "tupleType";
  readonly elements: readonly (TypeNode | OptionalType)[];
}
/** `type?`, an optional element of a tuple. */
export interface OptionalType {
  readonly kind: "optionalType";
  readonly type: TypeNode;
}
/** `element[]` */
export interface ArrayType {
  readonly kind: "arrayType";
  readonly element: TypeNode;
}
/** `keyof type`, `readonly type` */
export interface TypeOperator {
  readonly kind: "typeOperator";
  readonly operator: "keyof" | "readonly";
  readonly type: TypeNode;
}
/** `check extends test ? whenTrue : whenFalse` */
export interface ConditionalType {
  readonly kind: "conditionalType";
  readonly check: TypeNode;
  readonly test: TypeNode;
  readonly whenTrue: TypeNode;
  readonly whenFalse: TypeNode;
}
/** `<T>(a: A) => R` */
export interface FunctionType {
  readonly kind: "functionType";
  readonly typeParameters: readonly TypeParameter[];
  readonly parameters: readonly Parameter[];
  readonly returnType: TypeNode;
}
export type TypeNode =
  | KeywordType
  | TypeReference
  | TypeQuery
  | IndexedAccessType
  | LiteralType
  | TypeLiteral
  | UnionType
  | IntersectionType
  | TupleType
  | ArrayType
  | TypeOperator
  | ConditionalType
  | FunctionType;

export interface TypeParameter {
  readonly kind: "typeParameter";
  readonly name: Identifier;
  readonly constraint: TypeNode | undefined;
}
export interface Parameter {
  readonly kind: "parameter";
  readonly name: Identifier;
  /** `name?: type`: the caller may leave it out. */
  readonly optional: boolean;
  readonly type: TypeNode | undefined;
  readonly initializer: Expression | undefined;
}

/**
 * A comment before a statement: `/** … *\/` (one entry per line) or `// …`. Any text:
 * the printer escapes what would end the comment or its line.
 */
export type Comment =
  { readonly kind: "jsdoc"; readonly lines: readonly string[] } | { readonly kind: "line"; readonly text: string };

interface StatementBase {
  /** Comments printed before the statement, one per line. */
  readonly comments: readonly Comment[];
}
export type Modifier = "export" | "declare";
/** `import { a as b, type C } from "x";`, `import * as m from "x";`, `import type { … } from "x";` */
export interface ImportDeclaration extends StatementBase {
  readonly kind: "import";
  readonly typeOnly: boolean;
  readonly clause: NamedImports | NamespaceImport;
  readonly specifier: StringLiteral;
}
export interface NamedImports {
  readonly kind: "namedImports";
  readonly elements: readonly ImportSpecifier[];
}
/** `name`, `type name`, `exported as name`; `exported` is a string when it is no identifier. */
export interface ImportSpecifier {
  readonly kind: "importSpecifier";
  readonly typeOnly: boolean;
  readonly exported: Identifier | StringLiteral | undefined;
  readonly name: Identifier;
}
export interface NamespaceImport {
  readonly kind: "namespaceImport";
  readonly name: Identifier;
}
/** `type Name<Parameters> = type;` */
export interface TypeAlias extends StatementBase {
  readonly kind: "typeAlias";
  readonly modifiers: readonly Modifier[];
  readonly name: Identifier;
  readonly typeParameters: readonly TypeParameter[];
  readonly type: TypeNode;
}
/** `const name: type = initializer;` (one declaration). */
export interface VariableStatement extends StatementBase {
  readonly kind: "variable";
  readonly modifiers: readonly Modifier[];
  readonly declarationKind: "const" | "let";
  readonly name: Identifier;
  readonly type: TypeNode | undefined;
  readonly initializer: Expression | undefined;
}
export interface FunctionDeclaration extends StatementBase {
  readonly kind: "function";
  readonly modifiers: readonly Modifier[];
  readonly async: boolean;
  readonly name: Identifier;
  readonly parameters: readonly Parameter[];
  readonly returnType: TypeNode | undefined;
  /** `undefined` for a declaration without one (`declare function f(): T;`). */
  readonly body: readonly Statement[] | undefined;
}
export interface ReturnStatement extends StatementBase {
  readonly kind: "return";
  readonly expression: Expression | undefined;
}
export type Statement = ImportDeclaration | TypeAlias | VariableStatement | FunctionDeclaration | ReturnStatement;
