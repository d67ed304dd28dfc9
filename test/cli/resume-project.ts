/**
 * A project of its own for each resume test: `x.flow` (`source → work →
 * total → report`, `work` parallel over 40 items in shards of 2, `report`
 * with `cache: false`), its methods and a helper module only `work` imports,
 * and the folders and files through which the test steers and counts the
 * calls wherever they run (this process, a worker thread, a `flowc worker`):
 *
 * - `phase`: a name the test writes before each run; every call reads it as
 *   it starts and writes it into its marker, so that each run's calls are
 *   counted apart (and a call left over from a killed run is told apart too);
 * - `markers/<method>~<item>~<phase>~<pid>~<random>`: one file per call,
 *   written as the call completes (`-` for the item of a single call);
 * - `hold-<phase>`, `blocked-<phase>`: while the first is there, item 30 of
 *   `work` writes the second and waits for the first to go, so that a run
 *   stays stuck mid-stage until the test lets it go;
 * - `fail-at`: an item `work` throws for (it first waits until every other
 *   item of its phase has completed, so that the stage fails late).
 *
 * The project's folder is written into its methods module, which makes each
 * project's code hashes, and so its plan's queues on the bullmq backend and
 * its calls' journal keys, its own.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { nodeProject } from "./helpers.js";

/** How many items `source` makes of the input the tests give. */
export const ITEMS = 40;

/** The item `work` waits on while the test holds it. */
export const BLOCKED = 30;

/** `report`'s output for an input of `ITEMS` and `work` squaring with a `scale`: the run's output. */
export function expectedOutput(scale: number): string {
  let sum = 0;
  for (let x = 0; x < ITEMS; x++) sum += x * x * scale;
  return `${JSON.stringify({ total: sum, items: ITEMS }, null, 2)}\n`;
}

const MANIFEST = `// The resume tests' manifest (test/cli/resume-project.ts).
source, work, total, report { execution_flow: sequential; }
work < execution_flow: parallel; min_worker_count: 2; shard_size: 2; >
report < cache: false; >
`;

/** The marked line of `total` that `editTotal` rewrites, and what it becomes (the same sum, other code). */
const TOTAL_LINE = "  return squares.reduce((sum, square) => sum + square, 0);";
const TOTAL_EDITED = "  let sum = 0;\n  for (const square of squares) sum += square;\n  return sum;";

function methodsModule(dir: string): string {
  return `import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { scale } from "./scale.js";

const dir = ${JSON.stringify(dir)};

/** The test's phase as a call starts. */
function phase(): string {
  return readFileSync(\`\${dir}/phase\`, "utf8");
}

/** Records a completed call. */
function mark(method: string, item: number | "-", phase: string): void {
  writeFileSync(\`\${dir}/markers/\${method}~\${item}~\${phase}~\${process.pid}~\${randomUUID()}\`, "", { flag: "wx" });
}

/** Items of \`work\` that completed in \`phase\`. */
function completed(phase: string): number {
  return new Set(
    readdirSync(\`\${dir}/markers\`)
      .map((name) => name.split("~"))
      .filter(([method, , of]) => method === "work" && of === phase)
      .map(([, item]) => item),
  ).size;
}

export function source(n: number): number[] {
  mark("source", "-", phase());
  return Array.from({ length: n }, (_, i) => i);
}

export async function work(x: number): Promise<number> {
  const now = phase();
  if (x === ${BLOCKED}) {
    if (existsSync(\`\${dir}/hold-\${now}\`)) writeFileSync(\`\${dir}/blocked-\${now}\`, "");
    while (existsSync(\`\${dir}/hold-\${now}\`)) await sleep(20);
  }
  if (existsSync(\`\${dir}/fail-at\`) && Number(readFileSync(\`\${dir}/fail-at\`, "utf8")) === x) {
    for (let waited = 0; completed(now) < ${ITEMS - 1} && waited < 30_000; waited += 20) await sleep(20);
    throw new Error(\`work cannot take \${x}\`);
  }
  mark("work", x, now);
  return x * x * scale;
}

export function total(squares: readonly number[]): number {
  mark("total", "-", phase());
${TOTAL_LINE}
}

export function report(total: number): { total: number; items: number } {
  mark("report", "-", phase());
  return { total, items: ${ITEMS} };
}
`;
}

/** The calls of one phase: how many of each method, and the items of \`work\` (ascending, a repeated call twice). */
export interface PhaseCalls {
  readonly calls: Readonly<Record<string, number>>;
  readonly work: readonly number[];
}

export class ResumeProject {
  /** The project's folder. */
  readonly dir: string;
  /** The manifest's absolute path. */
  readonly manifest: string;

  constructor(dir: string) {
    this.dir = dir;
    this.manifest = join(dir, "x.flow");
    mkdirSync(join(dir, "markers"), { recursive: true });
    nodeProject(dir);
    writeFileSync(this.manifest, MANIFEST);
    writeFileSync(join(dir, "x.methods.ts"), methodsModule(dir));
    writeFileSync(join(dir, "scale.ts"), "export const scale: number = 1;\n");
    this.phase("1");
  }

  /** Starts phase `name`: calls that start from now on count in it. */
  phase(name: string): void {
    writeFileSync(join(this.dir, "phase"), name);
  }

  /** Makes item 30 of `work` wait in phase `name` until `release`. */
  hold(name: string): void {
    writeFileSync(join(this.dir, `hold-${name}`), "");
  }

  /** Whether item 30 of `work` is waiting in phase `name`. */
  blocked(name: string): boolean {
    return existsSync(join(this.dir, `blocked-${name}`));
  }

  /** Lets item 30 of `work` go on in phase `name`. */
  release(name: string): void {
    rmSync(join(this.dir, `hold-${name}`));
  }

  /** Makes `work` throw for `item` (`undefined`: for none). */
  failAt(item: number | undefined): void {
    if (item === undefined) rmSync(join(this.dir, "fail-at"), { force: true });
    else writeFileSync(join(this.dir, "fail-at"), String(item));
  }

  /** The calls that completed in phase `name`. */
  calls(name: string): PhaseCalls {
    const calls: Record<string, number> = {};
    const work: number[] = [];
    for (const file of readdirSync(join(this.dir, "markers"))) {
      const [method = "", item = "", phase] = file.split("~");
      if (phase !== name) continue;
      calls[method] = (calls[method] ?? 0) + 1;
      if (method === "work") work.push(Number(item));
    }
    work.sort((a, b) => a - b);
    return { calls, work };
  }

  /** Rewrites `total`'s code, not what it computes; `work`'s code stays as it was. */
  editTotal(): void {
    const file = join(this.dir, "x.methods.ts");
    const text = readFileSync(file, "utf8");
    if (!text.includes(TOTAL_LINE)) throw new Error("total was edited already");
    writeFileSync(file, text.replace(TOTAL_LINE, TOTAL_EDITED));
  }

  /** Changes the helper module that only `work` reads: it now squares with a scale of `scale`. */
  editHelper(scale: number): void {
    writeFileSync(join(this.dir, "scale.ts"), `export const scale: number = ${scale};\n`);
  }
}

/** The distinct items of a list that may repeat one. */
export function distinct(items: readonly number[]): number[] {
  return [...new Set(items)];
}
