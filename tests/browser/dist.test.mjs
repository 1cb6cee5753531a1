// The distributable build (scripts/dist): dist/lossland.html opened from disk (file://) with
// the network cut off reaches data-status="ready", draws every canvas and logs no error, also
// after a settings change and on the digits (inlined there); dist/site/ served under the strict
// CSP works like www/, fetching pkg/digits.bin only for the digits.
// Runs scripts/dist first (fast when www/pkg exists), so it never tests a stale dist/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { startServer } from "./server.mjs";
import { REPO, launch, openPage, screenshot } from "./lib/chromium.mjs";
import { waitReady, assertClean, assertSameOrigin, waitDrawn } from "./lib/assert.mjs";

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

test("dist/lossland.html works from file:// with no server and no network", async () => {
  // the markup outside the one inline module script (whose JS may hold "<script src=" as text:
  // the Embed button's custom-element snippet) has no external script or stylesheet
  const html = fs.readFileSync(ONE, "utf8").replace(/<script type="module">[\s\S]*<\/script>/, "<script></script>");
  assert.ok(!/<script[^>]+\bsrc=/.test(html), "the single file loads an external script");
  assert.ok(!/<link[^>]+rel="stylesheet"/.test(html), "the single file loads an external stylesheet");

  const url = pathToFileURL(ONE).href;
  // predictions off (issue 13: they hide answers until the learner commits; predict.test.mjs)
  const log = await openPage(browser, `${url}?predict=off`, { offline: true, timeout: READY_MS });
  const { page } = log;
  try {
    await waitReady(page, log, "dist/lossland.html", { timeout: READY_MS });
    assert.equal(await page.evaluate(() => document.querySelectorAll("script[src], link[rel=stylesheet]").length), 0, "an external script or stylesheet in the parsed page");
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
    await log.context.close();
  }
});

test("dist/lossland.html shows the digits from file:// with no network: they are inlined", async () => {
  const url = pathToFileURL(ONE).href;
  const log = await openPage(browser, `${url}?predict=off&dataset=digits`, { offline: true, timeout: READY_MS });
  const { page } = log;
  const coordinates = (n) => page.waitForFunction((n) => new RegExp(`of ${n} coordinates`).test(document.querySelector("[data-testid=evaluations]")?.textContent ?? ""), n, { timeout: READY_MS });
  try {
    await waitReady(page, log, "dist/lossland.html?dataset=digits", { timeout: READY_MS });
    await coordinates(650); // W of 10 × 65: the digits, not the toy set a failed load falls back to
    assert.deepEqual(await waitDrawn(page), [], "blank canvases on the digits");
    const ds = page.getByLabel("Data set", { exact: true });
    await ds.selectOption("toy");
    await coordinates(9);
    await ds.selectOption("digits");
    await coordinates(650);
    assert.equal(await page.locator("#csv-error").isHidden(), true);
    assertClean(log);
    const elsewhere = log.requests.filter((u) => u !== url && !u.startsWith(`${url}?`) && !u.startsWith(`${url}#`) && !/^(data|blob):/.test(u));
    assert.deepEqual(elsewhere, [], "the single file requested something");
  } finally {
    await log.context.close();
  }
});

test("dist/site/ serves under the strict CSP: the notebook and an embed get ready, clean", async () => {
  assert.ok(!fs.existsSync(path.join(SITE, "pkg", ".gitignore")), "dist/site/pkg/.gitignore would hide pkg/ from a git-based host");
  assert.ok(fs.existsSync(path.join(SITE, "pkg", "lossland_bg.wasm")));
  assert.ok(fs.existsSync(path.join(SITE, "pkg", "digits.bin")), "dist/site/pkg/digits.bin is missing: the digits could not be chosen");
  const server = await startServer({ root: SITE, csp: true });
  try {
    for (const p of ["index.html?predict=off", "embed.html?widget=gd&dataset=spiral&predict=off", "index.html?dataset=digits&predict=off", "embed.html?widget=stepper&dataset=digits&predict=off"]) {
      const log = await openPage(browser, new URL(p, server.url).href);
      try {
        await waitReady(log.page, log, `dist/site/${p}`, { timeout: READY_MS });
        assert.deepEqual(await waitDrawn(log.page), [], `blank canvases on ${p}`);
        // the digits come from pkg/digits.bin, fetched only when they are asked for
        const digits = log.requests.filter((u) => u.endsWith("/pkg/digits.bin")).length;
        assert.equal(digits, p.includes("dataset=digits") ? 1 : 0, `${p} fetched digits.bin ${digits} times`);
        if (digits) await log.page.waitForFunction(() => /of 650 coordinates/.test(document.querySelector("[data-testid=evaluations]")?.textContent ?? ""), null, { timeout: READY_MS });
        assertClean(log);
        assertSameOrigin(log, server.url);
      } finally {
        await log.context.close();
      }
    }
  } finally {
    await server.close();
  }
});
