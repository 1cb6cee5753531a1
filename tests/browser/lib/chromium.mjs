// The browser itself: Debian's Chromium driven by playwright-core (never a downloaded browser),
// a page opened with everything that goes wrong on it recorded, and screenshots.
// What to assert about such a page is in assert.mjs; which server it comes from, in sites.mjs.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const SCREENSHOTS = path.join(REPO, "target", "screenshots");
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launch the system Chromium, headless; `options` go to playwright's launch (e.g. other `args`). */
export async function launch(options = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run scripts/setup --browser (Debian: apt-get install chromium chromium-driver)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ...options });
}

/**
 * Open `url` in a fresh context (offline when `offline`) and record what happens. Returns
 * { page, context, consoleErrors, pageErrors, failedRequests, badResponses, requests, response }.
 * Listeners are attached before navigation, so nothing from the first load is missed.
 */
export async function openPage(browser, url, { viewport = { width: 1280, height: 900 }, offline = false, waitUntil = "load", timeout = 20000 } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, offline });
  const page = await context.newPage();
  const log = { page, context, consoleErrors: [], consoleWarnings: [], pageErrors: [], failedRequests: [], badResponses: [], requests: [], response: null };
  page.on("console", (msg) => {
    if (msg.type() === "warning") log.consoleWarnings.push(msg.text());
    if (msg.type() === "error") {
      const loc = msg.location();
      log.consoleErrors.push(`${msg.text()}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ""}`);
    }
  });
  page.on("pageerror", (err) => log.pageErrors.push(err.stack || String(err)));
  page.on("request", (req) => log.requests.push(req.url()));
  page.on("requestfailed", (req) => log.failedRequests.push(`${req.url()}: ${req.failure()?.errorText ?? "failed"}`));
  page.on("response", (res) => {
    if (res.status() >= 400) log.badResponses.push(`${res.url()}: HTTP ${res.status()}`);
  });
  log.response = await page.goto(url, { waitUntil, timeout });
  return log;
}

/** Save a full-page screenshot to target/screenshots/<name>.png and return its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
