// A/B of the wasm kernels of two builds, alternating in one process (so both see the same machine
// load): node bench/ab.mjs OLD_PKG_DIR [NEW_PKG_DIR=www/pkg]. Prints medians and new/old per kernel
// (digits, reg 0): the 128² plane, the forward numerical gradient, 100 losses, 1000 GD steps, both losses.
import { readFile } from "node:fs/promises";
import path from "node:path";
import fs from "node:fs";
async function load(dir) {
  const m = await import(new URL(`file://${dir}/lossland.js`).href);
  await m.default({ module_or_path: await readFile(`${dir}/lossland_bg.wasm`) });
  return m;
}
const [oldDir, newDir = "www/pkg"] = process.argv.slice(2);
if (!oldDir) { console.error("usage: node bench/ab.mjs OLD_PKG_DIR [NEW_PKG_DIR]"); process.exit(2); }
const builds = { old: await load(path.resolve(oldDir)), new: await load(path.resolve(newDir)) };
// a build from before the digits left the wasm (no digits.bin beside it) takes no bytes
const digitsBytes = (name) => { const f = path.join(path.resolve(name === "old" ? oldDir : newDir), "digits.bin"); return fs.existsSync(f) ? fs.readFileSync(f) : undefined; };
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
function time(f, n) { const t = []; for (let i = 0; i < n; i++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); } return med(t); }
const res = {};
for (let round = 0; round < 5; round++) for (const [name, L] of Object.entries(builds)) {
  const d = L.Dataset.digits(digitsBytes(name));
  for (const loss of ["svm", "softmax"]) {
    const c = new L.Classifier(d, { loss, reg: 0 }); c.randomize(1, 0.001);
    const l = new L.Landscape(c, { seed: 2 });
    const k = `${loss} plane 128²`; (res[k] ??= { old: [], new: [] })[name].push(time(() => l.plane(1, 128), loss === "svm" ? 9 : 3));
    const g = `${loss} numgrad fwd`; (res[g] ??= { old: [], new: [] })[name].push(time(() => c.numericalGradient({ h: 1e-5, centered: false }), 9));
    // one loss, 100 in a row (warmed up by the rounds before the first few)
    const e = `${loss} loss ×100`; (res[e] ??= { old: [], new: [] })[name].push(time(() => { for (let i = 0; i < 100; i++) c.loss(); }, 5));
    const o = new L.Optimizer(c, { method: "gd", stepSize: 0.001 });
    const s = `${loss} 1000 GD steps`; (res[s] ??= { old: [], new: [] })[name].push(time(() => o.run(1000), 1));
    o.free(); l.free(); c.free();
  }
  d.free();
}
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(24), "old", med(v.old).toFixed(2).padStart(9), "ms  new", med(v.new).toFixed(2).padStart(9), "ms  new/old", (med(v.new) / med(v.old)).toFixed(2));
