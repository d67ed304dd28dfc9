/**
 * Prettier's document builders and printer (`prettier/doc`): a small module that lays
 * out a document in time linear in its size, without Prettier's parsers.
 */
import { builders, printer, utils } from "prettier/doc";

export type Doc = builders.Doc;
export { builders, printer, utils };
