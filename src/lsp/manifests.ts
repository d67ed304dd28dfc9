/**
 * The manifests open in the editor and the compile loop that keeps what the compiler made of
 * each up to date: a change asks for a new compilation after a short pause (typing goes on),
 * a request that needs the current text asks for it at once; one compilation runs at a time,
 * the latest text of each manifest is what gets compiled, and a compilation of a text that
 * changed meanwhile is never reported as current.
 */
import type { TextDocument } from "vscode-languageserver-textdocument";
import { createSourceText } from "../../grammar/source.js";
import { compile, type CompileResult } from "../compile.js";
import type { ManifestState } from "../language/types.js";
import type { TypedPlan } from "../typecheck/types.js";
import type { WarmTypeScriptServices } from "../typescript-services.js";
import { describeError } from "./handlers.js";

/** A compilation of one text of a manifest. */
export interface Compiled {
  /** The document version compiled. */
  readonly version: number;
  /** Counts the compilations asked for: a newer text, or changed methods, asks for a new one. */
  readonly generation: number;
  /** Tells this compilation from every other of the session, of any manifest. */
  readonly serial: number;
  /** What the compiler made of it; `undefined` when compiling threw, with `failure` saying why. */
  readonly state: ManifestState | undefined;
  readonly failure: string | undefined;
}

let compilations = 0;

/** One manifest open in the editor. */
export class Manifest {
  /** The latest compilation, possibly of an older text. */
  compiled: Compiled | undefined;
  /** The methods modules, the local files they import and the files hashed for the plan (absolute). */
  dependencies: ReadonlySet<string> = new Set();
  /** The tsconfig its methods are read under. */
  tsConfig: string | undefined;
  /** Whether a method's module was not found: a new file might be it. */
  unresolved = false;
  /** The generation the next compilation will have. */
  requested = 1;
  timer: NodeJS.Timeout | undefined;
  closed = false;
  private lastTyped: TypedPlan | undefined;
  readonly waiters: { readonly generation: number; readonly done: () => void }[] = [];

  constructor(
    readonly uri: string,
    readonly path: string,
    public document: TextDocument,
  ) {}

  /** Whether the latest compilation is of everything as it is now. */
  get upToDate(): boolean {
    return this.compiled?.generation === this.requested;
  }

  /** Records a compilation and what it learnt of the files the manifest depends on. */
  record(generation: number, version: number, result: Outcome): Compiled {
    if (result.kind === "failed") {
      this.compiled = { version, generation, serial: ++compilations, state: undefined, failure: result.message };
    } else {
      this.lastTyped = result.compiled.typed ?? this.lastTyped;
      const state: ManifestState = {
        source: result.compiled.source,
        compiled: result.compiled,
        host: result.host,
        lastTyped: this.lastTyped,
      };
      this.compiled = { version, generation, serial: ++compilations, state, failure: undefined };
      // A manifest that does not parse resolves nothing: the files it had still concern it.
      if (result.dependencies !== undefined) this.dependencies = result.dependencies;
      this.tsConfig = result.tsConfig ?? this.tsConfig;
      if (result.compiled.resolution !== undefined) {
        this.unresolved = [...result.compiled.resolution.bindings.values()].some((b) => b.modulePath === undefined);
      }
    }
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.generation <= generation) waiter.done();
      else this.waiters.push(waiter);
    }
    return this.compiled;
  }
}

type Outcome =
  | {
      readonly kind: "compiled";
      readonly compiled: CompileResult;
      readonly host: ManifestState["host"];
      readonly dependencies: ReadonlySet<string> | undefined;
      readonly tsConfig: string | undefined;
    }
  | { readonly kind: "failed"; readonly message: string };

export interface ManifestsOptions {
  /** How long a change waits for the next before the manifest is compiled. */
  readonly debounceMs: number;
  /** Told of every compilation; `current` is whether the document still has the text compiled. */
  readonly compiled: (manifest: Manifest, compiled: Compiled, current: boolean) => void;
  /** Where a compilation that threw is explained. */
  readonly error: (message: string) => void;
}

/** The open manifests, compiled one at a time. */
export class Manifests {
  private readonly open = new Map<string, Manifest>();
  /** Manifests waiting to be compiled, in the order they were asked for. */
  private readonly queue = new Set<Manifest>();
  private running = false;

  constructor(
    private readonly services: WarmTypeScriptServices,
    private readonly options: ManifestsOptions,
  ) {}

  get(uri: string): Manifest | undefined {
    return this.open.get(uri);
  }

  all(): IterableIterator<Manifest> {
    return this.open.values();
  }

  /** A manifest opened: compiled at once (the first diagnostics should not wait). */
  opened(uri: string, path: string, document: TextDocument): void {
    const manifest = new Manifest(uri, path, document);
    this.open.set(uri, manifest);
    this.request(manifest, 0);
  }

  /** Its text changed: compiled once the typing pauses. */
  changed(uri: string, document: TextDocument): void {
    const manifest = this.open.get(uri);
    if (manifest === undefined) return;
    manifest.document = document;
    this.request(manifest, this.options.debounceMs);
  }

  closed(uri: string): void {
    const manifest = this.open.get(uri);
    if (manifest === undefined) return;
    this.open.delete(uri);
    manifest.closed = true;
    clearTimeout(manifest.timer);
    this.queue.delete(manifest);
    for (const waiter of manifest.waiters.splice(0)) waiter.done();
  }

  /** Files they depend on changed: compiled again once the changes pause. */
  invalidate(manifests: Iterable<Manifest>): void {
    for (const manifest of manifests) this.request(manifest, this.options.debounceMs);
  }

  /**
   * The compilation of the manifest as it is now (its text, its methods), compiled at once if
   * it is not yet; `undefined` when the manifest is not open or was closed meanwhile.
   */
  async latest(uri: string): Promise<{ manifest: Manifest; compiled: Compiled } | undefined> {
    const manifest = this.open.get(uri);
    if (manifest === undefined) return undefined;
    if (!manifest.upToDate) {
      const generation = manifest.requested;
      const done = new Promise<void>((resolve) => manifest.waiters.push({ generation, done: resolve }));
      if (manifest.timer !== undefined) {
        clearTimeout(manifest.timer);
        manifest.timer = undefined;
        this.enqueue(manifest);
      }
      await done;
    }
    return manifest.closed || manifest.compiled === undefined ? undefined : { manifest, compiled: manifest.compiled };
  }

  private request(manifest: Manifest, delayMs: number): void {
    manifest.requested++;
    clearTimeout(manifest.timer);
    manifest.timer = undefined;
    if (delayMs <= 0) {
      this.enqueue(manifest);
    } else {
      manifest.timer = setTimeout(() => {
        manifest.timer = undefined;
        this.enqueue(manifest);
      }, delayMs);
    }
  }

  private enqueue(manifest: Manifest): void {
    this.queue.add(manifest);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let next = first(this.queue); next !== undefined; next = first(this.queue)) {
        this.queue.delete(next);
        if (next.closed || next.upToDate) continue;
        await this.compileOne(next);
      }
    } finally {
      this.running = false;
    }
  }

  private async compileOne(manifest: Manifest): Promise<void> {
    const generation = manifest.requested;
    const { version } = manifest.document;
    const outcome = await this.compileText(manifest.path, manifest.document.getText());
    if (manifest.closed) return;
    const compiled = manifest.record(generation, version, outcome);
    this.options.compiled(manifest, compiled, version === manifest.document.version);
  }

  private async compileText(path: string, text: string): Promise<Outcome> {
    try {
      const compiled = await compile(createSourceText(path, text), {}, this.services);
      // The project of its methods (the one the compilation used), for the host and the files to watch;
      // compiling started it already unless the manifest did not parse, and then it starts it now.
      const project = await this.services.forManifest(path).catch(() => undefined);
      const modules = [...(compiled.resolution?.bindings.values() ?? [])].flatMap((b) => b.modulePath ?? []);
      const dependencies =
        compiled.resolution === undefined || project === undefined
          ? undefined
          : new Set([...project.localFiles(modules), ...(compiled.typed?.codeFiles ?? [])]);
      return { kind: "compiled", compiled, host: project?.host, dependencies, tsConfig: project?.configFile };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.error(`compiling ${path} failed: ${describeError(error)}`);
      return { kind: "failed", message };
    }
  }
}

function first<T>(set: Set<T>): T | undefined {
  return set.values().next().value;
}
