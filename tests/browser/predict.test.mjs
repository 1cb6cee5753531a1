// Issue 13, predict, then see: the choice-list and slider predictions (stepper, gradient descent,
// mini-batch SGD, random local search, scoreboard) and what every prediction shares (lib/predict.js):
// each asks before its answer is drawn; a committed guess is drawn beside the answer with a
// one-line judgement; a wrong one asks why and keeps the text; "Just show me" skips; ?predict=off
// removes every card (the on-chart ones included); answers survive a reload, download as CSV and
// clear; the keyboard path; axe with predictions on. Operated by role and name.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { siteSuite } from "./lib/sites.mjs";
import { assertClean, assertNoNaN, canvasInk } from "./lib/assert.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const suite = siteSuite({ fixtures: true, prepare: (root) => fs.copyFileSync(AXE, path.join(root, "axe.min.js")) });
const ON = { predict: true };

const Q = {
  grow: /When h goes from 1e-5 to 1e-10/,
  closer: /At h = 1e-5, which slope will be closer/,
  lowest: /which will end with the lowest loss after 60 steps/,
  rise: /Which of the three will overshoot or blow up/,
  noisier: /mini-batch loss curve .* will be noisier/,
  sameTime: /Given the same time, which will reach the lower loss/,
  kept: /what share will be kept/,
  rank: /rank the three strategies by their final loss/,
};

const section = (page, id) => page.locator(`section#${id}`);
const card = (page, id, q) => section(page, id).getByRole("group", { name: q });
/** The card (its <form>) around the group with question `q`. */
const form = (page, id, q) => section(page, id).locator("form.predict").filter({ has: page.getByRole("group", { name: q }) });
/** Ink of the canvas whose accessible name matches `label` (0 when blank or hidden). */
async function ink(page, label) {
  const list = await canvasInk(page);
  const c = list.find((x) => label.test(x.name));
  assert.ok(c, `no canvas named ${label}`);
  return c.ink;
}
const stored = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("lossland.predictions") ?? "[]"));

test("each prediction asks before its answer is drawn", async () => {
  await suite.visit("", async (page, log) => {
    for (const [id, q] of [["numerical", Q.grow], ["numerical", Q.closer], ["gd", Q.lowest], ["gd", Q.rise], ["sgd", Q.noisier], ["sgd", Q.sameTime], ["local-search", Q.kept], ["scoreboard", Q.rank]]) {
      await card(page, id, q).waitFor();
      assert.equal(await card(page, id, q).getByRole("button", { name: "Just show me" }).count(), 1, `${id}: Just show me`);
    }
    // the answers are not drawn: the error plot, the trio, the race, the scoreboard's chart and table
    await page.waitForTimeout(1500); // the trio and the scoreboard run meanwhile
    for (const label of [/Error of the finite difference against h/, /Loss curves for three step sizes/, /Full loss against time/, /Loss against loss evaluations for the three strategies/]) {
      const c = page.getByRole("img", { name: label });
      assert.equal(await c.isVisible(), false, `${label} shows while its prediction asks`);
    }
    assert.equal(await section(page, "scoreboard").getByRole("table").filter({ hasText: "Final loss" }).isVisible(), false, "scoreboard table");
    assert.match(await section(page, "numerical").getByTestId("h-readout").innerText(), /appears once you have made them/);
    // local search: the readout leaves the accepted count out while asking
    await section(page, "local-search").getByRole("button", { name: "Step", exact: true }).click();
    const readout = await section(page, "local-search").locator("p.readout", { hasText: /tries/ }).first().innerText();
    assert.doesNotMatch(readout, /accepted|acceptance rate/, readout);
    await assertNoNaN(page, "predictions asking");
    assertClean(log);
  }, ON);
});

test("a committed guess is drawn beside the answer; a wrong one asks why and keeps the text; Just show me skips", async () => {
  await suite.visit("?dataset=toy&loss=svm", async (page, log) => {
    const s = section(page, "numerical");
    // toy, SVM: the forward error grows from h = 1e-5 to 1e-10 (round-off): "It shrinks" is wrong
    const grow = card(page, "numerical", Q.grow);
    await grow.getByRole("radio", { name: /It shrinks/ }).check();
    await grow.getByRole("button", { name: "Commit my guess" }).click();
    const f = form(page, "numerical", Q.grow);
    await f.getByText(/^Not quite \(toy, SVM\): you said the error shrinks; it grows: /).waitFor();
    // the guess and the answer marked beside the choices
    assert.match(await f.locator(".predict-choice", { hasText: "It shrinks" }).innerText(), /your guess/);
    assert.match(await f.locator(".predict-choice", { hasText: "It grows" }).innerText(), /the answer/);
    // why: a labelled text box, kept on the page and stored, before the reason
    const why = f.getByRole("textbox", { name: /why do you think it turned out this way/ });
    assert.equal(await f.getByText(/^Why: /).count(), 0, "the reason shows before the learner says why");
    await why.fill("I forgot that f is rounded.");
    await f.getByRole("button", { name: "Show the reason" }).click();
    await f.getByText(/^Why: Round-off/).waitFor();
    assert.equal(await why.inputValue(), "I forgot that f is rounded.");
    let rows = await stored(page);
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0].section, rows[0].guess, rows[0].right, rows[0].why], ["stepper", "It shrinks: a smaller h comes closer to the derivative", false, "I forgot that f is rounded."]);
    // the plot waits for the second prediction; Just show me reveals it and stores nothing
    assert.equal(await s.getByRole("img", { name: /Error of the finite difference/ }).isVisible(), false);
    const closer = card(page, "numerical", Q.closer);
    await closer.getByRole("button", { name: "Just show me" }).click();
    await form(page, "numerical", Q.closer).getByText(/^The answer \(toy, SVM\): /).waitFor();
    await s.getByRole("img", { name: /Error of the finite difference/ }).waitFor();
    await page.waitForFunction(() => !/appears once/.test(document.querySelector('[data-testid="h-readout"]').textContent));
    assert.ok((await ink(page, /Error of the finite difference/)) > 0.01, "the error plot is drawn after the reveal");
    assert.match(await s.getByTestId("h-readout").innerText(), /^At h = 1e-5 the forward slope differs/);
    rows = await stored(page);
    assert.equal(rows.length, 1, "Just show me stores nothing");

    // gradient descent: a right guess shows the reason at once, the trio is drawn with the guess ringed
    const g = section(page, "gd");
    await g.getByRole("button", { name: "Run three step sizes" }).and(page.locator(":enabled")).waitFor();
    const rise = card(page, "gd", Q.rise);
    await rise.getByRole("radio", { name: "The large one" }).check();
    await rise.getByRole("button", { name: "Commit my guess" }).click();
    const rf = form(page, "gd", Q.rise);
    await rf.getByText(/^Right \(toy, SVM\): you said the large one; the answer: the large one \(100\) overshoots/).waitFor();
    await rf.getByText(/^Why: The gradient says which way is downhill/).waitFor();
    assert.equal(await rf.getByRole("textbox").isVisible(), false, "no why box after a right guess");
    await card(page, "gd", Q.lowest).getByRole("radio", { name: "The medium one" }).check();
    await card(page, "gd", Q.lowest).getByRole("button", { name: "Commit my guess" }).click();
    await form(page, "gd", Q.lowest).getByText(/^Not quite \(toy, SVM\): you said the medium one; it is the large one \(100\)/).waitFor();
    await g.getByRole("img", { name: /Loss curves for three step sizes/ }).waitFor();
    assert.ok((await ink(page, /Loss curves for three step sizes/)) > 0.01);
    // Predict again asks anew and hides the answer again
    await form(page, "gd", Q.lowest).getByRole("button", { name: "Predict again" }).click();
    await card(page, "gd", Q.lowest).getByRole("button", { name: "Commit my guess" }).waitFor();
    assert.equal(await g.getByRole("img", { name: /Loss curves for three step sizes/ }).isVisible(), false);
    await assertNoNaN(page, "after reveals");
    assertClean(log);
  }, ON);
});

test("mini-batch SGD and the scoreboard: the measured race and the ranking beside the guess", async () => {
  await suite.visit("?dataset=spiral", async (page, log) => {
    const s = section(page, "sgd");
    for (const [q, choice] of [[Q.noisier, "Batch 1"], [Q.sameTime, /The large batch/]]) {
      await card(page, "sgd", q).getByRole("radio", { name: choice }).check();
      await card(page, "sgd", q).getByRole("button", { name: "Commit my guess" }).click();
    }
    await form(page, "sgd", Q.noisier).getByText(/^(Right|Not quite) \(spiral, SVM\): you said batch 1; the noisier is .*over the first 100 steps the batch loss/).waitFor({ timeout: 20000 });
    await form(page, "sgd", Q.sameTime).getByText(/batch 1 takes \d+ steps at [\d.]+ (µs|ms) each/).waitFor({ timeout: 20000 });
    await s.getByRole("img", { name: /Full loss against time/ }).waitFor();
    assert.match(await s.locator("p", { hasText: /^Measured on this page/ }).innerText(), /batch 256 took 100 and reached/);
    assert.ok((await ink(page, /Full loss against time/)) > 0.01);

    const sb = section(page, "scoreboard");
    const rank = card(page, "scoreboard", Q.rank);
    await rank.getByLabel("1st (lowest final loss)").selectOption("gd");
    await rank.getByLabel("2nd").selectOption("random-local-search");
    assert.equal(await rank.getByRole("button", { name: "Commit my guess" }).isDisabled(), true, "a ranking with a place empty cannot be committed");
    await rank.getByLabel("3rd (highest)").selectOption("random-search");
    await rank.getByRole("button", { name: "Commit my guess" }).click();
    const f = form(page, "scoreboard", Q.rank);
    await f.getByText(/^(Right|Not quite) \(spiral, SVM\): \d of 3 places right\. By final loss: 1\. /).waitFor({ timeout: 30000 });
    const table = f.getByRole("table", { name: "Your ranking beside the answer" });
    assert.equal(await table.getByRole("row").count(), 4);
    await sb.getByRole("table").filter({ hasText: "Final loss" }).waitFor();
    await assertNoNaN(page, "sgd and scoreboard revealed");
    assertClean(log);
  }, ON);
});

test("?predict=off removes every card and shows every answer as before", async () => {
  await suite.visit("?predict=off", async (page, log) => {
    await page.waitForTimeout(500);
    assert.equal(await page.locator("form.predict").count(), 0, "a prediction card with predict=off");
    assert.equal(await page.getByRole("button", { name: "Just show me" }).count(), 0);
    assert.equal(await page.getByRole("region", { name: "Your predictions" }).isVisible(), false, "the predictions bar");
    await page.getByRole("img", { name: /Error of the finite difference/ }).waitFor();
    await page.getByRole("img", { name: /Loss curves for three step sizes/ }).waitFor();
    assert.equal(await page.getByRole("img", { name: /Full loss against time/ }).count(), 0);
    assertClean(log);
  });
  // the same for embed.html and its own query
  const { openPage } = await import("./lib/chromium.mjs");
  for (const [widget, n] of [["gd", 0], ["stepper", 0]]) {
    const log = await openPage(suite.browser, suite.url(`embed.html?widget=${widget}&predict=off`));
    try {
      await log.page.waitForFunction(() => document.documentElement.dataset.status === "ready", null, { timeout: 20000 });
      assert.equal(await log.page.locator("form.predict").count(), n, `embed ${widget}`);
    } finally {
      await log.context.close();
    }
    const on = await openPage(suite.browser, suite.url(`embed.html?widget=${widget}`, ON));
    try {
      await on.page.waitForFunction(() => document.documentElement.dataset.status === "ready", null, { timeout: 20000 });
      assert.equal(await on.page.locator("form.predict").count(), 2, `embed ${widget} with predictions on`);
    } finally {
      await on.context.close();
    }
  }
});

test("stored answers survive a reload, download as CSV and clear; the keyboard path works", async () => {
  await suite.visit("", async (page, log) => {
    // keyboard: Tab from the button before the card to its radio group, arrows choose, Enter commits
    const g = section(page, "gd");
    await g.getByRole("button", { name: "Run three step sizes" }).focus();
    await page.keyboard.press("Tab");
    const focused = () => page.evaluate(() => ({ type: document.activeElement.type, label: document.activeElement.labels?.[0]?.textContent }));
    assert.deepEqual(await focused(), { type: "radio", label: "The small step size" });
    await page.keyboard.press("ArrowDown");
    assert.deepEqual(await focused(), { type: "radio", label: "The medium one" });
    await page.keyboard.press("Enter");
    await form(page, "gd", Q.lowest).getByText(/you said the medium one/).waitFor({ timeout: 20000 });
    // the share of tries kept: the slider moves by arrow keys, is read back, Enter commits
    const slider = card(page, "local-search", Q.kept).getByRole("slider", { name: "Share of tries kept" });
    await slider.focus();
    for (let i = 0; i < 15; i++) await page.keyboard.press("ArrowLeft");
    assert.equal(await slider.getAttribute("aria-valuetext"), "35%");
    await page.keyboard.press("Enter");
    const kf = form(page, "local-search", Q.kept);
    await kf.getByText(/you said 35%; [\d.]+% \(\d+ of 200 tries, step size 0\.1\) were kept: [\d.]+ percentage points off\./).waitFor({ timeout: 20000 });
    await kf.getByRole("img", { name: /your guess 35 %, the answer/ }).waitFor();
    assert.equal((await stored(page)).length, 2);
    // a reload keeps them
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.status === "ready", null, { timeout: 30000 });
    const bar = page.getByRole("region", { name: "Your predictions" });
    await bar.getByText("2 predictions kept in this browser only (nothing leaves the page).").waitFor();
    // CSV: the download event, the file parsed
    const [dl] = await Promise.all([page.waitForEvent("download"), bar.getByRole("button", { name: "Download my predictions (CSV)" }).click()]);
    assert.equal(dl.suggestedFilename(), "lossland-predictions.csv");
    const text = fs.readFileSync(await dl.path(), "utf8");
    const lines = text.trim().split("\n");
    assert.equal(lines[0], "section,question,guess,truth,time,right,why");
    assert.equal(lines.length, 3, text);
    assert.match(lines[1], /^gd,"Of the three step sizes below \(small, medium, large\), which will end with the lowest loss after 60 steps\?",The medium one,"the large one \(100\): small ends at [^"]+",20\d\d-\d\d-\d\dT[\d:.]+Z,no,$/);
    assert.match(lines[2], /^local-search,"Of the first 200 tries of this run, what share will be kept \(lower the loss\)\?",35%,"[\d.]+% \(\d+ of 200 tries, step size 0\.1\)",20\d\d-[^,]+,(yes|no),$/);
    // Clear empties them (the card's menu has the same buttons)
    await bar.getByRole("button", { name: "Clear my predictions" }).click();
    await bar.getByText("0 predictions kept in this browser only").waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem("lossland.predictions")), null);
    assertClean(log);
  }, ON);
});

test("when the browser refuses localStorage, predictions still work and the bar says they are not kept", async () => {
  const { openPage } = await import("./lib/chromium.mjs");
  const log = await openPage(suite.browser, "about:blank");
  try {
    await log.page.addInitScript(() => {
      for (const k of ["getItem", "setItem", "removeItem"]) Storage.prototype[k] = () => { throw new DOMException("denied", "SecurityError"); };
    });
    await log.page.goto(suite.url("index.html", ON));
    await log.page.waitForFunction(() => document.documentElement.dataset.status === "ready", null, { timeout: 30000 });
    const c = card(log.page, "numerical", Q.grow);
    await c.getByRole("radio", { name: "It grows" }).check();
    await c.getByRole("button", { name: "Commit my guess" }).click();
    await form(log.page, "numerical", Q.grow).getByText(/^Right \(toy, SVM\)/).waitFor();
    await log.page.getByRole("region", { name: "Your predictions" }).getByText("1 prediction from this visit: this browser does not let the page keep them").waitFor();
  } finally {
    await log.context.close();
  }
});

test("axe: no violations with predictions on, asking and revealed (a wrong guess's why box, a ranking table)", async () => {
  await suite.visit("", async (page) => {
    await card(page, "numerical", Q.grow).getByRole("radio", { name: /It shrinks/ }).check();
    await card(page, "numerical", Q.grow).getByRole("button", { name: "Commit my guess" }).click();
    await form(page, "numerical", Q.grow).getByRole("textbox").waitFor();
    const rank = card(page, "scoreboard", Q.rank);
    await rank.getByLabel("1st (lowest final loss)").selectOption("random-search");
    await rank.getByLabel("2nd").selectOption("gd");
    await rank.getByLabel("3rd (highest)").selectOption("random-local-search");
    await rank.getByRole("button", { name: "Commit my guess" }).click();
    await form(page, "scoreboard", Q.rank).getByRole("table").waitFor({ timeout: 30000 });
    await card(page, "local-search", Q.kept).getByRole("button", { name: "Commit my guess" }).click();
    await form(page, "local-search", Q.kept).getByRole("img").waitFor({ timeout: 20000 });
    await form(page, "numerical", Q.grow).locator("summary").click(); // the card's menu, open
    await page.addScriptTag({ url: "/axe.min.js" });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    const lines = result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`));
    assert.deepEqual(lines, []);
  }, ON);
});

test("custom elements: predict=\"off\" leaves no card; without it the cards work inside the shadow root, axe-clean", async () => {
  const { openPage } = await import("./lib/chromium.mjs");
  const { waitReady } = await import("./lib/assert.mjs");
  const log = await openPage(suite.browser, suite.url("elements.html")); // the fixture says predict="off"
  const { page } = log;
  try {
    await waitReady(page, log, "elements.html", { elements: ["#stepper", "#opt"] });
    const stepper = page.locator("#stepper");
    assert.equal(await stepper.locator("form.predict").count(), 0, "a card with predict=\"off\"");
    // the attribute removed: the element re-mounts with predictions on (the default)
    await stepper.evaluate((e) => e.removeAttribute("predict"));
    const grow = stepper.getByRole("group", { name: Q.grow });
    await grow.waitFor({ timeout: 20000 });
    assert.equal(await stepper.getByRole("img", { name: /Error of the finite difference/ }).isVisible(), false);
    await grow.getByRole("radio", { name: "It grows" }).check();
    await grow.getByRole("button", { name: "Commit my guess" }).click();
    // the element's settings: toy, SVM, h = 1e-3 (the attribute's h does not change this question)
    await stepper.locator("form.predict").first().getByText(/^Right \(toy, SVM\): you said the error grows; it grows: /).waitFor({ timeout: 20000 });
    await stepper.getByRole("group", { name: Q.closer }).getByRole("button", { name: "Just show me" }).click();
    await stepper.getByRole("img", { name: /Error of the finite difference/ }).waitFor();
    assertClean(log); // (before axe, whose own inline styles the page's CSP refuses)
    await page.addScriptTag({ url: "/axe.min.js" });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    assert.deepEqual(result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`)), []);
  } finally {
    await log.context.close();
  }
});
