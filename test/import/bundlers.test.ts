/**
 * The bundler plugin (`flowc/vite`, `flowc/esbuild`, `flowc/rollup`, `flowc/rolldown`, …)
 * building real apps (bundler-app.ts) that import a copy of examples/word-count from its
 * `.flow`: each bundle runs under Node with the sources moved away and prints what `flowc
 * run` prints, its parallel stage on worker threads that import the methods' module the
 * bundle ships; a manifest whose edge no longer fits fails the build with the located
 * diagnostic; an app that imports only the plan leaves the runner out; Vite's dev server
 * runs the manifest, follows its edits and its methods' edits, and rejects a load with
 * the located diagnostic. Each package export is imported from an app under plain Node.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookSummaryFromCli, positionOf } from "./apps.js";
import {
  buildWithEsbuild,
  buildWithRolldown,
  buildWithRollup,
  buildWithVite,
  buildWithWebpackLike,
  createBundlerApp,
  DevServer,
  fileEdit,
  MANIFEST,
  METHODS_DTS,
  METHODS_TS,
  rejectionOf,
  type BundlerApp,
  type Loaded,
  type Report,
} from "./bundler-app.js";

const TIMEOUT = 120_000;
/** A method's signature changed so that the edge into it no longer fits (FLOW4001 at the manifest). */
const COUNT_WORDS = "export function countWords(chapter: string)";
const COUNT_WORDS_BROKEN = "export function countWords(chapter: number)";
const COUNT_WORDS_DECLARED = "export declare function countWords(chapter: string)";
const COUNT_WORDS_DECLARED_BROKEN = "export declare function countWords(chapter: number)";
/** The manifest's first group, and the same with an edge that does not fit (splitChapters → mergeCounts). */
const GROUP = "splitChapters, countWords, mergeCounts {";
const GROUP_BROKEN = "splitChapters, mergeCounts, countWords {";
/** A string of a method's body: in every file that holds the methods' code. */
const METHODS_CODE = "CHAPTER [^";

const cacheDirBefore = process.env["FLOWC_CACHE_DIR"];
let expected: unknown;
const apps: BundlerApp[] = [];

beforeAll(async () => {
  expected = await bookSummaryFromCli(newApp("typescript").cacheDir);
}, TIMEOUT);

afterAll(() => {
  for (const app of apps) app.remove();
  if (cacheDirBefore === undefined) delete process.env["FLOWC_CACHE_DIR"];
  else process.env["FLOWC_CACHE_DIR"] = cacheDirBefore;
});

function newApp(methods: "typescript" | "javascript"): BundlerApp {
  const app = createBundlerApp({ methods });
  apps.push(app);
  app.useCache();
  return app;
}

/** The example's output, its parallel stage run by several worker threads. */
function expectRunOnThreads(report: Report): void {
  expect(report.output).toEqual(expected);
  const threads = Object.values(report.workers).filter((backend) => backend === "threads");
  expect(threads.length).toBeGreaterThanOrEqual(3);
  const counted = report.shards.filter((shard) => shard.method === "countWords");
  expect(counted).toHaveLength(4);
  for (const shard of counted) expect(report.workers[shard.worker]).toBe("threads");
}

/** The 1-based position of `name` in the manifest's first group. */
function inGroup(app: BundlerApp, name: string): { line: number; column: number } {
  return positionOf(app.read(MANIFEST), name, "splitChapters, ");
}

/** What Vite and Rollup say of the first error: its headline, and where it is with the line's frame. */
function expectLocated(error: Record<string, unknown> | undefined, app: BundlerApp, name: string): void {
  const { line, column } = inGroup(app, name);
  expect(error?.["message"]).toContain(`word-count.flow:${line}:${column} - error FLOW4001: `);
  expect(error?.["loc"]).toEqual({ file: app.path(MANIFEST), line, column: column - 1 });
  expect(error?.["frame"]).toContain(`> ${line} | splitChapters, `);
}

/** Every output file's name that matches `pattern`. */
const named = (outputs: Map<string, string>, pattern: RegExp) =>
  [...outputs.keys()].filter((file) => pattern.test(file));

describe("a Vite build", () => {
  let app: BundlerApp;
  beforeAll(() => void (app = newApp("typescript")));

  it(
    "bundles the runner and ships the parallel methods as a chunk the worker threads import",
    async () => {
      await buildWithVite(app, "src/main.ts", "out-vite");
      const outputs = app.outputs("out-vite");
      const chunk = /new URL\("\.\/(assets\/word-count\.methods-[\w-]+\.js)", import\.meta\.url\)/.exec(
        outputs.get("main.js") ?? "",
      );
      expect(chunk).not.toBeNull();
      expect(outputs.has(chunk![1]!)).toBe(true);
      expectRunOnThreads(await app.runWithoutSources("out-vite/main.js"));
    },
    TIMEOUT,
  );

  it(
    "fails on a manifest whose edge no longer fits, with the located diagnostic and its frame",
    async () => {
      const methods = fileEdit(app, METHODS_TS);
      methods.edit(COUNT_WORDS, COUNT_WORDS_BROKEN);
      try {
        const error = await rejectionOf(buildWithVite(app, "src/main.ts", "out-vite-broken"));
        // Vite's build fails with every error of the bundle, each as the plugin made it.
        expect(error.message).toContain("[plugin flowc]");
        expect(error.message).toContain(`> ${inGroup(app, "countWords").line} | ${GROUP}`);
        const [first] = error["errors"] as Record<string, unknown>[];
        expect(first?.["plugin"]).toBe("flowc");
        expectLocated(first, app, "countWords");
      } finally {
        methods.restore();
      }
    },
    TIMEOUT,
  );
});

describe("an esbuild build", () => {
  let app: BundlerApp;
  beforeAll(() => void (app = newApp("typescript")));

  it(
    "bundles the runner and builds the parallel methods beside it for the worker threads",
    async () => {
      await buildWithEsbuild(app, "src/main.ts", "out-esbuild/main.mjs");
      const outputs = app.outputs("out-esbuild");
      const methods = named(outputs, /^flowc-methods\/word-count\.methods-\w+\.mjs$/);
      expect(methods).toHaveLength(1);
      const url = new RegExp(
        `new URL\\(\\s*"\\./${methods[0]!.replaceAll(".", "\\.")}",\\s*import\\.meta\\.url\\s*\\)`,
      );
      expect(outputs.get("main.mjs")).toMatch(url);
      expect(outputs.get(methods[0]!)).toContain(METHODS_CODE);
      expectRunOnThreads(await app.runWithoutSources("out-esbuild/main.mjs"));
    },
    TIMEOUT,
  );

  it(
    "fails on a manifest whose edge no longer fits, with the diagnostics and their frames at the import",
    async () => {
      const methods = fileEdit(app, METHODS_TS);
      methods.edit(COUNT_WORDS, COUNT_WORDS_BROKEN);
      try {
        const error = await rejectionOf(buildWithEsbuild(app, "src/main.ts", "out-esbuild-broken/main.mjs"));
        const { line, column } = inGroup(app, "countWords");
        const [first] = error["errors"] as { text: string; location: { file: string; lineText: string } | null }[];
        expect(first?.text).toContain(`word-count.flow:${line}:${column} - error FLOW4001: `);
        expect(first?.text).toContain(`> ${line} | ${GROUP}`);
        expect(first?.location).toMatchObject({ file: "src/main.ts" });
        expect(first?.location?.lineText).toContain('from "./word-count/word-count.flow"');
      } finally {
        methods.restore();
      }
    },
    TIMEOUT,
  );
});

// Rollup reads no TypeScript without a plugin of its own: these apps' methods are JavaScript,
// typed for flowc by a declaration file beside them.
describe("a Rollup build", () => {
  let app: BundlerApp;
  beforeAll(() => void (app = newApp("javascript")));

  it(
    "bundles the runner and ships the parallel methods as a chunk the worker threads import",
    async () => {
      await buildWithRollup(app, "src/main.js", "out-rollup");
      const outputs = app.outputs("out-rollup");
      const [chunk, ...more] = named(outputs, /^word-count\.methods-[\w-]+\.js$/);
      expect(more).toEqual([]);
      expect(outputs.get(chunk!)).toContain(METHODS_CODE);
      expect(outputs.get("main.js")).toContain(`new URL("./${chunk}", import.meta.url)`);
      expectRunOnThreads(await app.runWithoutSources("out-rollup/main.js"));
    },
    TIMEOUT,
  );

  it(
    "fails on a manifest whose edge no longer fits, with the located diagnostic and its frame",
    async () => {
      const types = fileEdit(app, METHODS_DTS);
      types.edit(COUNT_WORDS_DECLARED, COUNT_WORDS_DECLARED_BROKEN);
      try {
        const error = await rejectionOf(buildWithRollup(app, "src/main.js", "out-rollup-broken"));
        expect(error.message).toContain("[plugin flowc]");
        expect(error["plugin"]).toBe("flowc");
        expectLocated(error, app, "countWords");
      } finally {
        types.restore();
      }
    },
    TIMEOUT,
  );
});

describe("a Rolldown build", () => {
  it(
    "bundles the runner and ships the parallel methods as a chunk the worker threads import",
    async () => {
      const app = newApp("typescript");
      await buildWithRolldown(app, "src/main.ts", "out-rolldown");
      const main = app.outputs("out-rolldown").get("main.js");
      expect(main).toMatch(/new URL\("\.\/word-count\.methods-[\w-]+\.js", import\.meta\.url\)/);
      expectRunOnThreads(await app.runWithoutSources("out-rolldown/main.js"));
    },
    TIMEOUT,
  );
});

// webpack and Rspack compile no TypeScript without a loader or rule of the user's: these apps'
// methods are JavaScript typed by a declaration file. Their worker threads import the methods'
// source file (a bundle of theirs cannot name a file of its own for them), so the sources stay.
for (const bundler of ["webpack", "rspack"] as const) {
  describe(`a ${bundler === "webpack" ? "webpack" : "Rspack"} build`, () => {
    let app: BundlerApp;
    beforeAll(() => void (app = newApp("javascript")));

    for (const module of [true, false]) {
      it(
        `bundles the runner in ${module ? "an ES module" : "a CommonJS"} bundle, flowc/runtime imported at run time`,
        async () => {
          const dir = `out-${bundler}-${module ? "esm" : "cjs"}`;
          await buildWithWebpackLike(bundler, app, "src/main.js", dir, module);
          const bundle = `${dir}/main.${module ? "mjs" : "cjs"}`;
          const code = app.outputs(dir).get(`main.${module ? "mjs" : "cjs"}`) ?? "";
          expect(code).toContain(`"file://${app.path("src/word-count/word-count.methods.js")}"`);
          // The runtime is imported, not bundled: none of its error codes is in the bundle.
          expect(code).toMatch(module ? /from "flowc\/runtime"/ : /import\("flowc\/runtime"\)/);
          expect(code).not.toContain("FLOW_METHOD_FAILED");
          expectRunOnThreads(await app.runWithSources(bundle));
        },
        TIMEOUT,
      );
    }

    it(
      "fails on a manifest whose edge no longer fits, with the diagnostics and their frames",
      async () => {
        const types = fileEdit(app, METHODS_DTS);
        types.edit(COUNT_WORDS_DECLARED, COUNT_WORDS_DECLARED_BROKEN);
        try {
          const error = await rejectionOf(
            buildWithWebpackLike(bundler, app, "src/main.js", `out-${bundler}-broken`, true),
          );
          const { line, column } = inGroup(app, "countWords");
          expect(error.message).toContain(`word-count.flow:${line}:${column} - error FLOW4001: `);
          expect(error.message).toContain(`> ${line} | ${GROUP}`);
        } finally {
          types.restore();
        }
      },
      TIMEOUT,
    );
  });
}

describe("an app that imports only the plan", () => {
  // The methods' chunk of the worker threads is emitted with the manifest, used or not: only the
  // entry's own code is looked at here.
  it(
    "leaves the runner out of its Vite and its Rollup bundle",
    async () => {
      const vite = newApp("typescript");
      await buildWithVite(vite, "src/plan-only.ts", "out-plan");
      const rollup = newApp("javascript");
      await buildWithRollup(rollup, "src/plan-only.js", "out-plan");
      for (const app of [vite, rollup]) {
        const entry = app.outputs("out-plan").get("plan-only.js");
        expect(entry).toContain('name: "countWords"');
        for (const code of ["sharedRunner", "createRunner", "moduleBase", "flowc/runtime", METHODS_CODE])
          expect(entry).not.toContain(code);
        const printed = await app.node(["out-plan/plan-only.js"]);
        expect(JSON.parse(printed.stdout)).toEqual(["splitChapters:null", "countWords:8", "mergeCounts:null"]);
      }
    },
    TIMEOUT,
  );
});

describe("Vite's dev server", () => {
  let app: BundlerApp;
  let server: DevServer | undefined;
  const dev = (): DevServer => server ?? expect.fail("the dev server did not start");

  beforeAll(async () => {
    app = newApp("typescript");
    server = await DevServer.start(app);
  }, TIMEOUT);

  afterAll(async () => {
    await server?.close();
  });

  const maxWorkersOf = (loaded: Loaded) =>
    loaded.module?.plan.methods.find((method) => method.name === "countWords")?.maxWorkers;
  /** Accepts a load that gives the plan with countWords' `maxWorkers` at `count`. */
  const withMaxWorkers = (count: number) => (loaded: Loaded) => (maxWorkersOf(loaded) === count ? loaded : undefined);
  const failed = (loaded: Loaded) => loaded.error;

  it(
    "runs the manifest on its first load, the parallel stage on worker threads",
    async () => {
      const loaded = await dev().load();
      if (loaded.error !== undefined) throw loaded.error;
      const workers: Record<number, string> = {};
      const shards: { method: string; worker: number }[] = [];
      const output = await loaded.module.run(app.path("book.txt"), {
        onEvent(event) {
          if (event.type === "worker:up") workers[event.worker] = event.backend;
          if (event.type === "shard:start") shards.push({ method: event.method, worker: event.worker });
        },
      });
      expectRunOnThreads({ output, workers, shards });
    },
    TIMEOUT,
  );

  it(
    "loads the new plan after the manifest is edited",
    async () => {
      expect(maxWorkersOf(await dev().load())).toBe(8);
      const manifest = fileEdit(app, MANIFEST);
      const edit = () => manifest.edit("max_worker_count: 8;", "max_worker_count: 5;");
      const edited = await dev().afterChange(MANIFEST, edit, withMaxWorkers(5));
      expect(edited.module?.plan.methods.map((method) => method.maxWorkers)).toEqual([null, 5, null]);
      await dev().afterChange(MANIFEST, manifest.restore, withMaxWorkers(8));
    },
    TIMEOUT,
  );

  it(
    "rejects a load of a manifest whose edge does not fit with the located diagnostic, and recovers",
    async () => {
      const manifest = fileEdit(app, MANIFEST);
      const error = await dev().afterChange(MANIFEST, () => manifest.edit(GROUP, GROUP_BROKEN), failed);
      expectLocated(error, app, "mergeCounts");
      expect(error.frame).toContain(`> ${inGroup(app, "mergeCounts").line} | ${GROUP_BROKEN}`);
      await dev().afterChange(MANIFEST, manifest.restore, withMaxWorkers(8));
    },
    TIMEOUT,
  );

  it(
    "rejects a load after a change of the methods that breaks the manifest, and recovers",
    async () => {
      const methods = fileEdit(app, METHODS_TS);
      const error = await dev().afterChange(METHODS_TS, () => methods.edit(COUNT_WORDS, COUNT_WORDS_BROKEN), failed);
      expectLocated(error, app, "countWords");
      await dev().afterChange(METHODS_TS, methods.restore, withMaxWorkers(8));
    },
    TIMEOUT,
  );
});

describe("the package's exports", () => {
  it(
    "give each bundler a plugin of its own shape, imported from an app under Node",
    async () => {
      const app = newApp("typescript");
      app.write(
        "shapes.mjs",
        [
          "const shapes = {};",
          'for (const bundler of ["vite", "rollup", "rolldown", "esbuild", "webpack", "rspack"]) {',
          "  const plugin = (await import(`flowc/${bundler}`)).default();",
          "  const hooks = Object.keys(plugin).filter((key) => typeof plugin[key] === 'function').sort();",
          "  shapes[bundler] = { name: plugin.name, enforce: plugin.enforce, hooks };",
          "}",
          "console.log(JSON.stringify(shapes));",
          "",
        ].join("\n"),
      );
      const printed = await app.node(["shapes.mjs"]);
      expect(printed.stderr).toBe("");
      const shapes = JSON.parse(printed.stdout) as Record<string, { name?: string; enforce?: string; hooks: string[] }>;
      const rollupLike = ["load", "loadInclude", "renderChunk", "resolveId", "watchChange"];
      expect(shapes["vite"]).toMatchObject({ name: "flowc", enforce: "pre" });
      expect(shapes["vite"]?.hooks).toEqual(expect.arrayContaining([...rollupLike, "config", "hotUpdate"]));
      for (const bundler of ["rollup", "rolldown"]) {
        expect(shapes[bundler]?.name).toBe("flowc");
        expect(shapes[bundler]?.hooks).toEqual(expect.arrayContaining(rollupLike));
      }
      expect(shapes["esbuild"]).toEqual({ name: "flowc", hooks: ["setup"] });
      expect(shapes["webpack"]).toEqual({ hooks: ["apply"] });
      expect(shapes["rspack"]).toEqual({ hooks: ["apply"] });
    },
    TIMEOUT,
  );
});
