/**
 * Builds the `Analysis` the type-check and the emitter start from, without the
 * parser, resolver and checker: a small reader understands the manifests of the
 * fixtures (imports, groups with `execution_flow`, `min_worker_count`,
 * `max_worker_count`, `retries`, `timeout`, `shard_size`) and derives the graph and plan the
 * way the language defines them. Unit tests of the later phases stay independent
 * of the earlier phases' own bugs this way.
 */
import path from "node:path";
import type { Block, FlowDocument, Group, Identifier, ImportDeclaration, Property, Value } from "../../grammar/ast.js";
import { createSourceText, type SourceText } from "../../grammar/source.js";
import type { Analysis } from "../../src/analysis.js";
import type { GraphEdge, MethodSettings } from "../../src/bind/types.js";
import type { MethodBinding, ModuleHost } from "../../src/resolve/types.js";
import { PLAN_FORMAT, type PlanDescriptor, type PlanMethod } from "../../stdlib/plan.js";

const identifier = (name: string, start: number): Identifier => ({
  kind: "Identifier",
  name,
  span: { start, end: start + name.length },
});

/** Tokens of the manifest subset the fixtures use. */
interface Token {
  readonly text: string;
  readonly start: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\.)*"|[A-Za-z_$][\w$]*|-?\d+(?:\.\d+)?[a-z]*|[{}<>,;:]|\s+/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const value = match[0];
    if (/^\s/.test(value) || value.startsWith("//") || value.startsWith("/*")) continue;
    tokens.push({ text: value, start: match.index });
  }
  if (pattern.lastIndex !== 0 && pattern.lastIndex < text.length) {
    throw new Error(`analysis-builder cannot read the manifest at offset ${pattern.lastIndex}`);
  }
  return tokens;
}

function readDocument(text: string): FlowDocument {
  const tokens = tokenize(text);
  let position = 0;
  const peek = (offset = 0) => tokens[position + offset];
  const next = (): Token => {
    const token = tokens[position++];
    if (token === undefined) throw new Error("analysis-builder: unexpected end of manifest");
    return token;
  };
  const expect = (value: string): Token => {
    const token = next();
    if (token.text !== value)
      throw new Error(`analysis-builder: expected '${value}' at ${token.start}, found '${token.text}'`);
    return token;
  };

  const imports: ImportDeclaration[] = [];
  while (peek()?.text === "import") {
    const start = next().start;
    expect("{");
    const specifiers: ImportDeclaration["specifiers"][number][] = [];
    while (peek()?.text !== "}") {
      const imported = next();
      let local = imported;
      if (peek()?.text === "as") {
        next();
        local = next();
      }
      specifiers.push({
        kind: "ImportSpecifier",
        span: { start: imported.start, end: local.start + local.text.length },
        imported: identifier(imported.text, imported.start),
        local: identifier(local.text, local.start),
      });
      if (peek()?.text === ",") next();
    }
    expect("}");
    expect("from");
    const source = next();
    let end = source.start + source.text.length;
    if (peek()?.text === ";") end = next().start + 1;
    imports.push({
      kind: "ImportDeclaration",
      span: { start, end },
      specifiers,
      source: {
        kind: "StringLiteral",
        span: { start: source.start, end: source.start + source.text.length },
        value: JSON.parse(source.text) as string,
      },
    });
  }

  const outerBraces = peek()?.text === "{";
  if (outerBraces) next();
  const groups: Group[] = [];
  while (peek() !== undefined && !(outerBraces && peek()?.text === "}")) {
    const methods: Identifier[] = [];
    while (peek()?.text !== "{" && peek()?.text !== "<") {
      const name = next();
      methods.push(identifier(name.text, name.start));
      if (peek()?.text === ",") next();
    }
    const open = next();
    const close = open.text === "{" ? "}" : ">";
    const properties: Property[] = [];
    while (peek()?.text !== close) {
      const key = next();
      expect(":");
      const raw = next();
      const semicolon = expect(";");
      let value: Value;
      const number = /^(-?\d+(?:\.\d+)?)([a-z]*)$/.exec(raw.text);
      const valueSpan = { start: raw.start, end: raw.start + raw.text.length };
      if (number !== null) {
        value = {
          kind: "NumberLiteral",
          span: valueSpan,
          raw: raw.text,
          value: Number(number[1]),
          unit: number[2] || undefined,
        };
      } else {
        value = identifier(raw.text, raw.start);
      }
      properties.push({
        kind: "Property",
        span: { start: key.start, end: semicolon.start + 1 },
        key: identifier(key.text, key.start),
        value,
      });
    }
    const closing = next();
    const block: Block = {
      kind: "Block",
      span: { start: open.start, end: closing.start + 1 },
      delimiter: open.text === "{" ? "brace" : "angle",
      properties,
    };
    const first = methods[0];
    groups.push({
      kind: "Group",
      span: { start: first?.span.start ?? open.start, end: block.span.end },
      methods,
      block,
    });
  }
  if (outerBraces) expect("}");
  return {
    kind: "Document",
    span: { start: 0, end: text.length },
    imports,
    backends: [],
    outerBraces,
    groups,
    comments: [],
  };
}

const property = (group: Group, key: string): Value | undefined =>
  group.block.properties.find((p) => p.key.name === key)?.value;

const numberProperty = (group: Group, key: string): number | undefined => {
  const value = property(group, key);
  return value?.kind === "NumberLiteral" ? value.value : undefined;
};

const DURATION_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export interface BuildOptions {
  /** Resolves modules; by default every module is `<manifest dir>/<specifier>.ts`. */
  readonly host?: ModuleHost;
}

/** An `Analysis` with a plan for the manifest at `manifestPath` whose text is `text`. */
export function buildAnalysis(manifestPath: string, text: string, options: BuildOptions = {}): Analysis {
  const source: SourceText = createSourceText(manifestPath, text);
  const document = readDocument(text);
  const manifestName = path.basename(manifestPath).replace(/\.flow$/, "");
  const defaultModule = `./${manifestName}.methods`;

  const resolveModule = (specifier: string): string | undefined =>
    options.host === undefined
      ? path.resolve(path.dirname(manifestPath), `${specifier}.ts`)
      : options.host.resolveModule(specifier, manifestPath)?.path;

  const bindings = new Map<string, MethodBinding>();
  const imported = new Map<string, { exportName: string; module: string; declaration: Identifier }>();
  for (const declaration of document.imports) {
    for (const specifier of declaration.specifiers) {
      imported.set(specifier.local.name, {
        exportName: specifier.imported.name,
        module: declaration.source.value,
        declaration: specifier.local,
      });
    }
  }
  const nodes: string[] = [];
  for (const group of document.groups) {
    for (const mention of group.methods) {
      if (bindings.has(mention.name)) continue;
      nodes.push(mention.name);
      const fromImport = imported.get(mention.name);
      const module = fromImport?.module ?? defaultModule;
      bindings.set(mention.name, {
        name: mention.name,
        exportName: fromImport?.exportName ?? mention.name,
        module,
        modulePath: resolveModule(module),
        declaration: fromImport?.declaration ?? mention,
      });
    }
  }

  // Settings: every group's properties apply to each of its methods.
  const settings = new Map<string, { -readonly [K in keyof MethodSettings]: MethodSettings[K] }>();
  for (const name of nodes) {
    settings.set(name, {
      mode: "single",
      concurrent: false,
      minWorkers: undefined,
      maxWorkers: undefined,
      retries: undefined,
      timeoutMs: undefined,
      shardSize: undefined,
      runIf: undefined,
      fallback: undefined,
      onError: undefined,
      maxFailures: undefined,
      branchOn: undefined,
      cache: true,
    });
  }
  const concurrentPairs = new Set<string>();
  for (const group of document.groups) {
    const flow = property(group, "execution_flow");
    const mode = flow?.kind === "Identifier" ? flow.name : undefined;
    const timeout = property(group, "timeout");
    for (const mention of group.methods) {
      const entry = settings.get(mention.name);
      if (entry === undefined) continue;
      if (mode === "parallel") entry.mode = "parallel";
      if (mode === "concurrent") {
        if (group.methods.length >= 2) entry.concurrent = true;
        for (const other of group.methods) concurrentPairs.add(`${mention.name}\0${other.name}`);
      }
      entry.minWorkers = numberProperty(group, "min_worker_count") ?? entry.minWorkers;
      entry.maxWorkers = numberProperty(group, "max_worker_count") ?? entry.maxWorkers;
      entry.retries = numberProperty(group, "retries") ?? entry.retries;
      entry.shardSize = numberProperty(group, "shard_size") ?? entry.shardSize;
      if (timeout?.kind === "NumberLiteral") entry.timeoutMs = timeout.value * (DURATION_MS[timeout.unit ?? "ms"] ?? 1);
    }
  }

  // Edges: a sequential group chains its methods; neighbours declared concurrent
  // form one layer, and every method of a layer feeds every method of the next.
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const group of document.groups) {
    const flow = property(group, "execution_flow");
    if (flow?.kind !== "Identifier" || flow.name !== "sequential") continue;
    const layers: Identifier[][] = [];
    for (const mention of group.methods) {
      const last = layers[layers.length - 1];
      if (last !== undefined && last.every((m) => concurrentPairs.has(`${m.name}\0${mention.name}`)))
        last.push(mention);
      else layers.push([mention]);
    }
    for (let i = 1; i < layers.length; i++) {
      for (const from of layers[i - 1] ?? []) {
        for (const to of layers[i] ?? []) {
          const key = `${from.name}\0${to.name}`;
          if (seen.has(key)) continue;
          seen.add(key);
          edges.push({ from: from.name, to: to.name, declaration: to });
        }
      }
    }
  }

  return {
    source,
    document,
    resolution: { bindings, invalidNames: new Set(), diagnostics: [] },
    graph: { nodes, edges },
    settings,
    // This builder reads no routing properties, so no setting has an origin to point at.
    origins: new Map(),
    backend: undefined,
    plan: buildPlan(manifestName, nodes, edges, settings, bindings, concurrentGroups(document)),
    diagnostics: [],
  };
}

/** The names of each concurrent group of two or more methods, as written. */
function concurrentGroups(document: FlowDocument): string[][] {
  return document.groups
    .filter((group) => {
      const flow = property(group, "execution_flow");
      return flow?.kind === "Identifier" && flow.name === "concurrent" && group.methods.length >= 2;
    })
    .map((group) => group.methods.map((m) => m.name));
}

function buildPlan(
  name: string,
  nodes: readonly string[],
  edges: readonly GraphEdge[],
  settings: ReadonlyMap<string, MethodSettings>,
  bindings: ReadonlyMap<string, MethodBinding>,
  concurrent: readonly (readonly string[])[],
): PlanDescriptor {
  const predecessors = (node: string) => edges.filter((e) => e.to === node).map((e) => e.from);
  const level = new Map<string, number>();
  const levelOf = (node: string, visiting: Set<string> = new Set()): number => {
    const known = level.get(node);
    if (known !== undefined) return known;
    if (visiting.has(node)) throw new Error(`analysis-builder: cycle through '${node}'`);
    visiting.add(node);
    const value = Math.max(-1, ...predecessors(node).map((p) => levelOf(p, visiting))) + 1;
    level.set(node, value);
    return value;
  };
  const order = [...nodes].sort((a, b) => levelOf(a) - levelOf(b) || nodes.indexOf(a) - nodes.indexOf(b));
  const rank = (node: string) => order.indexOf(node);
  const methods: PlanMethod[] = order.map((node) => {
    const setting = settings.get(node);
    const binding = bindings.get(node);
    return {
      name: node,
      module: binding?.module ?? "",
      exportName: binding?.exportName ?? node,
      mode: setting?.mode ?? "single",
      minWorkers: setting?.minWorkers ?? 1,
      maxWorkers: setting?.maxWorkers ?? null,
      retries: setting?.retries ?? 0,
      timeoutMs: setting?.timeoutMs ?? null,
      shardSize: setting?.mode === "parallel" ? (setting.shardSize ?? null) : null,
      takesInput: true,
      helper: false,
      runIf: null,
      fallback: null,
      onError: "fail",
      maxFailures: null,
      branch: null,
      optional: [],
      cache: true,
      codeHash: null,
      inputs: predecessors(node).sort((a, b) => rank(a) - rank(b)),
    };
  });
  return {
    format: PLAN_FORMAT,
    name,
    hash: "0".repeat(64),
    methods,
    edges: [...edges]
      .map(({ from, to }) => ({ from, to }))
      .sort((a, b) => rank(a.to) - rank(b.to) || rank(a.from) - rank(b.from)),
    sources: order.filter((node) => predecessors(node).length === 0),
    sinks: order.filter((node) => !edges.some((e) => e.from === node)),
    concurrent: concurrent.map((group) => [...group].sort((a, b) => rank(a) - rank(b))),
    jsonSafe: false,
  };
}
