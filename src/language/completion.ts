/**
 * Completion: what may be typed at the cursor, by what the cursor is in (see context-at.ts).
 * The words a property takes come from the compiler's own lists, so that what is offered is
 * exactly what the compiler accepts.
 */
import type { Span } from "../../grammar/ast.js";
import { backendNames } from "../bind/read-backend.js";
import { booleanValues, executionFlows, knownProperties, onErrorValues } from "../bind/read-properties.js";
import { durationUnits } from "../duration.js";
import { methodValuedProperties } from "../resolve/mentions.js";
import { RUN_INPUT } from "../../stdlib/plan.js";
import { contextAt } from "./context-at.js";
import {
  exportedFunctions,
  mentionedMethods,
  methodDetail,
  methodOffers,
  siblingModules,
  type MethodOffer,
} from "./method-offers.js";
import { headingPassage, propertyDoc, valueDocs } from "./property-docs.js";
import type { CompletionEntry, ManifestState } from "./types.js";

/** The words each property takes, from the lists the binder checks values against. */
const propertyValues: Readonly<Record<string, readonly string[]>> = {
  execution_flow: executionFlows,
  on_error: onErrorValues,
  cache: booleanValues,
};

/** The units a number of each property may carry, written directly after its digits. */
const propertyUnits: Readonly<Record<string, readonly string[]>> = {
  timeout: durationUnits,
  max_failures: ["%"],
};

/** What may be typed at `offset`. */
export function completion(state: ManifestState, offset: number): readonly CompletionEntry[] {
  const context = contextAt(state.source.text, offset);
  switch (context.kind) {
    case "none":
      return [];
    case "statement": {
      const keywords = context.header
        ? [keyword("import", "imports methods from a module", context.word), backendKeyword(context.word)]
        : [];
      return [...keywords, runInput(context.word), ...methods(state, context.word, context.names)];
    }
    case "groupName":
      return methods(state, context.word, context.names);
    case "importName":
      return importNames(state, context.source, context.listed, context.word);
    case "importFrom":
      return [keyword("from", "the module the names come from", context.word)];
    case "importSource":
      return siblingModules(state.source.path).map((module) => ({
        label: module.specifier,
        kind: "module",
        detail: module.file,
        insertText: context.quoted ? undefined : `"${module.specifier}"`,
        replace: context.replace,
      }));
    case "backendValue":
      return values(backendNames, "backend", context.word);
    case "propertyKey":
      return knownProperties.filter((key) => !context.written.includes(key)).map((key) => property(key, context.word));
    case "propertyValue":
      if (methodValuedProperties.includes(context.key)) return methods(state, context.word, context.names);
      return values(propertyValues[context.key] ?? [], context.key, context.word);
    case "unit":
      return (propertyUnits[context.key] ?? []).map((unit) => ({
        label: unit,
        kind: "unit",
        detail: context.key === "timeout" ? durationDetail(unit) : "a percentage of the stage's items",
        replace: context.replace,
      }));
  }
}

/**
 * The methods the manifest may name, those it does not mention yet first, then those
 * mentioned elsewhere, then those `here` (the group's own names) already holds: a group
 * may repeat a name another group has, and rarely its own.
 */
function methods(state: ManifestState, word: Span, here: readonly string[]): CompletionEntry[] {
  const mentioned = mentionedMethods(state, word);
  return methodOffers(state).map((offer: MethodOffer) => {
    const tier = here.includes(offer.name) ? 2 : mentioned.has(offer.name) ? 1 : 0;
    return {
      label: offer.name,
      kind: "method",
      detail: methodDetail(offer),
      replace: word,
      sortText: `${tier}${offer.name}`,
    };
  });
}

/**
 * The functions the import's module exports that neither its braces nor another import
 * bind yet (a name is imported once, FLOW2005); nothing while its module is unwritten.
 */
function importNames(
  state: ManifestState,
  source: string | undefined,
  listed: readonly string[],
  word: Span,
): CompletionEntry[] {
  if (source === undefined) return [];
  const offers = methodOffers(state);
  const imported = new Set(
    state.compiled.document.imports.flatMap((declaration) =>
      declaration.specifiers.filter((specifier) => specifier.local.span.start !== word.start).map((s) => s.local.name),
    ),
  );
  return exportedFunctions(state, source)
    .filter((name) => !listed.includes(name) && !imported.has(name))
    .map((name) => {
      // Its signature, when a type-check read it under this name from this module.
      const known = offers.find((offer) => offer.exportName === name && offer.module === source);
      const offer = { name, module: source, exportName: name, signature: known?.signature };
      return { label: name, kind: "method", detail: methodDetail(offer), replace: word };
    });
}

function keyword(label: string, detail: string, word: Span): CompletionEntry {
  return { label, kind: "keyword", detail, replace: word, sortText: `0${label}` };
}

function backendKeyword(word: Span): CompletionEntry {
  return {
    ...keyword("backend", "the backend the manifest is meant for", word),
    documentation: `One of ${backendNames.map((name) => `\`${name}\``).join(", ")}: \`backend bullmq;\``,
  };
}

/** `@input`, which may begin a sequential group's list. */
function runInput(word: Span): CompletionEntry {
  return {
    label: RUN_INPUT,
    kind: "keyword",
    detail: "the run's input",
    documentation: "Begins a sequential group whose first method receives the run's input.",
    replace: word,
    sortText: `3${RUN_INPUT}`,
  };
}

function property(key: string, word: Span): CompletionEntry {
  const doc = propertyDoc(key);
  return {
    label: key,
    kind: "property",
    detail: doc === undefined ? undefined : plain(doc.value),
    documentation: doc === undefined ? undefined : `${doc.meaning}\n\nApplies to ${doc.appliesTo}.`,
    replace: word,
  };
}

/** The words `key` takes, in the compiler's order (the default first). */
function values(words: readonly string[], key: string, replace: Span): CompletionEntry[] {
  return words.map((word, index) => ({
    label: word,
    kind: "value",
    detail: valueDocs[key]?.[word],
    documentation: key === "execution_flow" ? headingPassage(word) : undefined,
    replace,
    sortText: String(index),
  }));
}

function durationDetail(unit: string): string {
  const names: Readonly<Record<string, string>> = { ms: "milliseconds", s: "seconds", m: "minutes", h: "hours" };
  return names[unit] ?? unit;
}

/** A table cell's markdown as one plain line: code spans without their backquotes. */
function plain(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, "$1");
}
