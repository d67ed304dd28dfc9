/** `flowc/rspack`: the Rspack plugin for `.flow` imports (see plugin.ts). */
import { flowcPlugin } from "./plugin.js";

export type { FlowcPluginOptions } from "./plugin.js";
export default flowcPlugin.rspack;
