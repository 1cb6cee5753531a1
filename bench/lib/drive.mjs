// Driving the notebook in the benches (bench/page.mjs, trace-drag.mjs, prof-drag.mjs): Chromium
// with or without the other core busy (dragBrowser), the notebook opened for a drag
// (notebookForDrag); a seeded CSV at the caps (./csv.mjs) loaded through the page's "Load CSV…" button; the landscape's span slider dragged
// from the keyboard (dragSpan): a key press every 1/60 s for `seconds` (the direction turns every
// 20 presses, so the span stays in 3…8), as fast as a learner's drag sends input events; a
// press the page is too busy to take is simply later.
// → { presses, t1, t2, secs, drawn, shown }: t1, t2 the page's clock (ms) at the start and the
// end; drawn the 64 × 64 grids drawn on the canvas in that time; shown the frames that
// presented a new one (a requestAnimationFrame loop sees the count of drawn grids change: a
// grid drawn between two frames is in the second one's picture, and two grids drawn between
// the same two frames are one new picture on screen).

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { launch, CHROMIUM } from "../../tests/browser/lib/chromium.mjs";
import { csvAt } from "./csv.mjs";

export { csvArrays, csvAt } from "./csv.mjs";

/** Loads `file` with the notebook's "Load CSV…" button and waits until it says "Loaded". */
export async function loadCsv(p, file) {
  const chooser = p.waitForEvent("filechooser");
  await p.locator("#settings").getByRole("button", { name: "Load CSV…" }).click();
  await (await chooser).setFiles(file);
  await p.locator("#csv-status").filter({ hasText: "Loaded" }).waitFor({ timeout: 120000 });
}

/** The span slider of the page's landscape, focused and scrolled into view. */
export async function spanSlider(p) {
  const slider = p.locator('[data-widget="landscape"]').getByRole("slider", { name: "Span of a and b" });
  await slider.scrollIntoViewIfNeeded();
  await slider.focus();
  await p.waitForTimeout(300);
  return slider;
}

/**
 * Sets the focused span slider to `from` (an input event, as a learner's change sends) and gives
 * the page a second to draw it.
 */
export async function spanFrom(p, from = 3) {
  const at = await p.evaluate((v) => {
    const s = document.activeElement;
    if (!(s instanceof HTMLInputElement) || s.type !== "range") throw new Error("spanFrom: the span slider is not focused");
    if (Number(s.value) !== v) {
      s.value = String(v);
      s.dispatchEvent(new Event("input", { bubbles: true }));
      s.dispatchEvent(new Event("change", { bubbles: true }));
    }
    return Number(s.value);
  }, from);
  if (at !== from) throw new Error(`spanFrom: the slider is at ${at}, not ${from}`);
  await p.waitForTimeout(1000);
}

/**
 * A learner's drag of the focused slider from the keyboard: arrow-key presses at 60 a second
 * for `seconds`, 20 to the right, 20 to the left, and so on (a press the page is too busy to take
 * is simply later). → the number of presses.
 */
export async function pressArrows(p, seconds) {
  const start = Date.now();
  let presses = 0;
  while (Date.now() - start < seconds * 1000) {
    await p.keyboard.press(Math.floor(presses / 20) % 2 === 0 ? "ArrowRight" : "ArrowLeft");
    presses++;
    const wait = start + (presses * 1000) / 60 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return presses;
}

/**
 * Drags the focused span slider with the keyboard for `seconds`: key presses at 60 per second,
 * 20 to the right, 20 to the left, and so on. Every drag starts from span `from` (the option's
 * default, 3: the drag then stays within 3…8; `spanFrom` first, unless `from` is null: the
 * caller did it) — a drag that went on from where the last one stopped measured other spans
 * each time (their pictures cost from 35 ms at span 3 to under 15 at 10).
 * → { presses, t1, t2, secs, drawn (64 × 64 grids drawn), shown (frames that showed a new one) }
 */
export async function dragSpan(p, seconds, { from = 3 } = {}) {
  if (from !== null) await spanFrom(p, from);
  const t1 = await p.evaluate(() => {
    const drawn = () => performance.getEntriesByName("lossland:plane-drawn").filter((e) => e.detail === 64).length;
    let seen = drawn();
    const watch = (window.__losslandDragWatch = { shown: 0, on: true });
    const tick = () => {
      const n = drawn();
      if (n !== seen) {
        seen = n;
        watch.shown++;
      }
      if (watch.on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    return performance.now();
  });
  const presses = await pressArrows(p, seconds);
  const [t2, shown] = await p.evaluate(() => {
    const watch = window.__losslandDragWatch;
    watch.on = false;
    return [performance.now(), watch.shown];
  });
  const drawn = await p.evaluate(([a, b]) => performance.getEntriesByName("lossland:plane-drawn").filter((e) => e.startTime >= a && e.startTime <= b && e.detail === 64).length, [t1, t2]);
  return { presses, t1, t2, secs: (t2 - t1) / 1000, drawn, shown };
}

/**
 * Headless Chromium for a drag bench: with `busy`, a `node` busy loop pinned to CPU 1 and
 * Chromium (every process it starts) pinned to CPU 0 through a wrapper script (as
 * bench/page.mjs does). → { browser, stop }: `stop()` ends the busy loop (also at exit).
 */
export async function dragBrowser(busy) {
  if (!busy) return { browser: await launch(), stop: () => {} };
  const child = spawn("taskset", ["-c", "1", process.execPath, "-e", "for(;;){}"], { stdio: "ignore" });
  const stop = () => child.kill("SIGKILL");
  process.once("exit", stop);
  const wrapper = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lossland-cpu0-")), "chromium");
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec taskset -c 0 ${JSON.stringify(CHROMIUM)} "$@"\n`, { mode: 0o755 });
  return { browser: await launch({ executablePath: wrapper }), stop };
}

/**
 * The notebook at `serverUrl` with the query `q` (predict=off), 1280 × 900, ready; with `csv`
 * ("NxD") the seeded CSV of that size loaded (with `standardise`, "standardise features" ticked
 * first, as bench/page.mjs's standardised drag does); the landscape's span slider focused. → { c, p }.
 */
export async function notebookForDrag(browser, serverUrl, q, csv, { standardise = false } = {}) {
  const c = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await c.newPage();
  await p.goto(new URL(`index.html${q}${q.includes("?") ? "&" : "?"}predict=off`, serverUrl).href);
  await p.waitForFunction(() => document.documentElement.dataset.status === "ready");
  if (standardise) await p.locator("#settings").getByLabel("standardise features").check();
  if (csv) await loadCsv(p, csvAt(...csv.split("x").map(Number), 7));
  await p.waitForTimeout(1500);
  await spanSlider(p);
  return { c, p };
}
