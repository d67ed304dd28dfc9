/**
 * Durable runs through the real `flowc run` on the inline and threads
 * backends, journaled in SQLite in `.flowc/` beside the manifest: a run
 * killed with `kill -9` mid-stage and resumed, a failure fixed and resumed,
 * code changes, `cache: false`, two resumes of one run at once, and a
 * journal that cannot be read (resume-scenarios.ts says what each checks).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { expectedOutput, ITEMS, ResumeProject } from "./resume-project.js";
import { resumeTests } from "./resume-scenarios.js";
import { ResumeSession, STEP_MS, type ResumeBackend } from "./resume-session.js";

const scratch = mkdtempSync(join(tmpdir(), "flowc-resume-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The rebuild cache of every project here: a manifest compiled once is not compiled again for its next run. */
const env = { FLOWC_CACHE_DIR: join(scratch, "cache") };

const sessions: ResumeSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.stop();
});

describe.each(["inline", "threads"] as const)("flowc run --backend %s: durable runs", (name) => {
  const backend: ResumeBackend = { name, runArgs: ["--backend", name], runsArgs: [], env, serve: async () => {} };
  let projects = 0;
  function session(): ResumeSession {
    const created = new ResumeSession(new ResumeProject(join(scratch, `${name}-${++projects}`)), backend);
    sessions.push(created);
    return created;
  }

  resumeTests(session, false);

  it(
    "a damaged journal is named and nothing runs; --no-journal runs without it",
    async () => {
      const current = session();
      const { project } = current;
      // The folder as a first run leaves it, then its database overwritten with garbage.
      const fresh = await current.run(["--resume"]);
      expect(fresh.status).toBe(2);
      const database = join(project.dir, ".flowc", "journal.db");
      const garbage = Buffer.from("not a database, only garbage ".repeat(200));
      writeFileSync(database, garbage);

      const failed = await current.run(["--input", String(ITEMS)]);
      expect(failed.status).toBe(1);
      expect(failed.stdout).toBe("");
      expect(failed.stderr).toBe(
        `flowc: The run journal at ${join(project.dir, ".flowc")} is corrupt or not a flowc journal: file is not a database.\n`,
      );
      expect(project.calls("1").calls).toEqual({});
      expect(readFileSync(database)).toEqual(garbage);

      const unjournaled = await current.run(["--input", String(ITEMS), "--no-journal"]);
      expect(unjournaled.status, unjournaled.stderr).toBe(0);
      expect(unjournaled.stdout).toBe(expectedOutput(1));
      expect(unjournaled.stderr).not.toContain("resume");
      expect(project.calls("1").calls).toEqual({ source: 1, work: ITEMS, total: 1, report: 1 });
      expect(readFileSync(database)).toEqual(garbage);
    },
    2 * STEP_MS,
  );
});
