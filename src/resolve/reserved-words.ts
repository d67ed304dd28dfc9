import { Messages, type DiagnosticMessage } from "../../grammar/diagnostics/catalogue.js";

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

/**
 * The key that an assignment or an object literal does not store: `object["__proto__"] = value`
 * sets the object's prototype. The runner fills objects keyed by method name (the input of a
 * method with several predecessors, the run's output, its method table), so a method of that
 * name would vanish from them. It is a valid TypeScript identifier, hence its own diagnostic.
 */
const prototypeKey = "__proto__";

/**
 * Why `name` cannot be the local name of a method (a name in a group, or the name an import
 * binds), as the diagnostic to report, or `undefined` when it can.
 */
export function methodNameProblem(name: string): DiagnosticMessage | undefined {
  if (name.startsWith("@")) return Messages.ImportedAtName;
  if (reservedWords.has(name)) return Messages.InvalidIdentifier;
  if (name === prototypeKey) return Messages.PrototypeKeyName;
  if (name === thenKey) return Messages.ThenName;
  return undefined;
}

/**
 * The key that makes an object a thenable: `await` and `import()` call a `then` function
 * they find on what they resolve, so a module namespace exporting one (which the runtime
 * imports dynamically) or an object of outputs keyed by it would never be handed on as it is.
 */
const thenKey = "then";

/** Whether a module's exports make its namespace a thenable. */
export function isThenable(exports: ReadonlyMap<string, unknown>): boolean {
  return exports.has(thenKey);
}

/**
 * Why `name` cannot be the exported name an import takes a method from. Reserved words
 * are fine there (`export { remove as delete }` is valid); the prototype key is not, since
 * the plan carries the export name to the runtime, which reads it off objects.
 */
export function exportNameProblem(name: string): DiagnosticMessage | undefined {
  if (name.startsWith("@")) return Messages.ImportedAtName;
  if (name === prototypeKey) return Messages.PrototypeKeyName;
  if (name === thenKey) return Messages.ThenName;
  return undefined;
}
