// Helpers for the embedding tests (embed, a11y, dist): a served copy of www/ plus the test
// pages in tests/browser/fixtures/ (so www/ itself holds no test files), a front that adds the
// headers a public static host sends (Access-Control-Allow-Origin: *), and canvas ink that
// also looks inside custom elements' shadow roots.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { DEFAULT_ROOT } from "./server.mjs";

export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
export const WWW = process.env.LOSSLAND_WWW ? path.resolve(process.env.LOSSLAND_WWW) : DEFAULT_ROOT;

/** A temporary copy of www/ (with pkg/) and the fixture pages; returns { root, remove }. */
export function siteWithFixtures() {
  const wasm = path.join(WWW, "pkg", "lossland_bg.wasm");
  if (!fs.existsSync(wasm)) throw new Error(`${wasm} is missing: run scripts/build first`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-site-"));
  fs.cpSync(WWW, root, { recursive: true });
  for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(root, f));
  return { root, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/**
 * A reverse proxy in front of `targetUrl` that adds Access-Control-Allow-Origin: * and sets
 * Cross-Origin-Resource-Policy: cross-origin (what GitHub Pages and most static hosts send), so
 * a sandboxed iframe (opaque origin "null") may load the page's module scripts, CSS and wasm.
 * Every other header, the CSP included, is passed through unchanged.
 */
export function startCorsFront(targetUrl) {
  const target = new URL(targetUrl);
  const server = http.createServer((req, res) => {
    const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
      const headers = { ...r.headers, "access-control-allow-origin": "*", "cross-origin-resource-policy": "cross-origin" };
      res.writeHead(r.statusCode, headers);
      r.pipe(res);
    });
    up.on("error", () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        close: () => new Promise((done) => { server.close(() => done()); server.closeAllConnections?.(); }),
      });
    });
  });
}

/** Like harness.canvasInk, for a page or frame, including canvases inside open shadow roots. */
export function deepCanvasInk(pageOrFrame) {
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
      const name = `canvas[${i}] ${c.getAttribute("aria-label") ?? ""}${host ? ` in <${host.localName}>` : ""}`;
      const { width: w, height: h } = c;
      if (!w || !h) return { name, w, h, ink: 0 };
      const d = c.getContext("2d").getImageData(0, 0, w, h).data;
      let n = 0;
      for (let p = 0; p < d.length; p += 4) if (d[p] !== d[0] || d[p + 1] !== d[1] || d[p + 2] !== d[2] || d[p + 3] !== d[3]) n++;
      return { name, w, h, ink: n / (w * h) };
    });
  });
}

/** Names of canvases with less than `min` of their pixels drawn (empty list: all drawn). */
export function blankCanvases(list, min = 0.01) {
  return list.filter((c) => !(c.ink > min)).map((c) => `${c.name} ${c.w}x${c.h}: ${(c.ink * 100).toFixed(2)}% ink`);
}

/**
 * Polls until every canvas (shadow roots included) is drawn or `timeout` ms pass; some widgets
 * draw a chart a frame or two after they report ready. Returns the blank ones (empty: all drawn).
 */
export async function waitDrawn(pageOrFrame, { timeout = 5000, min = 0.01 } = {}) {
  const t0 = Date.now();
  for (;;) {
    const list = await deepCanvasInk(pageOrFrame);
    const blank = blankCanvases(list, min);
    if ((list.length > 0 && blank.length === 0) || Date.now() - t0 > timeout) return list.length ? blank : ["(no canvas at all)"];
    await new Promise((r) => setTimeout(r, 100));
  }
}
