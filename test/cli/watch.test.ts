import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { cliPath, flowc as flowcOnce, nodeProject, root } from "./helpers.js";

/**
 * `flowc check --watch` and `flowc build --watch` through the real binary, on a
 * copy of examples/word-count: every step waits for the output it expects
 * (never a fixed sleep), with generous timeouts for a slow machine.
 */
const scratch = mkdtempSync(join(tmpdir(), "flowc-watch-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Long enough for a cold compile (about 2.5 s here) several times over. */
const STEP_MS = 45_000;

/** A copy of examples/word-count in its own folder, with a tsconfig like examples/tsconfig.json. */
function wordCountProject(name: string): string {
  const dir = join(scratch, name);
  cpSync(join(root, "examples/word-count"), join(dir, "word-count"), { recursive: true });
  const tsconfig = JSON.parse(readFileSync(join(root, "examples/tsconfig.json"), "utf8")) as {
    compilerOptions: Record<string, unknown>;
  };
  // Outside the repository no node_modules is above the copy: point at the repository's @types.
  tsconfig.compilerOptions["typeRoots"] = [join(root, "node_modules/@types")];
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  // Its runners are ES modules, as in the repository.
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  return dir;
}

class WatchProcess {
  readonly #child: ChildProcessWithoutNullStreams;
  #stderr = "";
  /** Where the next `waitFor` starts reading, so that each step waits for new output. */
  #seen = 0;
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[], cwd: string) {
    this.#child = spawn(process.execPath, [cliPath, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    this.#child.stdout.resume();
    this.#child.stderr.on("data", (chunk: Buffer) => (this.#stderr += chunk.toString()));
    this.exited = new Promise((done) => this.#child.once("exit", (code) => done(code)));
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Resolves with the new output up to and including the first match of `pattern`. */
  waitFor(pattern: RegExp, timeoutMs = STEP_MS): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const rest = this.#stderr.slice(this.#seen);
        const match = pattern.exec(rest);
        if (match === null) return false;
        const end = match.index + match[0].length;
        this.#seen += end;
        resolve(rest.slice(0, end));
        return true;
      };
      if (check()) return;
      const onData = (): void => void (check() && stop());
      const onExit = (code: number | null): void => {
        stop();
        reject(
          new Error(`flowc exited (${String(code)}) before printing ${String(pattern)}; stderr:\n${this.#stderr}`),
        );
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; stderr:\n${this.#stderr}`));
      }, timeoutMs);
      const stop = (): void => {
        clearTimeout(timer);
        this.#child.stderr.off("data", onData);
        this.#child.off("exit", onExit);
      };
      this.#child.stderr.on("data", onData);
      this.#child.once("exit", onExit);
    });
  }

  signal(name: NodeJS.Signals): void {
    this.#child.kill(name);
  }

  kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill("SIGKILL");
  }
}

const running: WatchProcess[] = [];
afterEach(() => {
  for (const process of running.splice(0)) process.kill();
});

function watchFlowc(args: readonly string[], cwd: string): WatchProcess {
  const process = new WatchProcess(args, cwd);
  running.push(process);
  return process;
}

const STATUS = /\[\d\d:\d\d:\d\d\] (\d+) errors?, watching (\d+) files\n/;

describe("flowc build --watch", () => {
  it("writes the runner again only once its code changes, not after a method is broken and fixed; stops on SIGTERM", async () => {
    const dir = wordCountProject("build");
    const manifest = join(dir, "word-count/word-count.flow");
    const methods = join(dir, "word-count/word-count.methods.ts");
    const runner = join(dir, "word-count/word-count.flow.ts");
    const original = readFileSync(methods, "utf8");
    const flowc = watchFlowc(["build", "--watch", "word-count/word-count.flow"], dir);

    const first = await flowc.waitFor(STATUS);
    expect(first).toMatch(/^wrote word-count\/word-count\.flow\.ts\n\[\d\d:\d\d:\d\d\] 0 errors, watching 3 files\n$/);
    const written = readFileSync(runner, "utf8");

    writeFileSync(methods, original.replace("countWords(chapter: string)", "countWords(chapter: number)"));
    const broken = await flowc.waitFor(STATUS);
    expect(broken).toMatch(/^\[\d\d:\d\d:\d\d\] word-count\/word-count\.methods\.ts changed: checking 1 manifest\n/);
    expect(broken).toContain("word-count/word-count.flow:5:16 - error FLOW4001: ");
    expect(broken).toContain("Type 'string' is not assignable to type 'number'.");
    // The module's own body no longer type-checks either, as the user's tsc would say.
    expect(broken).toContain("word-count/word-count.methods.ts:26:30 - error FLOW4012: TS2339: ");
    expect(broken).toMatch(/\] 2 errors, watching 3 files\n$/);
    expect(broken).not.toContain("wrote");

    // Fixed, the runner is the one still on disk: it is not written again.
    writeFileSync(methods, original);
    const fixed = await flowc.waitFor(STATUS);
    expect(fixed).toMatch(/ changed: checking 1 manifest\n\[\d\d:\d\d:\d\d\] 0 errors, watching 3 files\n$/);
    expect(readFileSync(runner, "utf8")).toBe(written);

    // A setting changes the plan, and so the runner.
    writeFileSync(manifest, `${readFileSync(manifest, "utf8")}mergeCounts { retries: 1; }\n`);
    const changed = await flowc.waitFor(STATUS);
    expect(changed).toMatch(
      /\nwrote word-count\/word-count\.flow\.ts\n\[\d\d:\d\d:\d\d\] 0 errors, watching 3 files\n$/,
    );

    flowc.signal("SIGTERM");
    expect(await flowc.exited).toBe(0);
    expect(flowc.stderr).not.toMatch(/internal error|^\s+at /m);
  }, 240_000);
});

describe("flowc build --watch and code hashes", () => {
  it("writes the runner again when a file only the code hash reads changes (one `require` names)", async () => {
    const dir = join(scratch, "code-hash");
    mkdirSync(dir);
    nodeProject(dir);
    writeFileSync(join(dir, "etl.flow"), "extract, load { execution_flow: sequential; }\n");
    writeFileSync(
      join(dir, "etl.methods.ts"),
      [
        'import { createRequire } from "node:module";',
        "const require = createRequire(import.meta.url);",
        'export function extract(n: number): number { return n + (require("./table.cjs") as { base: number }).base; }',
        "export function load(n: number): string { return String(n); }",
        "",
      ].join("\n"),
    );
    const table = join(dir, "table.cjs");
    writeFileSync(table, "exports.base = 10;\n");
    const flowc = watchFlowc(["build", "--watch", "etl.flow"], dir);
    // The manifest, the methods, table.cjs and the tsconfig.
    expect(await flowc.waitFor(STATUS)).toMatch(
      /^wrote etl\.flow\.ts\n\[\d\d:\d\d:\d\d\] 0 errors, watching 4 files\n$/,
    );
    const written = readFileSync(join(dir, "etl.flow.ts"), "utf8");

    writeFileSync(table, "exports.base = 20;\n");
    expect(await flowc.waitFor(STATUS)).toMatch(
      /^\[\d\d:\d\d:\d\d\] table\.cjs changed: checking 1 manifest\nwrote etl\.flow\.ts\n.* 0 errors, watching 4 files\n$/,
    );
    const rewritten = readFileSync(join(dir, "etl.flow.ts"), "utf8");
    expect(rewritten).not.toBe(written);
    // Only the plan's hashes changed: its hash and the code hash of `extract`.
    const lines = (code: string) => code.split("\n").filter((line) => /hash/i.test(line));
    expect(lines(rewritten).filter((line) => !lines(written).includes(line))).toHaveLength(2);

    flowc.signal("SIGTERM");
    expect(await flowc.exited).toBe(0);
  }, 240_000);
});

describe("flowc build --watch on runners already up to date", () => {
  it("writes none of them, in the first round or later, and leaves their modification time alone", async () => {
    const dir = wordCountProject("unchanged");
    const methods = join(dir, "word-count/word-count.methods.ts");
    const runner = join(dir, "word-count/word-count.flow.ts");
    expect(flowcOnce(["build", "word-count/word-count.flow"], { cwd: dir }).status).toBe(0);
    const long = new Date("2001-02-03T04:05:06Z");
    utimesSync(runner, long, long);

    const flowc = watchFlowc(["build", "--watch", "word-count/word-count.flow"], dir);
    expect(await flowc.waitFor(STATUS)).toMatch(/^\[\d\d:\d\d:\d\d\] 0 errors, watching 3 files\n$/);
    expect(statSync(runner).mtime).toEqual(long);

    // A change that leaves the runner's code as it was.
    writeFileSync(methods, `${readFileSync(methods, "utf8")}\n// a note\n`);
    const round = await flowc.waitFor(STATUS);
    expect(round).toMatch(/ changed: checking 1 manifest\n\[\d\d:\d\d:\d\d\] 0 errors, watching 3 files\n$/);
    expect(statSync(runner).mtime).toEqual(long);

    flowc.signal("SIGTERM");
    expect(await flowc.exited).toBe(0);
  }, 240_000);
});

describe("flowc check --watch", () => {
  it("survives a manifest edited into a syntax error, follows a file the methods import, and stops on SIGINT", async () => {
    const dir = wordCountProject("check");
    const manifest = join(dir, "word-count/word-count.flow");
    const methods = join(dir, "word-count/word-count.methods.ts");
    const types = join(dir, "word-count/types.ts");
    // The methods take their chapter type from a module of their own, which the watch must follow.
    writeFileSync(types, "export type Chapter = string;\n");
    writeFileSync(
      methods,
      `import type { Chapter } from "./types.js";\n${readFileSync(methods, "utf8").replace(
        "countWords(chapter: string)",
        "countWords(chapter: Chapter)",
      )}`,
    );
    const text = readFileSync(manifest, "utf8");
    const flowc = watchFlowc(["check", "--watch", "word-count/word-count.flow"], dir);

    // The manifest, the methods, types.ts and the tsconfig.
    expect(await flowc.waitFor(STATUS)).toMatch(/^\[\d\d:\d\d:\d\d\] 0 errors, watching 4 files\n$/);

    writeFileSync(manifest, "splitChapters, countWords {{\n");
    const broken = await flowc.waitFor(STATUS);
    expect(broken).toContain("word-count/word-count.flow:1:28 - error FLOW1001: ");
    expect(broken).toMatch(/\] 2 errors, watching 4 files\n$/);

    writeFileSync(manifest, text);
    expect(await flowc.waitFor(STATUS)).toMatch(/\] 0 errors, watching 4 files\n$/);

    // Moved away and back, as a branch switch does: reported while it is gone, and picked up again.
    renameSync(manifest, `${manifest}.away`);
    const gone = await flowc.waitFor(/watching 4 files\n/);
    expect(gone).toMatch(
      /\nflowc: cannot read word-count\/word-count\.flow: no such file\n\[\d\d:\d\d:\d\d\] 0 errors, 1 manifest unreadable, watching 4 files\n$/,
    );
    renameSync(`${manifest}.away`, manifest);
    expect(await flowc.waitFor(STATUS)).toMatch(/\] 0 errors, watching 4 files\n$/);

    writeFileSync(types, "export type Chapter = number;\n");
    const mistyped = await flowc.waitFor(STATUS);
    expect(mistyped).toMatch(/^\[\d\d:\d\d:\d\d\] word-count\/types\.ts changed: checking 1 manifest\n/);
    expect(mistyped).toContain("error FLOW4001: ");
    expect(mistyped).toContain("word-count/word-count.methods.ts:27:30 - error FLOW4012: TS2339: ");
    expect(mistyped).toMatch(/\] 2 errors, watching 4 files\n$/);
    expect(existsSync(join(dir, "word-count/word-count.flow.ts"))).toBe(false);

    flowc.signal("SIGINT");
    expect(await flowc.exited).toBe(0);
  }, 240_000);

  it("refuses a manifest it cannot read at the start, with exit 2", async () => {
    const flowc = watchFlowc(["check", "--watch", "missing.flow"], scratch);
    expect(await flowc.exited).toBe(2);
    expect(flowc.stderr).toBe("flowc: cannot read missing.flow: no such file\n");
  });
});
