import { renderGraph } from "../../graph/render.js";
import { compileFile } from "../compile-files.js";
import { ExitCode } from "../io.js";

export interface GraphOptions {
  readonly format: "mermaid" | "dot";
  /** `--types`: label each edge with the TypeScript type it carries, which needs the methods' types read. */
  readonly types?: boolean;
}

/** `flowc graph <file>`: prints the checked graph as Mermaid or Graphviz dot. */
export async function graphCommand(file: string, options: GraphOptions): Promise<number> {
  // Without `--types` the graph needs no TypeScript: it is fast and works on unfinished methods.
  const types = options.types === true;
  const { result, exitCode } = await compileFile(file, { types }, "text");
  if (exitCode !== ExitCode.Ok || result.plan === undefined) return ExitCode.Failure;
  process.stdout.write(renderGraph(result.plan, options.format, types ? (result.edges ?? []) : []));
  return ExitCode.Ok;
}
