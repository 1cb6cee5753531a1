// How late a Worker's message reaches the page while a landscape slider is dragged: a small
// module Worker (same origin, no wasm) answers each ping after 1 ms of work (more, and its own backlog of pings grows once it gets less of a core than that: the page → Worker times then measure the backlog); the page pings it
// once per animation frame during a 2-s key-press drag (bench/lib/drive.mjs dragSpan) and
// records, per answer, the ms from the Worker's postMessage to the page's handler (and, per
// ping, from the page's postMessage to the Worker's handler). This is why
// a drag's grids are computed on the page's thread (docs/PERFORMANCE.md, "The drag"): a Worker's share of a
// grid would come back this late.
// Usage: node bench/worker-latency.mjs [QUERY] [--csv NxD] [--busy]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, DEFAULT_ROOT } from "../tests/browser/server.mjs";
import { dragSpan, spanFrom, dragBrowser, notebookForDrag } from "./lib/drive.mjs";

const args = process.argv.slice(2);
const q = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--csv") ?? "";
const csv = args.includes("--csv") ? args[args.indexOf("--csv") + 1] : null;
const busy = args.includes("--busy");
// a copy of www/ with the probe Worker beside index.html (the page's CSP allows its own origin's
// workers only; the test server follows no symlink out of its root)
const root = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-latency-"));
fs.cpSync(DEFAULT_ROOT, root, { recursive: true });
fs.writeFileSync(path.join(root, "probe-worker.js"),
  "onmessage = (e) => { const t = performance.now(), there = performance.timeOrigin + t - e.data; while (performance.now() - t < 1) {} postMessage([there, performance.timeOrigin + performance.now()]); };\n");
const { browser, stop } = await dragBrowser(busy);
const srv = await startServer({ port: 0, root });
try {
  const { p } = await notebookForDrag(browser, srv.url, q, csv);
  await spanFrom(p); // before the pings: only the drag's own second count
  await p.evaluate(() => {
    const w = new Worker("probe-worker.js");
    const late = (window.__late = { back: [], there: [] });
    let on = true;
    w.onmessage = (e) => { late.there.push(e.data[0]); late.back.push(performance.timeOrigin + performance.now() - e.data[1]); };
    window.__stopPings = () => { on = false; };
    const tick = () => { if (on) { w.postMessage(performance.timeOrigin + performance.now()); requestAnimationFrame(tick); } };
    requestAnimationFrame(tick);
  });
  const d = await dragSpan(p, 2, { from: null });
  const late = await p.evaluate(() => { window.__stopPings(); return window.__late; });
  const at = (a, f) => (a.length ? a[Math.floor(f * (a.length - 1))].toFixed(1) : "—");
  const text = (a) => (a.sort((x, y) => x - y), `p10 ${at(a, 0.1)}, median ${at(a, 0.5)}, p90 ${at(a, 0.9)}, max ${at(a, 1)}`);
  console.log(`${q || "(toy)"}${csv ? ` CSV ${csv}` : ""} ${busy ? "busy" : "plain"}: ${(d.shown / d.secs).toFixed(1)} frames with a new grid per s; ${late.back.length} answers during the drag`);
  console.log(`  ms from the Worker's postMessage to the page's handler: ${text(late.back)}`);
  console.log(`  ms from the page's postMessage (in a frame's callback) to the Worker's handler: ${text(late.there)}`);
} finally {
  await browser.close();
  await srv.close();
  stop();
  fs.rmSync(root, { recursive: true, force: true });
}
