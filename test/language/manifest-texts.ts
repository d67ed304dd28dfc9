/**
 * Manifest texts for the language service's property tests: well-formed manifests laid
 * out at random (spaces, line breaks, comments between any two tokens; statements on one
 * line or several; imports and the backend statement in any order; outer braces or none),
 * and texts of any shape made from manifest fragments.
 */
import fc from "fast-check";

const names = ["a", "b", "extract", "load", "from", "as", "x_1", "transform"];
const properties: readonly (readonly [string, readonly string[]])[] = [
  ["execution_flow", ["sequential", "parallel", "concurrent", "paralel"]],
  ["retries", ["1", "3", "-1"]],
  ["timeout", ["30s", "250ms", "5"]],
  ["run_if", ["a", "load"]],
  ["branch_on", ["status", '"kind"', "'x'"]],
  ["cach", ["true"]],
];

const name = fc.constantFrom(...names);
const nameList = fc.array(name, { minLength: 1, maxLength: 4 });

const importStatement = fc
  .tuple(nameList, fc.constantFrom('"./m"', "'./other'", '"./etl.methods"'), fc.boolean(), fc.boolean())
  .map(([listed, source, semicolon, trailingComma]) => [
    "import",
    "{",
    ...listed.flatMap((listedName, index) => (index === 0 ? [listedName] : [",", listedName])),
    ...(trailingComma ? [","] : []),
    "}",
    "from",
    source,
    ...(semicolon ? [";"] : []),
  ]);

const backendStatement = fc.constantFrom("inline", "threads", "bullmq").map((value) => ["backend", value, ";"]);

const property = fc
  .constantFrom(...properties)
  .chain(([key, values]) => fc.constantFrom(...values).map((value) => [key, ":", value, ";"]));

const group = fc
  .tuple(nameList, fc.boolean(), fc.array(property, { maxLength: 3 }))
  .map(([listed, angle, body]) => [
    ...listed.flatMap((listedName, index) => (index === 0 ? [listedName] : [",", listedName])),
    angle ? "<" : "{",
    ...body.flat(),
    angle ? ">" : "}",
  ]);

/** What may stand between two tokens. Line comments bring their own line break. */
const separators = [" ", "  ", "\n", "\n\n", "\n\n\n", "\t", "\r\n", " /* c */ ", " // note\n", "\n// own line\n"];

const wordy = (token: string) => /^[\w"'$@-]/.test(token) || /[\w"'$]$/.test(token);

/** Tokens joined by separators picked by `picks` (an empty one between punctuation when the pick says so). */
function join(tokens: readonly string[], picks: readonly number[]): string {
  let text = "";
  for (const [index, token] of tokens.entries()) {
    if (index > 0) {
      const pick = picks[index % picks.length]!;
      const needsSpace = wordy(tokens[index - 1]!.slice(-1)) && wordy(token[0]!);
      text += pick === 0 && !needsSpace ? "" : separators[pick % separators.length];
    }
    text += token;
  }
  return text;
}

/** A manifest that parses, laid out at random. */
export const wellFormedManifest: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.oneof(importStatement, backendStatement), { maxLength: 3 }),
    fc.array(group, { maxLength: 4 }),
    fc.boolean(),
    fc.array(fc.nat(separators.length * 3), { minLength: 1, maxLength: 64 }),
    fc.constantFrom("", "\n", "// end\n", "/* end */"),
  )
  .map(([header, groups, braced, picks, end]) => {
    const body = groups.flat();
    const tokens = [...header.flat(), ...(braced ? ["{", ...body, "}"] : body)];
    return join(tokens, picks) + (tokens.length > 0 ? end : "");
  });

const fragments = [
  "import",
  "{",
  "}",
  "<",
  ">",
  ",",
  ";",
  ":",
  " ",
  "\n",
  "from",
  "as",
  "backend",
  '"./m"',
  '"./o',
  "'",
  '"',
  "extract",
  "load",
  "@input",
  "@",
  "execution_flow",
  "timeout",
  "30s",
  "5%",
  "-1",
  "run_if",
  "//",
  "/*",
  "*/",
  "\r",
  "\u2028",
  "é",
  "\ud83d\ude00",
  "\\",
  "a.b",
];

/** Text of any shape made of manifest fragments: half-typed statements, stray tokens, open strings and comments. */
export const fragmentText: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...fragments), { maxLength: 40 })
  .map((pieces) => pieces.join(""));

/** A well-formed manifest with a few characters inserted or deleted at random places. */
export const mutatedManifest: fc.Arbitrary<string> = fc
  .tuple(
    wellFormedManifest,
    fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.constantFrom(...fragments)), { minLength: 1, maxLength: 4 }),
  )
  .map(([text, mutations]) =>
    mutations.reduce((mutated, [at, insert, piece]) => {
      const offset = at % (mutated.length + 1);
      const after = mutated.slice(insert ? offset : offset + 1);
      return mutated.slice(0, offset) + (insert ? piece : "") + after;
    }, text),
  );
