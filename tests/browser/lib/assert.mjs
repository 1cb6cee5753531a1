// What every browser test asserts about a page opened with chromium.mjs's openPage: it got
// ready (data-status), nothing went wrong on it, it asked no other origin for anything, it
// shows no NaN or Infinity, and every canvas (custom elements' shadow roots included) is drawn.
import assert from "node:assert/strict";

/** How long a page, frame or custom element may take to report data-status="ready" (ms). */
export const READY_MS = 20000;
/** A canvas counts as drawn when more than this fraction of its pixels differ from its background. */
export const MIN_INK = 0.01;

/** Every console error, page error and failed request so far, one a line (for failure messages). */
const troubles = (log) => [...log.pageErrors, ...log.consoleErrors, ...log.failedRequests].join("\n");

/**
 * Waits until `target` (a page or a frame) reports data-status "ready" or "error" on its <html>,
 * or, with `elements` (a list of selectors), on each of those elements; then asserts "ready",
 * with the page's #error text when it says "error". `what` names the page in messages.
 */
export async function waitReady(target, log, what, { timeout = READY_MS, elements = null } = {}) {
  await target
    .waitForFunction((sels) => {
      const settled = (e) => ["ready", "error"].includes(e?.dataset.status);
      return sels ? sels.every((s) => settled(document.querySelector(s))) : settled(document.documentElement);
    }, elements, { timeout })
    .catch((e) => { throw new Error(`${what}: no data-status="ready" within ${timeout} ms (${e.message})\n${troubles(log)}`); });
  if (elements) {
    const statuses = await target.evaluate((sels) => sels.map((s) => `${s}: ${document.querySelector(s).dataset.status}`), elements);
    assert.deepEqual(statuses, elements.map((s) => `${s}: ready`), `${what}: an element reported an error\n${troubles(log)}`);
    return;
  }
  const status = await target.evaluate(() => document.documentElement.dataset.status);
  const err = await target.evaluate(() => document.getElementById("error")?.textContent?.trim() ?? "");
  assert.equal(status, "ready", `${what}: data-status="${status}": ${err || "(no #error text)"}\n${troubles(log)}`);
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

/** Asserts that no request left `origin` (data: and blob: URLs are not network requests). */
export function assertSameOrigin(log, origin) {
  const own = new URL(origin).origin;
  const foreign = log.requests.filter((u) => !/^(data|blob):/.test(u) && new URL(u).origin !== own);
  assert.deepEqual(foreign, [], `requests left ${own}`);
}

/** Asserts that no line of the page's text shows NaN, Infinity, ∞ (how fmt writes ±Infinity) or undefined. */
export async function assertNoNaN(page, where) {
  const text = await page.evaluate(() => document.body.innerText);
  // (and "null" as a word: a missing element appended as text, e.g. a prediction card that
  // predict=off leaves out, shows "null"; the page's prose never uses the word)
  const bad = text.split("\n").filter((l) => /\bNaN\b|Infinity|∞|undefined|(^|[^A-Za-z])null/.test(l));
  assert.deepEqual(bad, [], `${where}: NaN, Infinity, undefined or null on screen`);
}

/**
 * For every <canvas> of a page or frame, those inside open shadow roots included: a name, its
 * size and the fraction of its pixels that differ from the top-left one (the background). A
 * canvas of size 0 reads as blank; one with no 2d context (a webgl canvas) too, with an `error`.
 * `hidden`: the canvas is not rendered at all (an answer hidden while a prediction asks, issue 13).
 */
export function canvasInk(pageOrFrame) {
  return pageOrFrame.evaluate(() => {
    const canvases = [];
    const walk = (root) => {
      for (const e of root.querySelectorAll("*")) {
        if (e instanceof HTMLCanvasElement) canvases.push(e);
        if (e.shadowRoot) walk(e.shadowRoot);
      }
    };
    walk(document);
    return canvases.map((c, i) => {
      const host = c.getRootNode().host;
      const widget = c.closest("[data-widget]")?.dataset.widget;
      const label = c.getAttribute("aria-label");
      const name = `${c.id ? `#${c.id}` : `canvas[${i}]`}${label ? ` "${label}"` : ""}${widget ? ` in ${widget}` : ""}${host ? ` in <${host.localName}>` : ""}`;
      const { width: w, height: h } = c;
      const hidden = c.getClientRects().length === 0; // display: none here or above
      if (!w || !h) return { name, w, h, ink: 0, hidden };
      const ctx = c.getContext("2d");
      if (!ctx) return { name, w, h, ink: 0, error: "no 2d context (webgl canvas?)" };
      const d = ctx.getImageData(0, 0, w, h).data;
      let n = 0;
      for (let p = 0; p < d.length; p += 4) if (d[p] !== d[0] || d[p + 1] !== d[1] || d[p + 2] !== d[2] || d[p + 3] !== d[3]) n++;
      return { name, w, h, ink: n / (w * h), hidden };
    });
  });
}

/**
 * The canvases of `list` (from canvasInk) with at most `min` ink, as readable lines; [] when all
 * are drawn. A canvas that is not rendered (hidden while a prediction asks) is not counted.
 */
function blankCanvases(list, min = MIN_INK) {
  return list.filter((c) => !c.hidden && (c.error || !(c.ink > min))).map((c) => `${c.name} ${c.w}x${c.h}: ${c.error ?? `${(c.ink * 100).toFixed(2)}% ink`}`);
}

/** Asserts, now, that the page has a canvas and every canvas is drawn (more than MIN_INK ink). */
export async function assertInked(pageOrFrame, where) {
  const list = await canvasInk(pageOrFrame);
  assert.ok(list.length > 0, `${where}: no <canvas> at all`);
  assert.deepEqual(blankCanvases(list), [], `${where}: blank canvases (need > ${MIN_INK * 100}% non-background pixels)`);
}

/**
 * Polls until every canvas is drawn or `timeout` ms pass (some widgets draw a chart a frame or two
 * after they report ready). Returns the blank ones: [] when all are drawn.
 */
export async function waitDrawn(pageOrFrame, { timeout = 5000 } = {}) {
  const t0 = Date.now();
  for (;;) {
    const list = await canvasInk(pageOrFrame);
    const blank = blankCanvases(list);
    if ((list.length > 0 && blank.length === 0) || Date.now() - t0 > timeout) return list.length ? blank : ["(no canvas at all)"];
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The text of `locator` once it has stopped changing: the same in two reads `gap` ms apart
 * (a landscape writes its summary at most every 250 ms while a slider moves, and once more for
 * the last grid). Returns it.
 */
export async function settledText(locator, { gap = 400, timeout = 30000 } = {}) {
  const end = Date.now() + timeout;
  let before = await locator.textContent();
  for (;;) {
    await new Promise((r) => setTimeout(r, gap));
    const now = await locator.textContent();
    if (now === before) return now;
    if (Date.now() > end) throw new Error(`text still changing after ${timeout} ms: ${now}`);
    before = now;
  }
}
