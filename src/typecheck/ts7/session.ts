import { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { API, type Snapshot } from "typescript/unstable/sync";

/**
 * The native compiler's process and the one snapshot of it flowc reads: started on first
 * use, told which files changed (flowc's own files in memory, and the user's on disk) and
 * brought up to date only when asked, so that many changes cost one update.
 */
export class NativeSession {
  private api: API | undefined;
  private snapshot: Snapshot | undefined;
  /**
   * Files the compiler reads from here rather than from the disk: each project's tsconfig and
   * the probe files, which exist only here, and an editor's unsaved buffers (`write` too).
   */
  private readonly virtual = new Map<string, string>();
  private readonly toOpen = new Set<string>();
  private readonly toClose = new Set<string>();
  private readonly changes = new Set<string>();
  /** Every file the compiler read from the disk, in the order it first did. */
  private readonly read = new Set<string>();
  private closed = false;
  /** The compiler's process ended without being closed (killed, crashed): the session cannot answer again. */
  private ended = false;

  constructor(private readonly cwd: string) {}

  /** Writes (or, with `undefined`, removes) a file only the compiler sees. */
  write(file: string, text: string | undefined): void {
    // The same text again changes nothing: the compiler keeps its program, and what it checked of it.
    if (this.virtual.get(file) === text) return;
    if (text === undefined) this.virtual.delete(file);
    else this.virtual.set(file, text);
    this.changes.add(file);
  }

  /** The text of `file` as the compiler reads it: from memory, or else from the disk (`""` when unreadable). */
  textOf(file: string): string {
    const text = this.virtual.get(file);
    if (text !== undefined) return text;
    try {
      return readFileSync(file, "utf8");
    } catch {
      return "";
    }
  }

  /** The files on disk the compiler has read so far (sources, declarations, tsconfigs, package.json files). */
  filesRead(): ReadonlySet<string> {
    return this.read;
  }

  /** Says that files on disk changed (or appeared, or went away). */
  changed(files: Iterable<string>): void {
    for (const file of files) this.changes.add(file);
  }

  open(configPath: string): void {
    this.toClose.delete(configPath);
    this.toOpen.add(configPath);
  }

  release(configPath: string): void {
    this.toOpen.delete(configPath);
    this.toClose.add(configPath);
  }

  /** The snapshot with every change so far. */
  current(): Snapshot {
    if (this.closed) throw new Error("the TypeScript 7 session is closed");
    if (this.snapshot !== undefined && this.toOpen.size === 0 && this.toClose.size === 0 && this.changes.size === 0) {
      return this.snapshot;
    }
    const api = this.start();
    const next = api.updateSnapshot({
      openProjects: [...this.toOpen],
      closeProjects: [...this.toClose],
      fileChanges: { changed: [...this.changes] },
    });
    this.toOpen.clear();
    this.toClose.clear();
    this.changes.clear();
    this.snapshot?.dispose();
    this.snapshot = next;
    return next;
  }

  /** Whether the compiler's process ended on its own: a new session must take over. */
  get lost(): boolean {
    return this.ended;
  }

  /** Ends the compiler's process; the session cannot be used again. */
  close(): void {
    this.closed = true;
    const api = this.api;
    const snapshot = this.snapshot;
    this.api = undefined;
    this.snapshot = undefined;
    if (api === undefined) return;
    // Released while the compiler still answers: closing the API would ask it to, too late.
    snapshot?.dispose();
    // The API closes the process's pipes before it signals it, and the compiler, finding its input
    // closed, may print "context canceled" on the standard error it shares with flowc: it is ended
    // first, so that it prints nothing.
    nativeProcess(api)?.kill("SIGKILL");
    api.close();
  }

  /** Starts the compiler's process now; throws when it cannot start (no binary for this platform). */
  start(): API {
    if (this.api !== undefined) return this.api;
    const virtual = this.virtual;
    const read = this.read;
    this.api = new API({
      cwd: this.cwd,
      fs: {
        // `undefined` lets the compiler read the disk.
        readFile: (file) => {
          const text = virtual.get(file);
          if (text === undefined) read.add(file);
          return text;
        },
        fileExists: (file) => (virtual.has(file) ? true : undefined),
      },
    });
    nativeProcess(this.api)?.once("exit", () => {
      if (!this.closed) this.ended = true;
    });
    return this.api;
  }
}

/**
 * The compiler's process behind `api`. The API does not expose it: this reads the fields of
 * the exactly pinned TypeScript 7.0.2 (`client.channel.child`), and finds nothing, so that
 * closing falls back to the API's own, should they move.
 */
function nativeProcess(api: API): ChildProcess | undefined {
  const child = (api as unknown as { client?: { channel?: { child?: unknown } } }).client?.channel?.child;
  return child instanceof ChildProcess ? child : undefined;
}
