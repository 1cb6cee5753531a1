// Issue 13, predictions made on the charts themselves (lib/chartguess.js): the 1-D slice's lowest
// point clicked before its curve is drawn and its chord question, random search's accuracy after
// 1000 tries dragged on the accuracy chart, the gradient check's flagged entries marked on the
// relative-error grid. Each: asked before its answer is drawn, a guess by pointer and one by
// keyboard drawn beside the truth with the one-line judgement, a wrong guess asks why, "Just show
// me" skips, ?predict=off shows the section as before. Pages are opened with ?predict=on.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import { siteSuite } from "./lib/sites.mjs";
import { assertClean, assertNoNaN } from "./lib/assert.mjs";

const suite = siteSuite();
const FAST = { timeout: 5000 }; // what the old page does not have fails quickly

const section = (page, name) => page.locator(`[data-widget="${name}"]`);
const card = (page, question) => page.getByRole("group", { name: question });
const MINIMUM = /Where along W1 do you expect the loss to be lowest/;
const CHORD = /Where will the chord lie/;
const ACCURACY = /What accuracy do you expect the best W to reach after 1000/;
const FLAGGED = /Which entries of dW do you expect the check to flag/;

// the colours the charts draw with (canvas.js PALETTE, gradcheck.js LOOK, the guess's pink)
const BLUE = [0, 114, 178]; // the slice's average loss L
const GREEN = [0, 158, 115]; // random search's accuracy line; the check's "good" verdict
const PINK = [204, 121, 167]; // the learner's guess

/** The share of a canvas's pixels within `tol` of the colour `rgb` in each channel. */
function colorShare(canvas, rgb, tol = 24) {
  return canvas.evaluate((c, [rgb, tol]) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let p = 0; p < d.length; p += 4) if (Math.abs(d[p] - rgb[0]) <= tol && Math.abs(d[p + 1] - rgb[1]) <= tol && Math.abs(d[p + 2] - rgb[2]) <= tol) n++;
    return n / (c.width * c.height);
  }, [rgb, tol]);
}
/** Polls `f` until it returns something truthy (or fails with `what`). */
async function until(f, what, timeout = 5000) {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() - t0 > timeout) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
/** Clicks (or drags from y0 to y1, as fractions of the box) on a canvas. */
async function pointAt(page, canvas, fx, fy, toFy = null) {
  await canvas.scrollIntoViewIfNeeded();
  const b = await canvas.boundingBox();
  await page.mouse.move(b.x + b.width * fx, b.y + b.height * fy);
  await page.mouse.down();
  if (toFy !== null) await page.mouse.move(b.x + b.width * fx, b.y + b.height * toFy, { steps: 6 });
  await page.mouse.up();
}
const resultOf = (c) => c.locator("xpath=..").locator(".predict-result");
/** The card's result line, once the answer is worked out (random search's takes 1000 tries). */
const judgement = (c, timeout = 20000) => until(async () => {
  const t = await resultOf(c).innerText();
  return t.length > 0 && !/^Working out/.test(t) && t;
}, "the card's result line", timeout);
/** A section's own readout (not a card's lines). */
const readout = (s) => s.locator(".section > p.readout").first();

// ---------------------------------------------------------------- the 1-D slice

test("1-D slice, toy/SVM: the curve is hidden until a click on the chart; the guess is drawn beside the lowest point, judged in % of the span; the chord question follows", async () => {
  await suite.visit("?predict=on&dataset=toy&loss=svm", async (page, log) => {
    const s = section(page, "line");
    const ask = card(page, MINIMUM);
    await ask.waitFor(FAST);
    const chart = s.locator("canvas").first();
    // asked before the answer: axes drawn, no curve, no chord question yet
    assert.equal(await colorShare(chart, BLUE), 0, "the average loss curve is hidden while asking");
    assert.ok(await chart.evaluate((c) => c.classList.contains("guessing")), "the chart takes the guess");
    assert.equal(await card(page, CHORD).count(), 0, "the chord's question waits for the curve (its card is hidden)");
    assert.match(await readout(s).innerText(), /curve is hidden/);
    // a guess by pointer: a click 30 % across the chart
    await pointAt(page, chart, 0.3, 0.5);
    const slider = s.getByRole("slider", { name: /the a where the loss is lowest/ });
    const said = await slider.getAttribute("aria-valuetext");
    assert.match(said, /^a = −\d/, said);
    assert.ok(await colorShare(chart, PINK) > 0, "the guess is drawn on the chart while asking");
    await s.getByRole("button", { name: "Commit my guess" }).first().click();
    const line = await judgement(ask);
    assert.match(line, new RegExp(`You said ${said.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}; the lowest point on this line is at a = −?[\\d.]+: [\\d.]+ away \\(\\d+ % of the span`), line);
    // stored in this browser: the guess and the answer as they read
    const rows = await page.evaluate(() => JSON.parse(localStorage.getItem("lossland.predictions") ?? "[]"));
    const row = rows.find((r) => r.section === "line");
    assert.ok(row, JSON.stringify(rows));
    assert.equal(row.guess, said);
    assert.match(row.truth, /^a = −?[\d.]+$/);
    assert.equal(row.right, /^Right/.test(line));
    // the reveal: the curve and the guess drawn together
    await until(async () => (await colorShare(chart, BLUE)) > 0.001, "the curve drawn at the reveal");
    assert.ok(await colorShare(chart, PINK) > 0, "the guess stays beside the truth");
    assert.match(await readout(s).innerText(), /lowest point on this line is [\d.]+ at a = /);
    // the chord's question comes now; its answer (the chord) is hidden until answered
    const chord = card(page, CHORD);
    await chord.waitFor({ state: "visible", ...FAST });
    assert.match(await readout(s).innerText(), /chord is hidden/);
    await chord.getByRole("radio", { name: /Above for some pairs/ }).check();
    await chord.getByRole("button", { name: "Commit my guess" }).click();
    const cl = await judgement(chord);
    assert.match(cl, /^Not quite .*every chord between the 201 sampled points \(20100 pairs\) lies on or above the curve/, cl);
    // wrong: asks why before the reason
    const why = chord.locator("xpath=..").getByLabel(/why do you think/);
    await why.fill("I thought the hinges would make it bumpy.");
    await chord.locator("xpath=..").getByRole("button", { name: "Show the reason" }).click();
    assert.match(await chord.locator("xpath=..").locator(".predict-reason").innerText(), /SVM's loss is an average of hinges.*convex/);
    assert.match(await readout(s).innerText(), /The chord from a = .* lies on or above the graph/);
    await assertNoNaN(page, "line, revealed");
    assertClean(log);
  });
});

test("1-D slice, digits/softmax: a guess by keyboard (arrow keys, Enter) on the chart's control; a far guess is wrong and asks why; the reason follows the loss", async () => {
  await suite.visit("?predict=on&dataset=digits&loss=softmax", async (page, log) => {
    const s = section(page, "line");
    const ask = card(page, MINIMUM);
    await ask.waitFor(FAST);
    const slider = s.getByRole("slider", { name: /the a where the loss is lowest/ });
    await slider.focus();
    await page.keyboard.press("ArrowRight"); // the first key places the guess at a = 0
    assert.equal(await slider.getAttribute("aria-valuetext"), "a = 0");
    for (let k = 0; k < 5; k++) await page.keyboard.press("ArrowRight");
    assert.equal(await slider.getAttribute("aria-valuetext"), "a = 0.3");
    await page.keyboard.press("End"); // the far end: a = 3, far from the lowest point of a random line here
    assert.equal(await slider.getAttribute("aria-valuetext"), "a = 3");
    assert.match(await s.locator(".chartguess [aria-live]").innerText(), /Your guess: a = 3/);
    await page.keyboard.press("Enter");
    const line = await judgement(ask);
    assert.match(line, /You said a = 3; the lowest point on this line is at a = /, line);
    assert.match(line, /^Not quite/, line);
    const box = ask.locator("xpath=..");
    assert.ok(await box.getByLabel(/why do you think/).isVisible(), "a wrong guess asks why");
    assert.equal(await box.locator(".predict-reason").isVisible(), false, "the reason waits for the why");
    await box.getByRole("button", { name: "Show the reason" }).click();
    assert.match(await box.locator(".predict-reason").innerText(), /softmax's loss is smooth and convex/i);
    const chart = s.locator("canvas").first();
    assert.ok(await colorShare(chart, BLUE) > 0.001, "the curve is drawn");
    assert.ok(await colorShare(chart, PINK) > 0, "the guess is drawn beside it");
    assertClean(log);
  });
});

test("1-D slice: \"Just show me\" draws the curve with no guess; ?predict=off shows the section as before", async () => {
  await suite.visit("?predict=on", async (page, log) => {
    const s = section(page, "line");
    const ask = card(page, MINIMUM);
    await ask.waitFor(FAST);
    await ask.getByRole("button", { name: "Just show me" }).click();
    const t = await judgement(ask);
    assert.match(t, /^The answer .*: a = /, t);
    const chart = s.locator("canvas").first();
    await until(async () => (await colorShare(chart, BLUE)) > 0.001, "the curve drawn");
    assert.equal(await colorShare(chart, PINK, 10), 0, "no guess is drawn after Just show me");
    assertClean(log);
  });
  await suite.visit("?predict=off", async (page, log) => {
    const s = section(page, "line");
    assert.equal(await s.locator(".predict").count(), 0, "no card");
    const chart = s.locator("canvas").first();
    await until(async () => (await colorShare(chart, BLUE)) > 0.001, "the curve drawn at once");
    assert.match(await readout(s).innerText(), /lowest point on this line .* The chord from a = /);
    assert.equal(await s.getByRole("slider", { name: /the a where/ }).count(), 0);
    assertClean(log);
  });
});

// ---------------------------------------------------------------- random search

test("random search, toy/SVM: the accuracy line is hidden while asking; a drag on the accuracy chart; the reveal runs the section's 1000 tries and draws the guess beside the answer", async () => {
  await suite.visit("?predict=on&dataset=toy&loss=svm", async (page, log) => {
    const s = section(page, "random-search");
    const ask = card(page, ACCURACY);
    await ask.waitFor(FAST);
    const acc = s.getByRole("img", { name: /Accuracy of the best W so far/ });
    // the learner may run tries while asking: the accuracy reached stays hidden
    await s.getByRole("button", { name: "Step" }).click();
    await page.waitForTimeout(200);
    assert.equal(await colorShare(acc, GREEN, 12), 0, "no accuracy line while asking");
    assert.match(await readout(s).innerText(), /accuracy reached is hidden/);
    // a drag from 70 % of the height to 40 % (accuracy from low to high)
    await pointAt(page, acc, 0.5, 0.7, 0.4);
    const slider = s.getByRole("slider", { name: /accuracy after 1000 tries/ });
    const said = await slider.getAttribute("aria-valuetext");
    assert.match(said, /^\d+ %$/, said);
    assert.ok(Number(said.split(" ")[0]) > 30, `the drag moved the guess up the axis: ${said}`);
    assert.ok(await colorShare(acc, PINK) > 0, "the guess line is drawn while asking");
    await ask.getByRole("button", { name: "Commit my guess" }).click();
    const line = await judgement(ask);
    assert.match(line, new RegExp(`You said ${said}; after 1000 tries the best W classifies [\\d.]+% of the 9 examples \\(chance: 33\\.3%\\): [\\d.]+ percentage points off\\.`), line);
    assert.ok(await colorShare(acc, GREEN, 12) > 0.001, "the accuracy line is drawn at the reveal");
    assert.ok(await colorShare(acc, PINK) > 0, "the guess beside it");
    assert.match(await readout(s).innerText(), /^1000 tries\./);
    await assertNoNaN(page, "random search, revealed");
    assertClean(log);
  });
});

test("random search, digits/softmax: a guess by keyboard (↑, End, Enter); 100 % is wrong and asks why; the reason names chance for 10 classes and W's 650 numbers", async () => {
  await suite.visit("?predict=on&dataset=digits&loss=softmax", async (page, log) => {
    const s = section(page, "random-search");
    const ask = card(page, ACCURACY);
    await ask.waitFor(FAST);
    const slider = s.getByRole("slider", { name: /accuracy after 1000 tries/ });
    await slider.focus();
    await page.keyboard.press("ArrowUp"); // places it at 50 %
    await page.keyboard.press("ArrowUp");
    assert.equal(await slider.getAttribute("aria-valuetext"), "51 %");
    await page.keyboard.press("End");
    assert.equal(await slider.getAttribute("aria-valuetext"), "100 %");
    await page.keyboard.press("Enter");
    const line = await judgement(ask);
    assert.match(line, /^Not quite .*You said 100 %; after 1000 tries the best W classifies [\d.]+% of the 1797 examples \(chance: 10\.0%\)/, line);
    const box = ask.locator("xpath=..");
    await box.getByLabel(/why do you think/).fill("Random W are rarely good in 650 dimensions.");
    await box.getByRole("button", { name: "Show the reason" }).click();
    assert.match(await box.locator(".predict-reason").innerText(), /Chance for 10 classes is 1\/10 = 10\.0%.*650 numbers/);
    assertClean(log);
  });
});

test("random search: \"Just show me\" runs the 1000 tries with no guess drawn; ?predict=off shows the accuracy at once", async () => {
  await suite.visit("?predict=on&dataset=iris", async (page, log) => {
    const s = section(page, "random-search");
    const ask = card(page, ACCURACY);
    await ask.waitFor(FAST);
    await ask.getByRole("button", { name: "Just show me" }).click();
    const t = await judgement(ask);
    assert.match(t, /^The answer \(iris, SVM\): [\d.]+%\.$/, t);
    const acc = s.getByRole("img", { name: /Accuracy of the best W so far/ });
    assert.ok(await colorShare(acc, GREEN, 12) > 0.001);
    assert.equal(await colorShare(acc, PINK, 10), 0, "no guess drawn");
    assertClean(log);
  });
  await suite.visit("?predict=off", async (page, log) => {
    const s = section(page, "random-search");
    assert.equal(await s.locator(".predict").count(), 0, "no card");
    assert.match(await readout(s).innerText(), /^No tries yet\./);
    await s.getByRole("button", { name: "Step" }).click();
    const acc = s.getByRole("img", { name: /Accuracy of the best W so far/ });
    await until(async () => (await colorShare(acc, GREEN, 12)) > 0, "the accuracy line after one try");
    assertClean(log);
  });
});

// ---------------------------------------------------------------- gradient check

test("gradient check, toy/SVM: the verdicts are hidden while asking; entries marked by click and by keyboard (arrows, Space); hits, misses and false alarms; the defaults flag nothing", async () => {
  await suite.visit("?predict=on&dataset=toy&loss=svm", async (page, log) => {
    const s = section(page, "gradcheck");
    const ask = card(page, FLAGGED);
    await ask.waitFor(FAST);
    const grid = s.getByRole("img", { name: /Relative error per entry/ });
    assert.equal(await s.getByTestId("verdict").isVisible(), false, "the verdict waits for the guess");
    assert.equal(await colorShare(grid, GREEN, 12), 0, "no verdict colours while asking");
    assert.match(await ask.locator(".cellguess-summary").innerText(), /You expect no entry to be flagged/);
    // by pointer: the middle cell of the 3 × 3 grid
    await grid.scrollIntoViewIfNeeded();
    const b = await grid.boundingBox();
    await page.mouse.click(b.x + b.width * 0.6, b.y + b.height * 0.55);
    assert.match(await ask.locator(".cellguess-summary").innerText(), /You expect 1 entry: dW\[class \d, (x\d|b)\] to be flagged/);
    await until(async () => (await colorShare(grid, PINK)) > 0.01, "the marked entry drawn");
    // by keyboard: focus the grid, move, Space marks
    await grid.focus();
    await page.keyboard.press("Home");
    await page.keyboard.press("PageUp");
    await page.keyboard.press("Space");
    assert.match(await s.getByTestId("cell-readout").innerText(), /^dW\[class 0, x0\]: analytic .*Marked: you expect it flagged/);
    assert.match(await ask.locator(".cellguess-summary").innerText(), /You expect 2 entries: dW\[class 0, x0\]/);
    await page.keyboard.press("Enter"); // commits
    const line = await judgement(ask);
    assert.match(line, /^Not quite \(toy, SVM\): You marked 2 entries; the check flags no entry of 9: 0 hits, 0 misses, 2 false alarms\./, line);
    assert.ok(await s.getByTestId("verdict").isVisible(), "the verdict shows at the reveal");
    assert.match(await s.getByTestId("verdict").innerText(), /good/);
    assert.ok(await colorShare(grid, GREEN, 12) > 0.1, "verdict colours at the reveal");
    const box = ask.locator("xpath=..");
    await box.getByLabel(/why do you think/).fill("I expected kinks.");
    await box.getByRole("button", { name: "Show the reason" }).click();
    assert.match(await box.locator(".predict-reason").innerText(), /the check flags nothing.*hinge/);
    // predict again, this time "none": right, and the reason shows at once
    await box.getByRole("button", { name: "Predict again" }).click();
    assert.equal(await s.getByTestId("verdict").isVisible(), false, "asking again hides the verdict");
    await ask.getByRole("button", { name: "Mark none" }).click();
    await ask.getByRole("button", { name: "Commit my guess" }).click();
    const right = await judgement(ask);
    assert.match(right, /^Right \(toy, SVM\): You marked no entry; the check flags no entry of 9: 0 hits, 0 misses, 0 false alarms\./, right);
    assert.ok(await box.locator(".predict-reason").isVisible());
    await assertNoNaN(page, "gradcheck, revealed");
    assertClean(log);
  });
});

test("gradient check: with h = 0.1 on toy/SVM the kinks are the answer; \"Just show me\" skips; ?predict=off shows the verdicts at once", async () => {
  await suite.visit("?predict=on&dataset=toy&loss=svm&gradcheck.h=0.1", async (page, log) => {
    const s = section(page, "gradcheck");
    const ask = card(page, FLAGGED);
    await ask.waitFor(FAST);
    await ask.getByRole("button", { name: "Mark all" }).click();
    await ask.getByRole("button", { name: "Commit my guess" }).click();
    const line = await judgement(ask);
    assert.match(line, /You marked 9 entries; the check flags \d of 9 entries \(\d kink crossed: cannot decide\)/, line);
    const box = ask.locator("xpath=..");
    if (await box.getByLabel(/why do you think/).isVisible()) await box.getByRole("button", { name: "Show the reason" }).click();
    assert.match(await box.locator(".predict-reason").innerText(), /crossed a kink: a hinge max\(0, ·\) switched/);
    assertClean(log);
  });
  await suite.visit("?predict=on&dataset=digits&loss=softmax", async (page, log) => {
    const s = section(page, "gradcheck");
    const ask = card(page, FLAGGED);
    await ask.waitFor(FAST);
    await ask.getByRole("button", { name: "Just show me" }).click();
    const t = await judgement(ask);
    assert.match(t, /^The answer \(digits, softmax\): no entry of 650\.$/, t);
    assert.ok(await s.getByTestId("verdict").isVisible());
    assert.match(await ask.locator("xpath=..").locator(".predict-reason").innerText(), /Softmax is smooth/);
    assertClean(log);
  });
  await suite.visit("?predict=off", async (page, log) => {
    const s = section(page, "gradcheck");
    assert.equal(await s.locator(".predict").count(), 0, "no card");
    await until(async () => (await s.getByTestId("verdict").innerText()).startsWith("max relative error"), "the verdict at once");
    const grid = s.getByRole("img", { name: /Relative error per entry/ });
    assert.ok(await colorShare(grid, GREEN, 12) > 0.1, "verdict colours at once");
    assertClean(log);
  });
});

// ---------------------------------------------------------------- axe

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
/** Axe's violations on the page now, as lines (its source evaluated through the driver, not a <script>: the CSP stays strict). */
async function axeLines(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`));
}

test("axe: no violations with the chart predictions asking, guessed and revealed", async () => {
  await suite.visit("?predict=on", async (page, log) => {
    assert.deepEqual(await axeLines(page), [], "asking");
    await pointAt(page, section(page, "line").locator("canvas").first(), 0.4, 0.4);
    await pointAt(page, section(page, "random-search").getByRole("img", { name: /Accuracy of the best W so far/ }), 0.5, 0.5);
    await pointAt(page, section(page, "gradcheck").getByRole("img", { name: /Relative error per entry/ }), 0.5, 0.5);
    assert.deepEqual(await axeLines(page), [], "guessed");
    for (const [name, q] of [["line", MINIMUM], ["random-search", ACCURACY], ["gradcheck", FLAGGED]]) {
      await card(page, q).getByRole("button", { name: "Commit my guess" }).click();
      await judgement(card(page, q));
    }
    assert.deepEqual(await axeLines(page), [], "revealed");
    assertClean(log);
  });
});
