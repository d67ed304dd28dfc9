import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root } from "../cli/helpers.js";

/**
 * flowc as users get it: the tarball `npm pack` makes, installed with npm into a
 * project of its own (with @types/node, as a Node project has), used through its
 * CLI, its compiler API and the runtime its runners import.
 */
const exec = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let scratch: string;
let app: string;
let files: string[];

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "flowc-pack-"));
  // The package is packed as it is built (`npm test` builds first); the build itself is not what is tested here.
  const packed = await exec(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], { cwd: root });
  const [entry] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  if (entry === undefined) throw new Error("npm pack printed no entry");
  files = entry.files.map((file) => file.path);

  app = path.join(scratch, "app");
  mkdirSync(app);
  writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  cpSync(path.join(root, "examples/tsconfig.json"), path.join(app, "tsconfig.json"));
  cpSync(path.join(root, "examples/word-count"), path.join(app, "word-count"), { recursive: true });
  // Already in npm's cache from the repository's own install, so this mostly reads from there.
  await exec(
    npm,
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      path.join(scratch, entry.filename),
      `@types/node@${readDevDependency("@types/node")}`,
    ],
    { cwd: app },
  );
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function readDevDependency(name: string): string {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>;
  };
  return pkg.devDependencies[name] ?? "latest";
}

const inApp = (command: string, args: readonly string[]) =>
  exec(command, args, { cwd: app, env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 });

/** What the example's run must print: what the repository's own build prints for the same book. */
async function expectBookSummary(output: unknown): Promise<void> {
  const expected = await exec(
    process.execPath,
    [
      path.join(root, "dist/src/cli/main.js"),
      "run",
      "examples/word-count/word-count.flow",
      "--input",
      "@examples/word-count/input.json",
      "--quiet",
    ],
    { cwd: root },
  );
  expect(output).toEqual(JSON.parse(expected.stdout));
  expect(output).toMatchObject({ chapters: 4 });
}

describe("the packed package", () => {
  it("holds every file the README links to", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const links = [...readme.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)].map((match) => match[1] ?? "");
    expect(links.length).toBeGreaterThan(2);
    for (const link of links) expect(files, link).toContain(link);
  });

  it("holds the TextMate grammar, for editors that read one", () => {
    expect(files).toContain("grammar/flow.tmLanguage.json");
  });

  it("holds the source of every source map it ships", () => {
    const maps = files.filter((file) => file.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(10);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(path.join(root, map), "utf8")) as { sources: string[] };
      for (const source of sources) {
        expect(files, `${map} → ${source}`).toContain(
          path.posix.normalize(path.posix.join(path.posix.dirname(map), source)),
        );
      }
    }
  });

  it("runs an example through its CLI", async () => {
    const { stdout } = await inApp(path.join(app, "node_modules/.bin/flowc"), [
      "run",
      "word-count/word-count.flow",
      "--input",
      JSON.stringify("word-count/data/lighthouse.txt"),
      "--quiet",
    ]);
    await expectBookSummary(JSON.parse(stdout));
  }, 120_000);

  it("compiles through its API the runner the CLI writes, and the runner runs on its runtime", async () => {
    writeFileSync(
      path.join(app, "compile.js"),
      [
        'import { writeFile } from "node:fs/promises";',
        'import { compile, check, format, printDiagnostics } from "flowc";',
        'const result = await compile("word-count/word-count.flow");',
        "if (!result.ok) throw new Error(printDiagnostics(result));",
        "await writeFile(result.outFile, result.code);",
        "const text = 'import { splitChapters, nope } from \"./word-count.methods\";\\nsplitChapters, nope { execution_flow: sequential; }\\n';",
        'const broken = await check({ path: "word-count/broken.flow", text });',
        'const formatted = format("a,b{execution_flow:sequential;}");',
        "console.log(JSON.stringify({ outFile: result.outFile, input: result.types.input, codes: broken.diagnostics.map((d) => d.code), printed: printDiagnostics(broken), formatted: formatted.text }));",
      ].join("\n"),
    );
    const compiled = JSON.parse((await inApp(process.execPath, ["compile.js"])).stdout) as {
      outFile: string;
      input: string;
      codes: string[];
      printed: string;
      formatted: string;
    };
    expect(compiled.outFile).toBe(path.join("word-count", "word-count.flow.ts"));
    expect(compiled.input).toBe("string");
    expect(compiled.codes).toEqual(["FLOW2003"]);
    expect(compiled.printed).toContain("word-count/broken.flow:1:25 - error FLOW2003: ");
    expect(compiled.printed).toContain('> 1 | import { splitChapters, nope } from "./word-count.methods";');
    expect(compiled.formatted).toBe("a, b {\n  execution_flow: sequential;\n}\n");

    // The same bytes as `flowc build` writes.
    const viaApi = readFileSync(path.join(app, "word-count/word-count.flow.ts"), "utf8");
    await inApp(path.join(app, "node_modules/.bin/flowc"), ["build", "word-count/word-count.flow"]);
    expect(readFileSync(path.join(app, "word-count/word-count.flow.ts"), "utf8")).toBe(viaApi);

    // The user's own tsc accepts the runner, and the runner runs (its parallel stage on worker threads).
    writeFileSync(
      path.join(app, "main.ts"),
      [
        'import { run } from "./word-count/word-count.flow.js";',
        'console.log(JSON.stringify(await run("word-count/data/lighthouse.txt")));',
      ].join("\n"),
    );
    // TypeScript comes with flowc (it type-checks the methods), so the app has its tsc.
    const typescript = path.join(app, "node_modules/typescript/bin/tsc");
    await inApp(process.execPath, [typescript, "-p", "tsconfig.json", "--noEmit"]);
    const tsx = path.join(app, "node_modules/tsx/dist/cli.mjs");
    expect(existsSync(tsx)).toBe(true);
    await expectBookSummary(JSON.parse((await inApp(process.execPath, [tsx, "main.ts"])).stdout));
  }, 240_000);

  it("imports a manifest directly under node --import flowc/register", async () => {
    writeFileSync(
      path.join(app, "direct.mjs"),
      [
        'import { run, plan } from "./word-count/word-count.flow";',
        'console.log(JSON.stringify({ name: plan.name, output: await run("word-count/data/lighthouse.txt") }));',
      ].join("\n"),
    );
    const { stdout } = await inApp(process.execPath, ["--import", "flowc/register", "direct.mjs"]);
    const printed = JSON.parse(stdout) as { name: string; output: unknown };
    expect(printed.name).toBe("word-count");
    await expectBookSummary(printed.output);
  }, 120_000);

  it("exports a plugin for each bundler, on its own dependencies", async () => {
    const bundlers = ["vite", "rollup", "rolldown", "esbuild", "webpack", "rspack"];
    writeFileSync(
      path.join(app, "plugins.mjs"),
      [
        `const names = ${JSON.stringify(bundlers)};`,
        "const shapes = {};",
        "for (const name of names) {",
        "  const plugin = (await import(`flowc/${name}`)).default();",
        "  shapes[name] = { name: plugin.name ?? null, setup: typeof plugin.setup, apply: typeof plugin.apply };",
        "}",
        "console.log(JSON.stringify(shapes));",
      ].join("\n"),
    );
    const shapes = JSON.parse((await inApp(process.execPath, ["plugins.mjs"])).stdout) as Record<
      string,
      { name: string | null; setup: string; apply: string }
    >;
    for (const name of ["vite", "rollup", "rolldown"]) expect(shapes[name]).toMatchObject({ name: "flowc" });
    expect(shapes["esbuild"]).toMatchObject({ name: "flowc", setup: "function" });
    expect(shapes["webpack"]).toMatchObject({ apply: "function" });
    expect(shapes["rspack"]).toMatchObject({ apply: "function" });
  }, 60_000);
});
