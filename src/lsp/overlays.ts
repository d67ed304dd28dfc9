/**
 * Methods modules open in the editor: while a buffer differs from its file, TypeScript reads
 * the buffer (`WarmTypeScriptServices.overlay`), so that the manifests see unsaved methods;
 * closed, the file on disk counts again.
 */
import { readFileSync } from "node:fs";
import type { WarmTypeScriptServices } from "../typescript-services.js";

export class Overlays {
  /** The files read from a buffer now, absolute. */
  private readonly active = new Set<string>();

  constructor(private readonly services: WarmTypeScriptServices) {}

  has(file: string): boolean {
    return this.active.has(file);
  }

  /** A module opened: read from the buffer only if it differs from the disk. Returns whether anything changed. */
  opened(file: string, text: string): boolean {
    if (readText(file) === text) return false;
    return this.changed(file, text);
  }

  /** Its buffer changed: read from it now. */
  changed(file: string, text: string): boolean {
    this.active.add(file);
    this.services.overlay(file, text);
    return true;
  }

  /** Closed (its changes saved or dropped): read from the disk again. Returns whether anything changed. */
  closed(file: string): boolean {
    if (!this.active.delete(file)) return false;
    this.services.overlay(file, undefined);
    return true;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
