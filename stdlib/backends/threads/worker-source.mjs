// Worker entry used only when the runtime itself runs from its TypeScript
// sources (tests, `tsx` on a checkout): Node 20 cannot load `worker.ts` in a
// thread on its own, and tsx's `--import` hook does not reach worker threads,
// so this plain module loads it through tsx. Builds use `worker.js` instead.
import { tsImport } from "tsx/esm/api";

const worker = await tsImport(new URL("./worker.ts", import.meta.url).href, import.meta.url);

export default worker.default;
