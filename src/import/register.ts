/**
 * `flowc/register`: lets Node import `.flow` manifests directly.
 *
 *     node --import flowc/register app.js
 *     tsx --import flowc/register app.ts
 *
 * `import { run } from "./etl.flow"` then gets the manifest's runner, compiled on the
 * first import and answered from the rebuild cache afterwards (see hooks.ts). It uses
 * Node's documented module customisation hooks (`module.register`); nothing is patched.
 * ES modules only: `require("./etl.flow")` is not served.
 */
import { register } from "node:module";

register("./hooks.js", import.meta.url);
