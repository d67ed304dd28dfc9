import { readFileSync } from "node:fs";
import { parse } from "../../grammar/index.js";
import { createSourceText } from "../../grammar/source.js";
import type { Analysis } from "../../src/analysis.js";
import { analyse } from "../check/pipeline.js";
import { hasErrors } from "../../grammar/diagnostics/diagnostic.js";
import { resolve } from "../../src/resolve/resolve.js";
import type { ModuleHost } from "../../src/resolve/types.js";

/**
 * Runs the front end (parse → resolve → check) on a manifest the way the
 * compiler does. A fixture for the later phases must pass it cleanly, so any
 * error there is a broken fixture and fails loudly.
 */
export function analyseManifest(
  manifestPath: string,
  host: ModuleHost,
  text = readFileSync(manifestPath, "utf8"),
): Analysis {
  const source = createSourceText(manifestPath, text);
  const parsed = parse(source);
  const resolution = resolve(parsed.document, source, host);
  const analysis = analyse(parsed.document, source, resolution);
  const diagnostics = [...parsed.diagnostics, ...resolution.diagnostics, ...analysis.diagnostics];
  if (hasErrors(diagnostics) || analysis.plan === undefined) {
    throw new Error(
      `${manifestPath} does not pass the front end:\n${diagnostics.map((d) => `  FLOW${d.code} ${d.message}`).join("\n")}`,
    );
  }
  return analysis;
}
