/**
 * fast-check generators of valid manifests, written token by token with
 * random layout and comments between tokens, so that the lexer, the parser
 * and the formatter meet every combination the language allows.
 */
import fc from "fast-check";

const names = fc.oneof(
  fc.constantFrom(
    "extract",
    "transform",
    "load",
    "from",
    "as",
    "importer",
    "fromage",
    "backend",
    "backends",
    "_x",
    "$y",
    "größe",
    "m1",
  ),
  fc.stringMatching(/^[a-z_$][a-zA-Z0-9_$]{0,7}$/).filter((n) => n !== "import"),
);

const numbers = fc
  .tuple(
    fc.boolean(),
    fc.nat({ max: 100000 }),
    fc.option(fc.nat({ max: 999 }), { nil: undefined }),
    fc.constantFrom("", "ms", "s", "m", "h", "parsecs", "%"),
  )
  .map(
    ([negative, whole, fraction, unit]) =>
      `${negative ? "-" : ""}${whole}${fraction === undefined ? "" : `.${fraction}`}${unit}`,
  );

/** A string literal in either quote style, escaping what must be escaped. */
const strings = fc.tuple(fc.string({ unit: "grapheme", maxLength: 12 }), fc.boolean()).map(([value, single]) => {
  if (!single) return JSON.stringify(value);
  const body = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${body}'`;
});

const values = fc.oneof(names, numbers, strings);

/** What may stand between two tokens: always some whitespace or a comment, never nothing. */
const separators = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(" ", "\n", "  ", "\n\n", "\t", "\r\n", "\n\n\n") },
  {
    weight: 1,
    arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 10 }).map((text) => ` /*${text.replace(/\*\//g, "")}*/ `),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: "grapheme-ascii", maxLength: 10 })
      .map((text) => ` //${text.replace(/[\r\n]/g, "")}\n`),
  },
);

const specifier = fc
  .tuple(names, fc.option(names, { nil: undefined }))
  .map(([a, b]) => (b === undefined ? [a] : [a, "as", b]));

const importTokens = fc
  .tuple(fc.array(specifier, { minLength: 1, maxLength: 3 }), fc.boolean(), strings, fc.boolean())
  .map(([specs, trailingComma, path, semicolon]) => [
    "import",
    "{",
    ...specs.flatMap((s, i) => (i === 0 ? s : [",", ...s])),
    ...(trailingComma ? [","] : []),
    "}",
    "from",
    path,
    ...(semicolon ? [";"] : []),
  ]);

const property = fc.tuple(names, values).map(([key, value]) => [key, ":", value, ";"]);

/** A method's name, or now and then `@input` (or a misspelling of it), which parses as one. */
const groupNames = fc.oneof(
  { weight: 8, arbitrary: names },
  { weight: 1, arbitrary: fc.constantFrom("@input", "@inputs") },
);

const groupTokens = fc
  .tuple(
    fc.array(groupNames, { minLength: 1, maxLength: 4 }),
    fc.boolean(),
    fc.boolean(),
    fc.array(property, { maxLength: 4 }),
  )
  .map(([methods, trailingComma, angle, properties]) => [
    ...methods.flatMap((m, i) => (i === 0 ? [m] : [",", m])),
    ...(trailingComma ? [","] : []),
    angle ? "<" : "{",
    ...properties.flat(),
    angle ? ">" : "}",
  ]);

/** `backend <value> ;`: any value parses; the checker judges it. */
const backendTokens = values.map((value) => ["backend", value, ";"]);

export const manifestTokens = fc
  .tuple(
    fc.array(importTokens, { maxLength: 2 }),
    fc.option(fc.tuple(backendTokens, fc.nat({ max: 2 })), { nil: undefined }),
    fc.boolean(),
    fc.array(groupTokens, { maxLength: 5 }),
  )
  .map(([imports, backend, braced, groups]) => [
    // The backend statement stands anywhere among the imports.
    ...(backend === undefined
      ? imports
      : [...imports.slice(0, backend[1]), backend[0], ...imports.slice(backend[1])]
    ).flat(),
    ...(braced ? ["{"] : []),
    ...groups.flat(),
    ...(braced ? ["}"] : []),
  ]);

/** A valid manifest: its tokens joined by random whitespace and comments. */
export const validManifest = manifestTokens.chain((tokens) =>
  fc
    .array(separators, { minLength: tokens.length + 1, maxLength: tokens.length + 1 })
    .map((seps) => seps[0] + tokens.map((token, i) => token + seps[i + 1]).join("")),
);

/** Every kind of token of the language, plus a few things that are not. */
export const tokenSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "import",
        "from",
        "as",
        "backend",
        "{",
        "}",
        "<",
        ">",
        ":",
        ";",
        ",",
        "/*",
        "*/",
        "//",
        '"',
        "'",
        "-",
        "@",
        "\\",
      ),
      names,
      numbers,
      strings,
    ),
    { maxLength: 60 },
  )
  .chain((tokens) =>
    fc
      .array(fc.constantFrom("", " ", "\n"), { minLength: tokens.length, maxLength: tokens.length })
      .map((seps) => tokens.map((token, i) => token + seps[i]).join("")),
  );

/** One small edit of a text: a character deleted, a token inserted, two characters swapped. */
export type Edit =
  | { readonly kind: "delete"; readonly at: number }
  | { readonly kind: "insert"; readonly at: number; readonly text: string }
  | { readonly kind: "swap"; readonly at: number };

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.constantFrom("{", "}", "<", ">", ";", ":", ",", '"', "'", "/*", "//", "\n", "x", "7", "@", "import"),
  }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat() }),
);

/** `text` with `edits` made one after the other, each at its offset modulo the length. */
export function mutate(text: string, edits: readonly Edit[]): string {
  let result = text;
  for (const e of edits) {
    const at = e.at % (result.length + 1);
    if (e.kind === "delete") result = result.slice(0, at) + result.slice(at + 1);
    else if (e.kind === "insert") result = result.slice(0, at) + e.text + result.slice(at);
    else if (at + 1 < result.length) result = result.slice(0, at) + result[at + 1] + result[at] + result.slice(at + 2);
  }
  return result;
}
