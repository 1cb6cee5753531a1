// Issue 11, "the lesson a section exists for does not show on its defaults": the numerical
// gradient's h lesson on toy/SVM, its table, restart message, keys and start coordinate on
// digits; the 1-D slice's lowest point and chord; charts at step 0. Each test failed on the page
// before the fix (LOSSLAND_WWW=/work/wt-tests/www).
import { test } from "node:test";
import assert from "node:assert/strict";
import { siteSuite } from "./lib/sites.mjs";
import { assertClean, assertNoNaN } from "./lib/assert.mjs";

const suite = siteSuite();
const widget = (page, name) => page.locator(`[data-widget="${name}"]`);

// "2.510×10⁻⁷" → 2.51e-7, "0.002521" → 0.002521
const SUP = { "⁻": "-", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9" };
function num(s) {
  const m = s.replace(/−/g, "-").match(/^(-?[\d.]+)(?:×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?$/);
  assert.ok(m, `a number: ${s}`);
  return Number(m[1]) * 10 ** (m[2] ? Number([...m[2]].map((c) => SUP[c]).join("")) : 0);
}
const NUM = "(−?[\\d.]+(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?)";

// Records what each canvas draws from now on: [{ canvas, op: "stroke" | "text", style, text }].
// (plotters-canvas sets the colour, then strokes a path or fills a text: a legend swatch is the
// last stroke before its label.)
async function recordDrawing(page) {
  await page.evaluate(() => {
    const log = (window.__drawn = []);
    const P = CanvasRenderingContext2D.prototype;
    const stroke = P.stroke, fillText = P.fillText;
    P.stroke = function (...a) { log.push({ canvas: this.canvas.getAttribute("aria-label"), op: "stroke", style: String(this.strokeStyle) }); return stroke.apply(this, a); };
    P.fillText = function (t, ...a) { log.push({ canvas: this.canvas.getAttribute("aria-label"), op: "text", text: String(t), style: String(this.fillStyle) }); return fillText.call(this, t, ...a); };
  });
}
const drawn = (page, label) => page.evaluate((l) => window.__drawn.filter((d) => d.canvas === l), label);
// the swatch colour of each legend label: the last stroke before it
function swatches(ops) {
  const out = new Map();
  let last = null;
  for (const d of ops) {
    if (d.op === "stroke") last = d.style;
    else out.set(d.text, last);
  }
  return out;
}

test("toy/SVM defaults: the error-against-h plot shows truncation O(h), O(h²) and the round-off floor", async () => {
  await suite.visit("", async (page, log) => {
    const st = widget(page, "stepper");
    const readout = st.locator("p.readout", { hasText: "At h =" });
    await readout.waitFor();
    const text = await readout.innerText();
    // the smooth reference's forward error falls as h (1e-1 → 1e-5: 10⁴), its centered one as h² (1e-1 → 1e-3: 10⁴)
    const f = text.match(new RegExp(`forward error is ${NUM} at h = 1e-1 and ${NUM} at h = 1e-5`));
    const c = text.match(new RegExp(`centered error is ${NUM} at h = 1e-1 and ${NUM} at h = 1e-3`));
    assert.ok(f && c, `the readout gives the smooth reference's errors: ${text}`);
    const rf = num(f[1]) / num(f[2]), rc = num(c[1]) / num(c[2]);
    assert.ok(rf > 10 ** 3.5 && rf < 10 ** 4.5, `forward: 10⁴ times smaller h, ~10⁴ times smaller error (got ${rf})`);
    assert.ok(rc > 10 ** 3.5 && rc < 10 ** 4.5, `centered: 10² times smaller h, ~10⁴ times smaller error (got ${rc})`);
    assert.match(text, /first order, O\(h\)/);
    assert.match(text, /second order, O\(h²\)/);
    assert.match(text, /round-off .* grows again as h shrinks/);
    assert.match(text, /softmax/i);
    // the plot itself draws those curves: legend entries, and their own colours (not the SVM's)
    await recordDrawing(page);
    await st.getByRole("button", { name: "Step", exact: true }).click();
    const label = "Error of the finite difference against h, log–log";
    await page.waitForFunction((l) => window.__drawn.some((d) => d.canvas === l && d.text === "the h in use"), label);
    const sw = swatches(await drawn(page, label));
    for (const l of ["softmax, same W (smooth): forward", "softmax, same W (smooth): centered", "guide: slope ∝ h (first order)", "guide: slope ∝ h² (second order)", "round-off ≈ 2ε·|f| / h"]) {
      assert.ok(sw.has(l), `legend entry "${l}" (have ${[...sw.keys()].join(" | ")})`);
    }
    assert.notEqual(sw.get("softmax, same W (smooth): forward"), sw.get("SVM (in use), forward"));
    await assertNoNaN(page, "stepper defaults");
    assertClean(log);
  });
});

test("centered: the table reads f(x + h) − f(x − h); a new h says the stepping starts over", async () => {
  await suite.visit("", async (page, log) => {
    const st = widget(page, "stepper");
    await st.getByLabel(/Centered difference/).check();
    await st.getByRole("button", { name: "Step", exact: true }).click();
    const table = st.locator("table.vals");
    await assert.doesNotReject(table.getByRole("rowheader", { name: "f(x + h) − f(x − h)", exact: true }).waitFor({ timeout: 3000 }), "a row f(x + h) − f(x − h)");
    assert.equal(await table.getByRole("rowheader", { name: "f(x + h) − f(x)", exact: true }).count(), 0, "no forward row when centered");
    await st.getByRole("button", { name: "Step", exact: true }).click();
    // move h: the progress (2 coordinates) is dropped, and the page says so
    const h = st.getByLabel("h (log scale)");
    await h.focus();
    await page.keyboard.press("ArrowRight");
    await assert.doesNotReject(st.getByText(/h changed.*the stepping starts over/).waitFor({ timeout: 3000 }), "the restart is announced");
    assert.match(await st.getByTestId("evaluations").innerText(), /\(0 of 9 coordinates\)/);
    assertClean(log);
  });
});

test("→ steps once with focus on the stepper's chart, and with the pointer on the section's heading", async () => {
  await suite.visit("", async (page, log) => {
    const st = widget(page, "stepper");
    const count = st.getByTestId("evaluations");
    const done = async () => Number((await count.innerText()).match(/\((\d+) of/)[1]);
    assert.equal(await done(), 0);
    await st.getByRole("img", { name: /Error of the finite difference/ }).click();
    await page.keyboard.press("ArrowRight");
    assert.equal(await done(), 1, "focus on the chart");
    // the section's heading: clicking it leaves focus on the page, the pointer over the section
    await page.locator("#num-h").click();
    await page.keyboard.press("ArrowRight");
    assert.equal(await done(), 2, "pointer on the heading");
    await page.keyboard.press("Space");
    assert.equal(await done(), 3, "Space too");
    await page.keyboard.press("ArrowLeft");
    assert.equal(await done(), 2, "← goes back");
    // elsewhere the keys are not the stepper's
    await page.locator("#an-h").click();
    await page.keyboard.press("ArrowRight");
    assert.equal(await done(), 2, "pointer on another section");
    // the page says where the keys work, next to the buttons
    assert.match(await st.innerText(), /→ or Space steps.*(pointer|focus)/);
    assertClean(log);
  });
});

test("digits: the stepper's first step is on a pixel that is not 0 in every image, and the page says why", async () => {
  await suite.visit("?dataset=digits", async (page, log) => {
    const st = widget(page, "stepper");
    const before = await st.innerText(); // the note is shown until the first step
    await st.getByRole("button", { name: "Step", exact: true }).click();
    const row = await st.locator("table.vals").getByRole("row", { name: /coordinate/ }).innerText();
    const col = row.match(/W\[0, x(\d+)\]/);
    assert.ok(col && Number(col[1]) > 0, `the first step is not W[0, x0]: ${row}`);
    // the analytic entry there is not the regularisation term alone (0 at reg 0)
    const a = await st.locator("table.vals").getByRole("row", { name: /analytic gradient here/ }).innerText();
    assert.doesNotMatch(a.trim(), /\s0$/, a);
    assert.match(before, /starts at W\[0, x\d+\].*0 in every example/);
    assertClean(log);
  });
});

test("1-D slice: the lowest point is marked and labelled; the chord's colour is no example curve's", async () => {
  await suite.visit("", async (page, log) => {
    const line = widget(page, "line");
    await recordDrawing(page);
    await line.getByLabel(/Chord end/).focus();
    await page.keyboard.press("ArrowLeft"); // redraws the chart
    const label = "Loss along one random direction";
    await page.waitForFunction((l) => window.__drawn.some((d) => d.canvas === l && d.text === "chord"), label);
    const ops = await drawn(page, label);
    const sw = swatches(ops);
    const examples = [...sw].filter(([t]) => /one example/.test(t)).map(([, c]) => c);
    assert.ok(examples.length > 0, "example curves in the legend");
    assert.ok(!examples.includes(sw.get("chord")), `chord ${sw.get("chord")} vs examples ${examples.join(", ")}`);
    assert.ok([...sw.keys()].some((t) => /lowest point/.test(t)), `a marker labelled as the lowest point (labels: ${[...sw.keys()].join(" | ")})`);
    assertClean(log);
  });
});

test("gradient descent's loss chart has ink at step 0", async () => {
  await suite.visit("", async (page, log) => {
    const gd = widget(page, "gd");
    assert.match(await gd.innerText(), /Step 0/);
    // the loss series' colour (#0072B2) in vertical runs taller than a legend swatch's line:
    // a mark in the plot area, which an undrawn series (axes, grid, legend only) does not have
    const runs = await gd.getByRole("img", { name: "Loss against the step number" }).evaluate((c) => {
      const { width: w, height: h } = c;
      const d = c.getContext("2d").getImageData(0, 0, w, h).data;
      const blue = (x, y) => { const i = 4 * (y * w + x); return Math.abs(d[i] - 0) < 40 && Math.abs(d[i + 1] - 114) < 40 && Math.abs(d[i + 2] - 178) < 40; };
      let tall = 0;
      for (let x = 0; x < w; x++) for (let y = 0, run = 0; y < h; y++) { run = blue(x, y) ? run + 1 : 0; if (run === 7) tall++; }
      return tall;
    });
    assert.ok(runs >= 3, `the start loss is drawn as a mark (${runs} columns of ink)`);
    assertClean(log);
  });
});
