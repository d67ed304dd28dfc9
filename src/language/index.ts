/**
 * The language service (see types.ts): one function per editor feature, each answering
 * from a `ManifestState` in the compiler's terms.
 */
export * from "./types.js";
export { hover } from "./hover.js";
export { definition } from "./definition.js";
export { settingsLocations } from "./settings-locations.js";
export { references } from "./references.js";
export { prepareRename, rename } from "./rename.js";
export { completion } from "./completion.js";
export { codeActions } from "./code-actions.js";
export { formatDocument, formatRange } from "./formatting.js";
export { documentSymbols } from "./symbols.js";
export { foldingRanges } from "./folding.js";
export { semanticTokens } from "./semantic-tokens.js";
