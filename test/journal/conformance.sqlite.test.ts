import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { sqliteStore } from "../../stdlib/index.js";
import { describeStoreConformance } from "./conformance.js";

const root = mkdtempSync(join(tmpdir(), "flowc-journal-"));
let made = 0;

afterAll(() => rmSync(root, { recursive: true, force: true }));

describeStoreConformance("sqlite", {
  open: async () => {
    // A directory that does not exist yet: the store makes it, with its parents.
    const directory = join(root, `case-${made++}`, ".flowc");
    return { store: sqliteStore(directory), spec: { kind: "sqlite", directory } };
  },
});
