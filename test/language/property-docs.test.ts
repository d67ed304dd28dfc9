import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { backendNames } from "../../src/bind/read-backend.js";
import { booleanValues, executionFlows, knownProperties, onErrorValues } from "../../src/bind/read-properties.js";
import {
  documentedProperties,
  headingPassage,
  parseReference,
  propertyDoc,
  referenceText,
  valueDocs,
} from "../../src/language/property-docs.js";

/** The words in code spans of a markdown cell: `` `fail` (the default), `skip` or `settle` `` → fail, skip, settle. */
function words(markdown: string): string[] {
  return [...markdown.matchAll(/`(\w+)`/g)].map((match) => match[1]!);
}

describe("the properties' documentation", () => {
  it("is read from grammar/REFERENCE.md for every property the language has, and for no other", () => {
    expect(documentedProperties().map((doc) => doc.key)).toEqual([
      "execution_flow",
      "min_worker_count",
      "max_worker_count",
      "retries",
      "timeout",
      "shard_size",
      "run_if",
      "branch_on",
      "on_error",
      "fallback",
      "max_failures",
      "cache",
    ]);
    expect(
      documentedProperties()
        .map((doc) => doc.key)
        .sort(),
    ).toEqual([...knownProperties].sort());
    for (const doc of documentedProperties()) {
      expect(doc.value).not.toBe("");
      expect(doc.appliesTo).not.toBe("");
      expect(doc.meaning).not.toBe("");
    }
  });

  it("gives a passage to the properties the reference describes at length", () => {
    const withPassage = documentedProperties()
      .filter((doc) => doc.passage !== undefined)
      .map((doc) => doc.key);
    expect(withPassage).toEqual([
      "min_worker_count",
      "max_worker_count",
      "shard_size",
      "run_if",
      "branch_on",
      "on_error",
      "fallback",
      "max_failures",
      "cache",
    ]);
    expect(propertyDoc("branch_on")?.passage).toMatch(/^\*\*`branch_on: property;`\*\* routes the output/);
    // A passage ends before the next property's.
    expect(propertyDoc("on_error")?.passage).not.toContain("fallback: method;");
  });

  it("explains each word a property takes, exactly the words the reference's table gives it", () => {
    for (const key of ["execution_flow", "on_error", "cache"]) {
      expect(Object.keys(valueDocs[key]!).sort()).toEqual(words(propertyDoc(key)!.value).sort());
    }
    // And exactly the words the compiler accepts.
    expect(Object.keys(valueDocs["execution_flow"]!).sort()).toEqual([...executionFlows].sort());
    expect(Object.keys(valueDocs["on_error"]!).sort()).toEqual([...onErrorValues].sort());
    expect(Object.keys(valueDocs["cache"]!).sort()).toEqual([...booleanValues].sort());
    expect(Object.keys(valueDocs["backend"]!)).toEqual([...backendNames]);
    for (const flow of Object.keys(valueDocs["execution_flow"]!)) expect(headingPassage(flow)).toBeDefined();
  });

  it("reads a table whose cells hold code with '|' in it, and skips rows that name no property", () => {
    const reference = parseReference(
      "## Properties\n\n| property | value | applies to | meaning |\n| --- | --- | --- | --- |\n| `on_error` | `a | b` | each method | what [fails](#failures) |\n| nothing | x | y | z |\n",
    );
    expect([...reference.properties.values()]).toEqual([
      { key: "on_error", value: "`a | b`", appliesTo: "each method", meaning: "what fails", passage: undefined },
    ]);
  });

  it("is found from the built package too", () => {
    const built = fileURLToPath(new URL("../../dist/src/language/property-docs.js", import.meta.url));
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does)`);
    const script = `const docs = await import(${JSON.stringify(built)}); console.log(docs.propertyDoc("retries").appliesTo);`;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("each method\n");
    expect(referenceText()).toContain("## Properties");
  });
});
