import type { TypeScriptServices } from "./compile.js";
import type { TypeScriptVersion } from "./typecheck/engine.js";
import { createTypeScript7Engine } from "./typecheck/ts7/engine.js";

/** The TypeScript version that type-checks when none is named. */
export const DEFAULT_TYPESCRIPT: TypeScriptVersion = 7;

export interface TypeScriptServicesOptions {
  /**
   * `--typescript 6|7`: the TypeScript that reads the methods. 7 is the native compiler, in a
   * process of its own; 6 runs in this process. Where 7 cannot start (no binary for the
   * platform), 6 takes over and `warn` says so.
   */
  readonly typescript?: TypeScriptVersion | undefined;
  /** How many projects to keep (TypeScript 6; `--watch` keeps them all). @default 4 */
  readonly projectLimit?: number | undefined;
  /** Where the warning that TypeScript 7 could not start goes; standard error by default. */
  readonly warn?: ((message: string) => void) | undefined;
}

/** TypeScript services with what a long-lived session needs to keep them warm. */
export interface WarmTypeScriptServices extends TypeScriptServices {
  /** Reads files that changed on disk again, and forgets the exports read before. */
  refresh(files: Iterable<string>): void;
  /** Forgets the project of a tsconfig that changed; the next compile makes it anew. */
  forgetProject(tsConfigPath: string): void;
  /**
   * Reads `file` (absolute) as `text` instead of what is on disk — an editor's unsaved
   * buffer — until called with `undefined`, which goes back to the disk. Forgets the exports
   * read before, as `refresh` does; every project sees it, those opened later too.
   */
  overlay(file: string, text: string | undefined): void;
  /** Whether the TypeScript that reads ended on its own; the next project asked for starts it again. */
  lost?(): boolean;
}

/**
 * TypeScript services for one `flowc` invocation: manifests under the same tsconfig
 * share one project (and its parsed libraries) and one module host. Nothing starts before
 * the first project is asked for: the native compiler's process then, or TypeScript 6,
 * loaded only when it is the one that reads (it costs half a second to load). Closing them
 * ends the TypeScript 7 compiler's process, so every command closes what it created.
 */
export function createTypeScriptServices(options: TypeScriptServicesOptions = {}): WarmTypeScriptServices {
  const wanted = options.typescript ?? DEFAULT_TYPESCRIPT;
  let engine: WarmTypeScriptServices | undefined;
  let starting: Promise<WarmTypeScriptServices> | undefined;
  // Kept here too, so that an engine that starts later reads them from its start.
  const overlays = new Map<string, string>();
  const start = async (): Promise<WarmTypeScriptServices> => {
    if (wanted === 7) {
      const native = createTypeScript7Engine();
      try {
        native.start();
        return {
          version: native.version,
          refresh: (files) => native.refresh(files),
          forgetProject: (tsConfigPath) => native.forgetProject(tsConfigPath),
          overlay: (file, text) => native.overlay(file, text),
          close: () => native.close(),
          forManifest: async (path) => native.projectFor(path),
          lost: () => native.lost,
        };
      } catch (error) {
        native.close();
        const reason = error instanceof Error ? error.message : String(error);
        (options.warn ?? warnOnStderr)(`TypeScript 7 could not start (${reason}); type-checking with TypeScript 6`);
      }
    }
    const { typeScript6Services } = await import("./typecheck/ts6/services.js");
    return typeScript6Services(options.projectLimit);
  };
  const current = async (): Promise<WarmTypeScriptServices> => {
    // The compiler's process ended on its own (killed, out of memory): a new one takes over, with
    // the overlays, and the projects are opened again as they are asked for.
    if (engine?.lost?.() === true) {
      try {
        engine.close();
      } catch {
        // Its process is gone already; what is left of it goes with the engine.
      }
      engine = undefined;
      starting = undefined;
      (options.warn ?? warnOnStderr)("TypeScript 7 stopped; it was started again");
    }
    starting ??= start().then((started) => {
      for (const [file, text] of overlays) started.overlay(file, text);
      return (engine = started);
    });
    return starting;
  };
  return {
    /** The TypeScript asked for, until the first project is opened; then the one that reads. */
    get version() {
      return engine?.version ?? wanted;
    },
    forManifest: async (path) => (await current()).forManifest(path),
    refresh: (files) => engine?.refresh(files),
    forgetProject: (tsConfigPath) => engine?.forgetProject(tsConfigPath),
    lost: () => engine?.lost?.() === true,
    overlay(file, text) {
      if (text === undefined) overlays.delete(file);
      else overlays.set(file, text);
      engine?.overlay(file, text);
    },
    close: () => {
      if (engine !== undefined) engine.close();
      // Still starting: close what starts as soon as it has.
      else
        void starting?.then(
          (started) => started.close(),
          // Nothing started, so nothing to close; the caller waiting on it hears why.
          () => undefined,
        );
    },
  };
}

function warnOnStderr(message: string): void {
  process.stderr.write(`flowc: warning: ${message}\n`);
}
