// The distributable build (scripts/dist): dist/lossland.html opened from disk (file://) with
// the network cut off reaches data-status="ready", draws every canvas and logs no error, also
// after a settings change; dist/site/ served under the strict CSP works like www/.
// Runs scripts/dist first (fast when www/pkg exists), so it never tests a stale dist/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { startServer } from "./server.mjs";
import { REPO, launch, openPage, assertClean, foreignRequests, screenshot } from "./harness.mjs";
import { waitDrawn } from "./sitekit.mjs";

const ONE = path.join(REPO, "dist", "lossland.html");
const SITE = path.join(REPO, "dist", "site");
const READY_MS = 30000;

let browser;

before(async () => {
  execFileSync(path.join(REPO, "scripts", "dist"), { cwd: REPO, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, LOSSLAND_SETUP_DONE: "1" } });
  assert.ok(fs.existsSync(ONE), "scripts/dist did not write dist/lossland.html");
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function ready(page, log, what) {
  await page.waitForFunction(() => ["ready", "error"].includes(document.documentElement.dataset.status), null, { timeout: READY_MS })
    .catch((e) => { throw new Error(`${what}: no data-status within ${READY_MS} ms (${e.message})\n${[...log.pageErrors, ...log.consoleErrors].join("\n")}`); });
  const status = await page.evaluate(() => document.documentElement.dataset.status);
  assert.equal(status, "ready", `${what}: ${await page.locator("#error").textContent()}\n${[...log.pageErrors, ...log.consoleErrors].join("\n")}`);
}

test("dist/lossland.html works from file:// with no server and no network", async () => {
  const html = fs.readFileSync(ONE, "utf8");
  assert.ok(!/<script[^>]+\bsrc=/.test(html), "the single file loads an external script");
  assert.ok(!/<link[^>]+rel="stylesheet"/.test(html), "the single file loads an external stylesheet");

  const url = pathToFileURL(ONE).href;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, offline: true });
  const log = { page: await context.newPage(), context, consoleErrors: [], pageErrors: [], failedRequests: [], badResponses: [], requests: [] };
  const { page } = log;
  page.on("console", (m) => { if (m.type() === "error") log.consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => log.pageErrors.push(e.stack || String(e)));
  page.on("request", (r) => log.requests.push(r.url()));
  page.on("requestfailed", (r) => log.failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`));
  try {
    await page.goto(url, { waitUntil: "load" });
    await ready(page, log, "dist/lossland.html");
    assert.deepEqual(await waitDrawn(page), [], "blank canvases");
    // a learner changes the data set and the loss: everything rebuilds, still offline
    await page.getByLabel("Data set", { exact: true }).selectOption("iris");
    await page.getByLabel("Loss", { exact: true }).selectOption("softmax");
    await page.getByRole("button", { name: "Step", exact: true }).first().click();
    await page.waitForTimeout(500);
    assert.deepEqual(await waitDrawn(page), [], "blank canvases after a settings change");
    assertClean(log);
    const elsewhere = log.requests.filter((u) => u !== url && !u.startsWith(`${url}?`) && !u.startsWith(`${url}#`) && !/^(data|blob):/.test(u));
    assert.deepEqual(elsewhere, [], "the single file requested something");
  } finally {
    await screenshot(page, "dist-single-file").catch(() => {});
    await context.close();
  }
});

test("dist/site/ serves under the strict CSP: the notebook and an embed get ready, clean", async () => {
  assert.ok(!fs.existsSync(path.join(SITE, "pkg", ".gitignore")), "dist/site/pkg/.gitignore would hide pkg/ from a git-based host");
  assert.ok(fs.existsSync(path.join(SITE, "pkg", "lossland_bg.wasm")));
  const server = await startServer({ root: SITE, csp: true });
  try {
    for (const p of ["index.html", "embed.html?widget=gd&dataset=spiral"]) {
      const log = await openPage(browser, new URL(p, server.url).href);
      try {
        await ready(log.page, log, `dist/site/${p}`);
        assert.deepEqual(await waitDrawn(log.page), [], `blank canvases on ${p}`);
        assertClean(log);
        assert.deepEqual(foreignRequests(log, server.url), []);
      } finally {
        await log.context.close();
      }
    }
  } finally {
    await server.close();
  }
});
