// A/B of the softmax picture (Landscape.picture, 64², colour only) of two builds, alternating
// so both see the same machine load. Each build is timed in a process of its own (a child per
// build and round): with both instances in one process, identical builds from two directories
// once timed 1.5–1.75× apart (three runs beside a test suite, the second instance slower;
// 0.95–1.03 either way round on a quiet machine). Separate processes rule that out: identical
// builds, quiet, 7 rounds: 0.94–1.00.
//   node bench/pic-ab.mjs OLD_PKG_DIR [NEW_PKG_DIR=www/pkg] [--rounds R] [--spans 3,5,8] [--sets digits,CSV 1900] [--drag]
// (--drag: also each build's mean grid over spans 3, 3.25, …, 8, a new span each grid, as a drag
// of the span slider asks for them; the spans' own figures repeat one span, whose grid spacing's
// cached values are then reused)
// The set-up of bench/bench.mjs's "one full 64 × 64 landscape" table: W = 0.01·N(0, 1) seed 1,
// directions seed 2, reg 0; the digits and its three seeded CSVs. Prints, per data set and span,
// the median over rounds of each round's median of 3 timings, and new/old.
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { csvArrays } from "./lib/csv.mjs";
import { standardize } from "../www/js/lib/csvdata.js";

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const rounds = Number(opt("--rounds", 7));
const spans = opt("--spans", "3,8").split(",").map(Number);
const only = opt("--sets", ""); // e.g. --sets digits: the data sets whose name starts with one of these
const drag = args.includes("--drag") && (args.splice(args.indexOf("--drag"), 1), true); // also the mean grid of a span drag (a new span each grid)
const [oldDir, newDir = "www/pkg"] = args;
if (!oldDir) { console.error("usage: node bench/pic-ab.mjs OLD_PKG_DIR [NEW_PKG_DIR] [--rounds R] [--spans 3,8]"); process.exit(2); }
async function load(dir) {
  const m = await import(new URL(`file://${path.resolve(dir)}/lossland.js`).href);
  await m.default({ module_or_path: readFileSync(`${path.resolve(dir)}/lossland_bg.wasm`) });
  return m;
}
function seeded(L, n, d, classes, seed, unstandardised = false) {
  let s = seed >>> 0; const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = unstandardised ? Math.floor(u() * 17) : (u() + u() + u() - 1.5) * 2;
  const y = new Uint32Array(n); for (let i = 0; i < n; i++) y[i] = Math.floor(u() * classes);
  return L.Dataset.fromArrays(x, y, d, classes);
}
// the page bench's CSV (bench/lib/drive.mjs), as the page builds it: W = 0.01·N(0, 1) seed 1, directions seed 500
function pageCsv(L, dir, standardised = false) {
  const { x, y } = csvArrays(5000, 60, 7);
  if (standardised) standardize(x, 60); // as "standardise features" does on the page
  const data = L.Dataset.fromArrays(x, y, 60, 10);
  data.landscapeSeed = 500;
  return data;
}
const allSets = [
  ["digits", (L, dir) => L.Dataset.digits(readFileSync(path.join(path.resolve(dir), "digits.bin")))],
  ["CSV 5000×60", (L) => seeded(L, 5000, 60, 10, 7)],
  ["CSV 1900×256", (L) => seeded(L, 1900, 256, 10, 8)],
  ["CSV 5000×60 0–16", (L) => seeded(L, 5000, 60, 10, 9, true)],
  ["CSV page 5000×60", pageCsv],
  ["CSV page std 5000×60", (L, dir) => pageCsv(L, dir, true)],
];
const sets = only ? allSets.filter(([n]) => only.split(",").some((o) => n.startsWith(o))) : allSets;
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
// a child: one build, every data set and span once, printed as JSON
if (args[0] === "--one") {
  const dir = args[1];
  const L = await load(dir);
  const out = {};
  for (const [set, mk] of sets) {
    const d = mk(L, dir);
    const c = new L.Classifier(d, { loss: "softmax", reg: 0 }); c.randomize(1, 0.01);
    const l = new L.Landscape(c, { seed: d.landscapeSeed ?? 2 });
    for (const span of spans) {
      l.picture(span, 64, 0, 64); // warm: the ratios for this spacing, the code's tiers
      l.picture(span, 64, 0, 64);
      const t = [];
      for (let k = 0; k < 3; k++) { const t0 = performance.now(); l.picture(span, 64, 0, 64); t.push(performance.now() - t0); }
      out[`${set} span ${span}`] = med(t);
    }
    if (drag) {
      // as a span drag asks for them: a new span (so a new grid spacing) every grid, 3 to 8 in
      // steps of 0.25 (the slider's), after a pass over the spans between them (the code's tiers)
      for (let v = 3.125; v < 8; v += 0.25) l.picture(v, 64, 0, 64);
      const t0 = performance.now();
      let n = 0;
      for (let v = 3; v <= 8; v += 0.25, n++) l.picture(v, 64, 0, 64);
      out[`${set} drag 3…8`] = (performance.now() - t0) / n;
    }
  }
  console.log(JSON.stringify(out));
  process.exit(0);
}
const { spawnSync } = await import("node:child_process");
const { fileURLToPath } = await import("node:url");
const self = fileURLToPath(import.meta.url);
const builds = [["old", oldDir], ["new", newDir]];
const res = {};
const load0 = loadavg()[0];
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? [...builds].reverse() : builds;
  for (const [name, dir] of order) {
    const child = spawnSync(process.execPath, [...process.execArgv, self, "--one", dir, "--spans", spans.join(","), ...(only ? ["--sets", only] : []), ...(drag ? ["--drag"] : [])], { encoding: "utf8" });
    if (child.status !== 0) { console.error(child.stderr); process.exit(1); }
    for (const [k, v] of Object.entries(JSON.parse(child.stdout.trim().split("\n").pop()))) ((res[k] ??= { old: [], new: [] })[name]).push(v);
  }
}
console.log(`picture 64², medians of ${rounds} rounds (each the median of 3, each build in a process of its own); load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
for (const [k, v] of Object.entries(res)) console.log(`  ${k.padEnd(28)} old ${med(v.old).toFixed(2).padStart(7)} ms   new ${med(v.new).toFixed(2).padStart(7)} ms   new/old ${(med(v.new) / med(v.old)).toFixed(3)}`);
