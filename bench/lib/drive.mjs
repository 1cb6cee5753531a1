// Driving the notebook in the benches (bench/page.mjs, bench/trace-drag.mjs): a seeded CSV at
// the caps loaded through the page's "Load CSV…" button; the landscape's span slider dragged
// from the keyboard (dragSpan): a key press every 1/60 s for `seconds` (the direction turns every
// 20 presses, so the span stays in 3…8), as fast as a learner's drag sends input events; a
// press the page is too busy to take is simply later.
// → { presses, t1, t2, secs, drawn, shown }: t1, t2 the page's clock (ms) at the start and the
// end; drawn the 64 × 64 grids drawn on the canvas in that time; shown the frames that
// presented a new one (a requestAnimationFrame loop sees the count of drawn grids change: a
// grid drawn between two frames is in the second one's picture, and two grids drawn between
// the same two frames are one new picture on screen).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * The seeded data of `csvAt`: n rows of d integer features 0–16 (like the digits': a bump of 5
 * on 3 in 11 features, which ones depending on the class) and labels i mod 10, as
 * { x: Float64Array (row-major), y: Uint32Array } (the kernel benches build the page's CSV
 * from these without a file).
 */
export function csvArrays(n, d, seed) {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const x = new Float64Array(n * d), y = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 10;
    for (let j = 0; j < d; j++) x[i * d + j] = Math.min(16, Math.floor(rnd() * 12 + ((j * 7 + y[i] * 3) % 11 < 3 ? 5 : 0)));
  }
  return { x, y };
}

/** A seeded CSV file of `csvArrays(n, d, seed)`: each row's features, then its label. */
export function csvAt(n, d, seed) {
  const { x, y } = csvArrays(n, d, seed);
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`${Array.from(x.subarray(i * d, (i + 1) * d)).join(",")},${y[i]}`);
  const file = path.join(os.tmpdir(), `lossland-bench-${n}x${d}-${process.pid}.csv`);
  fs.writeFileSync(file, lines.join("\n") + "\n");
  process.once("exit", () => fs.rmSync(file, { force: true }));
  return file;
}

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

export async function dragSpan(p, seconds) {
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
  const start = Date.now();
  let presses = 0;
  while (Date.now() - start < seconds * 1000) {
    await p.keyboard.press(Math.floor(presses / 20) % 2 === 0 ? "ArrowRight" : "ArrowLeft");
    presses++;
    const wait = start + (presses * 1000) / 60 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const [t2, shown] = await p.evaluate(() => {
    const watch = window.__losslandDragWatch;
    watch.on = false;
    return [performance.now(), watch.shown];
  });
  const drawn = await p.evaluate(([a, b]) => performance.getEntriesByName("lossland:plane-drawn").filter((e) => e.startTime >= a && e.startTime <= b && e.detail === 64).length, [t1, t2]);
  return { presses, t1, t2, secs: (t2 - t1) / 1000, drawn, shown };
}
