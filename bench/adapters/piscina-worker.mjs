// The task of the piscina contenders' threads: the workload's own method,
// imported from its TypeScript module the way flowc's threads import methods
// (through tsx, which Node 20 does not pass on to worker threads by itself).
// A task is one item, or an array of items when the pool runs chunks.
import { workerData } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

const { module, exportName, chunked } = workerData;
const loaded = await tsImport(module, import.meta.url);
const method = loaded[exportName];
if (typeof method !== "function") throw new Error(`${module} exports no function '${exportName}'`);

export default chunked ? (items) => items.map((item) => method(item)) : (item) => method(item);
