import type { WarmTypeScriptServices } from "../../typescript-services.js";
import { createTypeScript6Engine } from "./engine.js";
import { createProjectCache } from "./project.js";

/** The TypeScript services of TypeScript 6: `limit` projects kept, files that changed read again. */
export function typeScript6Services(limit?: number): WarmTypeScriptServices {
  const projects = createProjectCache(limit);
  const engine = createTypeScript6Engine(projects);
  return {
    version: 6,
    forManifest: async (path) => engine.projectFor(path),
    refresh(files) {
      const changed = [...files];
      for (const project of projects.projects()) {
        for (const file of changed) {
          const sourceFile = project.getSourceFile(file);
          if (sourceFile === undefined) continue;
          try {
            // Removes the file from the project when it no longer exists.
            sourceFile.refreshFromFileSystemSync();
          } catch {
            // Unreadable now (permissions, a directory): forget it; resolving it again reports what is wrong.
            project.removeSourceFile(sourceFile);
          }
        }
      }
      if (changed.length > 0) engine.forgetHosts();
    },
    forgetProject: (tsConfigPath) => projects.forget(tsConfigPath),
    close: () => engine.close(),
  };
}
