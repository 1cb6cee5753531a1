// The set-up most browser tests share: one static server of www/ under the strict CSP and one
// Chromium for the whole file, and `open(query)` for index.html that waits until the notebook
// reports ready (and fails with the page's own error text when it reports an error instead).
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, DEFAULT_ROOT } from "./server.mjs";
import { launch, openPage } from "./harness.mjs";

export function notebookSuite({ root = DEFAULT_ROOT } = {}) {
  const suite = { server: null, browser: null };
  before(async () => {
    suite.server = await startServer({ root, csp: true });
    suite.browser = await launch();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  suite.open = async (query = "") => {
    const log = await openPage(suite.browser, new URL(`index.html${query}`, suite.server.url).href);
    await log.page.waitForFunction(() => ["ready", "error"].includes(document.documentElement.dataset.status), null, { timeout: 30000 });
    const status = await log.page.evaluate(() => document.documentElement.dataset.status);
    assert.equal(status, "ready", `${query}: ${await log.page.locator("#error").textContent()}`);
    return log;
  };
  return suite;
}
