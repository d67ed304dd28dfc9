import { spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flowc, nodeProject, root } from "./helpers.js";

/**
 * How flowc writes and reads files: a failed write leaves the file that was there whole,
 * a link at a runner's path is replaced rather than written through, and what is not a
 * file is refused rather than read.
 */
const scratch = mkdtempSync(join(tmpdir(), "flowc-writes-"));
nodeProject(scratch);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the no-input fixture (a manifest and its methods) in a folder of its own. */
function project(name: string): string {
  const dir = join(scratch, name);
  cpSync(join(root, "test/fixtures/cli/no-input"), dir, { recursive: true });
  return dir;
}

const temporaryFiles = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith(".tmp"));

describe("a write that fails halfway", () => {
  it("build: the runner that was there stays whole, no temporary file is left, exit 2 naming the cause", () => {
    const dir = project("full-build");
    expect(flowc(["build", "no-input.flow"], { cwd: dir }).status).toBe(0);
    const runner = join(dir, "no-input.flow.ts");
    const good = readFileSync(runner, "utf8");
    expect(good.length).toBeGreaterThan(2048);

    writeFileSync(
      join(dir, "no-input.flow"),
      "greeting, shout { execution_flow: sequential; }\nshout { retries: 2; }\n",
    );
    const result = flowc(["build", "no-input.flow"], { cwd: dir, fileSizeLimit: 2 });
    expect(result.stderr).toBe("flowc: cannot write no-input.flow.ts: file too large\n");
    expect(result.status).toBe(2);
    expect(readFileSync(runner, "utf8")).toBe(good);
    expect(temporaryFiles(dir)).toEqual([]);
  });

  it("fmt: the manifest stays whole; without the limit, fmt writes through a link and keeps the permissions", () => {
    const dir = project("full-fmt");
    const messy = readFileSync(join(root, "test/fixtures/cli/messy/messy.flow"), "utf8");
    // Padded with comments, which fmt keeps, so that the formatted text is larger than the limit.
    const manifest = join(dir, "messy.flow");
    writeFileSync(manifest, `${messy}\n${"// a comment that fmt keeps, to make the file large\n".repeat(60)}`);
    chmodSync(manifest, 0o640);
    const before = readFileSync(manifest, "utf8");

    const full = flowc(["fmt", "messy.flow"], { cwd: dir, fileSizeLimit: 2 });
    expect(full.stderr).toBe("flowc: cannot write messy.flow: file too large\n");
    expect(full.status).toBe(2);
    expect(readFileSync(manifest, "utf8")).toBe(before);
    expect(temporaryFiles(dir)).toEqual([]);

    symlinkSync("messy.flow", join(dir, "link.flow"));
    const formatted = flowc(["fmt", "link.flow"], { cwd: dir });
    expect(formatted.status).toBe(0);
    expect(readlinkSync(join(dir, "link.flow"))).toBe("messy.flow");
    expect(readFileSync(manifest, "utf8")).not.toBe(before);
    expect(statSync(manifest).mode & 0o777).toBe(0o640);
    expect(flowc(["fmt", "--check", "messy.flow"], { cwd: dir }).status).toBe(0);
  });
});

describe("a runner whose code has not changed", () => {
  it("is not written again: its modification time stays, and build says it is unchanged", () => {
    const dir = project("unchanged");
    const runner = join(dir, "no-input.flow.ts");
    expect(flowc(["build", "no-input.flow"], { cwd: dir }).stderr).toBe("wrote no-input.flow.ts\n");
    const long = new Date("2001-02-03T04:05:06Z");
    utimesSync(runner, long, long);

    const again = flowc(["build", "no-input.flow"], { cwd: dir });
    expect(again.stderr).toBe("unchanged no-input.flow.ts\n");
    expect(again.status).toBe(0);
    expect(statSync(runner).mtime).toEqual(long);

    writeFileSync(
      join(dir, "no-input.flow"),
      "greeting, shout { execution_flow: sequential; }\nshout { retries: 2; }\n",
    );
    expect(flowc(["build", "no-input.flow"], { cwd: dir }).stderr).toBe("wrote no-input.flow.ts\n");
    expect(statSync(runner).mtime).not.toEqual(long);
  });
});

describe("a symbolic link at a runner's path", () => {
  it("is replaced by the runner; the file it pointed to is left alone", () => {
    const dir = project("link");
    writeFileSync(join(dir, "kept.ts"), "// the user's own file\n");
    symlinkSync("kept.ts", join(dir, "no-input.flow.ts"));
    const result = flowc(["build", "no-input.flow"], { cwd: dir });
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, "kept.ts"), "utf8")).toBe("// the user's own file\n");
    expect(lstatSync(join(dir, "no-input.flow.ts")).isFile()).toBe(true);
    expect(readFileSync(join(dir, "no-input.flow.ts"), "utf8")).toMatch(/do not edit/i);
  });
});

describe("a manifest that is not a file", () => {
  const dir = project("fifo");
  const made = spawnSync("mkfifo", [join(dir, "pipe.flow")]);

  const commands: readonly (readonly string[])[] = [
    ["check", "pipe.flow"],
    ["check", "pipe.flow", "--watch"],
    ["build", "pipe.flow"],
    ["build", "pipe.flow", "--watch"],
    ["run", "pipe.flow"],
    ["graph", "pipe.flow"],
    ["fmt", "pipe.flow"],
  ];
  for (const args of commands) {
    it(`flowc ${args.join(" ")}: refused at once with one line, exit 2`, () => {
      expect(made.status, "mkfifo").toBe(0);
      const result = flowc(args, { cwd: dir });
      expect(result.stderr).toMatch(/^flowc: cannot read pipe\.flow: is a named pipe, not a file\n/);
      expect(result.status).toBe(2);
    });
  }
});
