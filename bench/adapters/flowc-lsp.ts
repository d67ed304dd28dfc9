/**
 * The editor's view of flowc: `flowc lsp` spoken to over the protocol as an editor does
 * (see lsp-client.ts), and `flowc check` in a fresh process, which is what a user without
 * the server runs to learn the same.
 */
import { spawnSync } from "node:child_process";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { CLI } from "../harness/processes.js";
import type { Contender } from "../harness/types.js";
import type { EditorOutput, EditorSetup } from "../workloads/w8-editor.js";
import { LspSession, positionOf } from "./lsp-client.js";

/** The codes of published diagnostics, sorted and joined: what a run is checked by. */
export function codesOf(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((diagnostic) => String(diagnostic.code ?? "?"))
    .sort()
    .join(",");
}

/**
 * A fresh server for each run, until the manifest's first diagnostics: its start and
 * `initialize` timed too (`withStart`), or done before the timing, as once an editor has
 * opened the folder.
 */
function freshServer(id: string, label: string, withStart: boolean): Contender<EditorSetup, EditorOutput> {
  return {
    id,
    label,
    role: "flowc",
    placement: "spawns",
    async prepare(setup) {
      let session: LspSession | undefined;
      const start = async (): Promise<LspSession> => (session = await LspSession.start(setup.root, setup.manifest));
      return {
        ...(withStart ? {} : { before: async () => void (await start()) }),
        async run() {
          const started = withStart ? await start() : session!;
          const published = await started.open(setup.text);
          return { kind: "diagnostics", codes: codesOf(published.diagnostics) };
        },
        async verify() {
          const code = await session?.stop();
          session = undefined;
          if (code !== 0) throw new Error(`the server exited with ${String(code)}`);
        },
        async close() {
          await session?.stop();
        },
      };
    },
  };
}

export const lspOpen = freshServer("lsp-open", "`flowc lsp`: start, open the manifest, first diagnostics", true);

export const lspOpenStarted = freshServer(
  "lsp-open-started",
  "`flowc lsp`, started: open the manifest, first diagnostics",
  false,
);

/** One server for the whole case, warm: each run is an edit (`edit`) and the diagnostics of the edited text. */
function warmEdits(
  id: string,
  label: string,
  edit: (setup: EditorSetup, n: number) => string,
): Contender<EditorSetup, EditorOutput> {
  return {
    id,
    label,
    role: "flowc",
    placement: "spawns",
    async prepare(setup) {
      const session = await LspSession.start(setup.root, setup.manifest);
      const first = await session.open(setup.text);
      if (codesOf(first.diagnostics) !== setup.expected) {
        throw new Error(`diagnostics on opening: '${codesOf(first.diagnostics)}', expected '${setup.expected}'`);
      }
      let edits = 0;
      return {
        async run() {
          const published = await session.change(edit(setup, ++edits));
          return { kind: "diagnostics", codes: codesOf(published.diagnostics) };
        },
        close: async () => void (await session.stop()),
      };
    },
  };
}

export const lspEdit = warmEdits("lsp-edit", "`flowc lsp`, warm: a setting edited, then its diagnostics", (setup, n) =>
  setup.edited(n),
);

export const lspEditTypes = warmEdits(
  "lsp-edit-types",
  "`flowc lsp`, warm: the edges edited, then their diagnostics",
  (setup, n) => setup.typesEdited(n),
);

/** One server, warm: each run hovers a method name and waits for the card. */
export const lspHover: Contender<EditorSetup, EditorOutput> = {
  id: "lsp-hover",
  label: "`flowc lsp`, warm: hover on a method",
  role: "flowc",
  placement: "spawns",
  async prepare(setup) {
    const session = await LspSession.start(setup.root, setup.manifest);
    await session.open(setup.text);
    const { line, character } = positionOf(setup.text, setup.hover.offset);
    return {
      async run() {
        const hover = await session.hover(line, character);
        const contents = hover?.contents;
        const markdown =
          contents === undefined
            ? ""
            : typeof contents === "string"
              ? contents
              : Array.isArray(contents)
                ? contents.map((part) => (typeof part === "string" ? part : part.value)).join("\n")
                : contents.value;
        return { kind: "hover", markdown };
      },
      close: async () => void (await session.stop()),
    };
  },
};

/** `flowc check <manifest> --no-cache` in a fresh process: the same diagnostics, from the command line. */
export const cliCheck: Contender<EditorSetup, EditorOutput> = {
  id: "cli-check",
  label: "`flowc check`, fresh process",
  role: "flowc",
  placement: "spawns",
  async prepare(setup) {
    return {
      async run() {
        const result = spawnSync(process.execPath, [CLI, "check", setup.manifest, "--no-cache"], {
          cwd: setup.root,
          encoding: "utf8",
          env: { ...process.env, NO_COLOR: "1" },
        });
        return { kind: "exit", status: result.status, output: `${result.stdout}${result.stderr}` };
      },
    };
  },
};
