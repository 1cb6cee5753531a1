// Where the softmax picture's time goes, per function of the wasm: the page bench's CSV
// (bench/lib/csv.mjs, 5000 × 60, the page's directions) drawn as a 64² picture again and again
// under V8's sampling profiler, its self time summed per function. The shipped build inlines the
// row sweep's steps into one function, so this builds its own copy of the wasm with the cargo
// feature `profile-split` (those steps kept out of line), with names and without wasm-opt, into
// target/prof-split/pkg (a minute the first time; not the shipped build: compare its figures
// with each other, not with bench.mjs's).
// Usage: node bench/prof-pic.mjs [--span S (3)] [--grids N (60)] [--std] [--no-build]
//   (--std: the CSV standardised, as the page's "standardise features" does)
import { spawnSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Session } from "node:inspector/promises";
import { csvArrays } from "./lib/csv.mjs";
import { standardize } from "../www/js/lib/csvdata.js";

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const span = opt("--span", 3), grids = opt("--grids", 60);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "target", "prof-split", "pkg");

if (!args.includes("--no-build") || !existsSync(path.join(out, "lossland_bg.wasm"))) {
  const env = { ...process.env, CARGO_TARGET_DIR: path.join(root, "target", "prof-split"), CARGO_PROFILE_RELEASE_DEBUG: "true", PATH: `${path.join(root, "node_modules", ".bin")}:${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
  const r = spawnSync("wasm-pack", ["build", "--profiling", "--no-opt", "--target", "web", "--out-dir", out, "--out-name", "lossland", root, "--", "--features", "profile-split"], { env, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const L = await import(new URL(`file://${out}/lossland.js`).href);
await L.default({ module_or_path: readFileSync(path.join(out, "lossland_bg.wasm")) });
const { x, y } = csvArrays(5000, 60, 7);
const std = args.includes("--std");
if (std) standardize(x, 60);
const clf = new L.Classifier(L.Dataset.fromArrays(x, y, 60, 10), { loss: "softmax", reg: 0 });
clf.randomize(1, 0.01);
const land = new L.Landscape(clf, { seed: 500 });
for (let i = 0; i < 5; i++) land.picture(span, 64, 0, 64); // warm: V8's optimising tier

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 200 });
await session.post("Profiler.start");
const t0 = performance.now();
for (let i = 0; i < grids; i++) land.picture(span, 64, 0, 64);
const ms = (performance.now() - t0) / grids;
const { profile } = await session.post("Profiler.stop");

const own = new Map(); // function name → µs of samples in it
const idOf = new Map(profile.nodes.map((n) => [n.id, n]));
for (let i = 0; i < profile.samples.length; i++) {
  const name = idOf.get(profile.samples[i]).callFrame.functionName || "(anonymous)";
  own.set(name, (own.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...own.values()].reduce((a, b) => a + b, 0);
console.log(`the page bench's CSV 5000 × 60${std ? " standardised" : ""}, 64² picture at span ${span}: ${ms.toFixed(2)} ms a grid (this build) over ${grids} grids; self time per function:`);
for (const [name, us] of [...own].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${((us / 1000) / grids).toFixed(2).padStart(6)} ms a grid  ${name.replace(/::h[0-9a-f]{16}$/, "")}`);
}
