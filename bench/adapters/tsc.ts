/**
 * `tsc --noEmit` over the runner `flowc build` wrote (with its methods and the
 * runtime's declarations): what any build step that type-checks that code
 * pays, so the type-checking part of a cold build is shown against its floor.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../harness/processes.js";
import type { Contender } from "../harness/types.js";
import type { CompilerOutput, CompilerSetup } from "../workloads/w5-compiler.js";

const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

export const tscRunner: Contender<CompilerSetup, CompilerOutput> = {
  id: "tsc-runner",
  label: "`tsc --noEmit` on the generated runner",
  role: "peer",
  placement: "spawns",
  async prepare(setup) {
    if (setup.kind !== "cold build") throw new Error(`needs a cold build case, got a ${setup.kind} one`);
    const { tsconfig } = setup;
    return {
      async run() {
        const result = spawnSync(process.execPath, [TSC, "-p", tsconfig], { cwd: ROOT, encoding: "utf8" });
        return { kind: "exit", status: result.status, output: `${result.stdout}${result.stderr}` };
      },
    };
  },
};
