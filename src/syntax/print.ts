/**
 * Prints a tree (tree.ts) as TypeScript source text.
 *
 * The layout is Prettier's: each node becomes a document of Prettier's builders,
 * built as Prettier's own printer builds it for the same syntax, and Prettier's
 * document printer lays it out (printWidth 100, 2 spaces, LF). That printer is small
 * and linear in the size of the document; it is `prettier.format` that would parse
 * the text again with a TypeScript parser, which generated code does not need.
 * Parentheses are added where the grammar needs them (parentheses.ts); strings are
 * escaped so that nothing can end them early (literals.ts).
 */
import { builders, printer, type Doc } from "./doc.js";
import { assignmentDoc, expressionLayout, typeParametersDoc, type AssignmentLayout } from "./layout.js";
import { commentSafe, stringLiteralText } from "./literals.js";
import { printExpression } from "./print-expression.js";
import { parametersDoc, printType } from "./print-type.js";
import type {
  Comment,
  Expression,
  ImportDeclaration,
  Statement,
  TypeNode,
  TypeParameter,
  VariableStatement,
} from "./nodes.js";

const { group, indent, ifBreak, line, hardline, join } = builders;

const OPTIONS = { printWidth: 100, tabWidth: 2, useTabs: false } as const;

/**
 * A module's text: its statements one after the other, with a blank line before each
 * statement for which `blankLineBefore` says so; ends with a line break.
 */
export function printModule(
  statements: readonly Statement[],
  blankLineBefore: (statement: Statement, index: number) => boolean = () => false,
): string {
  const parts: Doc[] = [];
  statements.forEach((statement, index) => {
    if (index > 0) parts.push(blankLineBefore(statement, index) ? [hardline, hardline] : hardline);
    parts.push(statementDoc(statement));
  });
  return `${layOut(parts)}\n`;
}

/** One statement's text, without a line break after it. */
export function printStatement(statement: Statement): string {
  return layOut(statementDoc(statement));
}

/** An expression's text, laid out alone. */
export function printExpressionText(expression: Expression): string {
  return layOut(printExpression(expression));
}

/** A type's text, laid out alone. */
export function printTypeText(type: TypeNode): string {
  return layOut(printType(type));
}

function layOut(doc: Doc): string {
  return printer.printDocToString(doc, OPTIONS).formatted;
}

function statementDoc(statement: Statement): Doc {
  const comments = statement.comments.map((comment) => [commentDoc(comment), hardline]);
  return [...comments, statementBody(statement)];
}

/**
 * `/** … *\/` on one line for one line of text, else one ` * ` line each; `// text`.
 * The text can end neither the comment nor its line (see `commentSafe`).
 */
function commentDoc(comment: Comment): Doc {
  if (comment.kind === "line") return `// ${commentSafe(comment.text)}`.trimEnd();
  const lines = comment.lines.map(commentSafe);
  const [only, ...more] = lines;
  if (more.length === 0) return `/** ${only ?? ""} */`;
  return [
    "/**",
    hardline,
    join(
      hardline,
      lines.map((text) => ` * ${text}`.trimEnd()),
    ),
    hardline,
    " */",
  ];
}

const modifiersDoc = (modifiers: readonly string[]): string => modifiers.map((modifier) => `${modifier} `).join("");

function statementBody(statement: Statement): Doc {
  switch (statement.kind) {
    case "import":
      return importDoc(statement);
    case "typeAlias": {
      const left = [
        modifiersDoc(statement.modifiers),
        "type ",
        statement.name.name,
        typeParametersDoc(statement.typeParameters, anyType),
      ];
      return [
        assignmentDoc(left, " =", printType(statement.type), typeLayout(statement.type, statement.typeParameters)),
        ";",
      ];
    }
    case "variable":
      return variableDoc(statement);
    case "function": {
      const returnType = statement.returnType === undefined ? "" : [": ", printType(statement.returnType)];
      const body =
        statement.body === undefined
          ? ""
          : statement.body.length === 0
            ? " {}"
            : [" {", indent([hardline, join(hardline, statement.body.map(statementDoc))]), hardline, "}"];
      return [
        modifiersDoc(statement.modifiers),
        statement.async ? "async " : "",
        "function ",
        statement.name.name,
        group([parametersDoc(statement.parameters), returnType]),
        body,
        statement.body === undefined ? ";" : "",
      ];
    }
    case "return":
      return statement.expression === undefined ? "return;" : ["return ", printExpression(statement.expression), ";"];
  }
}

const anyType = (type: TypeNode): Doc => printType(type);

function importDoc(statement: ImportDeclaration): Doc {
  const clause = statement.clause;
  let names: Doc;
  if (clause.kind === "namespaceImport") {
    names = `* as ${clause.name.name}`;
  } else {
    const elements = clause.elements.map((element) => {
      const exported =
        element.exported === undefined
          ? ""
          : `${element.exported.kind === "identifier" ? element.exported.name : stringLiteralText(element.exported.value)} as `;
      return `${element.typeOnly ? "type " : ""}${exported}${element.name.name}`;
    });
    names =
      elements.length === 1
        ? `{ ${elements[0]} }`
        : group(["{", indent([line, join([",", line], elements)]), ifBreak(","), line, "}"]);
  }
  return [
    "import ",
    statement.typeOnly ? "type " : "",
    names,
    " from ",
    stringLiteralText(statement.specifier.value),
    ";",
  ];
}

function variableDoc(statement: VariableStatement): Doc {
  const left: Doc = [statement.name.name, statement.type === undefined ? "" : [": ", printType(statement.type)]];
  const declaration =
    statement.initializer === undefined
      ? left
      : assignmentDoc(left, " =", printExpression(statement.initializer), variableLayout(statement, left));
  return group([modifiersDoc(statement.modifiers), statement.declarationKind, " ", declaration, ";"]);
}

function variableLayout(statement: VariableStatement, left: Doc): AssignmentLayout {
  if (statement.type !== undefined && hasComplexTypeArguments(statement.type)) return "break-lhs";
  return expressionLayout(statement.initializer!, left, { shortKey: false });
}

/** Prettier breaks before `=` first for a declared type of several arguments, one with arguments of its own. */
function hasComplexTypeArguments(type: TypeNode): boolean {
  if (type.kind !== "typeReference" || type.typeArguments.length < 2) return false;
  return type.typeArguments.some(
    (argument) =>
      (argument.kind === "typeReference" && argument.typeArguments.length > 0) || argument.kind === "conditionalType",
  );
}

/**
 * Prettier's layout of `type X = …`: after `=` first for a conditional type on generic
 * types; the left side first for several type parameters with a constraint.
 */
function typeLayout(type: TypeNode, typeParameters: readonly TypeParameter[]): AssignmentLayout {
  if (type.kind === "conditionalType" && (isGeneric(type.check) || isGeneric(type.test))) return "break-after-operator";
  if (typeParameters.length > 1 && typeParameters.some((parameter) => parameter.constraint !== undefined)) {
    return "break-lhs";
  }
  return "fluid";
}

function isGeneric(type: TypeNode): boolean {
  return (
    (type.kind === "typeReference" && type.typeArguments.length > 0) ||
    (type.kind === "functionType" && type.typeParameters.length > 0)
  );
}
