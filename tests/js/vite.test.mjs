// The wasm package is npm-ready: `npm pack www/pkg` holds what package.json promises, and a
// throwaway Vite app that imports "lossland" from that tarball builds offline and runs in
// Chromium (the wasm found via new URL(..., import.meta.url), emitted as an asset by Vite).
// Vite is not a dev dependency of lossland: it is installed once into target/vite-probe/
// (pinned, ~3 s); when that fails (no registry), the Vite part is skipped with the reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PKG = path.join(REPO, "www", "pkg");
const VITE_VERSION = "8.3.8";
const PROBE = path.join(REPO, "target", "vite-probe");
const VITE_BIN = path.join(PROBE, "node_modules", "vite", "bin", "vite.js");

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });

function pack(dest) {
  const out = JSON.parse(run("npm", ["pack", PKG, "--json", "--pack-destination", dest]));
  return { file: path.join(dest, out[0].filename), files: out[0].files.map((f) => f.path).sort(), name: out[0].name };
}

function ensureVite() {
  if (fs.existsSync(VITE_BIN) && JSON.parse(fs.readFileSync(path.join(PROBE, "node_modules", "vite", "package.json"), "utf8")).version === VITE_VERSION) return null;
  fs.mkdirSync(PROBE, { recursive: true });
  fs.writeFileSync(path.join(PROBE, "package.json"), JSON.stringify({ private: true, type: "module" }));
  try {
    run("npm", ["install", "--no-audit", "--no-fund", "--no-save", `vite@${VITE_VERSION}`], { cwd: PROBE, timeout: 120000 });
    return null;
  } catch (e) {
    return `vite@${VITE_VERSION} could not be installed: ${String(e.stderr || e.message).split("\n")[0]}`;
  }
}

test("npm pack www/pkg: name, types and the files the package.json promises", (t) => {
  if (!fs.existsSync(path.join(PKG, "package.json"))) return t.skip("www/pkg is missing: run scripts/build");
  const meta = JSON.parse(fs.readFileSync(path.join(PKG, "package.json"), "utf8"));
  for (const k of ["name", "version", "description", "license", "repository", "files", "types"]) assert.ok(meta[k], `package.json has no ${k}`);
  assert.equal(meta.type, "module");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-pack-"));
  try {
    const p = pack(tmp);
    for (const f of ["lossland.js", "lossland_bg.wasm", "lossland.d.ts", "digits.bin", "package.json", "LICENSE"]) assert.ok(p.files.includes(f), `the tarball lacks ${f} (has ${p.files.join(", ")})`);
    assert.ok(!p.files.includes(".gitignore"));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("a throwaway Vite app imports the packed package, builds offline and runs in Chromium", async (t) => {
  if (!fs.existsSync(path.join(PKG, "package.json"))) return t.skip("www/pkg is missing: run scripts/build");
  const why = ensureVite();
  if (why) return t.skip(why);
  const app = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-vite-app-"));
  try {
    // install the package as npm would: from its tarball into node_modules/lossland
    const p = pack(app);
    const dest = path.join(app, "node_modules", "lossland");
    fs.mkdirSync(dest, { recursive: true });
    run("tar", ["-xzf", p.file, "-C", dest, "--strip-components=1"]);
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "vite-app", private: true, type: "module", dependencies: { lossland: "*" } }));
    fs.writeFileSync(path.join(app, "index.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vite app</title><link rel="icon" href="data:,"><script type="module" src="/main.js"></script></head><body><main><h1>vite app</h1><p id="out"></p></main></body></html>\n`);
    fs.writeFileSync(path.join(app, "main.js"), [
      'import init, { Dataset, Classifier } from "lossland";',
      "await init();",
      "const m = new Classifier(Dataset.toy(0), { loss: \"svm\", reg: 0, delta: 1 });",
      "document.getElementById(\"out\").textContent = String(m.loss());",
      "document.documentElement.dataset.status = \"ready\";",
      "",
    ].join("\n"));
    run(process.execPath, [VITE_BIN, "build", "--logLevel", "warn"], { cwd: app, timeout: 120000 });
    const assets = fs.readdirSync(path.join(app, "dist", "assets"));
    assert.ok(assets.some((f) => f.endsWith(".wasm")), `Vite emitted no .wasm asset (${assets.join(", ")})`);

    const { startServer } = await import("../browser/server.mjs");
    const { launch, openPage } = await import("../browser/lib/chromium.mjs");
    const { assertClean } = await import("../browser/lib/assert.mjs");
    const server = await startServer({ root: path.join(app, "dist"), csp: true });
    const browser = await launch();
    try {
      const log = await openPage(browser, server.url);
      await log.page.waitForFunction(() => document.documentElement.dataset.status === "ready", null, { timeout: 15000 })
        .catch((e) => { throw new Error(`${e.message}\n${[...log.pageErrors, ...log.consoleErrors].join("\n")}`); });
      assert.equal(await log.page.locator("#out").textContent(), "2", "L(W = 0) on the toy data is (C − 1)·Δ = 2");
      assertClean(log);
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
});
