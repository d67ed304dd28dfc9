/**
 * The abstract syntax tree of a `.flow` manifest.
 *
 * Every node is readonly, carries a `kind` discriminant and a source `span`
 * (character offsets into the manifest text, `end` exclusive). Line and column
 * numbers are derived from offsets only when something is printed
 * (see `grammar/source.ts`), so the tree never goes stale.
 *
 * Later phases never write into these nodes; facts they learn live in their
 * own side tables keyed by node.
 */

/** Half-open range `[start, end)` of character offsets in the manifest text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** `Document : Header* ( "{" Group* "}" | Group* )` with `Header : Import | Backend` */
export interface FlowDocument {
  readonly kind: "Document";
  readonly span: Span;
  readonly imports: readonly ImportDeclaration[];
  /** Every `backend …;` statement in source order; the checker reports all but the first. */
  readonly backends: readonly BackendDeclaration[];
  /** Whether the groups are wrapped in the optional outer braces of seed-style manifests. */
  readonly outerBraces: boolean;
  readonly groups: readonly Group[];
  /** Every comment in source order; the formatter puts them back. */
  readonly comments: readonly Comment[];
}

/** `Import : "import" "{" ImportSpecifier ("," ImportSpecifier)* ","? "}" "from" String ";"?` */
export interface ImportDeclaration {
  readonly kind: "ImportDeclaration";
  readonly span: Span;
  readonly specifiers: readonly ImportSpecifier[];
  readonly source: StringLiteral;
}

/**
 * `Backend : "backend" Value ";"` — the backend the manifest is meant for, which the type-check
 * uses when the command line or the API names none. Any value is read; the checker says which
 * values are backends.
 */
export interface BackendDeclaration {
  readonly kind: "BackendDeclaration";
  readonly span: Span;
  readonly value: Value;
}

/** `ImportSpecifier : Name ("as" Name)?` — `local` is `imported` when there is no `as`. */
export interface ImportSpecifier {
  readonly kind: "ImportSpecifier";
  readonly span: Span;
  readonly imported: Identifier;
  readonly local: Identifier;
}

/** `Group : Name ("," Name)* ","? Block` */
export interface Group {
  readonly kind: "Group";
  readonly span: Span;
  readonly methods: readonly Identifier[];
  readonly block: Block;
}

/** `Block : "{" Property* "}" | "<" Property* ">"` — each block is closed by its own kind. */
export interface Block {
  readonly kind: "Block";
  readonly span: Span;
  readonly delimiter: "brace" | "angle";
  readonly properties: readonly Property[];
}

/** `Property : Name ":" Value ";"` */
export interface Property {
  readonly kind: "Property";
  readonly span: Span;
  readonly key: Identifier;
  readonly value: Value;
}

export type Value = Identifier | NumberLiteral | StringLiteral;

export interface Identifier {
  readonly kind: "Identifier";
  readonly span: Span;
  readonly name: string;
}

/**
 * A number as written, optionally followed directly by a unit: `4`, `-1`, `2.5`, `250ms`, `30s`.
 * The parser accepts any number so that the checker can say precisely what is wrong with it
 * (`min_worker_count: 0`, `retries: 1.5`, `timeout: 3 parsecs`).
 */
export interface NumberLiteral {
  readonly kind: "NumberLiteral";
  readonly span: Span;
  /** Source text, e.g. `250ms`. */
  readonly raw: string;
  /** The numeric part, e.g. `250`. */
  readonly value: number;
  /** The unit suffix, e.g. `ms`, or `undefined` for a bare number. */
  readonly unit: string | undefined;
}

export interface StringLiteral {
  readonly kind: "StringLiteral";
  readonly span: Span;
  /** The decoded value, without quotes. */
  readonly value: string;
}

export interface Comment {
  readonly kind: "Comment";
  readonly span: Span;
  /** Source text including the `//` or `/* *\/` markers. */
  readonly text: string;
  readonly style: "line" | "block";
}

export type Node =
  | FlowDocument
  | ImportDeclaration
  | BackendDeclaration
  | ImportSpecifier
  | Group
  | Block
  | Property
  | Identifier
  | NumberLiteral
  | StringLiteral
  | Comment;
