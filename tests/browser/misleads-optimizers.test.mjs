// Issue 11, the optimisation sections: what the learner reads must follow the curves shown.
// Gradient descent's three step sizes say "overshoots" for a curve that rises (never "works"),
// and stay readable with reg raised; a new step size goes on from the current W; mini-batch
// SGD's steps per second count the step alone (batch 1 is faster than the full batch); the
// scoreboard explains an accuracy ranking that disagrees with the loss ranking.
import { test } from "node:test";
import assert from "node:assert/strict";
import { siteSuite } from "./lib/sites.mjs";
import { assertClean, assertNoNaN } from "./lib/assert.mjs";

const suite = siteSuite();
const TRIO = /^Step size [^:]+: /;

/** The three-step-size verdict text of the gd section, once the run is done. */
async function trioText(page) {
  const gd = page.locator('[data-widget="gd"]');
  await gd.getByRole("button", { name: "Run three step sizes" }).waitFor();
  await page.waitForFunction(() => {
    const w = document.querySelector('[data-widget="gd"]');
    const b = [...w.querySelectorAll("button")].find((x) => x.textContent === "Run three step sizes");
    return b && !b.disabled && [...w.querySelectorAll("p")].some((p) => /^Step size [^:]+: /.test(p.textContent));
  }, null, { timeout: 20000 });
  return gd.locator("p", { hasText: TRIO }).first().innerText();
}

test("toy defaults: the large step size's curve rises and the text says it overshoots", async () => {
  await suite.visit("?dataset=toy", async (page, log) => {
    const text = await trioText(page);
    assert.doesNotMatch(text, /\bworks\b/, `a verdict says "works": ${text}`);
    assert.match(text, /too large, (it overshoots: the loss rose at steps? \d+|the loss blows up)/, text);
    assert.match(text, /too small, it crawls/, text);
    assert.match(text, /: good: /, text);
    // reg = 0 cannot blow up: the text says why, and how reg makes it blow up
    assert.match(text, /with reg = 0 the gradient is an average of terms/, text);
    await assertNoNaN(page, "toy defaults");
    assertClean(log);
  });
});

test("reg raised: crawl, good and blow-up stay three readable curves", async () => {
  await suite.visit("?dataset=toy&reg=1", async (page, log) => {
    const text = await trioText(page);
    assert.match(text, /too small, it crawls/, text);
    assert.match(text, /: good: /, text);
    assert.match(text, /too large, the loss blows up/, text);
    assert.match(text, /y axis stops at twice the start loss/, text);
    assertClean(log);
  });
});

/** Pixels of the loss chart in the "step size changed" red (PALETTE.red, #D55E00). */
const redInk = (page) => page.evaluate(() => {
  const c = document.querySelector('[data-widget="gd"] canvas[aria-label="Loss against the step number"]');
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0xd5) < 12 && Math.abs(d[i + 1] - 0x5e) < 12 && d[i + 2] < 20) n++;
  return n;
});

test("a new step size mid-run goes on from the current W, and the loss chart marks it", async () => {
  await suite.visit("?dataset=toy", async (page, log) => {
    const gd = page.locator('[data-widget="gd"]');
    const readout = gd.locator("p", { hasText: /^Step \d+, step size/ });
    for (let i = 0; i < 3; i++) await gd.getByRole("button", { name: "Step", exact: true }).click();
    await page.waitForFunction(() => /^Step 3,/.test([...document.querySelectorAll('[data-widget="gd"] p')].map((p) => p.textContent).find((t) => /^Step \d+, step size/.test(t)) ?? ""));
    const before = await redInk(page);
    const slider = gd.getByLabel("Step size (log scale)");
    await slider.focus();
    await page.keyboard.press("ArrowLeft");
    await page.waitForTimeout(300);
    assert.match(await readout.innerText(), /^Step 3, step size 0\.05\b/, "the step count goes on (no reset)");
    assert.match(await readout.innerText(), /Step size changed at step 3 \(to 0\.05\)/);
    await gd.getByRole("button", { name: "Step", exact: true }).click();
    await page.waitForTimeout(300);
    assert.match(await readout.innerText(), /^Step 4, step size 0\.05\b/);
    assert.ok((await redInk(page)) > before + 20, "the loss chart shows where the step size changed");
    assertClean(log);
  });
});

/** Plays the sgd section for ~1.2 s and returns the steps per second it reports. */
async function sgdRate(query) {
  return suite.visit(query, async (page, log) => {
    const sgd = page.locator('[data-widget="sgd"]');
    await sgd.getByRole("button", { name: "Play" }).click();
    await page.waitForTimeout(1200);
    await sgd.getByRole("button", { name: "Pause" }).click();
    await page.waitForTimeout(100);
    const text = await sgd.locator("p", { hasText: /steps per second/i }).first().innerText();
    const m = text.match(/(\d+) steps per second/);
    assert.ok(m, `no rate in "${text}"`);
    assertClean(log);
    return Number(m[1]);
  });
}

test("digits: batch 1 reports more steps per second than the full batch", async () => {
  const one = await sgdRate("?dataset=digits&sgd.batch-size=1");
  const full = await sgdRate("?dataset=digits&sgd.batch-size=1797");
  // only the order, with a margin: measured here 13 243 against 643 (the step alone); the old
  // page, which counted the full loss and the GD comparison in each step, gave 63/55 and 45/67
  assert.ok(one > 3 * full, `batch 1: ${one} steps/s, batch 1797: ${full} steps/s`);
});

test("spiral: the scoreboard explains an accuracy ranking that disagrees with the loss ranking", async () => {
  await suite.visit("?dataset=spiral", async (page, log) => {
    const sb = page.locator('[data-widget="scoreboard"]');
    await page.waitForFunction(() => /Done: /.test(document.querySelector('[data-widget="scoreboard"]').textContent), null, { timeout: 30000 });
    const rows = await sb.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => {
      const c = [...tr.children].map((td) => td.textContent);
      return { name: c[0], loss: Number(c[2]), acc: Number(c[3].replace("%", "")) };
    }));
    const disagree = rows.some((a) => rows.some((b) => a.loss < b.loss && a.acc < b.acc));
    assert.ok(disagree, `no disagreement on spiral: ${JSON.stringify(rows)}`);
    const note = await sb.locator("p", { hasText: /Chance here/ }).innerText();
    assert.match(note, /has a lower loss than .* but a lower accuracy/, note);
    assert.match(note, /Loss is what every method here optimises; accuracy is a different measure/, note);
    assert.match(note, /not linearly separable/, note);
    assertClean(log);
  });
});

test("gradient descent's Play stops by itself once the loss has converged, and says so", async () => {
  await suite.visit("?dataset=toy&gd.step-size=1", async (page, log) => {
    const gd = page.locator('[data-widget="gd"]');
    const speed = gd.getByLabel("Steps per frame");
    await speed.focus();
    await page.keyboard.press("End");
    await gd.getByRole("button", { name: "Play" }).click();
    await gd.getByRole("button", { name: "Play" }).waitFor({ timeout: 20000 }); // Pause turned back into Play
    const text = await gd.locator("p", { hasText: /^Step \d+, step size/ }).innerText();
    assert.match(text, /Stopped: converged/, text);
    assert.match(text, /\(start 3\.186\)/, "the start loss is the true start");
    assertClean(log);
  });
});
