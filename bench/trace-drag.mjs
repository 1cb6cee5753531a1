// Where the time goes while the landscape's span slider is dragged: a Chromium trace of the drag,
// summed per thread and per top-level event. Usage: node bench/trace-drag.mjs [query] [--busy]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer } from "../tests/browser/server.mjs";
import { launch, CHROMIUM } from "../tests/browser/lib/chromium.mjs";

const q = process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : "?dataset=digits&loss=svm";
const busy = process.argv.includes("--busy");
const traced = !process.argv.includes("--no-trace");
let child = null, browser;
if (busy) {
  child = spawn("taskset", ["-c", "1", process.execPath, "-e", "for(;;){}"], { stdio: "ignore" });
  const wrapper = path.join(os.tmpdir(), `trace-chromium-${process.pid}`);
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec taskset -c 0 ${CHROMIUM} "$@"\n`, { mode: 0o755 });
  browser = await launch({ executablePath: wrapper });
} else browser = await launch();
const srv = await startServer({ port: 0 });
const c = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const p = await c.newPage();
await p.goto(new URL("index.html" + q + (q.includes("?") ? "&" : "?") + "predict=off", srv.url).href);
await p.waitForFunction(() => document.documentElement.dataset.status === "ready");
await p.waitForTimeout(1500);
const slider = p.locator('[data-widget="landscape"]').getByRole("slider", { name: "Span of a and b" });
await slider.scrollIntoViewIfNeeded();
await slider.focus();
await p.waitForTimeout(300);
const file = "/tmp/prof/trace.json";
if (traced) await browser.startTracing(p, { path: file, categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "toplevel"] });
const start = Date.now();
let presses = 0;
while (Date.now() - start < 1500) {
  await p.keyboard.press(Math.floor(presses / 20) % 2 === 0 ? "ArrowRight" : "ArrowLeft");
  presses++;
  const wait = start + (presses * 1000) / 60 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
if (traced) await browser.stopTracing();
const t2 = await p.evaluate(() => performance.now());
const drawn = await p.evaluate(() => performance.getEntriesByName("lossland:plane-drawn").length);
const quick = await p.evaluate(async () => (await import("./js/lib/compute.js")).computeStats().quick);
console.log("quick", JSON.stringify(quick));
console.log("latency", await p.evaluate(() => (self.__lat ?? []).map((v) => v.toFixed(1)).join(" ")));
child?.kill("SIGKILL");
await browser.close();
await srv.close();
if (!traced) { console.log(`${q} ${busy ? "busy" : "plain"}: ${presses} presses, ${drawn} drawn in all`); process.exit(0); }
const ev = JSON.parse(fs.readFileSync(file, "utf8")).traceEvents;
const names = {};
for (const e of ev) if (e.name === "thread_name") names[`${e.pid}:${e.tid}`] = e.args.name;
const per = {}, top = {};
for (const e of ev) {
  if (e.ph !== "X" || !e.dur) continue;
  const t = `${e.pid}:${e.tid}`;
  if (e.name === "ThreadControllerImpl::RunTask" || e.name === "RunTask") per[t] = (per[t] ?? 0) + e.dur / 1000;
}
// children one level below RunTask on the renderer main thread and the worker
for (const e of ev) {
  if (e.ph !== "X" || !e.dur) continue;
  const tn = names[`${e.pid}:${e.tid}`] ?? "?";
  if (!/CrRendererMain|DedicatedWorker/.test(tn)) continue;
  if (/RunTask/.test(e.name)) continue;
  const k = `${tn} ${e.name}`;
  top[k] = (top[k] ?? 0) + e.dur / 1000;
}
console.log(`${q} ${busy ? "busy" : "plain"}: ${presses} presses in 1.5 s, ${drawn} drawn in all`);
for (const [t, v] of Object.entries(per).sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${(names[t] ?? t).padEnd(30)} ${v.toFixed(0)} ms`);
for (const [k, v] of Object.entries(top).sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`    ${k.padEnd(60)} ${v.toFixed(0)} ms`);
