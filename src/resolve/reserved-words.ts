/**
 * Words that cannot name a method because the generated runner binds every
 * method to a local identifier of that name (`import { x as name }`), and an
 * import binding in an ES module follows strict-mode rules.
 */
const reservedWords: ReadonlySet<string> = new Set([
  // ECMAScript reserved words.
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  // Reserved in strict-mode code, which every module is.
  "implements",
  "interface",
  "let",
  "package",
  "private",
  "protected",
  "public",
  "static",
  "yield",
  // Reserved inside modules.
  "await",
  // Not keywords, but strict mode forbids binding them.
  "arguments",
  "eval",
]);

export function isReservedWord(name: string): boolean {
  return reservedWords.has(name);
}
