import { UsageError } from "../io.js";
import { typeScriptVersion } from "../compile-files.js";

export interface LspOptions {
  readonly stdio?: boolean;
  /** `--typescript 6|7`. */
  readonly typescript?: string;
  /** Transports editors may ask for, which flowc does not offer. */
  readonly nodeIpc?: boolean;
  readonly socket?: string;
  readonly pipe?: string;
}

/**
 * `flowc lsp [--stdio]`: the language server, on standard input and output, until the editor
 * ends it (see src/lsp/server.ts). The process exits from there; this never returns.
 */
export async function lspCommand(options: LspOptions): Promise<number> {
  const refused = options.nodeIpc === true ? "--node-ipc" : options.socket !== undefined ? "--socket" : undefined;
  const transport = refused ?? (options.pipe !== undefined ? "--pipe" : undefined);
  if (transport !== undefined) {
    throw new UsageError(
      `flowc lsp talks only over standard input and output (--stdio): ${transport} is not supported; start it as 'flowc lsp --stdio'`,
    );
  }
  if (process.stdin.isTTY) {
    process.stderr.write(
      "flowc lsp: a language server for editors, waiting for one on standard input (Ctrl-C to stop)\n",
    );
  }
  const { startLanguageServer } = await import("../../lsp/server.js");
  startLanguageServer({
    input: process.stdin,
    output: process.stdout,
    typescript: typeScriptVersion(options.typescript),
  });
  return new Promise<number>(() => {
    // The server exits the process when the editor says `exit` or closes its input.
  });
}
