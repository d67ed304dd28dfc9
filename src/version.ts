import { readFileSync } from "node:fs";

/**
 * The package version, read from flowc's own package.json. The lookup walks up
 * from this file because it runs both from `src/` (sources) and `dist/src/` (built).
 */
export const VERSION: string = readOwnVersion();

function readOwnVersion(): string {
  for (let dir = new URL(".", import.meta.url); ; dir = new URL("..", dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "flowc" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // No package.json at this level: keep walking up.
    }
    if (dir.pathname === "/") return "0.0.0";
  }
}
