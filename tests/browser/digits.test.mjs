// The digits are not in the wasm: the page fetches pkg/digits.bin when they are first chosen (the
// data set <select>, a link ?dataset=digits, an embed, a custom element). A fresh load of the toy
// set does not ask for it; choosing the digits asks once and every section moves to them (W of
// 10 × 65 = 650 numbers); a failed fetch says "The digits could not be loaded: …" and leaves the
// page on its data set, working, and a later choice tries again. Needs www/pkg (scripts/build).
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, screenshot } from "./lib/chromium.mjs";
import { siteSuite } from "./lib/sites.mjs";
import { READY_MS, waitReady, assertClean, assertSameOrigin, assertInked, assertNoNaN } from "./lib/assert.mjs";

const suite = siteSuite({ fixtures: true }); // www/ and the fixture pages (elements.html)

const DIGITS = /\/pkg\/digits\.bin$/;
const asked = (log) => log.requests.filter((u) => DIGITS.test(u)).length;
const coordinates = (page, n, root = "document") =>
  page.waitForFunction(([n, root]) => {
    const host = root === "document" ? document : document.querySelector(root).shadowRoot;
    return new RegExp(`of ${n} coordinates`).test(host.querySelector('[data-testid="evaluations"]')?.textContent ?? "");
  }, [n, root], { timeout: READY_MS });
/** Makes every request for pkg/digits.bin answer 404 while `on()` says so. */
async function breakDigits(page, on = () => true) {
  await page.route(DIGITS, (route) => (on() ? route.fulfill({ status: 404, contentType: "text/plain", body: "not found\n" }) : route.continue()));
}
// the browser's own console line for a 404 (the page reports it in its own words)
const NOT_FOUND = [/Failed to load resource: the server responded with a status of 404/, /digits\.bin: HTTP 404/];

test("toy first: digits.bin is not fetched until the digits are chosen, then once; every section moves to them", async () => {
  const log = await openPage(suite.browser, suite.url("index.html?dataset=toy&loss=softmax&seed=1"));
  const { page } = log;
  try {
    await waitReady(page, log, "index.html (toy)");
    await coordinates(page, 9);
    await page.waitForTimeout(500);
    assert.equal(asked(log), 0, "a fresh load of the toy set fetched the digits");
    const ds = page.locator("#settings").getByLabel("Data set", { exact: true });
    await ds.selectOption("digits");
    await coordinates(page, 650);
    assert.equal(new URL(page.url()).searchParams.get("dataset"), "digits");
    // away and back: the bytes are not fetched again
    await ds.selectOption("iris");
    await coordinates(page, 15);
    await ds.selectOption("digits");
    await coordinates(page, 650);
    await page.waitForTimeout(1500); // the landscape's grid, computed by the Worker on the digits
    assert.equal(asked(log), 1, "digits.bin was fetched more than once");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.compute), "worker");
    assert.equal(await page.locator("#csv-error").isHidden(), true);
    await assertInked(page, "the digits");
    await assertNoNaN(page, "the digits");
    assertClean(log);
    assertSameOrigin(log, suite.server.url);
  } finally {
    await screenshot(page, "digits-chosen").catch(() => {});
    await log.context.close();
  }
});

test("a link ?dataset=digits opens on the digits, fetching them alongside the wasm", async () => {
  const log = await openPage(suite.browser, suite.url("index.html?dataset=digits&loss=svm&seed=1"));
  const { page } = log;
  try {
    await waitReady(page, log, "index.html?dataset=digits");
    await coordinates(page, 650);
    assert.equal(await page.locator("#settings").getByLabel("Data set", { exact: true }).inputValue(), "digits");
    assert.equal(asked(log), 1);
    // asked for by js/boot.js in the same task as the wasm (so not after the modules have run)
    const [wasm, digits] = await page.evaluate(() => [".wasm", "digits.bin"].map((end) => performance.getEntriesByType("resource").find((e) => e.name.endsWith(end))?.startTime));
    assert.ok(Math.abs(digits - wasm) < 10, `digits.bin was asked for at ${digits} ms, the wasm at ${wasm} ms`);
    await assertInked(page, "a link to the digits");
    assertClean(log);
  } finally {
    await log.context.close();
  }
});

test("a link naming no data set lossland has (constructor, __proto__) opens on the toy set, fetching nothing", async () => {
  for (const name of ["constructor", "__proto__"]) {
    const log = await openPage(suite.browser, suite.url(`index.html?dataset=${name}`));
    try {
      await waitReady(log.page, log, `index.html?dataset=${name}`);
      await coordinates(log.page, 9);
      assert.equal(asked(log), 0);
      assertClean(log);
    } finally {
      await log.context.close();
    }
  }
});

test("embed.html?dataset=digits and <lossland-gradient-stepper dataset=digits> show the digits", async () => {
  const log = await openPage(suite.browser, suite.url("embed.html?widget=stepper&dataset=digits&loss=svm&seed=1"));
  try {
    await waitReady(log.page, log, "embed.html?dataset=digits");
    await coordinates(log.page, 650);
    assert.equal(await log.page.locator("#embed-notice").isHidden(), true);
    assertClean(log);
  } finally {
    await log.context.close();
  }
  const el = await openPage(suite.browser, suite.url("elements.html"));
  try {
    await waitReady(el.page, el, "elements.html", { elements: ["#stepper", "#opt"] });
    await el.page.evaluate(() => document.querySelector("#stepper").setAttribute("dataset", "digits"));
    await coordinates(el.page, 650, "#stepper");
    await waitReady(el.page, el, "elements.html (digits)", { elements: ["#stepper"] });
    assert.equal(asked(el), 1);
    assertClean(el);
  } finally {
    await el.context.close();
  }
});

test("digits.bin missing: the select says why and keeps the data set; the page works; a later choice loads them", async () => {
  const log = await openPage(suite.browser, "about:blank");
  const { page } = log;
  let broken = true;
  await breakDigits(page, () => broken);
  try {
    await page.goto(suite.url("index.html?dataset=iris&loss=svm&seed=1"));
    await waitReady(page, log, "index.html (iris)");
    const ds = page.locator("#settings").getByLabel("Data set", { exact: true });
    await ds.selectOption("digits");
    const box = page.locator("#csv-error");
    await box.waitFor({ state: "visible", timeout: READY_MS });
    assert.equal(await box.textContent(), "The digits could not be loaded: pkg/digits.bin: HTTP 404 Not Found. The data set was not changed.");
    assert.equal(await box.getAttribute("role"), "alert");
    assert.equal(await ds.inputValue(), "iris", "the select still says digits");
    assert.equal(new URL(page.url()).searchParams.get("dataset"), "iris");
    // the page still works: a step of the numerical gradient on iris (W is 3 × 5)
    await page.locator('[data-widget="stepper"]').getByRole("button", { name: "Step", exact: true }).click();
    await coordinates(page, 15);
    await page.locator("#settings").getByLabel("Loss", { exact: true }).selectOption("softmax");
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.status), "ready");
    // the file is back: choosing the digits again fetches them, and the message goes
    broken = false;
    await ds.selectOption("digits");
    await coordinates(page, 650);
    await box.waitFor({ state: "hidden", timeout: READY_MS });
    await assertInked(page, "the digits after a failed fetch");
    assertClean(log, { ignore: NOT_FOUND });
  } finally {
    await screenshot(page, "digits-fetch-failed").catch(() => {});
    await log.context.close();
  }
});

test("digits.bin missing: a link, an embed and an element show the toy set and say why", async () => {
  const log = await openPage(suite.browser, "about:blank");
  const { page } = log;
  await breakDigits(page);
  try {
    await page.goto(suite.url("index.html?dataset=digits&loss=svm&seed=1"));
    await waitReady(page, log, "index.html?dataset=digits, no digits.bin");
    await coordinates(page, 9);
    assert.equal(await page.locator("#settings").getByLabel("Data set", { exact: true }).inputValue(), "toy");
    assert.equal(await page.locator("#csv-error").textContent(),
      "The digits could not be loaded: pkg/digits.bin: HTTP 404 Not Found. The toy data is shown instead; reload the page to try again.");
    await assertInked(page, "the toy set instead of the digits");

    await page.goto(suite.url("embed.html?widget=stepper&dataset=digits&loss=svm&seed=1"));
    await waitReady(page, log, "embed.html?dataset=digits, no digits.bin");
    await coordinates(page, 9);
    assert.equal(await page.locator("#embed-notice").textContent(), "The digits could not be loaded: pkg/digits.bin: HTTP 404 Not Found. The toy data is shown instead.");

    await page.goto(suite.url("elements.html"));
    await waitReady(page, log, "elements.html", { elements: ["#stepper", "#opt"] });
    await page.evaluate(() => document.querySelector("#stepper").setAttribute("dataset", "digits"));
    await page.waitForFunction(() => /could not be loaded/.test(document.querySelector("#stepper").shadowRoot.querySelector('[role="alert"]')?.textContent ?? ""), null, { timeout: READY_MS });
    await waitReady(page, log, "elements.html (no digits.bin)", { elements: ["#stepper"] });
    await coordinates(page, 9, "#stepper");
    assertClean(log, { ignore: NOT_FOUND });
  } finally {
    await log.context.close();
  }
});
