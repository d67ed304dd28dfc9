/**
 * Hover: a method's card (signature, module, edges, settings), a property's documentation from
 * the language reference, a word a property takes, the run's input and its type, a module path.
 */
import type { Property, Span } from "../../grammar/ast.js";
import { toMilliseconds } from "../duration.js";
import { locate, type Located } from "./locate.js";
import { code, codeBlock } from "./markdown.js";
import { methodCard } from "./method-card.js";
import { methodFacts, modulePathOf } from "./method-facts.js";
import { headingPassage, propertyDoc, valueDocs } from "./property-docs.js";
import type { HoverInfo, ManifestState } from "./types.js";

/** What to show for the name or property under `offset`. */
export function hover(state: ManifestState, offset: number): HoverInfo | undefined {
  const located = locate(state.compiled.document, offset);
  if (located === undefined) return undefined;
  const markdown = describe(state, located);
  return markdown === undefined ? undefined : { span: spanOf(located), markdown };
}

function spanOf(located: Located): Span {
  switch (located.kind) {
    case "method":
      return located.mention.identifier.span;
    case "export":
    case "at-name":
      return located.identifier.span;
    case "import-source":
      return located.literal.span;
    case "property-key":
      return located.property.key.span;
    case "property-value":
      return located.property.value.span;
    case "backend-value":
      return located.declaration.value.span;
  }
}

function describe(state: ManifestState, located: Located): string | undefined {
  switch (located.kind) {
    case "method":
    case "export":
      return methodCard(methodFacts(state, located.name));
    case "at-name":
      return located.identifier.name === "@input" ? runInput(state) : undefined;
    case "import-source": {
      const specifier = located.literal.value;
      const file = modulePathOf(state, specifier);
      const unknown = state.host === undefined ? "not looked up yet: the types are not read" : "not found";
      const where = file === undefined ? unknown : code(file);
      return `${codeBlock("typescript", `module ${JSON.stringify(specifier)}`)}\n\n${where}`;
    }
    case "property-key":
      return propertyMarkdown(located.property.key.name);
    case "property-value":
      return valueMarkdown(located.property);
    case "backend-value": {
      const value = located.declaration.value;
      const word = value.kind === "Identifier" ? value.name : undefined;
      const doc = word === undefined ? undefined : valueDocs["backend"]?.[word];
      return doc === undefined ? undefined : `${code(`backend ${word};`)}: ${doc}`;
    }
  }
}

function propertyMarkdown(key: string): string | undefined {
  const doc = propertyDoc(key);
  if (doc === undefined) return undefined;
  const head = `${codeBlock("flow", `(property) ${key}`)}\n\n${sentence(doc.meaning)}\n\n- value: ${doc.value}\n- applies to: ${doc.appliesTo}`;
  return doc.passage === undefined ? head : `${head}\n\n---\n\n${doc.passage}`;
}

function valueMarkdown(property: Property): string | undefined {
  const key = property.key.name;
  const value = property.value;
  switch (value.kind) {
    case "Identifier": {
      if (key === "branch_on")
        return `The property of the method's output its successors are chosen by (${code("branch_on")}).`;
      const doc = valueDocs[key]?.[value.name];
      if (doc === undefined) return undefined;
      const passage = key === "execution_flow" ? headingPassage(value.name) : undefined;
      const head = `${code(`${key}: ${value.name}`)}: ${doc}`;
      return passage === undefined ? head : `${head}\n\n---\n\n${passage}`;
    }
    case "StringLiteral":
      return key === "branch_on"
        ? `The property of the method's output its successors are chosen by (${code("branch_on")}).`
        : undefined;
    case "NumberLiteral": {
      if (key === "timeout" && value.unit !== undefined) {
        const milliseconds = toMilliseconds(value.value, value.unit);
        return typeof milliseconds === "number"
          ? `${code(value.raw)}: ${milliseconds.toLocaleString("en-US")} ms`
          : undefined;
      }
      if (key === "max_failures") {
        const limit = value.unit === "%" ? `${value.value}% of its items (rounded down)` : `${value.raw} items`;
        return `The stage fails after all once more than ${limit} have failed.`;
      }
      return undefined;
    }
  }
}

function runInput(state: ManifestState): string {
  const typed = state.compiled.typed ?? state.lastTyped;
  const head = codeBlock("typescript", typed === undefined ? "@input" : `@input: ${typed.inputType}`);
  const lines = [
    head,
    "The run's input, as a node of the flow: it begins a sequential group and flows into the methods after it.",
  ];
  if (typed !== undefined && typed !== state.compiled.typed) {
    lines.push("*Type from the last successful check: the current text has errors.*");
  }
  const receivers = (typed?.edges ?? []).filter((edge) => edge.sender === "@input");
  if (receivers.length > 0) {
    lines.push(["**Sends**", ...receivers.map((edge) => `- to ${code(edge.receiver)}: ${code(edge.type)}`)].join("\n"));
  }
  return lines.join("\n\n");
}

/** A table cell as a sentence: capitalised, with its full stop. */
function sentence(text: string): string {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
