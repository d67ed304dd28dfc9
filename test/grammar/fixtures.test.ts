import { join } from "node:path";
import { describe, it } from "vitest";
import { createSourceText, parse } from "../../grammar/index.js";
import { expectMatchesFile, fixtureCases, renderBaseline } from "./baseline.js";

const root = join(import.meta.dirname, "../fixtures/grammar");

describe("grammar fixtures (UPDATE_FIXTURES=1 rewrites expected.txt)", () => {
  for (const fixture of fixtureCases(root)) {
    it(fixture.name, () => {
      const source = createSourceText("input.flow", fixture.input);
      const { document, diagnostics } = parse(source, fixture.options);
      expectMatchesFile(renderBaseline(source, document, diagnostics), join(fixture.dir, "expected.txt"));
    });
  }
});
