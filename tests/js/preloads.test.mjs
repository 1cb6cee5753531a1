// index.html's <link rel="modulepreload"> list: every module of js/main.js's static import graph,
// and of the sections it preloads (the line above the landscape), is preloaded (a module found only when its importer has been parsed is a round trip later on the
// way to the first landscape), and every preload names a file that exists. The list is written by
// hand: this test says which line to add when a new static import appears.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const WWW = fileURLToPath(new URL("../../www/", import.meta.url));
const html = fs.readFileSync(path.join(WWW, "index.html"), "utf8");
const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);

/** The www-relative paths of `entry`'s static imports, transitively (dynamic import()s left out). */
function staticGraph(entry) {
  const seen = new Set();
  const visit = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const src = fs.readFileSync(path.join(WWW, rel), "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    for (const m of src.matchAll(/^\s*(?:import|export)\s+(?:[^;'"]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']/gm)) {
      visit(path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1])));
    }
  };
  visit(entry);
  seen.delete(entry);
  return [...seen].sort();
}

test("every module main.js imports statically, or a preloaded section imports, is preloaded by index.html", () => {
  const graph = [...new Set([
    ...staticGraph("js/main.js"),
    ...preloads.filter((f) => f.startsWith("js/sections/")).flatMap((f) => staticGraph(f)),
  ])].sort();
  assert.ok(graph.includes("js/lib/wasm.js") && graph.includes("pkg/lossland.js"), `the import walk found too little: ${graph.join(", ")}`);
  const missing = graph.filter((f) => !preloads.includes(f));
  assert.deepEqual(missing, [], `add to www/index.html: ${missing.map((f) => `<link rel="modulepreload" href="${f}">`).join(" ")}`);
});

test("every preload names a file that exists", () => {
  const wasm = html.match(/<link rel="preload" href="([^"]+\.wasm)"/);
  for (const f of [...preloads, ...(wasm ? [wasm[1]] : [])]) {
    if (f.startsWith("pkg/") && !fs.existsSync(path.join(WWW, "pkg"))) continue; // www/pkg is built, not committed
    assert.ok(fs.existsSync(path.join(WWW, f)), `index.html preloads ${f}, which is not in www/`);
  }
});
