// Issue 11, "the gradient check says a correct gradient is wrong" and "the text does not follow
// the loss": a correct softmax gradient on the digits reads neither uncomfortable nor wrong (its
// tiny border entries are round-off, counted as such); "with kinks" only where a kink was
// crossed; one entry of the relative-error grid read by keyboard and by mouse; sections 1 and 5
// say what is true of the loss chosen (hinges and the SVM's gradient, or softmax's smooth curves
// and its gradient (p_j − 1(j = y_i)) x_i).
import { test } from "node:test";
import assert from "node:assert/strict";
import { siteSuite } from "./lib/sites.mjs";
import { assertClean, assertNoNaN } from "./lib/assert.mjs";

const suite = siteSuite();
const FAST = { timeout: 5000 }; // what the old page does not have fails quickly

const widget = (page) => page.locator('[data-widget="gradcheck"]');
/** The verdict line and the counts line under it (the paragraph after the verdict). */
async function verdictTexts(page) {
  const w = widget(page);
  const verdict = (await w.getByTestId("verdict").innerText()).trim();
  const counts = (await w.locator('[data-testid="verdict"] + p').innerText()).trim();
  return { verdict, counts };
}

test("digits, softmax: a correct gradient is never uncomfortable or wrong, and its round-off entries are counted", async () => {
  await suite.visit("?dataset=digits&loss=softmax", async (page, log) => {
    const { verdict, counts } = await verdictTexts(page);
    assert.doesNotMatch(verdict, /uncomfortable|wrong|too high/i, verdict);
    assert.match(verdict, /good/, verdict);
    // no entry is read as a disagreement either
    assert.doesNotMatch(counts, /uncomfortable|wrong|too high/i, counts);
    const m = /(\d+) of 650 entries are at round-off/.exec(counts);
    assert.ok(m, `the counts say how many entries are round-off: ${counts}`);
    assert.ok(Number(m[1]) > 0 && Number(m[1]) < 650, counts);
    // softmax is smooth: the legend offers no kink verdicts
    const legend = await widget(page).locator(".legend").innerText();
    assert.doesNotMatch(legend, /with kinks|kink crossed/, legend);
    assert.match(legend, /round-off/, legend);
    await assertNoNaN(page, "digits, softmax");
    assertClean(log);
  });
});

test("digits, SVM: \"with kinks\" only where a kink was crossed", async () => {
  await suite.visit("?dataset=digits&loss=svm", async (page, log) => {
    const { verdict, counts } = await verdictTexts(page);
    const m = /(\d+) of 650 entries crossed a kink/.exec(counts);
    assert.ok(m, counts);
    const kinks = Number(m[1]);
    if (kinks === 0) {
      assert.doesNotMatch(`${verdict} ${counts}`, /with kinks/, `no kink was crossed: ${verdict} / ${counts}`);
    } else {
      const n = /(\d+) acceptable with kinks/.exec(counts);
      assert.ok(!n || Number(n[1]) <= kinks, counts);
    }
    assert.doesNotMatch(verdict, /uncomfortable|wrong|too high/i, verdict);
    assert.match(counts, /\d+ of 650 entries are at round-off/, counts);
    assertClean(log);
  });
});

test("one entry of the relative-error grid is read by keyboard and by mouse", async () => {
  await suite.visit("?dataset=toy", async (page, log) => {
    const w = widget(page);
    const grid = w.getByRole("img", { name: /Relative error per entry/ });
    const readout = w.getByTestId("cell-readout");
    // reachable with Tab: the grid is in the tab order
    assert.equal(await grid.getAttribute("tabindex"), "0", "the grid is focusable");
    await grid.focus();
    assert.ok(await grid.evaluate((e) => e === document.activeElement), "the grid has focus");
    await page.keyboard.press("ArrowRight");
    const first = await readout.innerText(FAST);
    for (const word of ["analytic", "numerical", "relative error", "kink", "round-off"]) assert.match(first, new RegExp(word), first);
    assert.match(first, /dW\[class 0, x1\]/, first);
    assert.equal(await readout.getAttribute("aria-live"), "polite");
    await page.keyboard.press("ArrowDown");
    const second = await readout.innerText();
    assert.match(second, /dW\[class 1, x1\]/, second);
    await page.keyboard.press("End");
    assert.match(await readout.innerText(), /dW\[class 1, b\]/);
    // and the mouse reads the entry under it
    const box = await grid.boundingBox();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.85);
    await page.waitForFunction((el) => /dW\[class 2,/.test(el.textContent), await readout.elementHandle(), FAST);
    await assertNoNaN(page, "after reading entries");
    assertClean(log);
  });
});

/** Visible text of a section and the aria-labels of its visible display formulas. */
async function shown(page, id) {
  return page.evaluate((id) => {
    const s = document.getElementById(id);
    return {
      text: s.innerText,
      formulas: [...s.querySelectorAll(".formula[role=math]")].filter((f) => f.checkVisibility()).map((f) => f.getAttribute("aria-label")),
    };
  }, id);
}

test("sections 1 and 5 follow the chosen loss", async () => {
  await suite.visit("?dataset=toy&loss=softmax", async (page, log) => {
    const softmax = async () => {
      const one = await shown(page, "visualise");
      assert.doesNotMatch(one.text, /hinge/i, "section 1 under softmax");
      assert.match(one.text, /smooth and convex/);
      const five = await shown(page, "analytic");
      assert.equal(five.formulas.length, 1, five.formulas.join(" | "));
      assert.match(five.formulas[0], /p j minus the indicator that j equals y i/);
      assert.doesNotMatch(five.text, /For the SVM|active margin/, "section 5 under softmax");
      assert.match(five.text, /For softmax/);
      // the softmax formula is MathML, shown: ∇_{w_j} L_i = (p_j − 1(j = y_i)) x_i
      const mathText = await page.locator("#analytic .formula:visible").textContent();
      assert.match(mathText.replace(/\s+/g, ""), /pj−𝟙\(j=yi\)/, mathText);
    };
    const svm = async () => {
      const one = await shown(page, "visualise");
      assert.match(one.text, /sum of hinges/, "section 1 under the SVM");
      assert.doesNotMatch(one.text, /smooth/);
      const five = await shown(page, "analytic");
      assert.equal(five.formulas.length, 1, five.formulas.join(" | "));
      assert.match(five.formulas[0], /active margin/);
      assert.match(five.text, /For the SVM/);
      assert.doesNotMatch(five.text, /For softmax/);
    };
    await softmax();
    // and it follows a change of loss in the settings bar
    await page.getByLabel("Loss", { exact: true }).selectOption("svm");
    await page.waitForFunction(() => document.documentElement.dataset.loss === "svm", null, FAST);
    // the sections rebuild in a turn of their own: wait for the gradient check's table of terms
    await page.waitForFunction(() => /margin s_j/.test(document.getElementById("analytic").innerText), null, FAST);
    await svm();
    await page.getByLabel("Loss", { exact: true }).selectOption("softmax");
    await page.waitForFunction(() => document.documentElement.dataset.loss === "softmax", null, FAST);
    await page.waitForFunction(() => /probability p_j/.test(document.getElementById("analytic").innerText), null, FAST);
    await softmax();
    assertClean(log);
  });
});

test("under the SVM on first load, the SVM's text and formula only", async () => {
  await suite.visit("?dataset=iris&loss=svm", async (page, log) => {
    const one = await shown(page, "visualise");
    assert.match(one.text, /sum of hinges/);
    assert.doesNotMatch(one.text, /smooth and convex/);
    const five = await shown(page, "analytic");
    assert.equal(five.formulas.length, 1, five.formulas.join(" | "));
    assert.match(five.formulas[0], /active margin/);
    assert.doesNotMatch(five.text, /For softmax/);
    assertClean(log);
  });
});
