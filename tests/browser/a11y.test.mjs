// Accessibility: axe-core (npm) run in the system Chromium against the notebook, embed.html for
// each widget and a page with custom elements, after each is ready. Zero violations, every rule
// axe runs by default (WCAG 2.x A/AA and best practices). The pages keep their strict CSP (the
// <meta> in each page would refuse an inline script anyway): axe.min.js is copied into the
// served copy of www/ and injected by URL, as a same-origin script.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { openPage } from "./lib/chromium.mjs";
import { siteSuite } from "./lib/sites.mjs";
import { waitReady, waitDrawn } from "./lib/assert.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const WIDGETS = ["landscape", "line", "random-search", "local-search", "stepper", "gradcheck", "gd", "sgd", "scoreboard"];

// www/ and the fixture pages, with axe.min.js beside them
const suite = siteSuite({ fixtures: true, prepare: (root) => fs.copyFileSync(AXE, path.join(root, "axe.min.js")) });

/** Axe's violations as readable lines: rule, impact, selector, what to fix. */
function describe(violations) {
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) ${n.target.map((t) => (Array.isArray(t) ? t.join(" >>> ") : t)).join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`));
}

/**
 * Opens `where` (a path on the served site), waits until it (or each of its custom `elements`) is
 * ready and its canvases are drawn, runs `act` on it, then axe; returns the violations as lines.
 */
async function axeViolations(where, { elements = null, act = null } = {}) {
  const log = await openPage(suite.browser, suite.url(where));
  const { page } = log;
  try {
    await waitReady(page, log, where, { elements });
    await waitDrawn(page);
    if (act) await act(page);
    await page.addScriptTag({ url: "/axe.min.js" });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    return describe(result.violations);
  } finally {
    await log.context.close();
  }
}

test("axe: index.html has no violations", async () => {
  assert.deepEqual(await axeViolations("index.html"), []);
});

test("axe: index.html with a CSV error, a loaded CSV's status and the copy-as-NumPy text box has no violations", async () => {
  const act = async (page) => {
    await page.locator("#csv-file").setInputFiles(path.join(suite.root, "iris-names.csv"));
    await page.locator("#csv-status").filter({ hasText: "Loaded" }).waitFor();
    await page.locator("#csv-file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("1,2,0\n3,x,1\n") });
    await page.locator("#csv-error").waitFor({ state: "visible" });
    await page.evaluate(() => {
      Object.defineProperty(navigator, "clipboard", { value: { writeText: () => Promise.reject(new Error("denied")) }, configurable: true });
    });
    await page.locator('[data-widget="gd"]').getByRole("button", { name: "Copy as NumPy" }).click();
    await page.locator(".copy-box").waitFor();
  };
  assert.deepEqual(await axeViolations("index.html", { act }), []);
});

for (const widget of WIDGETS) {
  test(`axe: embed.html?widget=${widget} has no violations`, async () => {
    assert.deepEqual(await axeViolations(`embed.html?widget=${widget}`), []);
  });
}

test("axe: a page with custom elements has no violations", async () => {
  assert.deepEqual(await axeViolations("elements.html", { elements: ["#stepper", "#opt"] }), []);
});
