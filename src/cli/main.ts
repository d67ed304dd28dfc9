#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { VERSION } from "../version.js";
import type { BuildOptions } from "./commands/build.js";
import type { CheckOptions } from "./commands/check.js";
import type { RunCommandOptions } from "./commands/run.js";
import { CommandFailure, ExitCode, UsageError, parseAge, parseDuration, parsePositiveInteger } from "./io.js";

// Each command's module is loaded when the command runs: the compiler (TypeScript, the printer, the
// grammar) and the runtimes take a second to load, which `--help`, `graph` or `fmt` need not wait for.

function createProgram(setExit: (code: number) => void): Command {
  const program = new Command("flowc")
    .description("Compile .flow execution manifests into type-checked TypeScript runners.")
    .version(VERSION, "-v, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .showSuggestionAfterError(true)
    .exitOverride()
    // Commander's own usage errors read like every other reason: `flowc: unknown option '--bogus'`.
    .configureOutput({ outputError: (message, write) => write(message.replace(/^error: /, "flowc: ")) })
    .addHelpText(
      "after",
      `
check, build and run answer from a rebuild cache when the manifest, its methods, the files they
import, the tsconfig and the options are all unchanged (node_modules/.cache/flowc in the nearest
folder with a node_modules, else ~/.cache/flowc; $FLOWC_CACHE_DIR to choose; delete it to clear it;
--no-cache to bypass it).

Exit codes: 0 no errors, 1 errors in a manifest or a failed run, 2 bad usage or unreadable files.
A file reports at most its first 1,000 diagnostics, then one that counts the rest.
An unreadable manifest does not stop check, build or fmt from checking the others, but build
and fmt then write nothing.

Examples:
  flowc check etl.flow --workers 8
  flowc build etl.flow                       writes etl.flow.ts beside the manifest
  flowc build flows/*.flow --watch           rebuild the runners on every change, until Ctrl-C
  flowc run etl.flow --input '{"path": "data.csv"}'
  flowc run etl.flow --input @input.json --quiet --trace run.trace.json
  flowc run etl.flow --resume                continue the last run, making no call it completed
  flowc runs --manifest etl.flow             the runs of etl.flow in its journal
  flowc worker etl.flow --redis redis://queue:6379   serve the methods for runs on the bullmq backend
  flowc graph etl.flow --format mermaid
  flowc graph etl.flow --types --format dot  each edge labelled with the type it carries
  flowc fmt --check flows/*.flow             the shell expands the pattern; flowc does not
  flowc lsp --stdio                          the language server, as an editor starts it`,
    );

  const workers = new Option("--workers <n>", "the most workers the plan may use at once").argParser(
    parsePositiveInteger("--workers"),
  );
  const diagnosticsFormat = new Option("--format <format>", "how diagnostics are printed")
    .choices(["text", "json"])
    .default("text");
  const targetBackend = new Option(
    "--backend <name>",
    "the backend the plan will run on (default: the manifest's `backend` statement): bullmq also proves every value survives JSON",
  ).choices(["inline", "threads", "bullmq"]);
  const noCache = new Option(
    "--no-cache",
    "compile even when nothing changed, and leave the rebuild cache (node_modules/.cache/flowc, or $FLOWC_CACHE_DIR) untouched",
  );
  const watch = new Option(
    "--watch",
    "keep running: check again when a manifest, its methods or its tsconfig.json change (stop with Ctrl-C)",
  );
  const watchHelp = `
With --watch: compile once, then again whenever a manifest, a methods module it imports (or a
local file those import) or the nearest tsconfig.json changes, recompiling only the manifests
concerned. Each round reports every manifest's diagnostics and ends with a line such as
"[12:01:02] 0 errors, watching 4 files". A manifest unreadable at the start is bad usage (exit 2);
later, it is reported and watched until it is back. SIGINT or SIGTERM stops it with exit 0.`;

  const typescript = new Option(
    "--typescript <version>",
    "the TypeScript that reads the methods: 7, the native compiler (default), or 6, in this process",
  ).choices(["6", "7"]);

  /** `check` and `build`: manifests, and the options of compiling them. */
  const compiling = (name: string, description: string, extra?: (command: Command) => Command): Command => {
    const command = program.command(name).description(description).argument("<files...>", ".flow manifests");
    return (extra?.(command) ?? command)
      .addOption(workers)
      .addOption(targetBackend)
      .addOption(diagnosticsFormat)
      .addOption(noCache)
      .addOption(typescript)
      .addOption(watch);
  };

  compiling("check", "parse and check manifests, including the types of the data between methods")
    .addHelpText("after", watchHelp)
    .action(async (files: string[], options: CheckOptions) => {
      setExit(await (await import("./commands/check.js")).checkCommand(files, options));
    });

  compiling("build", "check manifests and write a typed runner <name>.flow.ts for each", (command) =>
    command
      .option("--out-dir <dir>", "write runners under this directory, keeping paths relative to the current directory")
      .option(
        "--declarations",
        "write <name>.d.flow.ts beside each manifest instead of its runner: the types of\n" +
          'import … from "./<name>.flow" (with the loader or a bundler plugin; see the README)',
      ),
  )
    .addHelpText(
      "after",
      `
Nothing is written for a manifest with errors. Nothing at all is written when the command line
is wrong: a manifest that cannot be read, or two manifests whose runners would be one file
(under --out-dir, manifests outside the current directory are written flat: ../a/x.flow and
../b/x.flow both become <dir>/x.flow.ts). The readable manifests are still checked; exit code 2.
A runner is written under a temporary name and renamed into place: a write that fails halfway
(a full disk) leaves the runner that was there whole. A link where a runner goes is replaced.
A runner that already holds the code is left untouched, its modification time too ("unchanged").
--declarations writes <name>.d.flow.ts beside each manifest (never under --out-dir): TypeScript reads
it for an import of "./<name>.flow" with "allowArbitraryExtensions": true in the tsconfig.
${watchHelp}
build --watch writes only the runners whose code changed.`,
    )
    .action(async (files: string[], options: BuildOptions) => {
      setExit(await (await import("./commands/build.js")).buildCommand(files, options));
    });

  program
    .command("run")
    .description("check a manifest, run it in this process and print its output as JSON")
    .argument("<file>", ".flow manifest")
    .option(
      "--input <json>",
      "the run's input as JSON, or @path to read it from a file; checked against the plan's Input type; needed unless every method receiving it can go without",
    )
    .addOption(workers)
    .addOption(diagnosticsFormat)
    .addOption(typescript)
    .addOption(
      new Option(
        "--backend <name>",
        "where the methods run (default: the manifest's `backend` statement; bullmq: in `flowc worker` processes)",
      ).choices(["inline", "threads", "bullmq"]),
    )
    .option("--redis <url>", "with --backend bullmq: the Redis its workers serve (default: $FLOWC_REDIS_URL)")
    .addOption(
      new Option(
        "--worker-wait <duration>",
        "on the bullmq backend: how long a stage waits for min_worker_count live workers (250ms, 30s, 5m; default 30s)",
      ).argParser(parseDuration("--worker-wait")),
    )
    .addOption(
      new Option(
        "--connection-wait <duration>",
        "on the bullmq backend: how long a lost Redis connection may take to come back (default 30s)",
      ).argParser(parseDuration("--connection-wait")),
    )
    .option(
      "-q, --quiet",
      "print only the output (and a failure's one-line reason): no progress, no summary, no stack on stderr",
    )
    .option("--trace <file>", "write a Chrome trace of the run (open it in Perfetto or chrome://tracing)")
    .option(
      "--resume [run]",
      "continue a run that failed or was killed (default: the manifest's last run), with its own input, making no call it completed; with --input, a new run that reuses every stored call",
    )
    .option("--journal <dir>", "where the run journal is kept (default: .flowc/ beside the manifest)")
    .option("--no-journal", "keep no journal of this run (it cannot be resumed)")
    .addOption(
      new Option(
        "--journal-ttl <duration>",
        "on the bullmq backend: how long Redis keeps the run's journal after its last write (30d, 12h; default: for ever)",
      ).argParser(parseAge("--journal-ttl")),
    )
    .addOption(noCache)
    .addHelpText(
      "after",
      `
Every run is journaled: each call's output is stored under a key of the method's code and its
input (in .flowc/ beside the manifest, or in Redis on the bullmq backend), and the run's id is
printed on stderr. --resume continues a run that failed or was killed: calls that completed are
not made again, and a method whose code changed since runs again, with whatever it reaches.
'cache: false;' in the manifest makes a method run every time. 'flowc runs' lists the runs.

Durations are written as in a manifest (250ms, 30s, 5m, 2h), at most 2147483647ms (about 24.8
days, the longest a timer can wait).

Progress goes to stderr: redrawn in place on a terminal (items done, rate, workers in use,
retries per stage), a line per stage start and end otherwise; then a summary table per stage
(calls, p50/p95 call duration, retries, failures, worker utilisation). stdout holds only the output.`,
    )
    .action(async (file: string, options: RunCommandOptions) => {
      setExit(await (await import("./commands/run.js")).runCommand(file, options));
    });

  const runs = program
    .command("runs")
    .description("list, show and clean the runs in a run journal (see flowc run --resume)");
  const journalOptions = (command: Command): Command =>
    command
      .option("--manifest <file>", "the journal beside this manifest, and only its runs")
      .option("--journal <dir>", "the journal in this folder (default: .flowc/ in the current folder)")
      .option("--redis [url]", "the journal of runs on the bullmq backend, in Redis (default: $FLOWC_REDIS_URL)")
      .option("--json", "print JSON");
  journalOptions(
    runs
      .command("list", { isDefault: true })
      .description("recent runs, newest first: id, manifest, start, duration, status, the method a run failed in")
      .addOption(new Option("--limit <n>", "how many (default 20)").argParser(parsePositiveInteger("--limit"))),
  ).action(async (options: import("./commands/runs.js").ListOptions) => {
    setExit(await (await import("./commands/runs.js")).listRunsCommand(options));
  });
  journalOptions(
    runs
      .command("show")
      .description("a run's methods: status, calls made and reused, outputs stored, durations")
      .argument("<run>", "the run's id"),
  ).action(async (id: string, options: import("./commands/runs.js").RunsOptions) => {
    setExit(await (await import("./commands/runs.js")).showRunCommand(id, options));
  });
  journalOptions(
    runs
      .command("clean")
      .description("remove runs, and the outputs they stored, by age or count")
      .addOption(
        new Option("--older-than <duration>", "runs that started longer ago than this (30d, 12h, 90m)").argParser(
          parseAge("--older-than"),
        ),
      )
      .addOption(
        new Option("--keep <n>", "keep this many of the newest runs").argParser(parsePositiveInteger("--keep")),
      )
      .option(
        "--interrupted",
        "also remove runs whose process was killed (kept otherwise, so that they can be resumed)",
      ),
  ).action(async (options: import("./commands/runs.js").CleanOptions) => {
    setExit(await (await import("./commands/runs.js")).cleanRunsCommand(options));
  });

  program
    .command("worker")
    .description("serve a plan's methods from Redis for runs on the bullmq backend, until SIGTERM or SIGINT")
    .argument("<plan>", ".flow manifest, or a runner written by flowc build (.flow.ts / .flow.js)")
    .option("--redis <url>", "the Redis shared with callers (default: $FLOWC_REDIS_URL)")
    .addOption(
      new Option("--concurrency <n>", "jobs run at once per method").argParser(parsePositiveInteger("--concurrency")),
    )
    .addOption(
      new Option(
        "--grace <duration>",
        "on shutdown, how long jobs in flight may finish before they are handed back (250ms, 30s, 5m; default 30s)",
      ).argParser(parseDuration("--grace")),
    )
    .action(async (file: string, options: { redis?: string; concurrency?: number; grace?: number }) => {
      setExit(await (await import("./commands/worker.js")).workerCommand(file, options));
    });

  program
    .command("graph")
    .description("print a manifest's execution graph")
    .argument("<file>", ".flow manifest")
    .addOption(new Option("--format <format>", "graph syntax").choices(["mermaid", "dot"]).default("mermaid"))
    .option(
      "--types",
      "label each edge with the TypeScript type it carries (reads the methods' types; type errors fail the command)",
    )
    .action(async (file: string, options: import("./commands/graph.js").GraphOptions) => {
      setExit(await (await import("./commands/graph.js")).graphCommand(file, options));
    });

  program
    .command("lsp")
    .description("run the language server for editors: diagnostics, hover, completion, fixes and more for .flow files")
    .option("--stdio", "talk over standard input and output (the default, and the only transport)")
    .addOption(typescript)
    // What editors' clients may add: the other transports are refused with a reason, the client's process id ignored
    // (the protocol's `initialize` gives it too).
    .addOption(new Option("--node-ipc").hideHelp())
    .addOption(new Option("--socket <port>").hideHelp())
    .addOption(new Option("--pipe <name>").hideHelp())
    .addOption(new Option("--clientProcessId <pid>").hideHelp())
    .addHelpText(
      "after",
      `
Editors start this themselves and talk to it with the Language Server Protocol over
standard input and output; it is not meant to be run by hand. Point an editor at the command
'flowc lsp --stdio' (with flowc installed in the project: 'npx flowc lsp --stdio', or
'node_modules/.bin/flowc lsp --stdio') for files named *.flow. The VS Code extension
(editors/vscode) does so on its own.

It reports each open manifest's diagnostics as you type, and answers hover (a method's
signature and the types on its edges), go to definition (into the methods' TypeScript),
references, rename, completion, quick fixes, formatting (as flowc fmt), the outline, folding
and semantic highlighting. It reads unsaved methods modules the editor sends it, and watches
the methods modules, the files they import and the tsconfig.json on disk.

Messages go to the editor's log; the process exits when the editor closes it.`,
    )
    .action(async (options: import("./commands/lsp.js").LspOptions) => {
      setExit(await (await import("./commands/lsp.js")).lspCommand(options));
    });

  program
    .command("fmt")
    .description("rewrite manifests in the canonical layout (comments are kept)")
    .argument("<files...>", ".flow manifests")
    .option("--check", "change nothing; exit 1 and list the files that are not formatted")
    .action(async (files: string[], options: { check?: boolean }) => {
      setExit(await (await import("./commands/fmt.js")).fmtCommand(files, options));
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = createProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is bad usage, already printed by commander.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.Ok;
      // `flowc help` asked for it (exit 0); `flowc` alone is a command line without a command: the help went to stderr.
      if (error.code === "commander.help") return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
      return ExitCode.Usage;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`flowc: ${error.message}\n`);
      return ExitCode.Usage;
    }
    if (error instanceof CommandFailure) {
      process.stderr.write(`flowc: ${error.message}\n`);
      return ExitCode.Failure;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`flowc: internal error: ${message}\n`);
    return ExitCode.Failure;
  }
}

// A reader that stops early (`flowc --help | head`) closes the pipe: that ends the output, not in a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await main(process.argv.slice(2));
