import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WORKERS_PID, type TraceFile } from "../../stdlib/trace.js";
import { cliPath, flowc, root, type CliResult } from "./helpers.js";

/**
 * `flowc run` observability through the real binary: progress and summary on
 * stderr (stdout stays the output alone), `--quiet`, `--trace`, and the live
 * view in a real pseudo-terminal.
 */
const scratch = mkdtempSync(join(tmpdir(), "flowc-observe-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const fixtures = "test/fixtures/progress";

function runExample(name: string, ...flags: string[]): CliResult {
  return flowc(["run", `examples/${name}/${name}.flow`, "--input", `@examples/${name}/input.json`, ...flags]);
}

/** The summary table's row for `stage`, keyed by column title (cells are at least two spaces apart). */
function summaryRow(stderr: string, stage: string): Record<string, string> {
  const lines = stderr.split("\n");
  const header = lines.findIndex((line) => line.startsWith("stage ") && line.includes("utilisation"));
  expect(header, "summary table header").toBeGreaterThanOrEqual(0);
  const titles = (lines[header] ?? "").trim().split(/\s{2,}/);
  const row = lines.slice(header + 1).find((line) => line.split(/\s{2,}/)[0] === stage);
  expect(row, `summary row of ${stage}`).toBeDefined();
  const cells = (row ?? "").trim().split(/\s{2,}/);
  return Object.fromEntries(titles.map((title, i) => [title, cells[i] ?? ""]));
}

describe("flowc run off a terminal", () => {
  it("word-count: a line per stage start and end with its item counts, then the summary", () => {
    const result = runExample("word-count");
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as { chapters: number }).chapters).toBe(4);
    const [hint, ...lines] = result.stderr.split("\n");
    // First, the run's journal id and how to resume it.
    expect(hint).toMatch(
      /^flowc: run \d{8}-\d{6}-[a-z0-9]{4} \(journal \S+\); to resume it: flowc run examples\/word-count\/word-count\.flow --resume \d{8}-\d{6}-[a-z0-9]{4}$/,
    );
    expect(lines.slice(0, 6).map((line) => line.replace(/ in \S+ m?s$/, " in T ms"))).toEqual([
      "stage splitChapters started",
      "stage splitChapters done: 1/1 call in T ms",
      "stage countWords started: 4 items",
      "stage countWords done: 4/4 items in T ms",
      "stage mergeCounts started",
      "stage mergeCounts done: 1/1 call in T ms",
    ]);
    expect(lines[6]).toMatch(/^run done in \S+ m?s$/);
    expect(summaryRow(result.stderr, "countWords")).toMatchObject({
      items: "4/4",
      calls: "4",
      retries: "0",
      failures: "0",
    });
    expect(summaryRow(result.stderr, "splitChapters")).toMatchObject({ items: "1/1", calls: "1" });
  });

  it("hash-files: 6 items, and --trace writes a trace with one track per worker holding its shards", () => {
    const tracePath = join(scratch, "hash-files.json");
    const result = runExample("hash-files", "--trace", tracePath);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(6);
    expect(result.stderr).toContain("stage sha256File started: 6 items\n");
    expect(result.stderr).toMatch(/^stage sha256File done: 6\/6 items in \S+ m?s$/m);
    // min_worker_count: 4 gives the stage four lanes of the inline backend, each a worker.
    const row = summaryRow(result.stderr, "sha256File");
    expect(row).toMatchObject({ items: "6/6", calls: "6", failures: "0", workers: "4" });
    expect(row.utilisation).toMatch(/^(\d{1,3}%|-)$/);

    const trace = JSON.parse(readFileSync(tracePath, "utf8")) as TraceFile;
    expect(trace.displayTimeUnit).toBe("ms");
    const workerTracks = trace.traceEvents
      .filter((e) => e.ph === "M" && e.name === "thread_name" && e.pid === WORKERS_PID)
      .map((e) => [e.tid, (e.args as { name: string }).name] as const);
    // One track per worker, named after it.
    expect(new Set(workerTracks.map(([tid]) => tid)).size).toBe(workerTracks.length);
    for (const [tid, name] of workerTracks) expect(name).toBe(`worker ${tid}`);
    const shards = trace.traceEvents.filter((e) => e.ph === "X" && e.cat === "shard" && e.name === "sha256File");
    // Every file was hashed in exactly one successful shard, each on a worker that has its track.
    const items = shards.flatMap((shard) => {
      const args = shard.args as { first: number; items: number; ok: boolean };
      return args.ok ? Array.from({ length: args.items }, (_, i) => args.first + i) : [];
    });
    expect(items.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    const tracks = workerTracks.map(([tid]) => tid);
    for (const shard of shards) expect(tracks).toContain(shard.tid);
    // …and no track is left empty: each lane the stage opened ran one of them (there are more files than lanes).
    expect(new Set(shards.map((shard) => shard.tid))).toEqual(new Set(tracks));
    const stage = trace.traceEvents.find((e) => e.ph === "X" && e.cat === "stage" && e.name === "sha256File");
    expect(stage?.args).toMatchObject({ items: 6, ok: true });
  });

  it("--quiet prints only the JSON output", () => {
    const result = runExample("word-count", "--quiet");
    expect(result.status).toBe(0);
    expect(result.stderr).toBe("");
    expect((JSON.parse(result.stdout) as { chapters: number }).chapters).toBe(4);
  });

  it("counts a retried call: 4 items, 5 calls", () => {
    const result = flowc(["run", `${fixtures}/flaky/flaky.flow`, "--input", "4"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([0, 1, 4, 9]);
    expect(result.stderr).toMatch(/^stage square done: 4\/4 items in \S+ m?s, 1 retry$/m);
    expect(summaryRow(result.stderr, "square")).toMatchObject({
      items: "4/4",
      calls: "5",
      retries: "1",
      failures: "0",
    });
  });

  it("a failed run: the stage's failure line, the summary, then the reason and the method's stack last", () => {
    const result = flowc(["run", `${fixtures}/failing/failing.flow`, "--input", "4"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("stage invert started: 4 items\n");
    expect(result.stderr).toMatch(/^stage invert failed: \d\/4 items in \S+ m?s, 1 failure$/m);
    expect(result.stderr).toMatch(/^run failed in \S+ m?s$/m);
    expect(summaryRow(result.stderr, "invert")).toMatchObject({ failures: "1", retries: "0" });
    expect(result.stderr.trimEnd().split("\n").slice(-2)).toEqual([
      "flowc: run failed: Method 'invert' failed on item 2 after 1 attempt: cannot invert 2",
      `    at invert (${join(fixtures, "failing", "failing.methods.ts")}:7:22)`,
    ]);
  });

  it("--trace to a path that cannot be written exits 2 with a one-line reason, after the output", () => {
    const path = join(scratch, "no-such-dir", "t.json");
    const result = runExample("word-count", "--quiet", "--trace", path);
    expect(result.status).toBe(2);
    expect((JSON.parse(result.stdout) as { chapters: number }).chapters).toBe(4);
    expect(result.stderr).toBe(`flowc: cannot write ${path}: no such file\n`);
  });

  it("run --help documents --quiet and --trace", () => {
    const result = flowc(["run", "--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/-q, --quiet\s+print only the output/);
    expect(result.stdout).toMatch(/--trace <file>\s+write a Chrome trace/);
  });
});

/** util-linux `script`, which gives a command a pseudo-terminal; every Linux machine of the project has it. */
const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

describe("flowc run on a terminal", () => {
  // Skipped only where util-linux is missing (macOS ships a `script` with other flags).
  it.skipIf(!hasScript)("redraws a line per stage in place and ends on the final counts", () => {
    // `script` runs the command in a pseudo-terminal, so stderr is a TTY exactly as in an interactive shell.
    const command = [
      process.execPath,
      cliPath,
      "run",
      "examples/word-count/word-count.flow",
      "--input",
      "@examples/word-count/input.json",
    ]
      .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
      .join(" ");
    const result = spawnSync("script", ["-qfec", command, "/dev/null"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", TERM: "xterm" },
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    const screen = result.stdout;
    // Frames after the first move the cursor back up over the three stage lines.
    expect(screen).toContain("\x1b[3A");
    // eslint-disable-next-line no-control-regex
    const plain = screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replaceAll("\r", "");
    // A live line starts with the stage's status symbol; summary rows start with the stage's name.
    const finalFrame = (stage: string) =>
      plain
        .split("\n")
        .filter((line) => line.slice(1).startsWith(` ${stage} `))
        .at(-1);
    expect(finalFrame("splitChapters")).toMatch(/^✓ splitChapters +█{20} +1\/1 /);
    expect(finalFrame("countWords")).toMatch(/^✓ countWords +█{20} +4\/4 .* 0 retries$/);
    expect(finalFrame("mergeCounts")).toMatch(/^✓ mergeCounts +█{20} +1\/1 /);
    expect(plain).toMatch(/^run done in \S+ m?s$/m);
    expect(plain).toContain('"chapters": 4');
  });
});
