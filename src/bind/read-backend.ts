import type { FlowDocument } from "../../grammar/ast.js";
import type { SourceText } from "../../grammar/source.js";
import { Messages } from "../../grammar/diagnostics/catalogue.js";
import { closestMatch, meantText } from "../../grammar/diagnostics/diagnostic.js";
import { fix, removeStatement } from "../../grammar/diagnostics/fixes.js";
import { changeTo, sameText } from "./block-fixes.js";
import { valueText } from "./read-properties.js";
import type { Report } from "./report.js";

/** The runtime backends a runner can be built for; each moves values between methods its own way. */
export const backendNames = ["inline", "threads", "bullmq"] as const;

/**
 * The backend a plan is built for (`backend …;`, `--backend`): what the type-check judges the
 * values between methods by. Not the runtime's `BackendName`, which names only the backends a
 * runner can be given by name.
 */
export type TargetBackend = (typeof backendNames)[number];

/**
 * Reads the manifest's `backend …;` statement: the backend the type-check judges the values
 * between methods for when neither the command line nor the API names one. A value that is
 * no backend is reported (FLOW2007) and ignored; so is every statement after the first
 * (FLOW2013), since two backends cannot both be the one the manifest runs on.
 */
export function readBackend(document: FlowDocument, source: SourceText, report: Report): TargetBackend | undefined {
  const [first, ...others] = document.backends;
  for (const other of others) {
    // The first one is the one read; the others may go, certainly when they say the same.
    const remove = fix(
      "Remove this backend statement",
      [removeStatement(source, other.span)],
      sameText(source, first!.value.span, other.value.span),
    );
    report(
      Messages.DuplicateBackend,
      { start: other.span.start, end: other.span.start + "backend".length },
      [],
      [{ span: first!.span, message: "The backend is first declared here." }],
      [remove],
    );
  }
  if (first === undefined) return undefined;
  const value = first.value;
  if (value.kind === "Identifier" && isBackendName(value.name)) return value.name;
  const written = value.kind === "StringLiteral" ? value.value : value.kind === "Identifier" ? value.name : value.raw;
  const meant = meantBackend(written, value.kind);
  report(
    Messages.UnknownValue,
    value.span,
    [valueText(value, source), "backend", "'inline', 'threads' or 'bullmq'", meant.hint],
    [],
    meant.backend === undefined ? [] : [changeTo(value.span, meant.backend)],
  );
  return undefined;
}

function isBackendName(name: string): name is TargetBackend {
  return (backendNames as readonly string[]).includes(name);
}

/** What to say after a value that names no backend, and the backend it is taken to mean. */
function meantBackend(
  text: string,
  kind: "Identifier" | "NumberLiteral" | "StringLiteral",
): { readonly hint: string; readonly backend: string | undefined } {
  // `backend "bullmq";`: the right word in quotes; say that the quotes are the problem.
  if (kind === "StringLiteral" && isBackendName(text)) {
    return { hint: ` Write it without quotes: 'backend ${text};'.`, backend: text };
  }
  const guess = closestMatch(text, backendNames);
  return { hint: meantText(guess), backend: guess };
}
