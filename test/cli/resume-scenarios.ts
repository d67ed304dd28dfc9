/**
 * Durable runs through the real CLI, one scenario per function, for every
 * backend (`resumeTests` registers them: resume.test.ts for inline and
 * threads, test/bullmq/resume.bullmq.test.ts for bullmq with `flowc worker`
 * processes). Each runs in a project of its own
 * (resume-project.ts) and counts, with marker files, which calls each run
 * made: a call whose output the journal stored must never be made again, a
 * call it did not store must be, and a resumed run must print what an
 * uninterrupted one prints.
 *
 * How many outputs a killed or failed run stored depends on where the
 * backend's shards stood (an item is stored when its shard's answer
 * arrives), so the checks take that number from the journal after the fact
 * (`flowc runs show`) rather than assuming it.
 */
import { hostname } from "node:os";
import { expect, it } from "vitest";
import { BLOCKED, distinct, expectedOutput, ITEMS, type PhaseCalls } from "./resume-project.js";
import {
  eventually,
  exited,
  hintedId,
  methodOf,
  STEP_MS,
  type ResumeSession,
  type ShownRun,
} from "./resume-session.js";

/** The item `work` fails on in the failure scenario: the last, so that the stage fails late. */
const FAILING = ITEMS - 1;

/**
 * Checks a resumed phase against the run before it: the items of `work` made again are
 * exactly those the journal had not stored (`stored` of them were), `must` among them,
 * each one made before if it was not made again; `total` and `report` once, `source` not.
 */
function expectResumedCalls(before: PhaseCalls, after: PhaseCalls, stored: number, must: number): void {
  const again = distinct(after.work);
  expect(again).toContain(must);
  expect(again).toHaveLength(ITEMS - stored);
  for (let item = 0; item < ITEMS; item++) {
    if (!again.includes(item)) expect(before.work, `item ${item} was neither stored nor made again`).toContain(item);
  }
  expect(after.calls["source"]).toBeUndefined();
  expect(after.calls["total"]).toBe(1);
  expect(after.calls["report"]).toBe(1);
}

/** `text` as a regular expression matches it. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A resumed run's record: ok, resumed once, `work`'s stored outputs reused and the rest made. */
function expectResumedRecord(run: ShownRun, stored: number): void {
  expect(run.status).toBe("ok");
  expect(run.resumes).toBe(1);
  expect(run.failedMethod).toBeNull();
  expect(methodOf(run, "source")).toMatchObject({ status: "ok", calls: 0, reused: 1, stored: 1 });
  expect(methodOf(run, "work")).toMatchObject({ status: "ok", calls: ITEMS - stored, reused: stored, stored: ITEMS });
  expect(methodOf(run, "total")).toMatchObject({ status: "ok", calls: 1, reused: 0, stored: 1 });
  // cache: false
  expect(methodOf(run, "report")).toMatchObject({ status: "ok", calls: 1, reused: 0, stored: 0 });
}

/**
 * `kill -9` of `flowc run` stuck mid-stage, once every item that completed is stored;
 * `--resume` (the manifest's last run) makes only the calls it had not stored, while a
 * second `--resume` of the same run is refused; `flowc runs` says interrupted, running, ok.
 * With `killWorkers`, whatever served the methods is killed with the run and started anew.
 */
export async function killedMidStage(session: ResumeSession, killWorkers = false): Promise<void> {
  const { project } = session;
  await session.backend.serve(project);
  project.hold("1");
  const first = session.start(["--input", String(ITEMS)]);
  let id: string | undefined;
  await eventually(() => (id = hintedId(first.stderr())) !== undefined, "the resume hint", exited(first));
  if (id === undefined) throw new Error("no run id");
  const runId = id;

  // Stuck on item 30 with most items done, and every item done stored (the same counts twice in a row).
  let last = "";
  await eventually(
    async () => {
      const done = distinct(project.calls("1").work).length;
      if (!project.blocked("1") || done < 30) return false;
      const stored = methodOf(await session.show(runId), "work").stored;
      const seen = `${done}/${stored}`;
      const settled = stored === done && seen === last;
      last = seen;
      return settled;
    },
    "the stage to stop at item 30 with its completed items stored",
    exited(first),
  );
  first.child.kill("SIGKILL");
  const killed = await first.result;
  expect(killed.status).toBeNull();
  expect(killed.stdout).toBe("");
  if (killWorkers) await session.backend.restartKilled?.(project);

  const before = project.calls("1");
  expect(before.work).not.toContain(BLOCKED);
  expect(before.calls["total"]).toBeUndefined();
  const interrupted = await session.show(runId);
  expect(interrupted.status).toBe("interrupted");
  const stored = methodOf(interrupted, "work").stored;
  expect(stored).toBeGreaterThanOrEqual(30);
  expect(stored).toBeLessThanOrEqual(distinct(before.work).length);
  expect(await session.list()).toEqual([{ id: runId, status: "interrupted" }]);

  // The resume waits on item 30 again until a second resume of the run has been refused.
  project.phase("2");
  project.hold("2");
  const resumed = session.start(["--resume"]);
  await eventually(() => project.blocked("2"), "the resumed run to reach item 30", exited(resumed));
  expect(hintedId(resumed.stderr())).toBe(runId);
  expect(resumed.stderr()).toContain(`flowc: resuming run ${runId} (journal `);
  const busy = await session.run(["--resume", runId]);
  expect(busy.status).toBe(1);
  expect(busy.stdout).toBe("");
  // Refused before anything is compiled or run: the one line, and nothing else.
  expect(busy.stderr).toMatch(
    new RegExp(
      `^flowc: Run '${runId}' is going in another process \\(${escape(hostname())}:${resumed.child.pid}, since [^\\n]*\\n$`,
    ),
  );
  expect(busy.stderr).not.toMatch(/^\s+at /m);
  expect(await session.list()).toEqual([{ id: runId, status: "running" }]);

  project.release("2");
  const done = await resumed.result;
  expect(done.status, done.stderr).toBe(0);
  expect(done.stdout).toBe(expectedOutput(1));
  expectResumedCalls(before, project.calls("2"), stored, BLOCKED);
  expectResumedRecord(await session.show(runId), stored);
  expect(await session.list()).toEqual([{ id: runId, status: "ok" }]);
}

/**
 * A run that fails on one item for a reason in its data says which method and item, and
 * how to resume; once the data is fixed, `--resume <id>` makes only the calls not stored.
 */
export async function failedThenFixed(session: ResumeSession): Promise<void> {
  const { project } = session;
  await session.backend.serve(project);
  project.failAt(FAILING);
  const failed = await session.run(["--input", String(ITEMS)]);
  expect(failed.status).toBe(1);
  expect(failed.stdout).toBe("");
  const id = hintedId(failed.stderr);
  if (id === undefined) throw new Error(`no resume hint in:\n${failed.stderr}`);
  expect(failed.stderr).toContain(`to resume it: flowc run x.flow --resume ${id}\n`);
  expect(failed.stderr).toMatch(
    new RegExp(
      `^flowc: run failed: Method 'work' failed on item ${FAILING} after 1 attempt: work cannot take ${FAILING}$`,
      "m",
    ),
  );

  const before = project.calls("1");
  expect(before.work).not.toContain(FAILING);
  expect(before.calls["total"]).toBeUndefined();
  const record = await session.show(id);
  expect(record).toMatchObject({ status: "failed", failedMethod: "work", resumes: 0 });
  const stored = methodOf(record, "work").stored;
  expect(stored).toBeLessThanOrEqual(distinct(before.work).length);

  project.failAt(undefined);
  project.phase("2");
  const resumed = await session.run(["--resume", id]);
  expect(resumed.status, resumed.stderr).toBe(0);
  expect(resumed.stdout).toBe(expectedOutput(1));
  expectResumedCalls(before, project.calls("2"), stored, FAILING);
  expectResumedRecord(await session.show(id), stored);
}

/**
 * Resuming a completed run remakes only the `cache: false` method; a new run with
 * `--resume --input` after an edit of `total` reuses every call of `work` and remakes
 * `total`; after an edit of the helper only `work` imports, `work` is remade, and what
 * its new outputs reach. `flowc runs clean --keep 1` then leaves the newest run alone.
 */
export async function codeChanged(session: ResumeSession): Promise<void> {
  const { project } = session;
  await session.backend.serve(project);
  const first = await session.run(["--input", String(ITEMS)]);
  expect(first.status, first.stderr).toBe(0);
  expect(first.stdout).toBe(expectedOutput(1));
  const firstId = hintedId(first.stderr) ?? "";
  const made = project.calls("1");
  expect(made.calls).toEqual({ source: 1, work: ITEMS, total: 1, report: 1 });
  expect(distinct(made.work)).toHaveLength(ITEMS);

  // Nothing changed: only `report` (cache: false) is called again.
  project.phase("2");
  const again = await session.run(["--resume", firstId]);
  expect(again.status, again.stderr).toBe(0);
  expect(again.stdout).toBe(expectedOutput(1));
  expect(project.calls("2").calls).toEqual({ report: 1 });
  const resumed = await session.show(firstId);
  expect(resumed).toMatchObject({ status: "ok", resumes: 1 });
  expect(methodOf(resumed, "work")).toMatchObject({ calls: 0, reused: ITEMS });
  expect(methodOf(resumed, "report")).toMatchObject({ calls: 1, reused: 0, stored: 0 });

  // `total`'s code changed, not `work`'s: a new run reusing stored calls remakes `total` alone.
  project.editTotal();
  await session.backend.serve(project);
  project.phase("3");
  const edited = await session.run(["--resume", "--input", String(ITEMS)]);
  expect(edited.status, edited.stderr).toBe(0);
  expect(edited.stdout).toBe(expectedOutput(1));
  const editedId = hintedId(edited.stderr) ?? "";
  expect(edited.stderr).toContain(`flowc: run ${editedId} (journal `);
  expect(editedId).not.toBe(firstId);
  expect(project.calls("3").calls).toEqual({ total: 1, report: 1 });
  const third = await session.show(editedId);
  expect(third).toMatchObject({ status: "ok", resumes: 0 });
  expect(methodOf(third, "source")).toMatchObject({ calls: 0, reused: 1 });
  expect(methodOf(third, "work")).toMatchObject({ calls: 0, reused: ITEMS });
  expect(methodOf(third, "total")).toMatchObject({ calls: 1, reused: 0 });

  // The helper only `work` imports changed: every call of `work` is made again, and `total` with its new input.
  project.editHelper(2);
  await session.backend.serve(project);
  project.phase("4");
  const helper = await session.run(["--resume", "--input", String(ITEMS)]);
  expect(helper.status, helper.stderr).toBe(0);
  expect(helper.stdout).toBe(expectedOutput(2));
  const helperId = hintedId(helper.stderr) ?? "";
  const fourth = project.calls("4");
  expect(fourth.calls).toEqual({ work: ITEMS, total: 1, report: 1 });
  expect(distinct(fourth.work)).toHaveLength(ITEMS);
  expect(methodOf(await session.show(helperId), "work")).toMatchObject({ calls: ITEMS, reused: 0 });

  expect(await session.list()).toEqual([
    { id: helperId, status: "ok" },
    { id: editedId, status: "ok" },
    { id: firstId, status: "ok" },
  ]);
  const clean = await session.runs(["clean", "--keep", "1"]);
  expect(clean.status, clean.stderr).toBe(0);
  expect(clean.stdout).toMatch(/^removed 2 runs from /);
  expect(await session.list()).toEqual([{ id: helperId, status: "ok" }]);
  const gone = await session.runs(["show", firstId]);
  expect(gone.status).toBe(1);
  expect(gone.stderr).toContain(`no run '${firstId}' in `);
}

/**
 * `--resume` with no run to resume is a usage error, and `--resume <id>` of a run the
 * journal does not have is refused by name; both before anything is compiled or run.
 */
export async function nothingToResume(session: ResumeSession): Promise<void> {
  const { project } = session;
  const none = await session.run(["--resume"]);
  expect(none.status).toBe(2);
  expect(none.stderr).toMatch(/^flowc: no run of x\.flow to resume in .+\n$/);
  const unknown = await session.run(["--resume", "20260101-000000-none"]);
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toMatch(/^flowc: no run '20260101-000000-none' in .+; 'flowc runs' lists them\n$/);
  expect(project.calls("1").calls).toEqual({});
}

/**
 * Registers the scenarios every backend shares, each on a new project's session. With
 * `servedApart` (the methods run in processes of their own, which the backend's `restartKilled`
 * kills and starts again), the killed run is tried twice: with those processes left alone, and
 * killed with it.
 */
export function resumeTests(session: () => ResumeSession, servedApart: boolean): void {
  const killed = servedApart
    ? "a caller killed with SIGKILL mid-stage, its workers left running,"
    : "a run killed with SIGKILL mid-stage";
  it(`${killed} resumes with only the calls it had not stored`, () => killedMidStage(session()), 4 * STEP_MS);
  if (servedApart) {
    it(
      "a caller killed with SIGKILL mid-stage with its workers resumes on new workers",
      () => killedMidStage(session(), true),
      4 * STEP_MS,
    );
  }
  it("a run failing on one item resumes once its data is fixed", () => failedThenFixed(session()), 3 * STEP_MS);
  it(
    "a changed method is made again with what it reaches; cache: false always; runs clean --keep",
    () => codeChanged(session()),
    6 * STEP_MS,
  );
  it(
    "--resume with no run, or an unknown one, is refused before anything runs",
    () => nothingToResume(session()),
    STEP_MS,
  );
}
