/**
 * What the manifests depend on besides their own text — methods modules, the local files
 * those import, tsconfigs, package.json files — and what to do when one changes: on disk
 * (seen by the server's own watcher and reported by the editor, the same change often by
 * both) or in an editor's unsaved buffer. A change on disk counts once, however many report
 * it: a file is looked at only when its content differs from what was last seen of it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { WarmTypeScriptServices } from "../typescript-services.js";
import type { Manifest, Manifests } from "./manifests.js";

/** A file an import may name: where a method not found until now may appear. */
export const MODULE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** Files that decide how the methods are read rather than what they say. */
const SETTINGS_FILE = /^(?:tsconfig.*\.json|package\.json)$/;

export interface DependenciesOptions {
  /** Changes closer together than this are handled together (a save, a checkout, touch several files). */
  readonly debounceMs: number;
  /** Whether `file` is held in an editor's buffer, which then counts rather than the disk. */
  readonly buffered: (file: string) => boolean;
  /** Told of the manifests the changes concern, after they were asked to compile again. */
  readonly invalidated: (manifests: readonly Manifest[]) => void;
  /** Told of the files found changed on disk, and of how many manifests they concern. */
  readonly report: (files: readonly string[], manifests: number) => void;
}

export class Dependencies {
  /** What each file held when it was last looked at: a hash of its content, `""` when missing. */
  private readonly seen = new Map<string, string>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly services: WarmTypeScriptServices,
    private readonly manifests: Manifests,
    private readonly options: DependenciesOptions,
  ) {}

  /** Every file whose change concerns an open manifest (absolute), and the folder of each manifest. */
  watched(): { files: Set<string>; folders: Set<string> } {
    const files = new Set<string>();
    const folders = new Set<string>();
    for (const manifest of this.manifests.all()) {
      folders.add(path.dirname(manifest.path));
      for (const file of manifest.dependencies) files.add(file);
      if (manifest.tsConfig !== undefined) files.add(manifest.tsConfig);
    }
    for (const file of files) folders.add(path.dirname(file));
    return { files, folders };
  }

  /**
   * Files changed on disk (created, changed or deleted: which, watchers do not all tell
   * alike); handled together once the changes pause.
   */
  changedOnDisk(files: Iterable<string>): void {
    for (const file of files) this.pending.add(path.resolve(file));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.options.debounceMs);
  }

  /** An editor's buffer of `file` changed (or was closed, going back to the disk): read already by TypeScript. */
  changedInBuffer(file: string): void {
    this.invalidate(this.concerned([file]));
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private flush(): void {
    this.timer = undefined;
    const changes = [...this.pending];
    this.pending.clear();
    const changed: string[] = [];
    for (const file of changes) {
      if (this.options.buffered(file) || !this.matters(file)) continue;
      const content = contentOf(file);
      const before = this.seen.get(file);
      this.seen.set(file, content);
      if (before === content) continue;
      changed.push(file);
    }
    if (changed.length === 0) return;
    const settings = changed.filter((file) => SETTINGS_FILE.test(path.basename(file)));
    if (settings.length > 0) {
      // A tsconfig (or one it extends, or a package.json) decides the project: every project is read anew.
      for (const manifest of this.manifests.all()) {
        if (manifest.tsConfig !== undefined) this.services.forgetProject(manifest.tsConfig);
      }
      this.services.refresh(changed);
      this.invalidate(this.manifests.all(), changed);
      return;
    }
    this.services.refresh(changed);
    this.invalidate(this.concerned(changed), changed);
  }

  /**
   * Whether a change to `file` may concern an open manifest, before its content is read (a
   * checkout reports thousands of files): a file one depends on, a tsconfig, a package.json
   * above one of them, any module file while a method is not found (it may have appeared:
   * watchers do not all tell a file created from one changed).
   */
  private matters(file: string): boolean {
    const manifests = [...this.manifests.all()];
    if (manifests.some((manifest) => manifest.dependencies.has(file) || manifest.tsConfig === file)) return true;
    const name = path.basename(file);
    if (name.startsWith("tsconfig") && name.endsWith(".json")) return true;
    if (name === "package.json") {
      const folder = path.dirname(file) + path.sep;
      return manifests.some(
        (manifest) =>
          manifest.path.startsWith(folder) ||
          [...manifest.dependencies].some((dependency) => dependency.startsWith(folder)),
      );
    }
    return MODULE_FILE.test(file) && manifests.some((manifest) => manifest.unresolved);
  }

  /** The manifests that depend on one of `files`, and, when one is a module file, those with a module not found. */
  private concerned(files: readonly string[]): Manifest[] {
    const newModule = files.some((file) => MODULE_FILE.test(file));
    return [...this.manifests.all()].filter(
      (manifest) => (newModule && manifest.unresolved) || files.some((file) => manifest.dependencies.has(file)),
    );
  }

  private invalidate(manifests: Iterable<Manifest>, changedOnDisk?: readonly string[]): void {
    const concerned = [...manifests];
    if (changedOnDisk !== undefined) this.options.report(changedOnDisk, concerned.length);
    if (concerned.length === 0) return;
    this.manifests.invalidate(concerned);
    this.options.invalidated(concerned);
  }
}

/** A hash of the file's content; `""` when it cannot be read (gone, or a folder). */
function contentOf(file: string): string {
  try {
    return createHash("sha1").update(readFileSync(file)).digest("base64");
  } catch {
    return "";
  }
}
