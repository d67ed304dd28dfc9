import path from "node:path";

/**
 * Characters a methods module's path may not contain. TypeScript reads an
 * import specifier as a file path, Node reads it as a URL: for these the two
 * name different files (or none), so the runner would import another module
 * than the one checked. No spelling of the specifier satisfies both, so such
 * a file must be renamed.
 */
const URL_MEANINGS: readonly (readonly [character: string, shown: string, why: string])[] = [
  ["%", "'%'", "which a URL reads as the start of an escape ('%41' is 'A')"],
  ["#", "'#'", "which a URL reads as the start of a fragment, cutting the path there"],
  ["?", "'?'", "which a URL reads as the start of a query, cutting the path there"],
  ["\n", "a line break", "which URL parsing removes"],
  ["\r", "a carriage return", "which URL parsing removes"],
  ["\t", "a tab", "which URL parsing removes"],
  ["\\", "'\\'", "which a file URL reads as '/'"],
];

export interface UrlUnsafeCharacter {
  /** How to name it in a message: `'%'`, `a line break`. */
  readonly shown: string;
  /** What Node makes of it. */
  readonly why: string;
}

/**
 * The first character of `modulePath`, relative to the manifest's folder,
 * that an import would read differently as a URL; also looks at the
 * specifier as written (it may name folders the resolved path shares with
 * the manifest's).
 */
export function urlUnsafeCharacter(
  specifier: string,
  modulePath: string | undefined,
  manifestPath: string,
): UrlUnsafeCharacter | undefined {
  const relative = modulePath === undefined ? "" : path.relative(path.dirname(path.resolve(manifestPath)), modulePath);
  for (const text of [specifier, relative]) {
    for (const [character, shown, why] of URL_MEANINGS) {
      // On Windows '\' is the separator of the resolved path, not part of a name.
      if (character === "\\" && text === relative && path.sep === "\\") continue;
      if (text.includes(character)) return { shown, why };
    }
  }
  return undefined;
}

/** Whether a specifier names a file (whose path Node reads as a URL) rather than a package. */
export function isPathSpecifier(specifier: string): boolean {
  return (
    specifier.startsWith("./") ||
    specifier.startsWith("../") ||
    specifier === "." ||
    specifier === ".." ||
    path.isAbsolute(specifier)
  );
}

/** A specifier as a message shows it: line breaks and tabs written as escapes, so that the message stays one line. */
export function printableSpecifier(specifier: string): string {
  return specifier.replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
}
