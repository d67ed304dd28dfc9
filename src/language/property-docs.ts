/**
 * The documentation of the manifest's properties and values, as hovers show it, taken from the
 * language reference (grammar/REFERENCE.md, which ships in the package): each property's row of
 * the Properties table, and the passage that describes it at length where there is one. The
 * reference is read and cut into blocks once, when a hover first needs it.
 */
import { readFileSync } from "node:fs";

export interface PropertyDoc {
  readonly key: string;
  /** The table's columns, as markdown. */
  readonly value: string;
  readonly appliesTo: string;
  readonly meaning: string;
  /** The passage that describes the property, as markdown, when the reference has one. */
  readonly passage: string | undefined;
}

/** A block of the reference's markdown: a heading, a fenced code block, a table, or a paragraph (or list). */
interface Block {
  readonly kind: "heading" | "code" | "table" | "paragraph";
  readonly text: string;
}

interface Reference {
  readonly properties: ReadonlyMap<string, PropertyDoc>;
  readonly blocks: readonly Block[];
}

/** A passage stops after this many blocks, or before a block that would take it past `passageLength`. */
const passageBlocks = 3;
const passageLength = 1500;

let reference: Reference | undefined | null = null;

/** The reference, read on first use; `undefined` when the file cannot be found or read. */
function read(): Reference | undefined {
  if (reference === null) {
    const text = referenceText();
    reference = text === undefined ? undefined : parseReference(text);
  }
  return reference;
}

/**
 * The text of grammar/REFERENCE.md beside flowc's own package.json. The lookup walks up from
 * this file because it runs both from `src/` (sources) and `dist/src/` (built).
 */
export function referenceText(): string | undefined {
  for (let dir = new URL(".", import.meta.url); ; dir = new URL("..", dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { name?: string };
      if (pkg.name === "flowc") return readFileSync(new URL("grammar/REFERENCE.md", dir), "utf8");
    } catch {
      // No package.json (or no reference) at this level: keep walking up.
    }
    if (dir.pathname === "/") return undefined;
  }
}

/** The documentation of the property `key`, when the reference documents it. */
export function propertyDoc(key: string): PropertyDoc | undefined {
  return read()?.properties.get(key);
}

/** Every property the reference's Properties table lists, in its order. */
export function documentedProperties(): readonly PropertyDoc[] {
  return [...(read()?.properties.values() ?? [])];
}

/** The passage under the reference's heading `### \`value\`` (the execution flows have one each). */
export function headingPassage(value: string): string | undefined {
  const blocks = read()?.blocks ?? [];
  const index = blocks.findIndex((block) => block.kind === "heading" && headingName(block.text) === value);
  return index < 0 ? undefined : passageFrom(blocks, index + 1);
}

function headingName(heading: string): string | undefined {
  return /^#+ `([^`]+)`$/.exec(heading)?.[1];
}

export function parseReference(markdown: string): Reference {
  const blocks = splitBlocks(markdown);
  const properties = new Map<string, PropertyDoc>();
  const heading = blocks.findIndex((block) => block.kind === "heading" && block.text === "## Properties");
  const table = blocks.slice(heading + 1).find((block) => block.kind === "table");
  if (heading < 0 || table === undefined) return { properties, blocks };
  // The language's own sections; the diagnostics' examples quote properties too, to show mistakes.
  const diagnostics = blocks.findIndex((block) => block.kind === "heading" && block.text === "## Diagnostics");
  const rest = blocks.slice(blocks.indexOf(table) + 1, diagnostics < 0 ? undefined : diagnostics);
  // The first two rows are the header and its rule.
  for (const row of table.text.split("\n").slice(2)) {
    const cells = splitRow(row);
    const key = /^`(\w+)`$/.exec(cells[0] ?? "")?.[1];
    if (key === undefined || cells.length < 4) continue;
    const start = rest.findIndex((block) => block.kind === "paragraph" && describes(block.text, key));
    properties.set(key, {
      key,
      value: withoutAnchors(cells[1]!),
      appliesTo: withoutAnchors(cells[2]!),
      meaning: withoutAnchors(cells[3]!),
      passage: start < 0 ? undefined : passageFrom(rest, start),
    });
  }
  return { properties, blocks };
}

/**
 * Whether a paragraph is the one that describes `key`: it shows the property in bold
 * (`**\`run_if: predicate;\`**`), or begins with it, alone or among others
 * (`` `min_worker_count`, `max_worker_count` and `shard_size` only make sense… ``).
 */
function describes(paragraph: string, key: string): boolean {
  if (paragraph.includes(`**\`${key}:`)) return true;
  const names = /^(?:`\w+`(?:, | and ))*`\w+`/.exec(paragraph)?.[0] ?? "";
  return names.includes(`\`${key}\``);
}

/**
 * The blocks from `start` on, up to the next heading or property in bold, within the limits:
 * a description and its example, the example being where a description of one thing ends.
 */
function passageFrom(blocks: readonly Block[], start: number): string | undefined {
  const taken: Block[] = [];
  let length = 0;
  for (let index = start; index < blocks.length && taken.length < passageBlocks; index++) {
    const block = blocks[index]!;
    if (block.kind === "heading" || block.kind === "table") break;
    if (taken.length > 0 && block.kind === "paragraph" && block.text.startsWith("**")) break;
    if (taken.length > 0 && length + block.text.length > passageLength) break;
    taken.push(block);
    length += block.text.length;
    if (block.kind === "code" && taken.some((earlier) => earlier.kind === "paragraph")) break;
  }
  return taken.length === 0 ? undefined : taken.map((block) => withoutAnchors(block.text)).join("\n\n");
}

/** Links to the reference's own headings (`[The backend](#the-backend)`) as their text: a hover has no such anchors. */
function withoutAnchors(markdown: string): string {
  return markdown.replace(/\[([^\]]+)\]\(#[^)]*\)/g, "$1");
}

/** Cuts markdown into blocks: fenced code as one block, and the rest at blank lines and headings. */
function splitBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let lines: string[] = [];
  let kind: Block["kind"] = "paragraph";
  const flush = (): void => {
    if (lines.length > 0) blocks.push({ kind, text: lines.join("\n") });
    lines = [];
    kind = "paragraph";
  };
  let fence: string | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    if (fence !== undefined) {
      lines.push(line);
      if (line.trimEnd() === fence) {
        fence = undefined;
        flush();
      }
      continue;
    }
    const opening = /^(`{3,})/.exec(line)?.[1];
    if (opening !== undefined) {
      flush();
      fence = opening;
      kind = "code";
      lines.push(line);
    } else if (line.startsWith("#")) {
      flush();
      blocks.push({ kind: "heading", text: line.trim() });
    } else if (line.trim() === "") {
      flush();
    } else {
      if (lines.length === 0) kind = line.startsWith("|") ? "table" : "paragraph";
      lines.push(line);
    }
  }
  flush();
  return blocks;
}

/** The cells of a table row, split at the `|` that are not inside code spans. */
function splitRow(row: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let inCode = false;
  for (const character of row.trim().replace(/^\|/, "").replace(/\|$/, "")) {
    if (character === "`") inCode = !inCode;
    if (character === "|" && !inCode) {
      cells.push(cell.trim());
      cell = "";
    } else {
      cell += character;
    }
  }
  cells.push(cell.trim());
  return cells;
}

/**
 * One line on each word a property (or the backend statement) takes, by property. The
 * execution flows have a passage of the reference besides (see `headingPassage`).
 */
export const valueDocs: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  execution_flow: {
    sequential: "The methods run one after another, each on the previous one's output.",
    concurrent: "The methods run at the same time; none may depend on another.",
    parallel: "Each method is applied to every element of the array it receives, over several workers.",
  },
  on_error: {
    fail: "A call that failed for good (retries and fallback used up) fails the run. The default.",
    skip: "A call that failed for good skips the method (a parallel method: the item, whose output is `undefined`).",
    settle:
      "A parallel method's failed items are recorded: its output is an array of `Settled` records, `{ ok: true, value }` or `{ ok: false, error }`.",
  },
  cache: {
    true: "A run's journal may store the method's calls and reuse them when the run is resumed. The default.",
    false: "The method's calls are never stored in a run's journal: a resumed run calls it again.",
  },
  backend: {
    inline: "Every method runs in the calling thread: no value is copied between methods.",
    threads: "Parallel methods run on worker threads: values to and from them are copied by structured cloning.",
    bullmq: "Methods run as jobs of BullMQ queues in Redis, on `flowc worker` processes: every value travels as JSON.",
  },
};
