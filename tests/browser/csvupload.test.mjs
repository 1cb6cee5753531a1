// "Load CSV…" on the served notebook: a good file becomes the data set of every section (each
// mounts, draws, shows finite numbers, and the loss it shows is the one Dataset.fromArrays +
// Classifier give for the same arrays); a bad file gets an alert naming the line and nothing on
// the page changes; a link made with an uploaded file falls back to the toy data and says why.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { screenshot, SCREENSHOTS } from "./lib/chromium.mjs";
import { siteSuite, FIXTURES } from "./lib/sites.mjs";
import { assertClean, assertNoNaN, assertInked } from "./lib/assert.mjs";
import { parseCsv } from "../../www/js/lib/csvdata.js";

const GOOD = path.join(FIXTURES, "iris-names.csv");

const suite = siteSuite();
const open = suite.open;

const settings = (page) => page.locator("#settings");

test("a good CSV becomes every section's data set; the loss shown is fromArrays + Classifier's", async () => {
  const log = await open("?dataset=toy&loss=softmax&seed=4&reg=0.01");
  const { page } = log;
  try {
    const load = settings(page).getByRole("button", { name: "Load CSV…" });
    // keyboard: the button opens the file chooser
    const chooser = page.waitForEvent("filechooser");
    await load.focus();
    await page.keyboard.press("Enter");
    await (await chooser).setFiles(GOOD);
    const status = page.getByRole("status").filter({ hasText: "Loaded iris-names.csv" });
    await status.waitFor();
    assert.match(await status.textContent(), /your CSV \(150 × 4, 3 classes\), first line read as a header, features as given\. Classes: 0 = setosa, 1 = versicolor, 2 = virginica\./);
    const select = settings(page).getByLabel("Data set", { exact: true });
    assert.equal(await select.inputValue(), "custom");
    assert.equal((await select.locator("option:checked").textContent()).trim(), "your CSV (150 × 4, 3 classes)");
    assert.match(page.url(), /dataset=custom/);
    await page.waitForTimeout(800); // slices are computed in chunks over a few frames

    // operate every section once
    for (const host of await page.locator("[data-widget]").all()) {
      for (const name of ["Step", "Run"]) {
        const b = host.getByRole("button", { name, exact: true });
        if ((await b.count()) === 1 && (await b.isEnabled())) await b.click();
      }
    }
    await page.waitForTimeout(800);
    await assertInked(page, "after loading the CSV");
    await assertNoNaN(page, "after loading the CSV");

    // the same arrays through the API: the stepper's f(x) and gradient descent's start loss
    const d = parseCsv(fs.readFileSync(GOOD, "utf8"));
    const api = await page.evaluate(async ({ features, labels, dims, classes }) => {
      const L = await import("./pkg/lossland.js");
      const { fmt } = await import("./js/lib/format.js");
      const ds = L.Dataset.fromArrays(new Float64Array(features), new Uint32Array(labels), dims, classes);
      const m = new L.Classifier(ds, { loss: "softmax", reg: 0.01 });
      m.randomize(4, 0.01); // the page's start: seed 4, scale 0.01 for an uploaded set
      const out = { loss: m.loss(), shown: fmt(m.loss()), n: ds.len };
      m.free(); ds.free();
      return out;
    }, { features: [...d.features], labels: [...d.labels], dims: d.dims, classes: d.classes });
    const stepper = page.locator('[data-widget="stepper"]');
    const fx = Number(await stepper.locator('.val[data-key="fx"]').getAttribute("data-value"));
    assert.equal(fx, api.loss, "the stepper's f(x) is the API's loss for the same arrays");
    const gdText = await page.locator('[data-widget="gd"] .readout[aria-live]').first().textContent();
    assert.ok(gdText.includes(`(start ${api.shown})`), `gradient descent shows the start loss ${api.shown}: ${gdText}`);
    assert.equal(api.n, 150);

    // the export of the uploaded set round-trips through the parser
    const dl = page.waitForEvent("download");
    await page.locator('[data-widget="gd"]').getByRole("button", { name: "Download data (CSV)" }).click();
    const back = parseCsv(fs.readFileSync(await (await dl).path(), "utf8"));
    assert.deepEqual([...back.features], [...d.features]);
    assert.deepEqual([...back.labels], [...d.labels]);

    await page.evaluate(() => window.scrollTo(0, 0));
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.locator("header.top").screenshot({ path: path.join(SCREENSHOTS, "csv-loaded-settings.png") });
    await screenshot(page, "csv-loaded-full");
    assertClean(log);

    // a link made now cannot carry the file: it opens on the toy data and says so
    const shared = await open(new URL(page.url()).search);
    try {
      assert.equal(await settings(shared.page).getByLabel("Data set", { exact: true }).inputValue(), "toy");
      assert.equal(await settings(shared.page).getByLabel("Loss", { exact: true }).inputValue(), "softmax", "the other settings are kept");
      await shared.page.getByRole("status").filter({ hasText: "which a link cannot carry" }).waitFor();
      assertClean(shared);
    } finally {
      await shared.context.close();
    }
  } finally {
    await log.context.close();
  }
});

const BAD = [
  { name: "text in a feature", body: "x,y,label\n1,2,0\n3,4,1\n5,abc,0\n", line: 4, re: /line 4, column 2 .*not a number: "abc"/ },
  { name: "a short row", body: "1,2,0\n3,4,1\n\n5,6\n", line: 4, re: /line 4 has 2 cells but the first row has 3/ },
  { name: "a label out of range", body: "1,2,0\n3,4,1\n5,6,3\n", line: 3, re: /line 3, column 3: label 3 is out of range.*0 … 2/ },
  { name: "NaN", body: "1,2,0\n3,NaN,1\n", line: 2, re: /line 2, column 2 .*is NaN/ },
];

test("a bad CSV: an alert names the line; the data set, settings and charts stay as they were", async () => {
  const log = await open("?dataset=spiral&loss=svm&seed=2");
  const { page } = log;
  try {
    await page.locator('[data-widget="gd"]').getByRole("button", { name: "Step", exact: true }).click();
    await page.waitForTimeout(500);
    const snapshot = () => page.evaluate(() => ({
      url: location.href,
      dataset: document.querySelector("#settings select").value,
      canvases: [...document.querySelectorAll("main canvas")].map((c) => c.toDataURL()),
      readouts: [...document.querySelectorAll("main .readout")].map((p) => p.textContent),
    }));
    const before = await snapshot();
    const alert = page.locator("#csv-error");
    for (const b of BAD) {
      await page.locator("#csv-file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(b.body) });
      await alert.filter({ hasText: b.re }).waitFor({ state: "visible" }); // the message of this file, not the last one
      assert.equal(await alert.getAttribute("role"), "alert");
      const msg = await alert.textContent();
      assert.match(msg, /^Could not load bad\.csv: /, b.name);
      assert.match(msg, b.re, b.name);
      assert.match(msg, new RegExp(`line ${b.line}\\b`), b.name);
      assert.match(msg, /The data set was not changed\.$/, b.name);
      const now = await snapshot();
      assert.equal(now.url, before.url, `${b.name}: the URL`);
      assert.equal(now.dataset, "spiral", `${b.name}: the data set`);
      assert.deepEqual(now.readouts, before.readouts, `${b.name}: every readout`);
      assert.equal(now.canvases.length, before.canvases.length);
      now.canvases.forEach((c, i) => assert.equal(c, before.canvases[i], `${b.name}: canvas ${i} redrawn or cleared`));
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.locator("header.top").screenshot({ path: path.join(SCREENSHOTS, "csv-error-settings.png") });
    // a too-big file is refused before it is read
    await page.locator("#csv-file").setInputFiles({ name: "big.csv", mimeType: "text/csv", buffer: Buffer.alloc(2 * 1024 * 1024 + 1, "1") });
    await page.getByRole("alert").filter({ hasText: "at most 2 MB (2097152 bytes) is allowed, it has 2097153 bytes" }).waitFor();
    // a good file afterwards clears the alert
    await page.locator("#csv-file").setInputFiles(GOOD);
    await page.getByRole("status").filter({ hasText: "Loaded iris-names.csv" }).waitFor();
    assert.ok(await alert.isHidden());
    assertClean(log);
  } finally {
    await log.context.close();
  }
});
