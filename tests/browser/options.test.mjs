// The options table at work in the notebook: a link's settings and per-widget options reach the
// sections' own controls (shown with their true values), a learner's change reaches the URL, and
// a bad value is ignored with a warning that names it. Nothing here drives a section through a
// control found by its label: the options arrive as data and the controls must show them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { siteSuite } from "./lib/sites.mjs";
import { assertClean, assertNoNaN } from "./lib/assert.mjs";

const suite = siteSuite();

test("a link's options reach each section's controls, with their true values", async () => {
  await suite.visit("?dataset=iris&reg=0.5&seed=4&gd.step-size=0.5&stepper.h=1e-7&stepper.centered=true&landscape.span=2&sgd.batch-size=16&gradcheck.formula=sum", async (page, log) => {
    const w = (name) => page.locator(`[data-widget="${name}"]`);
    assert.equal(await page.getByLabel("Data set", { exact: true }).inputValue(), "iris");
    // 0.5 is not one of the settings bar's steps (0, 1e-4 … 1): shown as it is, not as 1
    assert.equal(await page.getByLabel("Regularisation reg").getAttribute("aria-valuetext"), "0.5");
    assert.equal(await page.getByLabel("Seed", { exact: true }).inputValue(), "4");
    assert.equal(await w("gd").getByLabel("Step size (log scale)").getAttribute("aria-valuetext"), "0.5");
    assert.equal(await w("stepper").getByLabel("h (log scale)").inputValue(), "-7");
    assert.ok(await w("stepper").getByLabel(/Centered difference/).isChecked());
    assert.equal(await w("landscape").getByLabel("Span of a and b").inputValue(), "2");
    assert.equal(await w("sgd").getByLabel("Batch size (log scale)").getAttribute("aria-valuetext"), "16");
    assert.equal(await w("gradcheck").getByRole("combobox", { name: "Relative error" }).inputValue(), "sum");
    // options of other widgets did not leak: the local search keeps its own default step size
    assert.equal(await w("local-search").getByLabel("Step size (log scale)").getAttribute("aria-valuetext"), "0.05");
    // the stepper computes with the h it shows: its table says so
    assert.match(await w("stepper").locator("table.vals").innerText(), /h\s+1e-7/);
    await assertNoNaN(page, "after a link with options");
    assertClean(log);
  });
});

test("a learner's change reaches the URL, and the URL reproduces it", async () => {
  await suite.visit("?dataset=toy", async (page, log) => {
    const gd = page.locator('[data-widget="gd"]');
    const slider = gd.getByLabel("Step size (log scale)");
    await slider.focus();
    await page.keyboard.press("ArrowRight");
    const shown = await slider.getAttribute("aria-valuetext");
    await page.waitForFunction(() => new URL(location.href).searchParams.has("gd.step-size"));
    const url = new URL(page.url());
    assert.equal(url.searchParams.get("gd.step-size"), shown);
    assert.equal(url.searchParams.get("dataset"), "toy");
    // a change of data set returns the step size to that data set's default (and the link says so)
    await page.getByLabel("Data set", { exact: true }).selectOption("iris");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("dataset") === "iris" && !new URL(location.href).searchParams.has("gd.step-size"));
    assert.equal(await slider.getAttribute("aria-valuetext"), "0.01");
    assertClean(log);
  });
});

test("a dragged slider writes the URL a few times, not once per key press, and ends on its last value", async () => {
  await suite.visit("?dataset=toy", async (page, log) => {
    await page.evaluate(() => {
      const real = history.replaceState.bind(history);
      window.__urlWrites = 0;
      history.replaceState = (...a) => { window.__urlWrites++; return real(...a); };
    });
    const slider = page.locator('[data-widget="landscape"]').getByLabel("Span of a and b");
    await slider.focus();
    // a drag: key presses more than a frame apart (the URL's write waits for the next frame)
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press(i < 10 ? "ArrowRight" : "ArrowLeft");
      await page.waitForTimeout(25);
    }
    await page.keyboard.press("ArrowRight");
    const last = await slider.inputValue();
    await page.waitForFunction((v) => new URL(location.href).searchParams.get("landscape.span") === v, last, { timeout: 5000 });
    const writes = await page.evaluate(() => window.__urlWrites);
    // 21 key presses over ≥ 0.5 s: one write at once, then at most one a 300 ms (was one a press)
    assert.ok(writes >= 1 && writes <= 10, `${writes} URL writes for 21 key presses`);
    assertClean(log);
  });
});

test("a bad option in a link is ignored with a warning naming it; the page works", async () => {
  await suite.visit("?gd.step-size=1e9&stepper.h=3e-5&reg=-1&landscape.resolution=100", async (page, log) => {
    const warnings = log.consoleWarnings;
    for (const name of ["gd.step-size", "stepper.h", "reg", "landscape.resolution"]) {
      assert.ok(warnings.some((w) => w.startsWith(`lossland: ignored ${name}: must be `)), `${name}: ${warnings.join(" | ")}`);
    }
    assert.ok(warnings.every((w) => w.length <= 200), warnings.join("\n"));
    assert.equal(await page.locator('[data-widget="stepper"]').getByLabel("h (log scale)").inputValue(), "-5");
    assert.equal(await page.locator('[data-widget="landscape"]').getByLabel("Resolution").inputValue(), "64");
    await assertNoNaN(page, "after a bad link");
    assertClean(log);
  });
});

test("a run whose step size changed part way is not replayed wrongly from a link", async () => {
  await suite.visit("?dataset=toy", async (page, log) => {
    const gd = page.locator('[data-widget="gd"]');
    const step = gd.getByRole("button", { name: "Step", exact: true });
    for (let i = 0; i < 3; i++) await step.click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get("gd.steps") === "3");
    const slider = gd.getByLabel("Step size (log scale)");
    await slider.focus();
    await page.keyboard.press("ArrowLeft");
    await step.click();
    // the link would replay 4 steps at the new step size, a W this run never had: it drops them
    await page.waitForFunction(() => new URL(location.href).searchParams.has("gd.step-size") && !new URL(location.href).searchParams.has("gd.steps"));
    assert.match(await gd.locator("p.status").last().innerText(), /copied link now reproduces the start of this run/);
    assertClean(log);
  });
});
