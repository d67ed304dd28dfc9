import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maxReportedCycles } from "../../src/check/rules/no-cycles.js";
import { specifiedRules } from "../../src/check/rules/index.js";
import { resolve, untypedHost } from "../../src/resolve/resolve.js";
import { buildManifest, type GroupSpec, type ValueSpec } from "./ast-builder.js";
import { analyse, printed, relatedAt, runCheck } from "./pipeline.js";

const messages = (text: string, workers?: number) =>
  runCheck(text, { check: { workers } }).diagnostics.map((d) => `${d.code} ${d.message}`);

describe("rules", () => {
  it("runs every rule of the list", () => {
    expect(specifiedRules.map((rule) => rule.name)).toEqual([
      "emptyManifest",
      "settingValues",
      "consistentSettings",
      "noCycles",
      "parallelSettingsNeedParallel",
      "workerCountRange",
      "parallelNeedsMinWorkers",
      "concurrentGroupSize",
      "concurrentIndependence",
      "methodsInFlow",
      "workerCapacity",
      "settleNeedsParallel",
      "maxFailuresNeedTolerance",
      "guardIsNotItself",
      "branchHasSuccessors",
    ]);
  });

  describe("noCycles", () => {
    it("points at the edge written last and relates every edge of the cycle", () => {
      const { source, diagnostics } = runCheck(
        "extract, transform { execution_flow: sequential; }\ntransform, load { execution_flow: sequential; }\nload, extract { execution_flow: sequential; }",
      );
      expect(diagnostics.map((d) => printed(source, d))).toEqual([
        {
          code: 3001,
          severity: "error",
          line: 3,
          column: 7,
          endLine: 3,
          endColumn: 14,
          message: "This declaration closes a cycle: extract → transform → load → extract.",
        },
      ]);
      expect(relatedAt(source, diagnostics[0]!)).toEqual([
        "1:10 'extract' → 'transform' is declared here.",
        "2:12 'transform' → 'load' is declared here.",
        "3:7 'load' → 'extract' is declared here.",
      ]);
    });

    it("reports a two-method cycle made by two groups", () => {
      expect(messages("a, b { execution_flow: sequential; }\nb, a { execution_flow: sequential; }")).toEqual([
        "3001 This declaration closes a cycle: a → b → a.",
      ]);
    });

    it("reports at most a bounded number of cycles of a dense graph", () => {
      const names = ["a", "b", "c", "d", "e", "f", "g"];
      const groups = names.flatMap((x) =>
        names.filter((y) => y !== x).map((y) => `${x}, ${y} { execution_flow: sequential; }`),
      );
      const reported = messages(groups.join("\n"));
      expect(reported).toHaveLength(maxReportedCycles);
      expect(new Set(reported).size).toBe(maxReportedCycles);
    });
  });

  describe("concurrentIndependence", () => {
    it("names the shortest path and relates its edges", () => {
      const { source, diagnostics } = runCheck(
        "a, b, c, d { execution_flow: sequential; }\nb, x, d { execution_flow: sequential; }\nb, d { execution_flow: concurrent; }",
      );
      expect(diagnostics.map((d) => printed(source, d).message)).toEqual([
        "'b' and 'd' cannot run concurrently: 'd' waits for 'b' through b → c → d.",
      ]);
      expect(printed(source, diagnostics[0]!)).toMatchObject({ line: 3, column: 4 });
      expect(relatedAt(source, diagnostics[0]!)).toEqual([
        "3:1 'b' is declared concurrent here.",
        "1:7 'b' → 'c' is declared here.",
        "1:10 'c' → 'd' is declared here.",
      ]);
    });

    it("accepts concurrent methods that only stand next to each other in a chain", () => {
      expect(messages("a, b, c, d { execution_flow: sequential; }\nb, c { execution_flow: concurrent; }")).toEqual([]);
    });

    it("shortens a long path to its ends", () => {
      const chain = Array.from({ length: 20 }, (_, i) => `m${i}`);
      const [message] = messages(
        `${chain.join(", ")} { execution_flow: sequential; }\nm0, m19 { execution_flow: concurrent; }`,
      );
      expect(message).toBe(
        "3007 'm0' and 'm19' cannot run concurrently: 'm19' waits for 'm0' through m0 → m1 → m2 → m3 → m4 → … → m15 → m16 → m17 → m18 → m19.",
      );
    });
  });

  describe("settings", () => {
    it("lets a parallel method be concurrent too", () => {
      const { diagnostics, analysis } = runCheck(`
        a, b, c, d { execution_flow: sequential; }
        b, c { execution_flow: concurrent; }
        b, c { execution_flow: parallel; min_worker_count: 2; }
      `);
      expect(diagnostics).toEqual([]);
      expect(analysis.settings.get("b")).toEqual({
        mode: "parallel",
        concurrent: true,
        minWorkers: 2,
        maxWorkers: undefined,
        retries: undefined,
        timeoutMs: undefined,
        shardSize: undefined,
        runIf: undefined,
        fallback: undefined,
        onError: undefined,
        maxFailures: undefined,
        branchOn: undefined,
        cache: true,
      });
    });

    it("relates a conflicting setting to where it was first set", () => {
      const { source, diagnostics } = runCheck(
        "a, b { execution_flow: sequential; timeout: 1s; }\nb { timeout: 2s; }",
        {
          path: "dir/etl.flow",
        },
      );
      expect(diagnostics.map((d) => printed(source, d))).toEqual([
        {
          code: 3005,
          severity: "error",
          line: 2,
          column: 14,
          endLine: 2,
          endColumn: 16,
          message: "'timeout' of 'b' is set to '2s' here but to '1s' at dir/etl.flow:1:45.",
        },
      ]);
      expect(relatedAt(source, diagnostics[0]!)).toEqual(["1:45 'timeout' of 'b' is first set here."]);
    });

    it("reads `cache: false;` into the method's settings and the plan; every other method caches", () => {
      const { diagnostics, analysis } = runCheck(`
        fetch, store { execution_flow: sequential; }
        fetch { cache: false; }
        store { cache: true; }
      `);
      expect(diagnostics).toEqual([]);
      expect(analysis.settings.get("fetch")?.cache).toBe(false);
      expect(analysis.settings.get("store")?.cache).toBe(true);
      expect(analysis.plan?.methods.map((m) => [m.name, m.cache, m.codeHash])).toEqual([
        ["fetch", false, null],
        ["store", true, null],
      ]);
    });

    it("refuses a `cache` value that is no boolean, with the word it misses", () => {
      const text =
        'a, b, c, d { execution_flow: sequential; }\na { cache: flase; }\nb { cache: "true"; }\nc { cache: 0; }\nd { cache: no; }';
      expect(messages(text)).toEqual([
        "2007 'flase' is not a valid value for 'cache'; expected 'true' or 'false'. Did you mean 'false'?",
        "2007 '\"true\"' is not a valid value for 'cache'; expected 'true' or 'false'. Write it without quotes: 'cache: true;'.",
        "2007 '0' is not a valid value for 'cache'; expected 'true' or 'false'.",
        "2007 'no' is not a valid value for 'cache'; expected 'true' or 'false'.",
      ]);
    });

    it("refuses a method cached in one group and not in another (FLOW3005)", () => {
      const { source, diagnostics } = runCheck(
        "a, b { execution_flow: sequential; cache: false; }\nb { cache: true; }\na { cache: false; }",
      );
      expect(diagnostics.map((d) => [d.message, ...relatedAt(source, d)])).toEqual([
        [
          "'cache' of 'b' is set to 'true' here but to 'false' at etl.flow:1:43.",
          "1:43 'cache' of 'b' is first set here.",
        ],
      ]);
    });

    it("relates a repeated name and a repeated property to their first occurrence", () => {
      const { source, diagnostics } = runCheck("a, b, a { execution_flow: sequential; retries: 1; retries: 2; }");
      expect(diagnostics.map((d) => [d.code, ...relatedAt(source, d)])).toEqual([
        [2004, "1:1 'a' is first listed here."],
        [2008, "1:39 'retries' is first set here."],
      ]);
    });

    it("relates max_worker_count below the minimum to the minimum", () => {
      const { source, diagnostics } = runCheck(
        "c { execution_flow: parallel; min_worker_count: 3; }\nc { max_worker_count: 2; }",
      );
      expect(diagnostics.map((d) => [d.message, ...relatedAt(source, d)])).toEqual([
        [
          "'max_worker_count' (2) of 'c' is less than its 'min_worker_count' (3).",
          "1:49 'min_worker_count' of 'c' is set here.",
        ],
      ]);
    });
  });

  describe("workerCapacity", () => {
    const diamond = `
      load, transform, save { execution_flow: sequential; }
      load, enrich, save { execution_flow: sequential; }
      transform { execution_flow: parallel; min_worker_count: 4; }
      enrich { execution_flow: parallel; min_worker_count: 3; }
    `;

    it("says nothing without --workers or when the heaviest simultaneous set fits", () => {
      expect(messages(diamond)).toEqual([]);
      expect(messages(diamond, 7)).toEqual([]);
    });

    it("reports the heaviest set of methods that can run together, with each member related", () => {
      const { source, diagnostics } = runCheck(diamond, { check: { workers: 6 } });
      expect(diagnostics.map((d) => d.message)).toEqual([
        "Methods that can run at the same time need more workers than the 6 available (--workers 6): transform (4) + enrich (3) = 7.",
      ]);
      expect(relatedAt(source, diagnostics[0]!)).toEqual([
        "4:63 'transform' needs 4 workers.",
        "5:60 'enrich' needs 3 workers.",
      ]);
    });

    it("counts every single method as one worker and finds sets that no stage shows", () => {
      // b is at stage 1 and y at stage 2, yet nothing orders them: {b, y} needs 3 + 3.
      const text = `
        a, b { execution_flow: sequential; }
        x, z, y { execution_flow: sequential; }
        b, y { execution_flow: parallel; min_worker_count: 3; }
        a { retries: 1; }
      `;
      expect(messages(text, 5)).toEqual([
        "3010 Methods that can run at the same time need more workers than the 5 available (--workers 5): b (3) + y (3) = 6.",
      ]);
    });

    it("reports a method that does not fit alone, and then not the sets it is in", () => {
      expect(messages(diamond.replace("min_worker_count: 4", "min_worker_count: 9"), 6)).toEqual([
        "3009 'transform' needs at least 9 workers but only 6 are available (--workers 6).",
      ]);
    });

    it("sums up the members beyond the first eight", () => {
      const names = Array.from({ length: 12 }, (_, i) => `w${i}`);
      const text = names.map((n) => `root, ${n} { execution_flow: sequential; }`).join("\n");
      expect(messages(text, 10)).toEqual([
        "3010 Methods that can run at the same time need more workers than the 10 available (--workers 10): w0 (1) + w1 (1) + w2 (1) + w3 (1) + w4 (1) + w5 (1) + w6 (1) + w7 (1) + 4 more methods (4) = 12.",
      ]);
    });
  });

  it("does not warn about a manifest of one method", () => {
    expect(messages("alone { retries: 2; }")).toEqual([]);
  });
});

describe("the backend statement", () => {
  it("gives the analysis the backend the manifest declares", () => {
    expect(runCheck("backend threads;\na { retries: 1; }").analysis.backend).toBe("threads");
    expect(runCheck("a { retries: 1; }").analysis.backend).toBeUndefined();
  });

  it("reports every statement after the first at its keyword, related to the first, and keeps the first", () => {
    const { source, diagnostics, analysis } = runCheck(
      "backend inline;\nbackend bullmq;\nbackend bulmq;\na { retries: 1; }",
    );
    expect(
      diagnostics.map((d) => [printed(source, d).line, printed(source, d).column, d.message, ...relatedAt(source, d)]),
    ).toEqual([
      [2, 1, "The backend is declared more than once.", "1:1 The backend is first declared here."],
      [3, 1, "The backend is declared more than once.", "1:1 The backend is first declared here."],
    ]);
    expect(analysis.backend).toBe("inline");
  });

  it("refuses a value that is no backend, and builds no plan", () => {
    const { diagnostics, analysis } = runCheck("backend 3;\na { retries: 1; }");
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "2007 '3' is not a valid value for 'backend'; expected 'inline', 'threads' or 'bullmq'.",
    ]);
    expect(analysis.backend).toBeUndefined();
    expect(analysis.plan).toBeUndefined();
  });
});

describe("robustness", () => {
  const names = ["a", "b", "c", "d", "class", "e"];
  const value: fc.Arbitrary<ValueSpec> = fc.oneof(
    fc.constantFrom<ValueSpec>(
      { kind: "name", name: "sequential" },
      { kind: "name", name: "parallel" },
      { kind: "name", name: "concurrent" },
      { kind: "name", name: "parallell" },
    ),
    fc.record({
      kind: fc.constant("number" as const),
      value: fc.oneof(fc.integer({ min: -3, max: 12 }), fc.double(), fc.constantFrom(1e300, 2 ** 53, 0.3)),
      unit: fc.constantFrom(undefined, "ms", "s", "m", "h", "d", "x"),
    }),
    fc.record({ kind: fc.constant("string" as const), value: fc.constantFrom("parallel", "", "4") }),
  );
  const group: fc.Arbitrary<GroupSpec> = fc.record({
    methods: fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 5 }),
    properties: fc.array(
      fc.tuple(
        fc.constantFrom("execution_flow", "min_worker_count", "max_worker_count", "retries", "timeout", "workers"),
        value,
      ),
      { maxLength: 4 },
    ),
    angle: fc.boolean(),
  });

  it("never throws, always sorts its diagnostics and only plans error-free manifests", () => {
    fc.assert(
      fc.property(fc.array(group, { maxLength: 8 }), fc.option(fc.integer({ min: 0, max: 12 })), (groups, workers) => {
        const { document, source } = buildManifest(groups);
        const resolution = resolve(document, source, untypedHost);
        const analysis = analyse(document, source, resolution, { workers: workers ?? undefined });
        const starts = analysis.diagnostics.map((d) => d.span.start);
        expect(starts).toEqual([...starts].sort((x, y) => x - y));
        const failed = [...resolution.diagnostics, ...analysis.diagnostics].some((d) => d.severity === "error");
        expect(analysis.plan === undefined).toBe(failed);
        if (analysis.plan !== undefined) expect(analysis.plan.methods).toHaveLength(analysis.graph.nodes.length);
      }),
      { numRuns: 500 },
    );
  });
});
