// Exports on the served notebook, under its CSP: every canvas has a keyboard-operable Save PNG
// whose download is a PNG of the canvas's size; Save CSV's download parses, has a header and a
// row per recorded step, and its losses are the API's own; Copy as NumPy puts the snippet on the
// clipboard (or, when the clipboard is refused, in a selectable text box) and the snippet, run
// with python3 + NumPy when they are there, gives the page's loss; Download data (CSV) holds the
// whole data set.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { SCREENSHOTS } from "./lib/chromium.mjs";
import { siteSuite } from "./lib/sites.mjs";
import { assertClean } from "./lib/assert.mjs";

const suite = siteSuite();
const open = suite.open;

const HAS_NUMPY = spawnSync("python3", ["-c", "import numpy"]).status === 0;

/** Clicks `locator` (or presses Enter on it when `key`) and returns the download's name and bytes. */
async function download(page, locator, { key = false } = {}) {
  const wait = page.waitForEvent("download", { timeout: 10000 });
  if (key) {
    await locator.focus();
    await page.keyboard.press("Enter");
  } else {
    await locator.click();
  }
  const d = await wait;
  const bytes = fs.readFileSync(await d.path());
  return { name: d.suggestedFilename(), bytes };
}

/** A CSV text as a header and rows of cells. */
function parseCsvText(text) {
  assert.ok(text.endsWith("\n"), "ends with a newline");
  const lines = text.slice(0, -1).split("\n");
  return { header: lines[0].split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

test("every canvas has a Save PNG that downloads a PNG of the canvas's size (mouse and keyboard)", async () => {
  const log = await open("?dataset=toy&loss=svm&seed=1");
  const { page } = log;
  try {
    const nCanvas = await page.locator("main canvas").count();
    const buttons = page.getByRole("button", { name: /^Save PNG of: / });
    assert.equal(await buttons.count(), nCanvas, "one Save PNG per canvas");
    const names = await buttons.evaluateAll((bs) => bs.map((b) => b.getAttribute("aria-label")));
    assert.ok(names.every((n) => n.length > "Save PNG of: ".length), "each names its chart");

    const checks = [
      { section: "gd", name: "Save PNG of: Loss against the step number", key: false },
      { section: "landscape", name: /^Save PNG of: /, key: true }, // the heat map, by keyboard
      { section: "stepper", name: /^Save PNG of: /, key: false },
    ];
    for (const c of checks) {
      const host = page.locator(`[data-widget="${c.section}"]`);
      const btn = host.getByRole("button", { name: c.name }).first();
      const { name, bytes } = await download(page, btn, { key: c.key });
      assert.match(name, /^lossland-.*\.png$/);
      assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE, `${c.section}: the PNG signature`);
      // IHDR width and height, then a real decode by the browser
      const ihdr = { w: bytes.readUInt32BE(16), h: bytes.readUInt32BE(20) };
      const canvasSize = await btn.evaluate((b) => {
        const cv = b.closest(".canvas-tools").previousElementSibling;
        return { w: cv.width, h: cv.height };
      });
      const decoded = await page.evaluate(async (b64) => {
        const bin = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
        const bmp = await createImageBitmap(new Blob([bin], { type: "image/png" }));
        return { w: bmp.width, h: bmp.height };
      }, bytes.toString("base64"));
      assert.deepEqual(ihdr, canvasSize, `${c.section}: IHDR size`);
      assert.deepEqual(decoded, canvasSize, `${c.section}: decoded size`);
      assert.ok(canvasSize.w > 100 && canvasSize.h > 100);
    }
    assertClean(log);
  } finally {
    await log.context.close();
  }
});

test("Save CSV: a header and one row per recorded step; gradient descent's losses are the API's", async () => {
  const log = await open("?dataset=toy&loss=svm&seed=1");
  const { page } = log;
  try {
    const steps = 4;
    const expect = {
      gd: { header: ["step", "loss", "accuracy", "step_size"], rows: steps + 1 },
      "random-search": { header: ["try", "try_loss", "best_loss", "best_accuracy", "accepted", "scale"], rows: steps },
      "local-search": { header: ["try", "try_loss", "loss", "accuracy", "accepted", "step_size"], rows: steps + 1 },
      sgd: { header: ["step", "batch_loss", "loss", "accuracy", "gd_loss", "batch_size", "step_size"], rows: steps + 1 },
    };
    const csvs = {};
    for (const [section, e] of Object.entries(expect)) {
      const host = page.locator(`[data-widget="${section}"]`);
      for (let k = 0; k < steps; k++) await host.getByRole("button", { name: "Step", exact: true }).click();
      const { name, bytes } = await download(page, host.getByRole("button", { name: "Save CSV of this section's history" }));
      assert.match(name, new RegExp(`^lossland-${section}-toy-svm\\.csv$`));
      const csv = parseCsvText(bytes.toString("utf8"));
      assert.deepEqual(csv.header, e.header, `${section}: header`);
      assert.equal(csv.rows.length, e.rows, `${section}: rows`);
      for (const r of csv.rows) {
        assert.equal(r.length, e.header.length, `${section}: cells per row`);
        for (const cell of r) assert.ok(cell === "" || Number.isFinite(Number(cell)), `${section}: "${cell}" is a number`);
      }
      assert.deepEqual(csv.rows.map((r) => Number(r[0])), Array.from({ length: e.rows }, (_, i) => (e.rows > steps ? i : i + 1)), `${section}: step numbers`);
      csvs[section] = csv;
      await assert.doesNotReject(host.getByText(`Saved ${e.rows} rows`).waitFor());
    }
    // gradient descent from the page's start (W ~ 1·N(0, 1), seed 1, step size 0.1), by the API
    const api = await page.evaluate(async (n) => {
      const L = await import("./pkg/lossland.js");
      const m = new L.Classifier(L.Dataset.toy(0), { loss: "svm", reg: 0 });
      m.randomize(1, 1);
      const out = [[m.loss(), m.accuracy()]];
      const o = new L.Optimizer(m, { method: "gd", stepSize: 0.1 });
      for (let i = 0; i < n; i++) { const r = o.step(); out.push([r.loss, r.accuracy]); }
      o.free(); m.free();
      return out;
    }, steps);
    assert.deepEqual(csvs.gd.rows.map((r) => [Number(r[1]), Number(r[2])]), api, "the CSV's losses and accuracies are the API's, bit for bit");
    assertClean(log);
  } finally {
    await log.context.close();
  }
});

test("Copy as NumPy: the clipboard holds the snippet, which NumPy runs to the page's loss", async () => {
  const log = await open("?dataset=spiral&loss=softmax&seed=3&reg=0.001");
  const { page, context } = log;
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(suite.server.url).origin });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-copy-"));
  try {
    const host = page.locator('[data-widget="gd"]');
    for (let k = 0; k < 3; k++) await host.getByRole("button", { name: "Step", exact: true }).click();
    await host.getByRole("button", { name: "Copy as NumPy" }).click();
    await host.getByText(/^Copied a Python snippet/).waitFor();
    const text = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(text, /^# lossland -> NumPy/);
    assert.match(text, /W comes from: gradient descent, after 3 steps of step size 0\.5\./);
    assert.match(text, /loss_name = "softmax"\nreg = 0\.001\ndelta = 1\.0\nseed = 3/);
    const expected = await page.evaluate(async () => {
      const L = await import("./pkg/lossland.js");
      const m = new L.Classifier(L.Dataset.spiral(100, 3, 0), { loss: "softmax", reg: 0.001 });
      m.randomize(3, 1);
      const o = new L.Optimizer(m, { method: "gd", stepSize: 0.5 });
      o.run(3);
      const out = m.loss();
      o.free(); m.free();
      return out;
    });
    assert.equal(Number(text.match(/^loss_lossland = (.*)$/m)[1]), expected, "the snippet holds the page's loss");
    if (HAS_NUMPY) {
      fs.writeFileSync(path.join(dir, "s.py"), text);
      const r = spawnSync("python3", ["s.py"], { cwd: dir, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const numpyLoss = Number(r.stdout.match(/^loss \(NumPy\): +(.*)$/m)[1]);
      assert.ok(Math.abs(numpyLoss - expected) <= 1e-9 * expected, `NumPy ${numpyLoss} vs lossland ${expected}`);
      assert.ok(Number(r.stdout.match(/largest relative difference of dW: (.*)$/m)[1]) <= 1e-9);
    } else {
      console.log("# exports.test.mjs: python3 + NumPy not found, the copied snippet was not run (tests/js/numpy.test.mjs says more)");
    }
    assertClean(log);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await log.context.close();
  }
});

test("Copy as NumPy when the clipboard is refused: a labelled, selected text box with the snippet; digits loads its CSV", async () => {
  const log = await open("?dataset=digits&loss=svm&seed=1");
  const { page } = log;
  try {
    await page.evaluate(() => {
      Object.defineProperty(navigator, "clipboard", { value: { writeText: () => Promise.reject(new DOMException("denied", "NotAllowedError")) }, configurable: true });
    });
    const host = page.locator('[data-widget="random-search"]');
    await host.getByRole("button", { name: "Step", exact: true }).click();
    await host.getByRole("button", { name: "Copy as NumPy" }).click();
    const box = host.getByRole("textbox", { name: /The NumPy snippet: the browser did not allow copying/ });
    await box.waitFor();
    const info = await box.evaluate((t) => ({ focused: document.activeElement === t, selected: t.selectionEnd - t.selectionStart, length: t.value.length, value: t.value }));
    assert.ok(info.focused, "the text box has the focus");
    assert.equal(info.selected, info.length, "all of it is selected");
    assert.match(info.value, /data = np\.loadtxt\("lossland-digits\.csv", delimiter=",", ndmin=2\)/);
    assert.match(info.value, /W = np\.array\(\[\n {4}\[/);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await host.locator(".controls.exports").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, "exports-copy-fallback.png") });
    await host.getByRole("button", { name: "Close", exact: true }).click();
    assert.equal(await box.count(), 0, "Close removes it");

    // the data file the snippet loads: 1797 rows of 64 features and a label
    const { name, bytes } = await download(page, host.getByRole("button", { name: "Download data (CSV)" }));
    assert.equal(name, "lossland-digits.csv");
    const lines = bytes.toString("utf8").trim().split("\n");
    assert.equal(lines.length, 1797);
    assert.ok(lines.every((l) => l.split(",").length === 65));
    assert.deepEqual(new Set(lines.map((l) => l.split(",")[64])).size, 10);
    assertClean(log);
  } finally {
    await log.context.close();
  }
});
