/**
 * The outline of a module for its code hash (see code-hash.ts) and its methods' declarations
 * (see declarations.ts): its top-level statements, each with its text, where it is, the names
 * it declares and the names it refers to, and how the module's imports and exports connect
 * names to other modules. Read from the syntax tree the type-check's program already holds,
 * whichever engine made it: TypeScript 6 and 7 shape their trees alike (the same property
 * names, offsets in UTF-16), and differ only in the numbers of their kinds, which each engine
 * gives with its tree (`SyntaxKinds`).
 *
 * Syntax only: nothing here asks the checker, so a name counts as a reference wherever it is
 * written, even where a local variable of the same name hides the top-level one.
 */

/** The kinds of syntax the outline tells apart. */
export const OUTLINE_KINDS = [
  "ArrayBindingPattern",
  "BindingElement",
  "CallExpression",
  "ClassDeclaration",
  "DefaultKeyword",
  "EnumDeclaration",
  "ExportAssignment",
  "ExportDeclaration",
  "ExportKeyword",
  "ExternalModuleReference",
  "FunctionDeclaration",
  "Identifier",
  "ImportDeclaration",
  "ImportEqualsDeclaration",
  "ImportKeyword",
  "ImportType",
  "InterfaceDeclaration",
  "LiteralType",
  "ModuleDeclaration",
  "NamedExports",
  "NamedImports",
  "NamespaceExport",
  "NamespaceImport",
  "NoSubstitutionTemplateLiteral",
  "ObjectBindingPattern",
  "PropertyAccessExpression",
  "QualifiedName",
  "StringLiteral",
  "TypeAliasDeclaration",
  "VariableStatement",
] as const;

/** An engine's numbers for the kinds the outline reads. */
export type SyntaxKinds = Readonly<Record<(typeof OUTLINE_KINDS)[number], number>>;

/** The outline's kinds as an engine numbers them, from its `SyntaxKind` enum. */
export function syntaxKinds(syntaxKind: Readonly<Record<string, unknown>>): SyntaxKinds {
  return Object.fromEntries(
    OUTLINE_KINDS.map((name) => {
      const value = syntaxKind[name];
      if (typeof value !== "number") throw new Error(`SyntaxKind.${name} is not a number`);
      return [name, value];
    }),
  ) as SyntaxKinds;
}

/** A node of a syntax tree as both engines' trees have it; its other properties are read by name. */
export interface SyntaxNode {
  readonly kind: number;
  readonly end: number;
  /** Where its first token starts, past comments and spaces. */
  getStart(sourceFile: SyntaxNode): number;
  forEachChild<T>(visit: (node: SyntaxNode) => T | undefined): T | undefined;
}

/** A module's syntax tree from the program the type-check read, with its engine's kinds. */
export interface SyntaxTree {
  /** The source file node: it has `text` and `statements`. */
  readonly root: SyntaxNode;
  readonly kinds: SyntaxKinds;
}

/** A stretch of a module's text: UTF-16 offsets, `end` exclusive. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/** What an imported name stands for: an export of the module `specifier` names, or (`"*"`) the whole module. */
export interface ModuleLink {
  readonly specifier: string;
  readonly name: string;
  /** Where this module writes the name: the local name of an import, the exported name of a re-export. */
  readonly at?: TextSpan | undefined;
}

/** What an exported name stands for. */
export type ExportTarget =
  | { readonly kind: "local"; readonly name: string }
  /**
   * `export default <expression>` or an anonymous default function or class: that statement;
   * `name` when the expression is a bare name (`export default load;`).
   */
  | { readonly kind: "statement"; readonly index: number; readonly name?: string | undefined }
  | ({ readonly kind: "import" } & ModuleLink);

/** One top-level statement other than an import or a re-export. */
export interface OutlineStatement {
  /** Its text as written, from its first token (comments above it are not its own). */
  readonly text: string;
  /** Where that text is in the module. */
  readonly span: TextSpan;
  /** The top-level names it declares: values and types alike. */
  readonly declares: readonly string[];
  /** Where it writes each of them, in the same order. */
  readonly declaredAt: readonly TextSpan[];
  /** Whether it runs for its own sake when the module loads, being no declaration. */
  readonly sideEffect: boolean;
  /** The names it refers to, except `ns` of `ns.name`. */
  readonly references: readonly string[];
  /** `ns.name` (in code or types) as `[ns, name]`. */
  readonly members: readonly (readonly [string, string])[];
  /** Whether it holds a module reference nothing can follow: `import(…)`, `require(…)`, an import type. */
  readonly dynamic: boolean;
  /** The string specifiers of those. */
  readonly dynamicSpecifiers: readonly string[];
}

export interface ModuleOutline {
  readonly text: string;
  readonly statements: readonly OutlineStatement[];
  /** The indices of the statements that run for their own sake (`OutlineStatement.sideEffect`). */
  readonly sideEffects: readonly number[];
  /** Statement indices by the top-level name they declare (overloads and merged declarations: several). */
  readonly declared: ReadonlyMap<string, readonly number[]>;
  /** Imported names by local name. */
  readonly imports: ReadonlyMap<string, ModuleLink>;
  readonly exports: ReadonlyMap<string, ExportTarget>;
  /** The specifiers of `export * from …`. */
  readonly stars: readonly string[];
  /** Every module it imports or re-exports from, which loading it loads too. */
  readonly loads: readonly string[];
  /** Whether it assigns its exports whole (`export = …`), which no name lookup can follow. */
  readonly exportEquals: boolean;
}

/** A named child of a node, read as both engines name it. */
function child(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return (node as unknown as Record<string, SyntaxNode | undefined>)[name];
}

function children(node: SyntaxNode | undefined, name: string): readonly SyntaxNode[] {
  if (node === undefined) return [];
  return (node as unknown as Record<string, readonly SyntaxNode[] | undefined>)[name] ?? [];
}

/** The text of an identifier or a string literal. */
function textOf(node: SyntaxNode | undefined): string | undefined {
  return node === undefined ? undefined : (node as unknown as { readonly text?: string }).text;
}

/** The outline of the module whose syntax tree is `tree`. */
export function outlineOf(tree: SyntaxTree): ModuleOutline {
  return new OutlineReader(tree).read();
}

class OutlineReader {
  private readonly k: SyntaxKinds;
  private readonly root: SyntaxNode;
  private readonly text: string;
  private readonly statements: OutlineStatement[] = [];
  private readonly declared = new Map<string, number[]>();
  private readonly imports = new Map<string, ModuleLink>();
  private readonly exports = new Map<string, ExportTarget>();
  private readonly stars: string[] = [];
  private readonly loads: string[] = [];
  private exportEquals = false;

  constructor(tree: SyntaxTree) {
    this.k = tree.kinds;
    this.root = tree.root;
    this.text = textOf(tree.root) ?? "";
  }

  read(): ModuleOutline {
    for (const statement of children(this.root, "statements")) this.statement(statement);
    return {
      text: this.text,
      statements: this.statements,
      sideEffects: [...this.statements.keys()].filter((index) => this.statements[index]!.sideEffect),
      declared: this.declared,
      imports: this.imports,
      exports: this.exports,
      stars: this.stars,
      loads: this.loads,
      exportEquals: this.exportEquals,
    };
  }

  private statement(node: SyntaxNode): void {
    const k = this.k;
    switch (node.kind) {
      case k.ImportDeclaration:
        this.importDeclaration(node);
        return;
      case k.ExportDeclaration:
        this.exportDeclaration(node);
        return;
      case k.ImportEqualsDeclaration: {
        // `import x = require("./y")` imports a namespace; `import x = N.y` declares an alias.
        const nameNode = child(node, "name");
        const name = textOf(nameNode) ?? "";
        const reference = child(node, "moduleReference");
        const specifier =
          reference?.kind === k.ExternalModuleReference ? this.literal(child(reference, "expression")) : undefined;
        if (specifier === undefined) {
          this.add(node, nameNode === undefined ? [] : [nameNode], false);
        } else {
          this.imports.set(name, { specifier, name: "*", at: this.spanOf(nameNode) });
          this.loads.push(specifier);
        }
        if (this.hasModifier(node, k.ExportKeyword)) this.exports.set(name, { kind: "local", name });
        return;
      }
      case k.ExportAssignment: {
        const index = this.add(node, [], false);
        const expression = child(node, "expression");
        const name = expression?.kind === k.Identifier ? textOf(expression) : undefined;
        if ((node as unknown as { readonly isExportEquals?: boolean }).isExportEquals === true)
          this.exportEquals = true;
        else this.exports.set("default", { kind: "statement", index, name });
        return;
      }
      case k.VariableStatement: {
        const nameNodes = children(child(node, "declarationList"), "declarations").flatMap((declaration) =>
          this.bindingNames(child(declaration, "name")),
        );
        this.add(node, nameNodes, false);
        this.exportLocals(
          node,
          nameNodes.map((nameNode) => textOf(nameNode) ?? ""),
        );
        return;
      }
      case k.FunctionDeclaration:
      case k.ClassDeclaration:
      case k.InterfaceDeclaration:
      case k.TypeAliasDeclaration:
      case k.EnumDeclaration:
      case k.ModuleDeclaration: {
        const nameNode = child(node, "name");
        const name = nameNode?.kind === k.Identifier ? textOf(nameNode) : undefined;
        // `declare module "x" { … }` and `declare global { … }` augment other modules: always kept.
        if (node.kind === k.ModuleDeclaration && (name === undefined || name === "global")) {
          this.add(node, [], true);
          return;
        }
        const names = name === undefined ? [] : [name];
        const index = this.add(node, name === undefined || nameNode === undefined ? [] : [nameNode], false);
        if (this.hasModifier(node, k.DefaultKeyword)) {
          this.exports.set("default", name === undefined ? { kind: "statement", index } : { kind: "local", name });
        } else {
          this.exportLocals(node, names);
        }
        return;
      }
      default:
        this.add(node, [], true);
    }
  }

  /** `import d, { a as b } from "./x"`, `import * as ns from "./x"`, `import "./x"`. */
  private importDeclaration(node: SyntaxNode): void {
    const specifier = this.literal(child(node, "moduleSpecifier"));
    if (specifier === undefined) return;
    this.loads.push(specifier);
    const clause = child(node, "importClause");
    if (clause === undefined) return;
    const localNode = child(clause, "name");
    const local = textOf(localNode);
    if (local !== undefined) this.imports.set(local, { specifier, name: "default", at: this.spanOf(localNode) });
    const bindings = child(clause, "namedBindings");
    if (bindings?.kind === this.k.NamespaceImport) {
      const nameNode = child(bindings, "name");
      this.imports.set(textOf(nameNode) ?? "", { specifier, name: "*", at: this.spanOf(nameNode) });
    } else if (bindings?.kind === this.k.NamedImports) {
      for (const element of children(bindings, "elements")) {
        const nameNode = child(element, "name");
        const name = textOf(nameNode) ?? "";
        const imported = textOf(child(element, "propertyName")) ?? name;
        this.imports.set(name, { specifier, name: imported, at: this.spanOf(nameNode) });
      }
    }
  }

  /** `export { a as b }`, `export { a as b } from "./x"`, `export * from "./x"`, `export * as ns from "./x"`. */
  private exportDeclaration(node: SyntaxNode): void {
    const specifier = this.literal(child(node, "moduleSpecifier"));
    if (specifier !== undefined) this.loads.push(specifier);
    const clause = child(node, "exportClause");
    if (clause === undefined) {
      if (specifier !== undefined) this.stars.push(specifier);
      return;
    }
    if (clause.kind === this.k.NamespaceExport) {
      const nameNode = child(clause, "name");
      if (specifier !== undefined)
        this.exports.set(textOf(nameNode) ?? "", { kind: "import", specifier, name: "*", at: this.spanOf(nameNode) });
      return;
    }
    for (const element of children(clause, "elements")) {
      const exportedNode = child(element, "name");
      const exported = textOf(exportedNode) ?? "";
      const name = textOf(child(element, "propertyName")) ?? exported;
      this.exports.set(
        exported,
        specifier === undefined
          ? { kind: "local", name }
          : { kind: "import", specifier, name, at: this.spanOf(exportedNode) },
      );
    }
  }

  private exportLocals(node: SyntaxNode, names: readonly string[]): void {
    if (!this.hasModifier(node, this.k.ExportKeyword)) return;
    for (const name of names) this.exports.set(name, { kind: "local", name });
  }

  private hasModifier(node: SyntaxNode, kind: number): boolean {
    return children(node, "modifiers").some((modifier) => modifier.kind === kind);
  }

  /** The names a binding name declares (their identifiers): `a`, or every name of `{ a, b: [c] }`. */
  private bindingNames(node: SyntaxNode | undefined): SyntaxNode[] {
    if (node === undefined) return [];
    if (node.kind === this.k.Identifier) return [node];
    if (node.kind !== this.k.ObjectBindingPattern && node.kind !== this.k.ArrayBindingPattern) return [];
    return children(node, "elements").flatMap((element) =>
      element.kind === this.k.BindingElement ? this.bindingNames(child(element, "name")) : [],
    );
  }

  private literal(node: SyntaxNode | undefined): string | undefined {
    if (node === undefined) return undefined;
    return node.kind === this.k.StringLiteral || node.kind === this.k.NoSubstitutionTemplateLiteral
      ? textOf(node)
      : undefined;
  }

  /** Where `node` is written, from its first token; `undefined` for no node. */
  private spanOf(node: SyntaxNode | undefined): TextSpan | undefined {
    return node === undefined ? undefined : { start: node.getStart(this.root), end: node.end };
  }

  /** Records a statement, with the names it declares (their identifiers) and what it refers to; its index. */
  private add(node: SyntaxNode, names: readonly SyntaxNode[], sideEffect: boolean): number {
    const declares = names.map((name) => textOf(name) ?? "");
    const references = new Set<string>();
    const members: (readonly [string, string])[] = [];
    const dynamicSpecifiers: string[] = [];
    let dynamic = false;
    const k = this.k;
    const visit = (current: SyntaxNode): undefined => {
      switch (current.kind) {
        case k.Identifier:
          references.add(textOf(current) ?? "");
          return;
        case k.PropertyAccessExpression:
        case k.QualifiedName: {
          const [left, right] =
            current.kind === k.QualifiedName ? ["left", "right"] : (["expression", "name"] as const);
          const object = child(current, left);
          if (object?.kind === k.Identifier) members.push([textOf(object) ?? "", textOf(child(current, right)) ?? ""]);
          else if (object !== undefined) visit(object);
          return;
        }
        case k.CallExpression: {
          const callee = child(current, "expression");
          if (callee?.kind === k.ImportKeyword || (callee?.kind === k.Identifier && textOf(callee) === "require")) {
            dynamic = true;
            const specifier = this.literal(children(current, "arguments")[0]);
            if (specifier !== undefined) dynamicSpecifiers.push(specifier);
          }
          break;
        }
        case k.ImportType: {
          // `import("./x").T`: a type from a module named in place; its qualifier names that module's exports.
          dynamic = true;
          const argument = child(current, "argument");
          const specifier = argument?.kind === k.LiteralType ? this.literal(child(argument, "literal")) : undefined;
          if (specifier !== undefined) dynamicSpecifiers.push(specifier);
          for (const typeArgument of children(current, "typeArguments")) visit(typeArgument);
          return;
        }
      }
      current.forEachChild(visit);
      return undefined;
    };
    node.forEachChild(visit);
    const index = this.statements.length;
    const span = { start: node.getStart(this.root), end: node.end };
    this.statements.push({
      text: this.text.slice(span.start, span.end),
      span,
      declares,
      declaredAt: names.map((name) => ({ start: name.getStart(this.root), end: name.end })),
      sideEffect,
      references: [...references],
      members,
      dynamic,
      dynamicSpecifiers,
    });
    for (const name of declares) {
      const indices = this.declared.get(name);
      if (indices === undefined) this.declared.set(name, [index]);
      else indices.push(index);
    }
    return index;
  }
}
