// The bundle half of scripts/wheel: www/js/jupyter.js and everything it imports (the notebook's
// sections, the skeleton, the page, the kernel views) as one ES module for anywidget's _esm,
// with the wasm inlined as base64 (scripts/inline-wasm.mjs: anywidget cannot ship a sidecar
// .wasm, its issue #921) and the stylesheets inlined as text (the widget puts them in its shadow
// root). Writes python/lossland/static/widget.js (git-ignored) and
// python/lossland/_version.py (the crate's version, from Cargo.toml).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { inlineWasm, MINIFIED_ESM } from "./inline-wasm.mjs";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const OUT = path.join(REPO, "python", "lossland", "static", "widget.js");
const VERSION_PY = path.join(REPO, "python", "lossland", "_version.py");

const cargo = fs.readFileSync(path.join(REPO, "Cargo.toml"), "utf8");
const pkg = cargo.slice(cargo.indexOf("[package]"));
const version = pkg.match(/^version\s*=\s*"([^"]+)"/m)?.[1];
if (!version) throw new Error("Cargo.toml: no version in [package]");

await esbuild.build({
  ...MINIFIED_ESM, // without splitting: the sections' dynamic import()s are inlined: one file
  entryPoints: [path.join(REPO, "www", "js", "jupyter.js")],
  loader: { ".css": "text" },
  // without the digits: the widget's data set is always the learner's arrays (docs/JUPYTER.md)
  plugins: [inlineWasm()],
  outfile: OUT,
});
fs.writeFileSync(VERSION_PY, `# Written by scripts/wheel from Cargo.toml: the crate's version is the package's.\n__version__ = "${version}"\n`);
console.log(`wheel: ${path.relative(REPO, OUT)} (${(fs.statSync(OUT).size / 1024).toFixed(0)} KiB, wasm inlined), lossland ${version}`);
