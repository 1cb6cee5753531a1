// Where the time goes while the landscape's span slider is dragged (60 key presses per second for
// 1.5 s, as bench/page.mjs does): how many grids were drawn and how many of them on the page's
// thread (compute.js's quick path), the trips of the Worker's answers to the page (ms from its
// postMessage to the page's handling), and, unless --no-trace, a Chromium trace of the drag
// summed per thread (CPU ms) and per event on the page's main thread and the Worker.
// Usage: node bench/trace-drag.mjs [QUERY] [--busy] [--no-trace] [--runs N] [--secs S] [--csv NxD [--std]]
//   QUERY   the notebook's query, e.g. "?dataset=digits&loss=softmax" (default: the toy set)
//   --busy  the other core kept busy as bench/page.mjs does (taskset: Chromium on CPU 0)
//   --runs  N drags on the same page, a second apart (the last one traced), and their median
//   --secs  each drag's length (1.5 s)
//   --csv   NxD: a seeded CSV of N rows and D features loaded first (bench/page.mjs's)
//   --std   "standardise features" ticked before the CSV is loaded
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer } from "../tests/browser/server.mjs";
import { dragSpan, spanFrom, dragBrowser, notebookForDrag } from "./lib/drive.mjs";

const args = process.argv.slice(2);
const q = args.find((a, i) => !a.startsWith("--") && !/^--(runs|secs|csv)$/.test(args[i - 1] ?? "")) ?? "";
const busy = args.includes("--busy");
const traced = !args.includes("--no-trace");
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const runs = opt("--runs", 1), secsWanted = opt("--secs", 1.5);
const csv = args.includes("--csv") ? args[args.indexOf("--csv") + 1] : null; // "5000x60"
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-trace-"));
const { browser, stop } = await dragBrowser(busy);
const srv = await startServer({ port: 0, ...(process.env.LOSSLAND_ROOT ? { root: process.env.LOSSLAND_ROOT } : {}) });
const { p } = await notebookForDrag(browser, srv.url, q, csv, { standardise: args.includes("--std") });
const stats = () => p.evaluate(async () => (await import("./js/lib/compute.js")).computeStats());
const file = path.join(tmp, "trace.json");
let before, after;
const rates = [];
for (let run = 0; run < runs; run++) {
  await spanFrom(p); // before the counts and the trace: the reset's own grid is not the drag's
  before = await stats();
  if (traced && run === runs - 1) await browser.startTracing(p, { path: file, categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "toplevel"] });
  const { presses, t1, t2, secs, drawn, shown } = await dragSpan(p, secsWanted, { from: null });
  if (traced && run === runs - 1) await browser.stopTracing();
  after = await stats();
  rates.push(shown / secs);
  console.log(`${q || "(toy)"} ${busy ? "busy" : "plain"}${traced && run === runs - 1 ? " (traced)" : ""}: ${presses} key presses in ${secs.toFixed(2)} s, ${drawn} full 64 × 64 grids drawn (${(drawn / secs).toFixed(1)} per s) in ${shown} frames (${(shown / secs).toFixed(1)} per s), ${after.quick.count - before.quick.count} computed on the page's thread`);
  await p.waitForTimeout(1000);
}
if (runs > 1) {
  const sorted = [...rates].sort((x, y) => x - y);
  console.log(`median of ${runs}: ${sorted[Math.floor(runs / 2)].toFixed(1)} frames with a new grid per s (${sorted.map((v) => v.toFixed(1)).join(" ")})`);
}
stop();
await browser.close();
await srv.close();
const trips = after.trips.slice(before.trips.length >= 200 ? 0 : before.trips.length);
console.log(`Worker → page trips during the drag (ms): ${trips.length ? trips.map((v) => v.toFixed(1)).join(" ") : "none"}`);
if (traced) {
  const ev = JSON.parse(fs.readFileSync(file, "utf8")).traceEvents;
  const names = {};
  for (const e of ev) if (e.name === "thread_name") names[`${e.pid}:${e.tid}`] = e.args.name;
  const per = {}, top = {}, count = {};
  for (const e of ev) {
    if (e.ph !== "X" || e.tdur === undefined) continue;
    const tn = names[`${e.pid}:${e.tid}`] ?? "?";
    if (e.name === "ThreadControllerImpl::RunTask") per[tn] = (per[tn] ?? 0) + e.tdur / 1000;
    else if (/CrRendererMain|DedicatedWorker/.test(tn) && !/RunTask/.test(e.name)) {
      const k = `${tn} ${e.name}`;
      top[k] = (top[k] ?? 0) + e.tdur / 1000;
      count[k] = (count[k] ?? 0) + 1;
    }
  }
  console.log("CPU ms per thread during the drag (thread time of its tasks):");
  for (const [t, v] of Object.entries(per).sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${t.padEnd(32)} ${v.toFixed(0)}`);
  console.log("CPU ms per event, the page's main thread and the Worker (nested events counted in each):");
  for (const [k, v] of Object.entries(top).sort((a, b) => b[1] - a[1]).slice(0, 16)) console.log(`  ${k.padEnd(60)} ${v.toFixed(0).padStart(5)}  ×${count[k]}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
