import { renderGraph } from "../../graph/render.js";
import { compileFile } from "../compile-files.js";
import { ExitCode } from "../io.js";

/** `flowc graph <file>`: prints the checked graph as Mermaid or Graphviz dot. */
export async function graphCommand(file: string, options: { format: "mermaid" | "dot" }): Promise<number> {
  // The graph needs no types: skip TypeScript so that it is fast and works on unfinished methods.
  const { result, exitCode } = await compileFile(file, { types: false }, "text");
  if (exitCode !== ExitCode.Ok || result.plan === undefined) return ExitCode.Failure;
  process.stdout.write(renderGraph(result.plan, options.format));
  return ExitCode.Ok;
}
