// The page in headless Chromium, each timing twice: on the machine as it is ("plain": no load
// added by the bench; other programs may be running, the load average is printed) and with
// the other core kept busy ("busy": a `node -e 'for(;;){}'` child pinned to CPU 1 with taskset,
// Chromium and everything it starts pinned to CPU 0; without taskset, both unpinned). Figures:
//   - first landscape drawn after navigation (median of fresh loads, each in a new window
//     left 0.5 s to settle before it navigates), the deployed build
//     (dist/site: one bundled module, minified) and www/ as in the repository;
//   - 64 × 64 landscape redraws per second while the span slider is dragged (key presses at
//     60 per second for 2 s), on the toy set, the digits with both losses and a CSV at the caps
//     (5000 × 60, 10 classes, seeded; both losses as given, softmax standardised), the median of
//     3 drags on the same page, with the longest main-thread task during them;
//   - the longest main-thread task when the data set changes to the digits and when a CSV at the
//     caps is loaded (1900 × 256, 5000 × 60);
//   - the longest main-thread task while every slider of the notebook is dragged in turn (key
//     presses at 60 per second for 1 s each, the sliders with a task of 50 ms or more named), on
//     the digits and on CSVs at the caps under softmax; and from each heavy interaction of issue
//     12's goal 1 to its end: the landscape at 128 × 128, the scoreboard at its largest budget
//     (10,000), the gradient check's New W on a CSV at the caps; the same on embed.html (the
//     landscape, gradient check, scoreboard and SGD widgets, one a page) and on a course page
//     holding the six custom elements, on the digits under softmax (neither can load a CSV);
//     and where no Worker starts (`window.Worker` deleted before the page's scripts, as in a
//     sandboxed iframe), embed.html's four and the notebook (the digits, and a CSV at the caps
//     loaded), the same jobs on the page's thread;
//   - bytes transferred (gzip) by a fresh load, as deployed and from www/; wasm memory after a
//     minute of use (these two once: the load does not change them).
// Long tasks are the browser's own (PerformanceObserver "longtask", tasks of 50 ms or more),
// recorded from the page's first script on. Each figure is printed with its target and ✓ / ✗.
// Works with and without the compute Worker (data-compute on <html> says which path ran) and
// with and without an f32 `picture` export on Landscape (printed when present).
// Usage: node bench/page.mjs [--quick] [--plain | --busy] [--tasks] [--page-json OUT]
//   --plain / --busy  only that condition;  --tasks  only the longest tasks of the data set changes;
//   --drags  only the drags;  --first  only the first landscape;  --interactions  only the
//   sliders and the heavy interactions (the notebook's, embed.html's and the custom elements');
//   --elsewhere  only embed.html's and the custom elements';  --unpinned  busy without taskset (nothing pinned).
//   LOSSLAND_ROOT=DIR serves DIR instead of www/ (an A/B of two copies)
import { gzipSync } from "node:zlib";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, DEFAULT_ROOT } from "../tests/browser/server.mjs";
import { launch, CHROMIUM } from "../tests/browser/lib/chromium.mjs";
import { spanSlider, dragSpan, pressArrows, csvAt, loadCsv } from "./lib/drive.mjs";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const tasksOnly = argv.includes("--tasks");
const dragsOnly = argv.includes("--drags");
const firstOnly = argv.includes("--first");
const elsewhereOnly = argv.includes("--elsewhere"); // only embed.html's and the custom elements' figure
const interOnly = argv.includes("--interactions") || elsewhereOnly;
const jsonOut = argv.includes("--page-json") ? argv[argv.indexOf("--page-json") + 1] : null;
const conditions = argv.includes("--plain") ? ["plain"] : argv.includes("--busy") ? ["busy"] : ["plain", "busy"];
const SITE = path.join(DEFAULT_ROOT, "..", "dist", "site");
const VIEW = { width: 1280, height: 900 };
// Each fresh load opens a new window (a new context), and Chromium's new window loads its
// omnibox popup (a WebUI renderer: ~50 ms of CPU in a trace, bench/trace-first.mjs) while our
// page loads: with Chromium on one core that delayed the first landscape by 50–90 ms. A
// learner's navigation happens in a window that is already open; the bench lets the new window
// settle this long before it navigates (SETTLE_MS=0: as before).
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 500);
const T = { fps: 30, firstMs: 200, kb: 250, taskMs: 50 };
const DRAGS = 3; // drags per data set and condition (1 with --quick)

// --unpinned: the busy loop and Chromium left to the OS's scheduler on both cores (the issue's
// words, "a second process keeps the other core busy", without pinning): a second figure
const taskset = !argv.includes("--unpinned") && spawnSync("taskset", ["-c", "0", "true"]).status === 0 && os.cpus().length >= 2;

// ---------------------------------------------------------------- the busy core
/** Starts the busy loop; returns { stop, how }. */
function busyCore() {
  const cmd = taskset ? ["taskset", ["-c", "1", process.execPath, "-e", "for(;;){}"]] : [process.execPath, ["-e", "for(;;){}"]];
  const child = spawn(cmd[0], cmd[1], { stdio: "ignore" });
  const stop = () => { if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL"); };
  process.once("exit", stop); // never left spinning, whatever ends this process
  for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => { stop(); process.exit(130); });
  return {
    how: taskset ? "a node busy loop pinned to CPU 1 (taskset), Chromium pinned to CPU 0" : "a node busy loop (no taskset: nothing pinned)",
    stop,
  };
}
/** Chromium, pinned to CPU 0 when `pin` (a wrapper script: every process it starts inherits it). */
async function browserFor(pin) {
  if (!pin || !taskset) return launch();
  const wrapper = path.join(os.tmpdir(), `lossland-chromium-cpu0-${process.pid}`);
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec taskset -c 0 ${JSON.stringify(CHROMIUM)} "$@"\n`, { mode: 0o755 });
  process.once("exit", () => fs.rmSync(wrapper, { force: true }));
  return launch({ executablePath: wrapper });
}

// ---------------------------------------------------------------- helpers
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : "—");
// every long task of the page from its first script on, as { start, duration }
const LONGTASKS = () => {
  window.__longtasks = [];
  try {
    new PerformanceObserver((l) => window.__longtasks.push(...l.getEntries().map((e) => ({ start: e.startTime, duration: e.duration })))).observe({ type: "longtask", buffered: true });
  } catch { /* no longtask API: none recorded */ }
};
const longestIn = (p, t1, t2) => p.evaluate(([a, b]) => {
  const hit = window.__longtasks.filter((e) => e.start + e.duration > a && e.start < b);
  return { longest: Math.max(0, ...hit.map((e) => e.duration)), count: hit.length };
}, [t1, t2]);
const taskText = (t) => (t.longest > 0 ? `${t.longest.toFixed(0)} ms (${t.count} of 50 ms or more)` : "none of 50 ms or more");

// when the first landscape reaches the screen: the frame after its first performance.mark (a
// long task after the drawing, e.g. other sections mounting, delays that frame)
const SHOWN = () => {
  const mark = performance.mark.bind(performance);
  performance.mark = (name, opts) => {
    const r = mark(name, opts);
    if (name === "lossland:plane-drawn" && window.__shown === undefined) {
      window.__shown = null;
      requestAnimationFrame(() => { window.__shown = performance.now(); });
    }
    return r;
  };
};

async function newPage(browser) {
  const c = await browser.newContext({ viewport: VIEW });
  await c.addInitScript(LONGTASKS);
  await c.addInitScript(SHOWN);
  const p = await c.newPage();
  return { c, p };
}
const waitReady = (p) => p.waitForFunction(() => document.documentElement.dataset.status === "ready", null, { timeout: 60000 });

const CSVS = {};
const csvFile = (n, d) => (CSVS[`${n}x${d}`] ??= csvAt(n, d, 7));
// a copy of the site with one more page: the six custom elements on the digits under softmax, as
// a course page would hold them (its CSP as the test fixtures'), served once, on first use
const ELEMENT_TAGS = ["lossland-landscape", "lossland-line", "lossland-gradient-stepper", "lossland-gradient-check", "lossland-optimizer", "lossland-scoreboard"];
let elementsServer = null;
async function elementsSite() {
  if (elementsServer) return elementsServer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-elements-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(ROOT, dir, { recursive: true });
  const tags = ELEMENT_TAGS.map((t) => `<${t} dataset="digits" loss="softmax" predict="off"${t === "lossland-optimizer" ? ' method="sgd"' : ""}></${t}>`).join("\n");
  fs.writeFileSync(path.join(dir, "bench-elements.html"), `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'">
<title>lossland's six elements</title>
<link rel="icon" href="data:,">
<script type="module" src="js/elements.js"></script>
</head>
<body>
<main>
${tags}
</main>
</body>
</html>
`);
  elementsServer = await startServer({ root: dir, csp: true });
  return elementsServer;
}
// ---------------------------------------------------------------- the figures
/** Bytes a fresh load of index.html from `root` transfers, each body gzipped (level 9) as a compressing server would send it. */
async function transfer(browser, root) {
  const srv = await startServer({ root, csp: true });
  const { c, p } = await newPage(browser);
  const got = [];
  p.on("response", async (r) => {
    try { const body = await r.body(); got.push({ url: r.url(), raw: body.length, gz: gzipSync(body, { level: 9 }).length }); } catch { /* redirects have no body */ }
  });
  await p.goto(new URL("index.html", srv.url).href);
  await waitReady(p);
  await p.waitForTimeout(1000); // the Worker's files, the sections' first runs
  await c.close();
  await srv.close();
  const sum = (k, f = () => true) => got.filter(f).reduce((a, b) => a + b[k], 0);
  return { gz: sum("gz"), raw: sum("raw"), files: got.length, wasmGz: sum("gz", (b) => b.url.endsWith(".wasm")), jsGz: sum("gz", (b) => /\.m?js$/.test(b.url)) };
}

/** Median time from navigation to the first landscape drawn, on screen, and to the full grid (64 × 64). */
async function firstLandscape(browser, url, loads) {
  const firsts = [], fulls = [], shown = [];
  for (let i = 0; i < loads + 1; i++) {
    const { c, p } = await newPage(browser);
    if (SETTLE_MS) await p.waitForTimeout(SETTLE_MS);
    await p.goto(url);
    await p.waitForFunction(() => performance.getEntriesByName("lossland:plane-drawn").some((e) => e.detail >= 64), null, { timeout: 60000 });
    await p.waitForFunction(() => window.__shown != null, null, { timeout: 60000 });
    const [a, b, f] = await p.evaluate(() => { const d = performance.getEntriesByName("lossland:plane-drawn"); return [d[0].startTime, d.find((e) => e.detail >= 64).startTime, window.__shown]; });
    await c.close();
    if (i === 0) continue; // the browser's first load (its caches, the server's) is left out
    firsts.push(a);
    fulls.push(b);
    shown.push(f);
  }
  return { first: median(firsts), full: median(fulls), shown: median(shown), firsts };
}

/**
 * The span slider dragged for `seconds` (lib/drive.mjs dragSpan, from span 3): the 64 × 64 landscapes drawn in full
 * during the drag and the frames that showed a new one; the longest main-thread task in the
 * same time.
 */
async function dragRate(p, seconds = 2) {
  await spanSlider(p);
  // grids drawn straight from the page's thread (compute.js's quick path; www/ only, where the
  // page's own compute.js module can be imported)
  const quickCount = () => p.evaluate(async () => (await import("./js/lib/compute.js")).computeStats().quick?.count ?? 0).catch(() => null);
  const q1 = await quickCount();
  const { presses, t1, t2, secs, shown } = await dragSpan(p, seconds);
  const q2 = await quickCount();
  await p.waitForTimeout(1500); // the last position's grid
  const d = await p.evaluate(([a, b]) => {
    const drawn = performance.getEntriesByName("lossland:plane-drawn").filter((e) => e.startTime >= a);
    const inDrag = drawn.filter((e) => e.startTime <= b);
    const redraws = performance.getEntriesByName("lossland:plane-redraw").filter((e) => e.detail === 64 && e.startTime >= a).map((e) => e.duration);
    return { full: inDrag.filter((e) => e.detail === 64).length, previews: inDrag.filter((e) => e.detail !== 64).length, after: drawn.length - inDrag.length, redraws };
  }, [t1, t2]);
  const tasks = await longestIn(p, t1, t2);
  d.quick = q1 === null || q2 === null ? null : q2 - q1;
  return { fps: shown / secs, shown, ...d, presses, secs, one: median(d.redraws), tasks };
}

/** The longest task from `change(page)` until 4 s after, on a fresh notebook (toy). Median of `rounds`. */
async function longestTask(browser, url, change, rounds) {
  const worst = [];
  for (let i = 0; i < rounds; i++) {
    const { c, p } = await newPage(browser);
    await p.goto(url);
    await waitReady(p);
    await p.waitForTimeout(1500); // the sections' first runs are over
    const t1 = await p.evaluate(() => performance.now());
    await change(p);
    await p.waitForTimeout(4000);
    const t2 = await p.evaluate(() => performance.now());
    worst.push((await longestIn(p, t1, t2)).longest);
    await c.close();
  }
  return { med: median(worst), all: worst };
}

/**
 * Every visible slider of the notebook, in page order, dragged from the keyboard for `seconds`
 * (key presses at 60 per second, the direction turning every 20) and given 1.5 s to settle.
 * → [{ name, presses, tasks }] with each slider's longest main-thread task in that time.
 */
async function everySlider(p, seconds) {
  const sliders = p.getByRole("slider");
  const out = [];
  for (let i = 0, n = await sliders.count(); i < n; i++) {
    const s = sliders.nth(i);
    if (!(await s.isVisible())) continue;
    const name = await s.evaluate((e) => `${e.closest("[data-widget]")?.dataset.widget ?? "settings"}: ${(e.getAttribute("aria-label") ?? e.labels?.[0]?.textContent ?? "").trim()}`);
    await s.scrollIntoViewIfNeeded();
    await s.focus();
    await p.waitForTimeout(300);
    const t1 = await p.evaluate(() => performance.now());
    const presses = await pressArrows(p, seconds);
    await p.waitForTimeout(1500);
    const t2 = await p.evaluate(() => performance.now());
    out.push({ name, presses, tasks: await longestIn(p, t1, t2) });
  }
  return out;
}

// ---------------------------------------------------------------- the run
const rows = []; // { what, target, text: { once | plain | busy }, ok: { … } }
const row = (what, target) => {
  let r = rows.find((x) => x.what === what);
  if (!r) rows.push((r = { what, target, text: {}, ok: {} }));
  return r;
};
const put = (what, target, cond, text, ok) => { const r = row(what, target); r.text[cond] = text; r.ok[cond] = ok; };
const notes = [];

const ROOT = process.env.LOSSLAND_ROOT ? path.resolve(process.env.LOSSLAND_ROOT) : DEFAULT_ROOT;
const server = await startServer({ root: ROOT, csp: true });
const hasSite = fs.existsSync(path.join(SITE, "index.html"));
const site = hasSite ? await startServer({ root: SITE, csp: true }) : null;
const url = (q = "") => new URL(`index.html${q}`, server.url).href;
try {
  // once: bytes, and how the page computes (Worker or main thread; f32 picture or not)
  if (!tasksOnly && !dragsOnly && !firstOnly && !interOnly) {
    const browser = await launch();
    try {
      const kb = (t) => `${(t.gz / 1024).toFixed(1)} KB in ${t.files} files (wasm ${(t.wasmGz / 1024).toFixed(1)} KB, JS ${(t.jsGz / 1024).toFixed(1)} KB; ${(t.raw / 1024).toFixed(0)} KB raw)`;
      const repo = await transfer(browser, ROOT);
      if (hasSite) {
        const dep = await transfer(browser, SITE);
        put("transferred by a fresh load, gzip, as deployed (dist/site)", `≤ ${T.kb} KB`, "once", kb(dep), dep.gz <= T.kb * 1024);
      } else notes.push("dist/site is missing (run scripts/dist): the deployed transfer and first landscape are not measured");
      put("transferred by a fresh load, gzip, www/ as in the repository", "—", "once", kb(repo), null);
      const { c, p } = await newPage(browser);
      await p.goto(url());
      await waitReady(p);
      await p.waitForTimeout(500);
      const how = await p.evaluate(async () => {
        const L = await (await import("./js/lib/wasm.js")).loadLossland();
        return { compute: document.documentElement.dataset.compute ?? "(not recorded: no compute Worker in this build)", picture: typeof L.Landscape?.prototype?.picture === "function" };
      });
      await c.close();
      notes.push(`heavy work runs on: ${how.compute}; Landscape.picture (f32 picture) ${how.picture ? "present" : "absent"}`);
    } finally {
      await browser.close();
    }
  }

  for (const cond of conditions) {
    notes.push(`${cond}: load average ${os.loadavg().map((v) => v.toFixed(2)).join(", ")} before the bench ${cond === "busy" ? "added its busy loop" : "measured"}`);
    const busy = cond === "busy" ? busyCore() : null;
    if (busy) notes.push(`busy: ${busy.how}`);
    const browser = await browserFor(Boolean(busy));
    try {
      if (!tasksOnly && !interOnly) {
        const loads = quick ? 3 : 7;
        for (const [name, srv] of [["as deployed (dist/site)", site], ["www/", server]]) {
          if (!srv || dragsOnly) continue;
          const f = await firstLandscape(browser, new URL("index.html", srv.url).href, loads);
          put(`first landscape drawn after navigation, ${name}`, `≤ ${T.firstMs} ms`, cond, `${ms(f.first)} (median of ${loads}: ${f.firsts.map((v) => v.toFixed(0)).join(", ")}); on screen ${ms(f.shown)}; 64 × 64 grid ${ms(f.full)}`, f.first <= T.firstMs);
        }
        const drags = firstOnly ? [] : [["toy", "", null], ["digits SVM", "?dataset=digits&loss=svm", null], ["digits softmax", "?dataset=digits&loss=softmax", null],
          ["CSV 5000 × 60 SVM", "?loss=svm", [5000, 60]], ["CSV 5000 × 60 softmax", "?loss=softmax", [5000, 60]],
          // the same file with "standardise features" ticked: scores that move less, so the
          // picture keeps more classes (tiles and geometric sums rather than the row sweep)
          ["CSV 5000 × 60 standardised, softmax", "?loss=softmax", [5000, 60], true]];
        for (const [what, q, csv, standardise] of drags) {
          const { c, p } = await newPage(browser);
          try {
            await p.goto(url(q));
            await waitReady(p);
            if (standardise) await p.locator("#settings").getByLabel("standardise features").check();
            if (csv) await loadCsv(p, csvFile(...csv));
            await p.waitForTimeout(1500);
            // DRAGS drags on the same page (a single one swings by ±15% with the machine's
            // neighbours): the median drag's figures, every drag's rate, the longest task of all
            const ds = [];
            for (let k = 0; k < (quick ? 1 : DRAGS); k++) ds.push(await dragRate(p, quick ? 1.5 : 2));
            const d = [...ds].sort((x, y) => x.fps - y.fps)[ds.length >> 1];
            const tasks = { longest: Math.max(...ds.map((x) => x.tasks.longest)), count: ds.reduce((n, x) => n + x.tasks.count, 0) };
            const each = ds.length > 1 ? `median of ${ds.length} drags: ${ds.map((x) => x.fps.toFixed(1)).join(", ")}; the median drag: ` : "";
            put(`64 × 64 redraws per s while the span slider is dragged, ${what}`, `≥ ${T.fps} per s`, cond,
              `${d.fps.toFixed(1)} per s (${each}${d.shown} frames showed a new grid of the ${d.full} drawn${d.previews ? ` and ${d.previews} previews` : ""}${d.quick ? `, ${d.quick} of them computed on the page's thread` : ""}, for ${d.presses} key presses in ${d.secs.toFixed(2)} s; one grid ${ms(d.one)})`, d.fps >= T.fps);
            put(`longest main-thread task during ${ds.length > 1 ? "those drags" : "that drag"}, ${what}`, `< ${T.taskMs} ms`, cond, taskText(tasks), tasks.longest < T.taskMs);
          } catch (e) {
            put(`64 × 64 redraws per s while the span slider is dragged, ${what}`, `≥ ${T.fps} per s`, cond, `failed: ${String(e.message).split("\n")[0]}`, false);
          } finally {
            await c.close();
          }
        }
      }
      const rounds = dragsOnly || firstOnly || interOnly ? 0 : quick ? 3 : 5;
      const changes = [["data set switched to digits", (p) => p.locator("#settings").getByLabel("Data set", { exact: true }).selectOption("digits")]];
      for (const [n, d] of [[1900, 256], [5000, 60]]) changes.push([`Load CSV… of ${n.toLocaleString("en")} × ${d} (the caps)`, (p) => loadCsv(p, csvFile(n, d))]);
      for (const [what, change] of rounds ? changes : []) {
        const t = await longestTask(browser, url("?dataset=toy"), change, rounds);
        const show = (v) => (v > 0 ? `${v.toFixed(0)} ms` : "none");
        put(`longest main-thread task, ${what}`, `< ${T.taskMs} ms`, cond, `${show(t.med)} (median of ${t.all.length}: ${t.all.map(show).join(", ")})`, t.med < T.taskMs);
      }
      if (!tasksOnly && !dragsOnly && !firstOnly) {
        // every slider of the notebook dragged in turn
        for (const [what, q, csv] of [["digits softmax", "?dataset=digits&loss=softmax", null], ["CSV 1900 × 256 softmax", "?loss=softmax", [1900, 256]], ["CSV 5000 × 60 softmax", "?loss=softmax", [5000, 60]]]) {
          if ((quick && csv?.[0] === 5000) || elsewhereOnly) continue;
          const { c, p } = await newPage(browser);
          try {
            await p.goto(url(`${q}&predict=off`));
            await waitReady(p);
            if (csv) await loadCsv(p, csvFile(...csv));
            await p.waitForTimeout(3000); // the sections' first runs
            const r = await everySlider(p, quick ? 0.5 : 1);
            const worst = r.filter((x) => x.tasks.longest > 0);
            put(`longest main-thread task while each slider of the notebook is dragged in turn, ${what}`, `< ${T.taskMs} ms`, cond,
              worst.length ? `${Math.max(...worst.map((x) => x.tasks.longest)).toFixed(0)} ms: ${worst.map((x) => `${x.name} ${taskText(x.tasks)}`).join("; ")} (${r.length} sliders)` : `none of 50 ms or more (${r.length} sliders, ${r.reduce((n, x) => n + x.presses, 0)} key presses)`,
              worst.length === 0);
          } catch (e) {
            put(`longest main-thread task while each slider of the notebook is dragged in turn, ${what}`, `< ${T.taskMs} ms`, cond, `failed: ${String(e.message).split("\n")[0]}`, false);
          } finally {
            await c.close();
          }
        }
        // the heavy interactions of one widget, found by `scope(widget)` (the notebook's sections,
        // embed.html's one widget, the custom elements)
        const inScope = (scope) => ({
          to128: async (p) => {
            await p.locator(scope("landscape")).getByLabel("Resolution").selectOption("128");
            await p.waitForFunction(() => performance.getEntriesByName("lossland:plane-drawn").some((e) => e.detail === 128), null, { timeout: 120000 });
          },
          run10000: async (p) => {
            const sb = p.locator(scope("scoreboard"));
            await sb.getByLabel("Budget of loss evaluations").selectOption("10000");
            await sb.getByRole("button", { name: "Run", exact: true }).click();
            await sb.getByText(/On CIFAR-10/).waitFor({ timeout: 300000 });
          },
          newW: async (p) => {
            const gc = p.locator(scope("gradcheck"));
            const v = gc.getByTestId("verdict");
            await v.filter({ hasText: /^max relative error/ }).waitFor({ state: "attached", timeout: 120000 });
            const old = await v.textContent();
            await gc.getByRole("button", { name: "New W", exact: true }).click();
            for (let t0 = Date.now(); ; await p.waitForTimeout(50)) {
              const t = (await v.textContent()) ?? "";
              if (t !== old && /^max relative error/.test(t)) break;
              if (Date.now() - t0 > 300000) throw new Error("New W: no new verdict in 300 s");
            }
          },
        });
        const nb = inScope((w) => `[data-widget="${w}"]`);
        // the heavy interactions, each from its start to its end
        const heavy = [
          ["landscape at 128 × 128, digits softmax", "?dataset=digits&loss=softmax", null, nb.to128],
          ["landscape at 128 × 128, CSV 1900 × 256 softmax", "?loss=softmax", [1900, 256], nb.to128],
          ["scoreboard at its largest budget (10,000), digits softmax", "?dataset=digits&loss=softmax", null, nb.run10000],
          ["gradient check, New W, CSV 1900 × 256 softmax", "?loss=softmax", [1900, 256], nb.newW],
        ];
        for (const [what, q, csv, act] of heavy) {
          if ((quick && csv) || elsewhereOnly) continue;
          const { c, p } = await newPage(browser);
          try {
            await p.goto(url(`${q}&predict=off`));
            await waitReady(p);
            if (csv) await loadCsv(p, csvFile(...csv));
            await p.waitForTimeout(3000);
            const t1 = await p.evaluate(() => performance.now());
            await act(p);
            await p.waitForTimeout(500); // its last drawing
            const t2 = await p.evaluate(() => performance.now());
            const t = await longestIn(p, t1, t2);
            put(`longest main-thread task, ${what}`, `< ${T.taskMs} ms`, cond, `${taskText(t)} in the ${((t2 - t1) / 1000).toFixed(1)} s it took`, t.longest < T.taskMs);
          } catch (e) {
            put(`longest main-thread task, ${what}`, `< ${T.taskMs} ms`, cond, `failed: ${String(e.message).split("\n")[0]}`, false);
          } finally {
            await c.close();
          }
        }
        // goal 1 beyond the notebook: embed.html, one widget a page, and the custom elements, all
        // six on one course page; each slider dragged in turn, then the heavy interactions there
        const emb = inScope(() => "#widget");
        const els = inScope((w) => ({ landscape: "lossland-landscape", scoreboard: "lossland-scoreboard", gradcheck: "lossland-gradient-check" })[w]);
        const elsewhere = [
          ["embed.html?widget=landscape", "each slider, then 128 × 128", new URL("embed.html?widget=landscape&dataset=digits&loss=softmax&predict=off", server.url).href, [emb.to128]],
          ["embed.html?widget=gradcheck", "each slider, then New W", new URL("embed.html?widget=gradcheck&dataset=digits&loss=softmax&predict=off", server.url).href, [emb.newW]],
          ["embed.html?widget=scoreboard", "a run at 10,000", new URL("embed.html?widget=scoreboard&dataset=digits&loss=softmax&predict=off", server.url).href, [emb.run10000]],
          ["embed.html?widget=sgd", "each slider", new URL("embed.html?widget=sgd&dataset=digits&loss=softmax&predict=off", server.url).href, []],
          ["the six custom elements on one page", "each slider, then 128 × 128, a scoreboard run at 10,000 and New W", new URL("bench-elements.html", (await elementsSite()).url).href, [els.to128, els.run10000, els.newW]],
        ];
        // and embed.html where no Worker starts (a sandboxed iframe, a page without Worker): the
        // same jobs on the page's thread, in pieces
        const noWorker = [...elsewhere.filter(([w]) => w.startsWith("embed")), ["the notebook", "each slider, then 128 × 128, a scoreboard run at 10,000 and New W", url("?dataset=digits&loss=softmax&predict=off"), [nb.to128, nb.run10000, nb.newW]],
          ["the notebook", "Load CSV… of 1,900 × 256 (the caps), each slider, then New W", url("?loss=softmax&predict=off"), [nb.newW], [(p) => loadCsv(p, csvFile(1900, 256))]]];
        for (const [where, what, href, acts, pre = []] of [...elsewhere, ...noWorker.map(([w, ...rest]) => [`${w} without a Worker`, ...rest])]) {
          if (quick && acts.length > 1) continue;
          const label = `longest main-thread task, ${where} (${pre.length ? "softmax" : "digits softmax"}): ${what}`;
          const { c, p } = await newPage(browser);
          try {
            if (where.endsWith("without a Worker")) await p.addInitScript(() => { delete window.Worker; });
            await p.goto(href);
            if (!href.includes("bench-elements.html")) await waitReady(p);
            else await p.waitForFunction((n) => [...document.querySelectorAll("main > *")].filter((e) => e.dataset.status === "ready").length === n, ELEMENT_TAGS.length, { timeout: 60000 });
            await p.waitForTimeout(3000);
            const t1 = await p.evaluate(() => performance.now());
            for (const act of pre) await act(p);
            if (pre.length) await p.waitForTimeout(3000); // the sections' first runs on the new data
            const r = await everySlider(p, quick ? 0.5 : 1);
            for (const act of acts) await act(p);
            await p.waitForTimeout(500);
            const t2 = await p.evaluate(() => performance.now());
            const t = await longestIn(p, t1, t2);
            // (the elements' host page has no data-compute: ask the module they share)
            const compute = await p.evaluate(async () => document.documentElement.dataset.compute ?? (await import("./js/lib/compute.js")).computeWhere());
            const sliders = `${r.length} slider${r.length === 1 ? "" : "s"}, ${r.reduce((n, x) => n + x.presses, 0)} key presses`;
            put(label, `< ${T.taskMs} ms`, cond, `${taskText(t)} (${sliders}; ${((t2 - t1) / 1000).toFixed(1)} s; heavy work on: ${compute})`, t.longest < T.taskMs);
          } catch (e) {
            put(label, `< ${T.taskMs} ms`, cond, `failed: ${String(e.message).split("\n")[0]}`, false);
          } finally {
            await c.close();
          }
        }
      }
    } finally {
      await browser.close();
      busy?.stop();
    }
  }

  // once: wasm memory after a minute of use (play four widgets, switch data sets)
  if (!tasksOnly && !dragsOnly && !firstOnly && !interOnly) {
    const browser = await launch();
    try {
      const { c, p } = await newPage(browser);
      await p.goto(url());
      await waitReady(p);
      const mem = () => p.evaluate(async () => (await import("./js/lib/wasm.js")).wasmMemoryBytes());
      const m0 = await mem();
      const useFor = quick ? 10000 : 60000;
      for (const w of ["gd", "sgd", "random-search", "stepper"]) {
        const b = p.locator(`[data-widget="${w}"]`).getByRole("button", { name: "Play", exact: true });
        if (await b.count()) await b.first().click().catch(() => {});
      }
      const ds = p.locator("#settings").getByLabel("Data set", { exact: true });
      const t2 = Date.now();
      let k = 0;
      while (Date.now() - t2 < useFor) {
        await p.waitForTimeout(2500);
        await ds.selectOption(["toy", "spiral", "digits", "iris"][k++ % 4]);
      }
      const m1 = await mem();
      put(`wasm memory (page) after ${useFor / 1000} s of use (playing, switching data sets)`, "≤ 32 MB", "once", `${(m1 / 2 ** 20).toFixed(1)} MB (at load ${(m0 / 2 ** 20).toFixed(1)} MB)`, m1 <= 32 * 2 ** 20);
      await c.close();
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
  await site?.close();
  await elementsServer?.close();
  for (const f of Object.values(CSVS)) fs.rmSync(f, { force: true });
}

const load = os.loadavg().map((v) => v.toFixed(2)).join(", ");
console.log(`\npage (headless Chromium, this machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}; load average at the end ${load})`);
for (const n of notes) console.log(`  ${n}`);
const mark = (ok) => (ok === null || ok === undefined ? " " : ok ? "✓" : "✗");
for (const r of rows) {
  console.log(`  ${r.what}  [target ${r.target}]`);
  for (const cond of ["once", "plain", "busy"]) if (cond in r.text) console.log(`    ${mark(r.ok[cond])} ${cond === "once" ? "" : `${cond.padEnd(5)} `}${r.text[cond]}`);
}
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ load: os.loadavg(), notes, rows }, null, 2));
