// Where a fresh load's time goes up to the first landscape: a Chromium trace of one fresh load
// (after one untraced warm-up load), the page's main thread's top-level tasks in order with their
// start (ms after navigation), CPU and wall time and what ran in them, and every thread's CPU
// before the first landscape's performance.mark.
// Usage: node bench/trace-first.mjs [--busy] [--www] [--loads N]   (default: dist/site, plain)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, DEFAULT_ROOT } from "../tests/browser/server.mjs";
import { dragBrowser } from "./lib/drive.mjs";

const args = process.argv.slice(2);
const root = args.includes("--www") ? DEFAULT_ROOT : path.join(DEFAULT_ROOT, "..", "dist", "site");
const settle = args.includes("--settle") ? Number(args[args.indexOf("--settle") + 1]) : 0;
const loads = args.includes("--loads") ? Number(args[args.indexOf("--loads") + 1]) : 1;
const { browser, stop } = await dragBrowser(args.includes("--busy"));
const srv = await startServer({ port: 0, root });
const url = new URL("index.html", srv.url).href;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-first-"));
for (let n = 0; n <= loads; n++) {
  const c = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await c.newPage();
  if (settle) await p.waitForTimeout(settle);
  const file = path.join(tmp, `t${n}.json`);
  if (n > 0) await browser.startTracing(p, { path: file, categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "toplevel", "v8", "loading", "blink.user_timing"] });
  await p.goto(url);
  await p.waitForFunction(() => performance.getEntriesByName("lossland:plane-drawn").length > 0, null, { timeout: 60000 });
  await p.waitForTimeout(300);
  const first = await p.evaluate(() => performance.getEntriesByName("lossland:plane-drawn")[0].startTime);
  if (n > 0) {
    await browser.stopTracing();
    report(JSON.parse(fs.readFileSync(file, "utf8")).traceEvents, first);
  }
  await c.close();
}
await browser.close();
await srv.close();
stop();

function report(ev, first) {
  const names = new Map();
  for (const e of ev) if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args.name);
  const nav = ev.find((e) => e.name === "navigationStart" || e.name === "NavigationTiming") ?? ev.find((e) => e.name === "fetchStart");
  // the renderer's main thread: the one with the page's user-timing marks
  const mark = ev.find((e) => e.name === "lossland:plane-drawn");
  const main = ev.filter((e) => e.ph === "X" && mark && e.pid === mark.pid && names.get(`${e.pid}:${e.tid}`) === "CrRendererMain");
  const t0 = ev.filter((e) => e.pid === mark?.pid && e.name === "navigationStart").map((e) => e.ts)[0] ?? nav.ts;
  const end = t0 + first * 1000;
  console.log(`first landscape mark at ${first.toFixed(0)} ms after navigation`);
  const top = main.filter((e) => e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask").sort((a, b) => a.ts - b.ts);
  for (const t of top) {
    if (t.ts > end + 20000 || t.ts + t.dur < t0) continue;
    if (t.dur < 2000) continue;
    const inner = main.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur >= 1000 && !/RunTask/.test(e.name));
    const what = inner.sort((a, b) => b.dur - a.dur).slice(0, 5).map((e) => `${e.name}${e.args?.data?.url ? "(" + e.args.data.url.split("/").pop() + ")" : ""} ${(e.dur / 1000).toFixed(1)}`).join(", ");
    console.log(`  ${((t.ts - t0) / 1000).toFixed(0).padStart(5)} ms  wall ${(t.dur / 1000).toFixed(1).padStart(5)}  cpu ${((t.tdur ?? 0) / 1000).toFixed(1).padStart(5)}  ${what}`);
  }
  const cpu = {};
  for (const e of ev) {
    if (e.ph !== "X" || !(e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask") || e.ts < t0 || e.ts > end) continue;
    const k = `${e.pid}:${names.get(`${e.pid}:${e.tid}`) ?? e.tid}`;
    cpu[k] = (cpu[k] ?? 0) + (e.tdur ?? 0) / 1000;
  }
  console.log("CPU ms per thread from navigation to the first landscape:");
  for (const [k, v] of Object.entries(cpu).sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${k.padEnd(40)} ${v.toFixed(0)}`);
}
