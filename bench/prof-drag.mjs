// Where the page's main thread spends a span drag, by function: V8's sampling profiler (CDP
// Profiler domain) over one drag (bench/lib/drive.mjs dragSpan), self time summed per function
// name (wasm functions as the module names them), the 25 largest printed.
// Usage: node bench/prof-drag.mjs [QUERY] [--csv NxD [--std]] [--secs S] [--busy] [--callers NAME]
//   (CALLERS_ANY=1: the callers of any kind, wasm functions too, not only the page's JS)
//   LOSSLAND_ROOT=DIR serves DIR instead of www/ (e.g. a copy whose pkg/ is target/prof-split's
//   build, whose wasm functions have names)
import path from "node:path";
import { startServer } from "../tests/browser/server.mjs";
import { dragSpan, spanFrom, dragBrowser, notebookForDrag } from "./lib/drive.mjs";

const args = process.argv.slice(2);
const q = args.find((a, i) => !a.startsWith("--") && !/^--(secs|csv|callers)$/.test(args[i - 1] ?? "")) ?? "";
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const csv = opt("--csv", null), secs = Number(opt("--secs", 2));
const { browser, stop } = await dragBrowser(args.includes("--busy"));
const srv = await startServer({ port: 0, ...(process.env.LOSSLAND_ROOT ? { root: process.env.LOSSLAND_ROOT } : {}) });
const { c, p } = await notebookForDrag(browser, srv.url, q, csv, { standardise: args.includes("--std") });
const cdp = await c.newCDPSession(p);
await spanFrom(p); // before the profile: the reset's own grid is not the drag's
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
await cdp.send("Profiler.start");
const d = await dragSpan(p, secs, { from: null });
const { profile } = await cdp.send("Profiler.stop");
const paint = await p.evaluate(([a, b]) => performance.getEntriesByName("lossland:plane-paint").filter((e) => e.startTime >= a && e.startTime <= b && e.detail === 64).map((e) => e.duration).sort((x, y) => x - y), [d.t1, d.t2]);
console.log(`${q || "(toy)"}${csv ? ` CSV ${csv}` : ""}: ${d.drawn} grids drawn in ${d.secs.toFixed(2)} s (${(d.shown / d.secs).toFixed(1)} frames with a new one per s); the chart alone (heat map, axes, colour bar) ${paint.length ? paint[paint.length >> 1].toFixed(1) : "—"} ms a grid (median)`);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = {};
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]);
  const dt = profile.timeDeltas[i] ?? 0;
  const f = n.callFrame;
  const k = `${f.functionName || "(anonymous)"} ${f.url ? path.basename(f.url) + ":" + (f.lineNumber + 1) : ""}`.trim();
  self[k] = (self[k] ?? 0) + dt / 1000;
  total += dt / 1000;
}
console.log(`sampled ${total.toFixed(0)} ms; self time per function:`);
for (const [k, v] of Object.entries(self).sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${v.toFixed(1).padStart(8)} ms  ${(100 * v / total).toFixed(1).padStart(5)}%  ${k}`);
// --callers NAME: for the samples whose function's name contains NAME, the page's own JS
// functions above them (the nearest three), summed
const callers = args.includes("--callers") ? args[args.indexOf("--callers") + 1] : null;
if (callers) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const by = {};
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    if (!n.callFrame.functionName.includes(callers)) continue;
    const chain = [];
    for (let up = byId.get(parent.get(n.id)); up && chain.length < 3; up = byId.get(parent.get(up.id))) {
      const f = up.callFrame;
      if (process.env.CALLERS_ANY || /\/js\//.test(f.url)) chain.push(`${f.functionName || "(anonymous)"} ${path.basename(f.url)}:${f.lineNumber + 1}`);
    }
    const k = chain.join(" ← ") || "(no page function)";
    by[k] = (by[k] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000;
  }
  console.log(`callers of ${callers}:`);
  for (const [k, v] of Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${v.toFixed(1).padStart(8)} ms  ${k}`);
}
stop();
await browser.close();
await srv.close();
