// Embedding: embed.html shows each widget alone under the strict CSP; it works inside
// <iframe sandbox="allow-scripts">; custom elements (js/elements.js) mount, take their
// attributes, re-mount on a change and free their wasm objects when removed; a hostile URL
// changes nothing but falls back to the defaults. Needs www/pkg (scripts/build).
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, screenshot } from "./lib/chromium.mjs";
import { siteSuite, startCorsFront } from "./lib/sites.mjs";
import { READY_MS, waitReady, assertClean, assertSameOrigin, waitDrawn } from "./lib/assert.mjs";

const WIDGETS = ["landscape", "line", "random-search", "local-search", "stepper", "gradcheck", "gd", "sgd", "scoreboard"];

const suite = siteSuite({ fixtures: true }); // www/ and the fixture pages

for (const widget of WIDGETS) {
  test(`embed.html?widget=${widget} shows that widget alone, drawn, clean and same-origin`, async () => {
    const log = await openPage(suite.browser, suite.url(`embed.html?widget=${widget}&dataset=toy&loss=svm&seed=1`));
    const { page } = log;
    try {
      await waitReady(page, log, widget);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.widget), widget);
      assert.equal(await page.locator("header").count(), 0, "embed.html has no notebook header");
      assert.equal(await page.locator("#widget").count(), 1);
      assert.deepEqual(await waitDrawn(page), [], "blank canvases");
      assertClean(log);
      assertSameOrigin(log, suite.server.url);
    } finally {
      await screenshot(page, `embed-${widget}`).catch(() => {});
      await log.context.close();
    }
  });
}

test("embed.html works inside <iframe sandbox=\"allow-scripts\"> (opaque origin) on a host that sends ACAO: *", async () => {
  // server.mjs sends CORP: same-origin and no ACAO, which (rightly) blocks an opaque-origin
  // frame's module scripts; a public static host sends ACAO: *, simulated by this front.
  const front = await startCorsFront(suite.server.url);
  const log = await openPage(suite.browser, new URL("iframe.html", front.url).href);
  const { page } = log;
  try {
    const frame = page.frame({ url: /embed\.html/ });
    assert.ok(frame, "the iframe did not load embed.html");
    await waitReady(frame, log, "iframe");
    assert.equal(await frame.evaluate(() => window.origin), "null", "the frame is not sandboxed (its origin is not opaque)");
    assert.equal(await frame.evaluate(() => document.documentElement.dataset.widget), "stepper");
    assert.deepEqual(await waitDrawn(frame), [], "blank canvases in the frame");
    // operate it: one step of the numerical gradient inside the sandbox
    await frame.getByRole("button", { name: "Step", exact: true }).click();
    await frame.waitForFunction(() => /of 9 coordinates/.test(document.querySelector("[data-testid=evaluations]")?.textContent ?? ""));
    assert.match(await frame.locator("[data-testid=evaluations]").textContent(), /^2 loss evaluations so far \(1 of 9/);
    assertClean(log);
    assertSameOrigin(log, front.url);
  } finally {
    await screenshot(page, "embed-iframe").catch(() => {});
    await log.context.close();
    await front.close();
  }
});

test("two custom elements: ready, drawn, attributes applied, re-mount on change, freed on removal", async () => {
  const log = await openPage(suite.browser, suite.url("elements.html"));
  const { page } = log;
  try {
    const allReady = () => waitReady(page, log, "elements.html", { elements: ["#stepper", "#opt"] });
    await allReady();
    assert.deepEqual(await waitDrawn(page), [], "blank canvases");
    // attributes reach the widgets' controls (Playwright locators pierce open shadow roots)
    const stepper = page.locator("#stepper");
    assert.equal(await stepper.getByLabel("h (log scale)").inputValue(), "-3");
    assert.ok(await stepper.getByLabel(/Centered difference/).isChecked());
    const opt = page.locator("#opt");
    await opt.getByRole("heading", { name: "Mini-batch gradient descent", exact: true }).waitFor();
    assert.equal(await opt.getByLabel("Step size (log scale)").getAttribute("aria-valuetext"), "0.2");
    assert.equal(await opt.getByLabel("Batch size (log scale)").getAttribute("aria-valuetext"), "16");

    // count frees of every wasm class from here on (same module instance the elements use)
    await page.evaluate(async () => {
      const L = await import("/pkg/lossland.js");
      window.__frees = 0;
      for (const C of [L.Classifier, L.GradientStepper, L.Optimizer, L.Landscape, L.Dataset]) {
        const free = C.prototype.free;
        C.prototype.free = function () { window.__frees++; return free.call(this); };
      }
    });

    // an attribute change re-mounts with the new data set (iris: W is 3 × 5 = 15 numbers)
    await stepper.evaluate((e) => { e.setAttribute("dataset", "iris"); e.setAttribute("seed", "4"); });
    await page.waitForFunction(() => /of 15 coordinates/.test(document.querySelector("#stepper").shadowRoot.querySelector("[data-testid=evaluations]")?.textContent ?? ""), null, { timeout: READY_MS });
    await allReady();
    assert.ok(await page.evaluate(() => window.__frees) >= 3, "re-mounting did not free the old classifier, stepper and data set");
    assert.equal(await stepper.getByLabel("h (log scale)").inputValue(), "-3", "options survive a re-mount");

    // invalid attribute values are ignored (with a warning), never applied
    await stepper.evaluate((e) => e.setAttribute("dataset", "<img src=x onerror=alert(1)>"));
    await page.waitForFunction(() => /of 9 coordinates/.test(document.querySelector("#stepper").shadowRoot.querySelector("[data-testid=evaluations]")?.textContent ?? ""), null, { timeout: READY_MS });

    // play the optimiser, then remove both elements: their objects are freed, nothing throws
    await opt.getByRole("button", { name: "Play" }).click();
    await page.waitForTimeout(300);
    const before = await page.evaluate(() => window.__frees);
    await page.evaluate(() => { document.querySelector("#stepper").remove(); document.querySelector("#opt").remove(); });
    await page.waitForTimeout(300);
    const freed = (await page.evaluate(() => window.__frees)) - before;
    assert.ok(freed >= 6, `removing both elements freed only ${freed} wasm objects`);
    assert.equal(await page.locator("img").count(), 0);
    assertClean(log);
    assertSameOrigin(log, suite.server.url);
  } finally {
    await screenshot(page, "embed-elements").catch(() => {});
    await log.context.close();
  }
});

test("a hostile embed URL changes nothing: defaults, no element from it, no dialog, no request", async () => {
  const url = new URL("embed.html", suite.server.url);
  url.search = `?widget=${encodeURIComponent("<img src=x onerror=alert(1)>")}&seed=${encodeURIComponent("<script>")}&dataset=${encodeURIComponent("\"><svg onload=alert(2)>")}&h=${encodeURIComponent("javascript:alert(3)")}`;
  const log = await openPage(suite.browser, url.href);
  const { page } = log;
  const dialogs = [];
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  try {
    await waitReady(page, log, "hostile URL");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.widget), "stepper", "falls back to the default widget");
    assert.equal(await page.locator("img, svg, iframe, object, embed").count(), 0, "an element was created from the URL");
    assert.equal(await page.locator("script").count(), 1, "only embed.html's own script");
    const nb = new URL(await page.locator("#open-notebook").getAttribute("href"));
    assert.deepEqual(Object.fromEntries(nb.searchParams), { dataset: "toy", loss: "svm", reg: "0", seed: "1" });
    assert.equal(await page.getByLabel("h (log scale)").inputValue(), "-5", "h stays at its default");
    assert.ok(!(await page.content()).includes("onerror"), "the URL's text reached the DOM");
    await page.waitForTimeout(200);
    assert.deepEqual(dialogs, []);
    assert.ok(!log.requests.some((u) => new URL(u).pathname === "/x"), "the page requested /x");
    assertClean(log);
  } finally {
    await log.context.close();
  }
});
