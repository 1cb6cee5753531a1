// How long the digits take to appear, in headless Chromium: on a fresh notebook showing the toy
// set, from the data set <select>'s change to "digits" until the landscape's first picture on
// the digits and until its 64 × 64 grid; and from navigation to a link ?dataset=digits until
// its first landscape. Medians of fresh loads (each in a new browser context: nothing cached),
// for the deployed build (dist/site, when scripts/dist has made it) and www/. Figures only.
// Usage: node bench/digits-switch.mjs [rounds [SITE_DIR…]]   (default 5; this tree's dist/site and www/)
import os from "node:os";
import fs from "node:fs";
import path from "node:path";
import { startServer, DEFAULT_ROOT } from "../tests/browser/server.mjs";
import { launch } from "../tests/browser/lib/chromium.mjs";

const rounds = Number(process.argv[2] ?? 5);
const SITE = path.join(DEFAULT_ROOT, "..", "dist", "site");
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

async function switchOnce(browser, base) {
  const c = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await c.newPage();
  try {
    await p.goto(new URL("index.html?dataset=toy", base).href);
    await p.waitForFunction(() => document.documentElement.dataset.status === "ready", null, { timeout: 60000 });
    await p.waitForTimeout(1500); // the sections' first runs are over
    await p.evaluate(() => {
      const s = document.querySelector("#settings select");
      s.addEventListener("change", () => { window.__changed = performance.now(); }, { capture: true, once: true });
    });
    await p.locator("#settings").getByLabel("Data set", { exact: true }).selectOption("digits");
    // the landscape's pictures drawn since the change (each a performance mark, detail: its size)
    await p.waitForFunction(() => window.__changed !== undefined && performance.getEntriesByName("lossland:plane-drawn").some((e) => e.startTime >= window.__changed && e.detail >= 64), null, { timeout: 60000 });
    return await p.evaluate(() => {
      const d = performance.getEntriesByName("lossland:plane-drawn").filter((e) => e.startTime >= window.__changed);
      return [d[0].startTime - window.__changed, d.find((e) => e.detail >= 64).startTime - window.__changed];
    });
  } finally {
    await c.close();
  }
}

async function linkOnce(browser, base) {
  const c = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await c.newPage();
  try {
    await p.goto(new URL("index.html?dataset=digits", base).href);
    await p.waitForFunction(() => performance.getEntriesByName("lossland:plane-drawn").some((e) => e.detail >= 64), null, { timeout: 60000 });
    return await p.evaluate(() => {
      const d = performance.getEntriesByName("lossland:plane-drawn");
      return [d[0].startTime, d.find((e) => e.detail >= 64).startTime];
    });
  } finally {
    await c.close();
  }
}

// roots: the deployed build and www/ of this tree, or the directories given after `rounds` (each
// served as a site: e.g. this tree's dist/site and another build's, to compare two builds on the
// same machine load), their rounds alternating
const given = process.argv.slice(3);
const roots = given.length
  ? given.map((r) => [r, path.resolve(r)])
  : [["as deployed (dist/site)", SITE], ["www/", DEFAULT_ROOT]].filter(([, r]) => fs.existsSync(path.join(r, "index.html")));
const load0 = os.loadavg().map((v) => v.toFixed(2)).join(", ");
const browser = await launch();
const kinds = [["select → digits: first picture, 64 × 64 grid (ms after the change)", switchOnce], ["link ?dataset=digits: first landscape, 64 × 64 grid (ms after navigation)", linkOnce]];
const got = new Map(); // "root|kind" → [[first, grid], …]
const servers = [];
try {
  for (const [, root] of roots) servers.push(await startServer({ root, csp: true }));
  for (const [, once] of kinds) for (const srv of servers) await once(browser, srv.url); // first loads (caches) left out
  for (let i = 0; i < rounds; i++) {
    for (const [what, once] of kinds) {
      for (let r = 0; r < roots.length; r++) {
        const k = `${roots[r][0]}|${what}`;
        if (!got.has(k)) got.set(k, []);
        got.get(k).push(await once(browser, servers[r].url));
      }
    }
  }
} finally {
  await browser.close();
  for (const s of servers) await s.close();
}
console.log(`digits: time to show them (headless Chromium; load average ${load0} before, ${os.loadavg().map((v) => v.toFixed(2)).join(", ")} after)`);
for (const [k, g] of got) {
  const [name, what] = k.split("|");
  const a = g.map((x) => x[0]), b = g.map((x) => x[1]);
  console.log(`  ${name}, ${what}: ${median(a).toFixed(0)}, ${median(b).toFixed(0)} (medians of ${g.length}; first pictures ${a.map((v) => v.toFixed(0)).join(", ")})`);
}
