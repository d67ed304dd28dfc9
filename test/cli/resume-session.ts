/**
 * How the resume tests drive the real CLI on one backend: `flowc run` and
 * `flowc runs` in a project's folder with the backend's arguments, the run
 * journal read back through `flowc runs … --json`, and waits on conditions
 * (never fixed sleeps) with deadlines generous enough for a loaded machine.
 */
import { expect } from "vitest";
import { startFlowc, type CliResult, type StartedFlowc } from "./helpers.js";
import type { ResumeProject } from "./resume-project.js";

/** What a backend needs for the resume tests. */
export interface ResumeBackend {
  readonly name: "inline" | "threads" | "bullmq";
  /** What `flowc run` is given besides the manifest and the journal flags. */
  readonly runArgs: readonly string[];
  /** What `flowc runs` is given to read the runs' journal (besides `--manifest`). */
  readonly runsArgs: readonly string[];
  /** Variables added to the environment of every command. */
  readonly env: Readonly<Record<string, string>>;
  /** Before a project's first run and after its code changed: (re)starts whatever serves its methods. */
  serve(project: ResumeProject): Promise<void>;
  /** Kills whatever served the project's methods (`kill -9`) and starts it again; `undefined` when nothing does. */
  readonly restartKilled?: (project: ResumeProject) => Promise<void>;
}

/** A method's record in `flowc runs show --json`. */
export interface ShownMethod {
  readonly method: string;
  readonly status: string;
  readonly calls: number;
  readonly reused: number;
  readonly stored: number;
}

/** A run as `flowc runs show --json` prints it. */
export interface ShownRun {
  readonly id: string;
  readonly status: string;
  readonly resumes: number;
  readonly failedMethod: string | null;
  readonly owner: { readonly host: string; readonly pid: number } | null;
  readonly methods: readonly ShownMethod[];
}

/** How long a step may take before the test gives up on it: many compiles' worth on a loaded machine. */
export const STEP_MS = 90_000;

/** The commands of one project on one backend. */
export class ResumeSession {
  readonly project: ResumeProject;
  readonly backend: ResumeBackend;
  readonly #started: StartedFlowc[] = [];

  constructor(project: ResumeProject, backend: ResumeBackend) {
    this.project = project;
    this.backend = backend;
  }

  /** Starts `flowc run x.flow <args>` in the project's folder, on the backend. */
  start(args: readonly string[]): StartedFlowc {
    const started = this.#flowc(["run", "x.flow", ...args, ...this.backend.runArgs]);
    this.#started.push(started);
    return started;
  }

  /** `flowc run x.flow <args>` to its end. */
  run(args: readonly string[]): Promise<CliResult> {
    return this.start(args).result;
  }

  /** `flowc runs <args> --manifest x.flow` (with the backend's journal) to its end. */
  runs(args: readonly string[]): Promise<CliResult> {
    return this.#flowc(["runs", ...args, "--manifest", "x.flow", ...this.backend.runsArgs]).result;
  }

  /** The run `id` as `flowc runs show --json` prints it. */
  async show(id: string): Promise<ShownRun> {
    const result = await this.runs(["show", id, "--json"]);
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as ShownRun;
  }

  /** The runs of the manifest, newest first, as `flowc runs --json` lists them: id and status. */
  async list(): Promise<{ readonly id: string; readonly status: string }[]> {
    const result = await this.runs(["list", "--json"]);
    expect(result.status, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as ShownRun[]).map(({ id, status }) => ({ id, status }));
  }

  /** Kills every command this session started that is still going. */
  stop(): void {
    for (const { child } of this.#started.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }

  #flowc(args: readonly string[]): StartedFlowc {
    return startFlowc(args, { cwd: this.project.dir, env: this.backend.env });
  }
}

/** A method's record in a shown run. */
export function methodOf(run: ShownRun, name: string): ShownMethod {
  const method = run.methods.find((record) => record.method === name);
  if (method === undefined) throw new Error(`run ${run.id} has no record of '${name}'`);
  return method;
}

/** The journal id in a `flowc run`'s resume hint (`run <id> (journal …)` or `resuming run <id> (journal …)`). */
export function hintedId(stderr: string): string | undefined {
  return /^flowc: (?:resuming )?run (\S+) \(journal /m.exec(stderr)?.[1];
}

/** Polls `condition` until it holds; fails after `ms`, or at once when `failed` says why the wait is vain. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  failed: () => string | undefined = () => undefined,
  ms = STEP_MS,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reason = failed();
    if (reason !== undefined) throw new Error(`while waiting for ${what}: ${reason}`);
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Why waiting on `started` is vain: it exited. */
export function exited(started: StartedFlowc): () => string | undefined {
  return () => {
    const { exitCode, signalCode } = started.child;
    if (exitCode === null && signalCode === null) return undefined;
    return `flowc exited (${String(exitCode ?? signalCode)}); stderr:\n${started.stderr()}`;
  };
}
