/**
 * Words that cannot name a method. The generated runner does not need them to be
 * identifiers (it uses manifest names only as property keys and strings), but a
 * manifest name stands for a TypeScript binding — an exported function, or the
 * local name of `import { x as name }` — and neither can be a word that ES modules,
 * always in strict mode, reserve. Refusing them keeps the manifest's names the
 * names its methods can have in TypeScript.
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
