// The work of scripts/dist: copies www/ to dist/site/ and bundles the notebook into one HTML file
// with esbuild (npm, dev dependency). In the single file, js/lib/wasm.js is replaced by a module
// that instantiates the wasm from bytes inlined as base64, so nothing is fetched; the page's
// Content-Security-Policy is kept as strict as the served one, with hashes for the inline
// <script> and <style> instead of 'self'.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { inlineWasm, MINIFIED_ESM } from "./inline-wasm.mjs";
import { shortenSiteImports } from "./wasm-names.mjs";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const WWW = path.join(REPO, "www");
const DIST = path.join(REPO, "dist");
const SITE = path.join(DIST, "site");
const ONE = path.join(DIST, "lossland.html");
const WASM = path.join(WWW, "pkg", "lossland_bg.wasm");
const DIGITS = path.join(WWW, "pkg", "digits.bin"); // the digits, fetched when first chosen

for (const f of [WASM, DIGITS]) if (!fs.existsSync(f)) throw new Error(`${f} is missing: run scripts/build`);

// --- dist/site ---------------------------------------------------------------------------------
// wasm-pack's pkg/.gitignore ("*") would make a git-based host (gh-pages) drop pkg/: leave it out,
// and pkg's README/package.json which are for npm, not for the site.
const SKIP = new Set(["pkg/.gitignore", "pkg/README.md", "pkg/package.json"]);
fs.rmSync(SITE, { recursive: true, force: true });
fs.cpSync(WWW, SITE, {
  recursive: true,
  filter: (src) => {
    const rel = path.relative(WWW, src).split(path.sep).join("/");
    return !SKIP.has(rel) && !/(^|\/)\.DS_Store$|\.test\.m?js$|(^|\/)tests?\//.test(rel);
  },
});

// Minify the site's JS and CSS in place (each file on its own: same names, same module graph, so
// index.html's preloads and the embeds' imports still resolve). What a learner downloads from a
// deployed site; www/ stays readable source. esbuild keeps ES module syntax and export names.
for (const rel of fs.readdirSync(SITE, { recursive: true })) {
  const file = path.join(SITE, rel);
  const loader = rel.endsWith(".js") ? "js" : rel.endsWith(".css") ? "css" : null;
  if (!loader || !fs.statSync(file).isFile()) continue;
  const { code } = esbuild.transformSync(fs.readFileSync(file, "utf8"), { loader, minify: true, format: loader === "js" ? "esm" : undefined, target: "es2022", charset: "utf8" });
  fs.writeFileSync(file, code);
}

// The notebook as one module (plus chunks loaded on first use: the CSV parser, the NumPy
// snippet): js/lib/notebook.js, which index.html loads instead of js/main.js's graph of ~30
// files. One gzip stream over the whole graph, names minified across modules, one request and
// one compile: ~16 KB less gzip than the files one by one, and no module waterfall. It sits in
// js/lib/ so that wasm.js's URLs relative to import.meta.url (../../pkg/, ../worker.js) resolve
// in the bundle as they do in www/. The sections, dynamic imports in widgets.js for the embeds,
// become static imports here (the notebook mounts every one at load anyway). embed.html gets the
// same treatment with its sections left as chunks (an embed loads its own section only):
// js/lib/embed.js. The custom elements (js/elements.js, loaded by other sites by that URL) keep
// the per-file modules above; the Worker is bundled in place below.
const staticSections = {
  name: "static-sections",
  setup(build) {
    build.onLoad({ filter: /[\\/]js[\\/]lib[\\/]widgets\.js$/ }, (args) => {
      const src = fs.readFileSync(args.path, "utf8");
      const imports = [];
      const contents = src.replace(/\(\)\s*=>\s*import\(("[^"]+")\)/g, (_, spec) => {
        imports.push(`import * as section${imports.length} from ${spec};`);
        return `() => Promise.resolve(section${imports.length - 1})`;
      });
      if (!imports.length) throw new Error("widgets.js: no `() => import(\"…\")` of a section found to bundle");
      return { contents: `${imports.join("\n")}\n${contents}`, loader: "js" };
    });
  },
};
// both entries: split into chunks, written beside wasm.js's place in js/lib/
const SPLIT = { ...MINIFIED_ESM, splitting: true, metafile: true, outdir: path.join(SITE, "js", "lib") };
const notebook = await esbuild.build({
  ...SPLIT,
  entryPoints: { notebook: path.join(WWW, "js", "main.js") },
  chunkNames: "notebook-[name]-[hash]",
  plugins: [staticSections],
});
const embed = await esbuild.build({
  ...SPLIT,
  entryPoints: { embed: path.join(WWW, "js", "embed.js") },
  chunkNames: "embed-[name]-[hash]",
});
// The chunks an entry imports statically (code it shares with the chunks loaded on first use):
// preloaded by its page, or each would be found only once the entry has arrived and been parsed, a
// second round trip before the first landscape (seen in traces: ~280 ms on a loaded machine).
const staticChunks = (build, entry) => {
  const outputs = build.metafile.outputs;
  const key = Object.keys(outputs).find((k) => outputs[k].entryPoint && k.endsWith(`/${entry}`));
  if (!key) throw new Error(`no output ${entry} in the bundle's metafile`);
  const seen = new Set();
  const visit = (k) => {
    for (const i of outputs[k].imports) {
      if (i.kind !== "import-statement" || seen.has(i.path)) continue;
      seen.add(i.path);
      visit(i.path);
    }
  };
  visit(key);
  return [...seen].map((k) => `js/lib/${path.basename(k)}`);
};
const preloadTags = (files) => files.map((f) => `<link rel="modulepreload" href="${f}">\n`).join("");
if (notebook.errors.length || embed.errors.length) throw new Error("the notebook or embed bundle failed");
// the compute Worker's module (lib/compute.js starts js/worker.js by URL) as one file in place
if (fs.existsSync(path.join(WWW, "js", "worker.js"))) {
  await esbuild.build({ ...MINIFIED_ESM, entryPoints: [path.join(WWW, "js", "worker.js")], outfile: path.join(SITE, "js", "worker.js"), allowOverwrite: true });
}
{
  const file = path.join(SITE, "index.html");
  let page = fs.readFileSync(file, "utf8");
  const main = /<script type="module" src="js\/main\.js"><\/script>/;
  if (!main.test(page)) throw new Error("index.html: cannot find the main.js <script> to replace");
  page = page
    .replace(/^.*<link rel="modulepreload"[^>]*>\s*\n/gm, "") // www's per-file preloads: replaced by the bundle's
    .replace(main, () => `${preloadTags(staticChunks(notebook, "notebook.js"))}<script type="module" src="js/lib/notebook.js"></script>`);
  fs.writeFileSync(file, page);
  const efile = path.join(SITE, "embed.html");
  const epage = fs.readFileSync(efile, "utf8");
  const emain = /<script type="module" src="js\/embed\.js"><\/script>/;
  if (!emain.test(epage)) throw new Error("embed.html: cannot find the embed.js <script> to replace");
  fs.writeFileSync(efile, epage.replace(emain, () => `${preloadTags(staticChunks(embed, "embed.js"))}<script type="module" src="js/lib/embed.js"></script>`));
}

// the site's wasm and its JS: wasm-bindgen's hashed import names shortened (scripts/wasm-names.mjs)
{
  const { renamed, saved } = shortenSiteImports(SITE);
  console.log(`dist: ${renamed} wasm import names shortened in dist/site/ (${saved} bytes less wasm)`);
}

// --- dist/lossland.html ------------------------------------------------------------------------
const result = await esbuild.build({
  ...MINIFIED_ESM, // without splitting: the sections' dynamic import()s are inlined into the one bundle
  entryPoints: [path.join(WWW, "js", "main.js")],
  write: false,
  plugins: [inlineWasm(WASM, { digits: DIGITS })], // file:// fetches nothing: the digits inlined too (~80 KB of base64)
});
let js = result.outputFiles[0].text;
// an HTML parser ends a <script> at "</script" anywhere, even inside a JS string
js = js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
const css = fs.readFileSync(path.join(WWW, "css", "lossland.css"), "utf8").replace(/<\/(style)/gi, "<\\/$1");

const sha = (s) => `'sha256-${crypto.createHash("sha256").update(s, "utf8").digest("base64")}'`;
const csp = [
  "default-src 'none'",
  `script-src ${sha(js)} 'wasm-unsafe-eval'`,
  "worker-src blob: data:", // the compute Worker, started from its inlined code (lib/compute.js)
  `style-src ${sha(css)}`,
  "img-src data: blob:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

let html = fs.readFileSync(path.join(WWW, "index.html"), "utf8");
const replaceOnce = (re, by, what) => {
  if (!re.test(html)) throw new Error(`index.html: cannot find ${what} to replace`);
  html = html.replace(re, () => by);
};
replaceOnce(/<meta http-equiv="Content-Security-Policy"[^>]*>/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`, "the CSP <meta>");
html = html.replace(/^.*<link rel="(?:preload|modulepreload)"[^>]*>\s*\n/gm, "");
replaceOnce(/^.*<script async src="js\/boot\.js"><\/script>\s*\n/m, "", "the boot.js <script>"); // the wasm is inlined here
replaceOnce(/<link rel="stylesheet" href="css\/lossland\.css">/, `<style>${css}</style>`, "the stylesheet <link>");
replaceOnce(/<script type="module" src="js\/main\.js"><\/script>/, `<script type="module">${js}</script>`, "the main.js <script>");
if (/\s(?:src|href)="(?!data:|#|https?:)[^"]*"/.test(html.replace(/<script type="module">[\s\S]*<\/script>/, ""))) {
  const left = html.match(/\s(?:src|href)="(?!data:|#|https?:)[^"]*"/);
  throw new Error(`dist/lossland.html would still load ${left[0].trim()}`);
}
fs.mkdirSync(DIST, { recursive: true });
fs.writeFileSync(ONE, html);

const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const siteSize = (dir) => fs.readdirSync(dir, { recursive: true }).reduce((s, f) => s + (fs.statSync(path.join(dir, f)).isFile() ? fs.statSync(path.join(dir, f)).size : 0), 0);
console.log(`dist: dist/site/ (${kib(siteSize(SITE))}) for any static host`);
console.log(`dist: dist/lossland.html (${kib(Buffer.byteLength(html))}, wasm ${kib(fs.statSync(WASM).size)} and digits ${kib(fs.statSync(DIGITS).size)} as base64) opens from disk, no network`);
