// The notebook page in headless Chromium under the strict CSP: it must reach
// data-status="ready", draw every canvas, log no errors and fetch nothing from elsewhere.
// Needs www/pkg (scripts/build); run with scripts/test or `node --test tests/browser/*.test.mjs`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, screenshot } from "./lib/chromium.mjs";
import { siteSuite } from "./lib/sites.mjs";
import { waitReady, assertClean, assertSameOrigin, assertInked } from "./lib/assert.mjs";

const suite = siteSuite(); // www/, or $LOSSLAND_WWW

test("index.html gets ready under the CSP, draws every canvas, stays clean and same-origin", async () => {
  const log = await openPage(suite.browser, suite.url("index.html"));
  const { page } = log;
  try {
    assert.equal(log.response?.status(), 200, "index.html was not served");
    await waitReady(page, log, "index.html");
    await assertInked(page, "index.html");
    assertClean(log);
    assertSameOrigin(log, suite.server.url);
    assert.ok(log.requests.some((u) => u.endsWith(".wasm")), "the page never fetched its .wasm");
  } finally {
    await screenshot(page, "index").catch((e) => console.error(`screenshot failed: ${e.message}`));
    await log.context.close();
  }
});
