/**
 * "Did you mean" for an unknown property. The properties are a handful of fixed
 * names made of words (`min_worker_count`), and the near misses people write are
 * rarely typos an edit distance catches: they drop a word (`min_workers`), shorten
 * one (`max_workers`, `shard`), write another case (`shardSize`, `MinWorkerCount`)
 * or the singular (`retry`). So the name is compared word by word first, then,
 * failing that, by edit distance as other names are.
 */
import { closestMatch } from "../../grammar/diagnostics/diagnostic.js";

/** The properties `key` may mean, most likely first; none when it is like none of them. */
export function suggestProperties(key: string, properties: readonly string[]): readonly string[] {
  const words = wordsOf(key);
  const spelt = words.join("");
  const sameWords = properties.filter((property) => wordsOf(property).join("") === spelt);
  const matches = sameWords.length > 0 ? sameWords : properties.filter((property) => abbreviates(words, property));
  if (matches.length > 0) return matches;
  const closest = closestMatch(key, properties);
  return closest === undefined ? [] : [closest];
}

/** `" Did you mean 'x'?"`, `" Did you mean 'x' or 'y'?"`, or `""`, for the `suggestions` of `suggestProperties`. */
export function propertyHint(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return "";
  const quoted = suggestions.map((name) => `'${name}'`);
  return ` Did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`}?`;
}

/** `min_worker_count`, `minWorkerCount` and `MIN_WORKER_COUNTS` alike: `["min", "worker", "count"]`, singular. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[_$]+/)
    .filter((word) => word !== "")
    .map(singular);
}

function singular(word: string): string {
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("s") && !word.endsWith("ss") && word.length > 3) return word.slice(0, -1);
  return word;
}

/**
 * Whether every word of the key stands for a word of `property`, in order: the same
 * word, or one that begins the other (`max` for `maximum`, `shard` for `shard_size`'s
 * first word). Words shorter than three letters must be whole: `m` says too little.
 */
function abbreviates(words: readonly string[], property: string): boolean {
  const targets = wordsOf(property);
  let next = 0;
  for (const word of words) {
    const found = targets.findIndex((target, index) => index >= next && sameWord(word, target));
    if (found === -1) return false;
    next = found + 1;
  }
  return words.length > 0;
}

function sameWord(word: string, target: string): boolean {
  if (word === target) return true;
  if (word.length < 3 || target.length < 3) return false;
  return word.startsWith(target) || target.startsWith(word);
}
