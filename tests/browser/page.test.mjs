// The notebook page in headless Chromium under the strict CSP: it must reach
// data-status="ready", draw every canvas, log no errors and fetch nothing from elsewhere.
// Needs www/pkg (scripts/build); run with scripts/test or `node --test tests/browser/*.test.mjs`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startServer, DEFAULT_ROOT } from "./server.mjs";
import { launch, openPage, assertClean, foreignRequests, screenshot, canvasInk } from "./harness.mjs";

const READY_TIMEOUT_MS = 20000;
const MIN_INK = 0.01; // at least 1% of a canvas's pixels differ from its background
const ROOT = process.env.LOSSLAND_WWW ? path.resolve(process.env.LOSSLAND_WWW) : DEFAULT_ROOT; // default: www/

let server;
let browser;

before(async () => {
  const wasm = path.join(ROOT, "pkg", "lossland_bg.wasm");
  assert.ok(fs.existsSync(wasm), `${wasm} is missing: run scripts/build first`);
  server = await startServer({ root: ROOT, csp: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("index.html gets ready under the CSP, draws every canvas, stays clean and same-origin", async () => {
  const log = await openPage(browser, new URL("index.html", server.url).href);
  const { page } = log;
  try {
    assert.equal(log.response?.status(), 200, "index.html was not served");

    const state = await page
      .waitForFunction(() => ["ready", "error"].includes(document.documentElement.dataset.status), null, { timeout: READY_TIMEOUT_MS })
      .then(() => page.evaluate(() => document.documentElement.dataset.status))
      .catch(async (e) => {
        const now = await page.evaluate(() => document.documentElement.dataset.status).catch(() => "?");
        const where = [...log.pageErrors, ...log.consoleErrors].join("\n  ");
        throw new Error(`no data-status="ready" within ${READY_TIMEOUT_MS} ms (status: ${now}; ${e.message})${where ? `\n  ${where}` : ""}`);
      });
    if (state === "error") {
      const msg = await page.locator("#error").textContent().catch(() => null);
      assert.fail(`the page reported data-status="error": ${msg?.trim() || "(no #error text)"}\n${[...log.pageErrors, ...log.consoleErrors].join("\n")}`);
    }

    const canvases = await canvasInk(page);
    assert.ok(canvases.length > 0, "the page has no <canvas>");
    const blank = canvases.filter((c) => c.error || !(c.ink > MIN_INK));
    assert.deepEqual(
      blank.map((c) => `${c.name} ${c.w}x${c.h}: ${c.error ?? `${(c.ink * 100).toFixed(2)}% ink`}`),
      [],
      `blank canvases (need > ${MIN_INK * 100}% non-background pixels)`,
    );

    assertClean(log);
    assert.deepEqual(foreignRequests(log, server.url), [], "requests left the page's own origin");
    assert.ok(log.requests.some((u) => u.endsWith(".wasm")), "the page never fetched its .wasm");
  } finally {
    await screenshot(page, "index").catch((e) => console.error(`screenshot failed: ${e.message}`));
    await log.context.close();
  }
});
