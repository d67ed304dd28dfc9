// Thread entry used only when the runtime runs from its TypeScript sources (tests, `tsx` on a
// checkout): Node 20 cannot load `call-thread.ts` in a thread on its own, and tsx's `--import`
// hook does not reach worker threads, so this plain module loads it through tsx. Builds use
// `call-thread.js` instead.
import { tsImport } from "tsx/esm/api";

await tsImport(new URL("./call-thread.ts", import.meta.url).href, import.meta.url);
