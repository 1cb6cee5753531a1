// Helpers for the browser tests: Debian's Chromium driven by playwright-core (never a downloaded
// browser), a page wrapper that records everything that went wrong, and screenshots.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
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

/** Launch the system Chromium, headless. */
export async function launch(options = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run scripts/setup --browser (Debian: apt-get install chromium chromium-driver)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ...options });
}

/**
 * Open `url` in a fresh context and record what happens. Returns
 * { page, context, consoleErrors, pageErrors, failedRequests, badResponses, requests, response }.
 * Listeners are attached before navigation, so nothing from the first load is missed.
 */
export async function openPage(browser, url, { viewport = { width: 1280, height: 900 }, waitUntil = "load", timeout = 20000 } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const log = { page, context, consoleErrors: [], pageErrors: [], failedRequests: [], badResponses: [], requests: [], response: null };
  page.on("console", (msg) => {
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

/** Requests that left `origin` (data: and blob: URLs are not network requests and are allowed). */
export function foreignRequests(log, origin) {
  const own = new URL(origin).origin;
  return log.requests.filter((u) => !/^(data|blob):/.test(u) && new URL(u).origin !== own);
}

/** Throw, listing every console error, page error, failed request and HTTP error response. */
export function assertClean(log, { ignore = [] } = {}) {
  const keep = (s) => !ignore.some((re) => re.test(s));
  const groups = [
    ["console errors", log.consoleErrors.filter(keep)],
    ["page errors", log.pageErrors.filter(keep)],
    ["failed requests", log.failedRequests.filter(keep)],
    ["HTTP error responses", log.badResponses.filter(keep)],
  ].filter(([, items]) => items.length > 0);
  if (groups.length > 0) {
    const text = groups.map(([name, items]) => `${name} (${items.length}):\n${items.map((s) => `  - ${s}`).join("\n")}`).join("\n");
    throw new Error(`the page was not clean:\n${text}`);
  }
}

/** Save a full-page screenshot to target/screenshots/<name>.png and return its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * For every <canvas> on the page: its size and the fraction of pixels that differ from the
 * top-left pixel (the background). A canvas with no 2d context yet reads as blank.
 */
export async function canvasInk(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("canvas")].map((c, i) => {
      const name = c.id ? `#${c.id}` : `canvas[${i}]${c.closest("[data-widget]") ? ` in ${c.closest("[data-widget]").dataset.widget}` : ""}`;
      const { width: w, height: h } = c;
      if (!w || !h) return { name, w, h, ink: 0 };
      const ctx = c.getContext("2d");
      if (!ctx) return { name, w, h, ink: 0, error: "no 2d context (webgl canvas?)" };
      const d = ctx.getImageData(0, 0, w, h).data;
      const [r, g, b, a] = [d[0], d[1], d[2], d[3]];
      let n = 0;
      for (let p = 0; p < d.length; p += 4) {
        if (d[p] !== r || d[p + 1] !== g || d[p + 2] !== b || d[p + 3] !== a) n++;
      }
      return { name, w, h, ink: n / (w * h) };
    }),
  );
}
