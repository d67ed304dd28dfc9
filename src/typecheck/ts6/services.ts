import type { WarmTypeScriptServices } from "../../typescript-services.js";
import { createTypeScript6Engine } from "./engine.js";
import { overlayFileSystem } from "./overlay-file-system.js";
import { createProjectCache } from "./project.js";

/**
 * The TypeScript services of TypeScript 6: `limit` projects kept, files that changed read
 * again, and files an editor holds unsaved read from memory (`overlay`).
 */
export function typeScript6Services(limit?: number): WarmTypeScriptServices {
  const overlays = new Map<string, string>();
  const projects = createProjectCache(limit, overlayFileSystem(overlays));
  const engine = createTypeScript6Engine(projects);
  const refresh = (files: Iterable<string>): void => {
    const changed = [...files];
    for (const project of projects.projects()) {
      for (const file of changed) {
        const sourceFile = project.getSourceFile(file);
        if (sourceFile === undefined) continue;
        try {
          // Reads through the overlays; removes the file from the project when it no longer exists.
          sourceFile.refreshFromFileSystemSync();
        } catch {
          // Unreadable now (permissions, a directory): forget it; resolving it again reports what is wrong.
          project.removeSourceFile(sourceFile);
        }
      }
    }
    if (changed.length > 0) engine.forgetHosts();
  };
  return {
    version: 6,
    forManifest: async (path) => engine.projectFor(path),
    refresh,
    overlay(file, text) {
      if (text === undefined) overlays.delete(file);
      else overlays.set(file, text);
      refresh([file]);
    },
    forgetProject: (tsConfigPath) => projects.forget(tsConfigPath),
    close: () => engine.close(),
  };
}
