/**
 * How the type-check words what TypeScript said: the parts of its messages flowc keeps
 * after its own first sentence, and lists of names.
 */
import type { EngineDiagnostic, MessageChain } from "./engine.js";

/**
 * "Type 'X' is not assignable to type 'Y'." and "Argument of type 'X' is not assignable to
 * parameter of type 'Y'.": heads of assignability errors, which flowc words itself.
 */
const NOT_ASSIGNABLE: ReadonlySet<number> = new Set([2322, 2345]);

/** "No overload matches this call." */
export const NO_OVERLOAD = 2769;

/**
 * TypeScript's explanation of why a value does not fit, as sentences after
 * flowc's own first one. The head of a plain "not assignable" error repeats
 * what flowc already says, so only what TypeScript elaborates below it is kept.
 */
export function elaboration(diagnostic: EngineDiagnostic): string {
  const message = diagnostic.message;
  const sentences: string[] = [];
  const visit = (chain: MessageChain): void => {
    sentences.push(chain.text);
    for (const next of chain.next) visit(next);
  };
  if (NOT_ASSIGNABLE.has(diagnostic.code)) {
    for (const next of message.next) visit(next);
  } else {
    visit(message);
  }
  // The probe's own helper names mean nothing to the reader.
  const kept = sentences.filter((sentence) => !sentence.includes("__flowc_")).map(endSentence);
  return kept.length === 0 ? "" : ` ${kept.join(" ")}`;
}

/**
 * The parameter type TypeScript judged an argument against, from the head of its
 * message ("… not assignable to parameter of type 'Y'."), or `unknown` when it says none.
 */
export function parameterTypeOf(diagnostic: EngineDiagnostic): string {
  const head = diagnostic.message.text;
  return /parameter of type '(.*)'\.?$/s.exec(head)?.[1] ?? "unknown";
}

/** Why each overload refused the call: `'(x: string): number' — Argument of type 'boolean' is not …; …`. */
export function overloadFailures(diagnostic: EngineDiagnostic): string {
  const message = diagnostic.message;
  if (message.next.length === 0) return message.text;
  const parts = message.next.map((overload) => {
    // TypeScript 7 explains only the last overload ("The last overload gave the following error."), 6 each one.
    const signature = /'(.*)', gave the following error/s.exec(overload.text)?.[1];
    const label =
      signature !== undefined
        ? `'${signature}'`
        : /^The last overload/.test(overload.text)
          ? "the last overload"
          : `'${overload.text}'`;
    const reasons: string[] = [];
    const visit = (chain: MessageChain): void => {
      reasons.push(chain.text);
      for (const next of chain.next) visit(next);
    };
    for (const next of overload.next) visit(next);
    return `${label} — ${reasons.map(endSentence).join(" ").replace(/\.$/, "")}`;
  });
  return `${parts.join("; ")}.`;
}

function endSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** `'a'`, or `'a' and 'b' together` for the object a fan-in receives. */
export function describeSenders(quoted: readonly string[]): string {
  return quoted.length === 1 ? (quoted[0] ?? "") : `${joinWords(quoted)} together`;
}

export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}
