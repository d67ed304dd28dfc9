#!/usr/bin/env node
/**
 * Packages the VS Code extension: bundles src/extension.ts with esbuild into dist/extension.js (CommonJS, `vscode`
 * left to the editor), copies the repository's TextMate grammar into syntaxes/, and writes flowc-<version>.vsix
 * with vsce. Offline: nothing is downloaded, and the bundle carries the extension's dependencies.
 *
 *   node scripts/package.mjs [--out <dir>]     (npm run package -w flowc-vscode; npm run package:vscode at the root)
 *
 * --out defaults to the extension's folder. A relative one is taken from the folder npm was started in (the
 * repository's root for npm run package:vscode), or, run without npm, from the current folder.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createVSIX } from "@vscode/vsce";
import { build } from "esbuild";

const extensionDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repositoryDir = path.resolve(extensionDir, "../..");

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

let values;
try {
  ({ values } = parseArgs({ options: { out: { type: "string" } } }));
} catch (error) {
  fail(`${error.message}\nusage: node scripts/package.mjs [--out <dir>]`);
}
const outDir = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.out ?? extensionDir);

const manifest = JSON.parse(readFileSync(path.join(extensionDir, "package.json"), "utf8"));
const [grammar] = manifest.contributes.grammars;
const [language] = manifest.contributes.languages;

// What the manifest points at must be there, and the grammar must be the one it names.
const grammarSource = path.join(repositoryDir, "grammar", "flow.tmLanguage.json");
if (!existsSync(grammarSource)) fail(`the TextMate grammar ${grammarSource} is missing`);
let grammarScope;
try {
  grammarScope = JSON.parse(readFileSync(grammarSource, "utf8")).scopeName;
} catch (error) {
  fail(`${grammarSource} is not JSON: ${error.message}`);
}
if (grammarScope !== grammar.scopeName) {
  fail(`${grammarSource} has scopeName ${JSON.stringify(grammarScope)}; package.json says ${grammar.scopeName}`);
}
const languageConfiguration = path.join(extensionDir, language.configuration);
if (!existsSync(languageConfiguration)) fail(`the language configuration ${languageConfiguration} is missing`);

rmSync(path.join(extensionDir, "dist"), { recursive: true, force: true });
const bundled = await build({
  absWorkingDir: extensionDir,
  entryPoints: ["src/extension.ts"],
  outfile: manifest.main,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode"],
  // Minified (the language client is most of it), with names kept for the stack traces in the output.
  minify: true,
  keepNames: true,
  logLevel: "warning",
}).catch(() => fail("esbuild could not bundle src/extension.ts (its errors are above)"));
if (bundled.warnings.length > 0) fail("esbuild warned about the bundle (see above)");

const syntaxes = path.join(extensionDir, path.dirname(grammar.path));
rmSync(syntaxes, { recursive: true, force: true });
mkdirSync(syntaxes, { recursive: true });
copyFileSync(grammarSource, path.join(extensionDir, grammar.path));

mkdirSync(outDir, { recursive: true });
const packagePath = path.join(outDir, `flowc-${manifest.version}.vsix`);
await createVSIX({
  cwd: extensionDir,
  packagePath,
  // The bundle holds the dependencies; node_modules (hoisted to the repository's root) stays out.
  dependencies: false,
  // The project publishes no repository URL yet; vsce would otherwise stop to ask.
  allowMissingRepository: manifest.repository === undefined,
});
console.log(packagePath);
