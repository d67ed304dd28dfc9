/**
 * The names the extension's package.json contributes and the client uses — the language, its commands and
 * settings, the documents it shares with the server and the files it watches — in one place, with no `vscode`
 * import, so that a test can hold them against package.json with plain Node.
 */

/** The language id of `.flow` files, and the client's id: VS Code reads its trace level from `flowc.trace.server`. */
export const LANGUAGE_ID = "flowc";

/** The TextMate scope of the grammar in syntaxes/flow.tmLanguage.json. */
export const GRAMMAR_SCOPE = "source.flowc";

export const COMMANDS = {
  restartServer: "flowc.restartServer",
  showOutput: "flowc.showOutput",
} as const;

export const SETTINGS = {
  serverPath: "flowc.server.path",
  serverNode: "flowc.server.node",
  typescript: "flowc.typescript",
  traceServer: "flowc.trace.server",
} as const;

/** A document filter as VS Code and the protocol both spell it. */
export interface DocumentFilter {
  readonly language: string;
  readonly scheme?: string;
}

/** The documents every editor feature serves: manifests, saved or not. */
export const FLOW_DOCUMENTS: readonly DocumentFilter[] = [{ language: LANGUAGE_ID }];

/**
 * Methods modules and the files they import, shared with the server for synchronisation only: their unsaved text
 * is what a manifest's diagnostics are checked against, but the server offers no hover, completion or formatting
 * in them (those stay with the TypeScript extension).
 */
export const SOURCE_DOCUMENTS: readonly DocumentFilter[] = [
  { language: "typescript", scheme: "file" },
  { language: "javascript", scheme: "file" },
];

/** Files whose creation, change or deletion on disk the server hears of: manifests, modules and tsconfigs. */
export const WATCHED_FILES: readonly string[] = ["**/*.flow", "**/*.{ts,mts,cts,js,mjs}", "**/tsconfig*.json"];
