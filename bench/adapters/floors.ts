/**
 * Floors: costs no implementation goes under, shown beside flowc so that its
 * numbers read against them — the lexer alone over a manifest (any parser
 * reads every character), and starting an empty Node process (any CLI pays it).
 */
import { spawnSync } from "node:child_process";
import { tokenize } from "../../grammar/lexer.js";
import type { Contender } from "../harness/types.js";
import type { CompilerOutput, CompilerSetup } from "../workloads/w5-compiler.js";

export const floorLexer: Contender<CompilerSetup, CompilerOutput> = {
  id: "lexer",
  label: "lexing the same text only",
  role: "floor",
  placement: "process",
  async prepare(setup) {
    if (setup.kind !== "front end") throw new Error(`needs a front end case, got a ${setup.kind} one`);
    const { source } = setup;
    return { run: async () => ({ kind: "tokens", count: tokenize(source.text, source.path).tokens.length }) };
  },
};

export const floorNodeStart: Contender<CompilerSetup, CompilerOutput> = {
  id: "node-start",
  label: "`node -e 0`",
  role: "floor",
  placement: "spawns",
  async prepare() {
    return {
      async run() {
        const result = spawnSync(process.execPath, ["-e", "0"], { encoding: "utf8" });
        return { kind: "exit", status: result.status, output: `${result.stdout}${result.stderr}` };
      },
    };
  },
};
