import path from "node:path";
import type { SourceText } from "../../grammar/source.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { createDiagnostic, type Diagnostic } from "../../grammar/diagnostics/diagnostic.js";
import type { ModuleFormat } from "../typecheck/engine.js";
import { displayPathFor } from "../typecheck/module-errors.js";

/**
 * FLOW4014 when the user's TypeScript would compile the runner written to `outFile` as
 * CommonJS, where its `import.meta` is an error (TS1343/TS1470): the build would hand
 * over a runner that the user's own `tsc` then refuses. `format` is what the project the
 * runner belongs to (the tsconfig nearest to it) makes of a `.ts` file there.
 */
export function runnerFormatProblem(
  format: ModuleFormat,
  outFile: string,
  manifest: SourceText,
): Diagnostic | undefined {
  let fix: string;
  switch (format.kind) {
    case "module":
      return undefined;
    case "script":
      fix = `its tsconfig's 'module' is '${format.module}'; set it to 'NodeNext' (with "type": "module" in package.json) or 'ESNext'.`;
      break;
    case "commonjs-package":
      fix =
        format.packageJson === undefined
          ? `no package.json above it says "type": "module"; add one that does (or use a bundler with 'module': 'ESNext').`
          : `${displayPathFor(manifest.path)(format.packageJson)} has no "type": "module"; add it (or use a bundler with 'module': 'ESNext').`;
      break;
  }
  return createDiagnostic(Messages.RunnerNotModule, manifest.path, { start: 0, end: 0 }, [path.basename(outFile), fix]);
}
