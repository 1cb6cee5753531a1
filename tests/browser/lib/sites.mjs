// What the browser tests serve: www/ (or $LOSSLAND_WWW) by the static server under the strict
// CSP, or a temporary copy of it with the test pages of tests/browser/fixtures/ (so www/ itself
// holds no test files); a front that adds the headers a public static host sends; and
// `siteSuite`, the before/after of a test file: one server and one Chromium for the whole file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import http from "node:http";
import { before, after } from "node:test";
import { fileURLToPath } from "node:url";
import { startServer, DEFAULT_ROOT } from "../server.mjs";
import { launch, openPage } from "./chromium.mjs";
import { waitReady } from "./assert.mjs";

export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const WWW = process.env.LOSSLAND_WWW ? path.resolve(process.env.LOSSLAND_WWW) : DEFAULT_ROOT;

function assertBuilt(root) {
  const wasm = path.join(root, "pkg", "lossland_bg.wasm");
  if (!fs.existsSync(wasm)) throw new Error(`${wasm} is missing: run scripts/build first`);
}

/** A temporary copy of www/ (with pkg/) and the fixture pages; returns { root, remove }. */
function siteWithFixtures() {
  assertBuilt(WWW);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-site-"));
  fs.cpSync(WWW, root, { recursive: true });
  for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(root, f));
  return { root, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/**
 * `query` (a page's "?a=b#anchor" or "#a=b" tail) with predict=off added, unless it names
 * `predict` already or `predict` is true. The notebook, embed.html and the elements ask for a
 * prediction before showing an answer (issue 13); the tests of everything else open their pages
 * with predictions off, and the tests of predictions ask for them ({ predict: true }).
 */
export function withPredict(query = "", predict = false) {
  if (predict || /(^|[?&#])predict=/.test(query)) return query;
  const i = query.indexOf("#");
  const search = i < 0 ? query : query.slice(0, i), hash = i < 0 ? "" : query.slice(i);
  if (!search && hash.includes("=")) return `${hash}&predict=off`; // the notebook also reads its query from the hash
  return `${search}${search.includes("?") ? "&" : "?"}predict=off${hash}`;
}

/**
 * One static server (strict CSP) and one Chromium for the test file that calls this at its top
 * level. It serves www/, or with `fixtures` a copy of www/ plus the fixture pages, after
 * `prepare(root)` has run on that copy. Returns { root, server, browser, url(path), open(query) }
 * (filled in before the first test); `open(query)` opens index.html<query> and waits until the
 * notebook reports ready, failing with the page's own error text when it reports an error.
 * Pages open with predictions off (`withPredict`): `url(path, { predict: true })`,
 * `open(query, { predict: true })` and `visit(query, f, { predict: true })` keep them on.
 */
export function siteSuite({ fixtures = false, prepare = null } = {}) {
  const suite = { root: null, server: null, browser: null };
  let copy = null;
  before(async () => {
    if (fixtures) {
      copy = siteWithFixtures();
      suite.root = copy.root;
      await prepare?.(copy.root);
    } else {
      assertBuilt(WWW);
      suite.root = WWW;
    }
    suite.server = await startServer({ root: suite.root, csp: true });
    suite.browser = await launch();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
    copy?.remove();
  });
  suite.url = (p = "", { predict = false } = {}) => {
    const m = /^((?:index|embed)\.html)(.*)$/.exec(p);
    return new URL(m ? m[1] + withPredict(m[2], predict) : p, suite.server.url).href;
  };
  suite.open = async (query = "", { predict = false, viewport } = {}) => {
    const log = await openPage(suite.browser, suite.url(`index.html${query}`, { predict }), viewport ? { viewport } : undefined);
    try {
      await waitReady(log.page, log, `index.html${query}`, { timeout: 30000 });
    } catch (e) {
      await log.context.close();
      throw e;
    }
    return log;
  };
  /** Opens index.html<query> as open() does, runs `f(page, log)`, and always closes the page. */
  suite.visit = async (query, f, opts) => {
    const log = await suite.open(query, opts);
    try {
      return await f(log.page, log);
    } finally {
      await log.context.close();
    }
  };
  return suite;
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
