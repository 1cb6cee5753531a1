// Where the time goes while the landscape's span slider is dragged (60 key presses per second for
// 1.5 s, as bench/page.mjs does): how many grids were drawn and how many of them on the page's
// thread (compute.js's quick path), the trips of the Worker's answers to the page (ms from its
// postMessage to the page's handling), and, unless --no-trace, a Chromium trace of the drag
// summed per thread (CPU ms) and per event on the page's main thread and the Worker.
// Usage: node bench/trace-drag.mjs [QUERY] [--busy] [--no-trace]
//   QUERY   the notebook's query, e.g. "?dataset=digits&loss=softmax" (default: the toy set)
//   --busy  the other core kept busy as bench/page.mjs does (taskset: Chromium on CPU 0)
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer } from "../tests/browser/server.mjs";
import { launch, CHROMIUM } from "../tests/browser/lib/chromium.mjs";

const args = process.argv.slice(2);
const q = args.find((a) => !a.startsWith("--")) ?? "";
const busy = args.includes("--busy");
const traced = !args.includes("--no-trace");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-trace-"));
let child = null, browser;
if (busy) {
  child = spawn("taskset", ["-c", "1", process.execPath, "-e", "for(;;){}"], { stdio: "ignore" });
  const wrapper = path.join(tmp, "chromium-cpu0");
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec taskset -c 0 ${JSON.stringify(CHROMIUM)} "$@"\n`, { mode: 0o755 });
  browser = await launch({ executablePath: wrapper });
} else browser = await launch();
const stop = () => child?.kill("SIGKILL");
process.once("exit", stop);
const srv = await startServer({ port: 0 });
const c = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const p = await c.newPage();
await p.goto(new URL(`index.html${q}${q.includes("?") ? "&" : "?"}predict=off`, srv.url).href);
await p.waitForFunction(() => document.documentElement.dataset.status === "ready");
await p.waitForTimeout(1500);
const slider = p.locator('[data-widget="landscape"]').getByRole("slider", { name: "Span of a and b" });
await slider.scrollIntoViewIfNeeded();
await slider.focus();
await p.waitForTimeout(300);
const stats = () => p.evaluate(async () => (await import("./js/lib/compute.js")).computeStats());
const before = await stats();
const file = path.join(tmp, "trace.json");
if (traced) await browser.startTracing(p, { path: file, categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "toplevel"] });
const t1 = await p.evaluate(() => performance.now());
const start = Date.now();
let presses = 0;
while (Date.now() - start < 1500) {
  await p.keyboard.press(Math.floor(presses / 20) % 2 === 0 ? "ArrowRight" : "ArrowLeft");
  presses++;
  const wait = start + (presses * 1000) / 60 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
const t2 = await p.evaluate(() => performance.now());
if (traced) await browser.stopTracing();
const after = await stats();
const drawn = await p.evaluate(([a, b]) => performance.getEntriesByName("lossland:plane-drawn").filter((e) => e.startTime >= a && e.startTime <= b && e.detail === 64).length, [t1, t2]);
stop();
await browser.close();
await srv.close();
const secs = (t2 - t1) / 1000;
console.log(`${q || "(toy)"} ${busy ? "busy" : "plain"}: ${presses} key presses in ${secs.toFixed(2)} s, ${drawn} full 64 × 64 grids drawn (${(drawn / secs).toFixed(1)} per s), ${after.quick.count - before.quick.count} computed on the page's thread`);
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
