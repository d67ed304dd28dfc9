import { renderGraph } from "../../graph/render.js";
import { compileFiles } from "../compile-files.js";
import { ExitCode } from "../io.js";

/** `flowc graph <file>`: prints the checked graph as Mermaid or Graphviz dot. */
export async function graphCommand(file: string, options: { format: "mermaid" | "dot" }): Promise<number> {
  // The graph needs no types: skip TypeScript so that it is fast and works on unfinished methods.
  const { results, exitCode } = await compileFiles([file], { types: false }, "text");
  const plan = results[0]?.plan;
  if (exitCode !== ExitCode.Ok || plan === undefined) return exitCode === ExitCode.Ok ? ExitCode.Failure : exitCode;
  process.stdout.write(renderGraph(plan, options.format));
  return ExitCode.Ok;
}
