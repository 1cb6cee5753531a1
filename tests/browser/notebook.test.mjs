// The notebook operated as a learner would, by accessible role and name, on every data set and
// both losses: no console or page error, no NaN or Infinity on screen, every canvas drawn; the
// stepper advances exactly one coordinate per Step and shows the API's own numbers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, screenshot } from "./lib/chromium.mjs";
import { siteSuite } from "./lib/sites.mjs";
import { waitReady, assertClean, assertSameOrigin, assertNoNaN, assertInked } from "./lib/assert.mjs";

const suite = siteSuite();
const open = suite.open;

for (const dataset of ["toy", "spiral", "iris", "digits"]) {
  for (const loss of ["svm", "softmax"]) {
    test(`every section works on ${dataset} with ${loss}`, async () => {
      const log = await open(`?dataset=${dataset}&loss=${loss}&seed=2`);
      const { page } = log;
      try {
        await assertInked(page, "after load");
        // operate every widget that has a Step button, twice, then Play for a moment
        for (const host of await page.locator("[data-widget]").all()) {
          const name = await host.getAttribute("data-widget");
          const step = host.getByRole("button", { name: "Step", exact: true });
          if ((await step.count()) === 1) {
            await step.click();
            await step.click();
          }
          const play = host.getByRole("button", { name: "Play", exact: true });
          if ((await play.count()) === 1) {
            await play.click();
            await page.waitForTimeout(250);
            const pause = host.getByRole("button", { name: "Pause", exact: true });
            if ((await pause.count()) === 1) await pause.click();
          }
          const run = host.getByRole("button", { name: "Run", exact: true });
          if ((await run.count()) === 1) await run.click();
          assert.ok(name);
        }
        await page.waitForTimeout(500);
        await assertInked(page, "after operating every widget");
        await assertNoNaN(page, `${dataset}/${loss}`);
        assertClean(log);
        assertSameOrigin(log, suite.server.url);
      } finally {
        await screenshot(page, `notebook-${dataset}-${loss}`);
        await log.context.close();
      }
    });
  }
}

test("a section's root skips absent pieces (null, undefined, false) instead of writing them as text", async () => {
  const log = await open("?predict=off");
  try {
    const got = await log.page.evaluate(() => {
      const root = document.querySelector(".section");
      const before = root.childNodes.length;
      const p = document.createElement("p");
      root.append(null, "a", undefined, p, false);
      const after = [...root.childNodes].slice(before).map((n) => (n.nodeType === 3 ? `text:${n.textContent}` : n.tagName));
      for (const n of [...root.childNodes].slice(before)) n.remove();
      return after;
    });
    assert.deepEqual(got, ["text:a", "P"]);
    assertClean(log);
  } finally {
    await log.context.close();
  }
});

test("the stepper advances one coordinate per Step, shows the API's numbers, and Back undoes", async () => {
  const log = await open("?dataset=toy&loss=svm&seed=1");
  const { page } = log;
  try {
    const w = page.locator('[data-widget="stepper"]');
    const value = async (key) => Number(await w.locator(`.val[data-key="${key}"]`).getAttribute("data-value"));
    const evaluations = async () => Number((await w.getByTestId("evaluations").textContent()).match(/^(\d+)/)[1]);
    assert.equal(await evaluations(), 1, "f(x) once before the first step");
    for (let k = 0; k < 4; k++) {
      await w.getByRole("button", { name: "Step", exact: true }).click();
      assert.equal(await evaluations(), 2 + k, "one loss evaluation per Step (forward)");
      // the same numbers from the API, computed independently of the page's stepper:
      // the page's classifier is W ~ 1.0·N(0, 1) from seed 1 on the toy set
      const shown = { old: await value("old"), bump: await value("bump"), fx: await value("fx"), fxh: await value("fxh"), slope: await value("slope") };
      const api = await page.evaluate(async ({ k }) => {
        const L = await import("./pkg/lossland.js");
        const m = new L.Classifier(L.Dataset.toy(0), { loss: "svm", reg: 0 });
        m.randomize(1, 1);
        const w = m.weights();
        const row = Math.floor(k / m.cols), col = k % m.cols;
        const out = { old: w[k], bump: w[k] + 1e-5, fx: m.loss(), fxh: m.lossWith(row, col, w[k] + 1e-5) };
        m.free();
        return out;
      }, { k });
      assert.equal(shown.old, api.old, "old value");
      assert.equal(shown.bump, api.bump, "x[ix] + h");
      assert.equal(shown.fx, api.fx, "f(x)");
      assert.ok(Math.abs(shown.fxh - api.fxh) < 1e-12, `f(x+h): ${shown.fxh} vs ${api.fxh}`);
      assert.ok(Math.abs(shown.slope - (shown.fxh - shown.fx) / 1e-5) < 1e-9, "slope = (f(x+h) − f(x)) / h");
    }
    await w.getByRole("button", { name: "Back", exact: true }).click();
    assert.equal(await evaluations(), 4, "Back undoes one coordinate");
    // keyboard: → steps, ← goes back
    await w.locator(".stepper").focus();
    await page.keyboard.press("ArrowRight");
    assert.equal(await evaluations(), 5);
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    assert.equal(await evaluations(), 3);
    await w.getByRole("button", { name: "Run to end", exact: true }).click();
    assert.equal(await evaluations(), 10, "f(x) + 9 coordinates");
    assert.ok(await w.getByRole("button", { name: "Step", exact: true }).isDisabled());
    await assertInked(page, "stepper");
    assertClean(log);
  } finally {
    await log.context.close();
  }
});

test("a full-page screenshot of the notebook for the README", async () => {
  const log = await open("?dataset=toy&loss=svm&seed=1");
  try {
    const w = log.page.locator('[data-widget="stepper"]');
    for (let k = 0; k < 4; k++) await w.getByRole("button", { name: "Step", exact: true }).click();
    await log.page.evaluate(() => window.scrollTo(0, 0)); // the sticky settings bar back at the top
    await log.page.waitForTimeout(300);
    await screenshot(log.page, "notebook-full");
    assertClean(log);
  } finally {
    await log.context.close();
  }
});

test("a crafted URL changes nothing but validated values", async () => {
  const q = "?seed=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&dataset=%3Cscript%3Ealert(1)%3C%2Fscript%3E&loss=softmax&reg=1e999";
  const log = await openPage(suite.browser, suite.url(`index.html${q}`));
  const { page } = log;
  let dialogs = 0;
  page.on("dialog", (d) => { dialogs++; d.dismiss(); });
  try {
    await waitReady(page, log, "the crafted URL", { timeout: 30000 });
    assert.equal(dialogs, 0, "no script ran from the URL");
    assert.equal(await page.locator("main img, header img").count(), 0, "no element was made from the URL");
    assert.equal(await page.locator("#settings").getByLabel("Data set", { exact: true }).inputValue(), "toy", "an invalid data set falls back to the default");
    assert.equal(await page.locator("#settings").getByLabel("Loss", { exact: true }).inputValue(), "softmax", "the one valid value is used");
    assert.equal(await page.locator("#settings").getByLabel("Seed", { exact: true }).inputValue(), "1", "an invalid seed falls back to the default");
    assert.ok(!log.requests.some((u) => new URL(u).pathname === "/x"), "nothing fetched from the URL");
    assertClean(log);
    assertSameOrigin(log, suite.server.url);
  } finally {
    await log.context.close();
  }
});

test("rapid settings changes: every section ends on the last one, with no error or NaN", async () => {
  const log = await open("?dataset=toy&loss=svm&seed=1");
  const { page } = log;
  try {
    const bar = page.locator("#settings");
    const ds = bar.getByLabel("Data set", { exact: true });
    const loss = bar.getByLabel("Loss", { exact: true });
    // one change after another, without waiting for the sections to catch up
    for (const d of ["digits", "spiral", "iris", "digits", "spiral", "digits"]) await ds.selectOption(d);
    await loss.selectOption("softmax");
    await loss.selectOption("svm");
    await loss.selectOption("softmax");
    const stepper = page.locator('[data-widget="stepper"]');
    // digits: W is 10 × 65 = 650 coordinates; toy, spiral and iris have 9, 9 and 15
    await page.waitForFunction(() => /0 of 650 coordinates/.test(document.querySelector('[data-widget="stepper"]')?.innerText ?? ""), null, { timeout: 20000 });
    await page.waitForTimeout(3000); // let every section's queued work finish
    assert.match(await stepper.innerText(), /of 650 coordinates/);
    await stepper.getByRole("button", { name: "Step", exact: true }).click();
    assert.match(await stepper.innerText(), /1 of 650 coordinates/);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get("dataset"), "digits");
    assert.equal(url.searchParams.get("loss"), "softmax");
    // readouts that state chance accuracy say 1/10 (digits), none 1/3 (toy, spiral, iris)
    const all = (await page.locator("[data-widget]").allInnerTexts()).join("\n");
    assert.match(all, /10\.0%/, "no readout states the digits' chance accuracy");
    assert.doesNotMatch(all, /33\.3%/, "a section still shows a 3-class data set");
    await assertInked(page, "after rapid changes");
    await assertNoNaN(page, "after rapid changes");
    assertClean(log);
  } finally {
    await screenshot(page, "notebook-rapid-changes");
    await log.context.close();
  }
});
