// The live Jupyter test (issue 10): the lossland wheel installed in target/jupyter-venv
// (tests/jupyter/run does that), JupyterLab 4 started without a token on a free port, a notebook
// written here run cell by cell with Shift+Enter in headless Chromium, and the widgets operated by
// role and name as a learner would. Checks that the Notebook widget shows the loss NumPy computes;
// that a gradient with reg·W for 2·reg·W, and one missing the 1/N, are marked "wrong" at exactly
// the entries where they differ from the correct gradient, which passes; that stepping the
// learner's f from the widget shows the values of their f and leaves their W unchanged bit for
// bit; that after gradient descent in the widget opt.W in Python equals the W the widget shows.
// Then Notebook 7 (/notebooks/…, served by the same server) renders a widget; and a Landscape on
// arrays at the caps (5000 × 60, softmax): its span slider moved from the keyboard, the longest
// main-thread task meanwhile reported (issue 12, goal 1; a figure, not asserted).
// Screenshots: target/screenshots/jupyter-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, SCREENSHOTS } from "../browser/lib/chromium.mjs";
import { startJupyter, writeNotebook, runCell, waitKernel, printed, printedValues, cell } from "./lib.mjs";
import fs from "node:fs";
import path from "node:path";

const SETUP = `import numpy as np
import lossland

rng = np.random.default_rng(7)
N, D, C = 60, 3, 3
# the assignment's layout: X (N, D + 1) with a column of ones last (the bias trick), W (D + 1, C)
X = np.hstack([rng.normal(size=(N, D)), np.ones((N, 1))])
y = rng.integers(0, C, size=N)
W = rng.choice([-1.0, 1.0], size=(D + 1, C)) * (0.5 + rng.random((D + 1, C)))
W[0, 1] = W[2, 0] = 0.0  # two zero weights: there reg·W and 2·reg·W agree
reg = 0.5

def svm_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X.dot(W)
    correct = scores[np.arange(n), y][:, None]
    margins = np.maximum(0, scores - correct + 1.0)
    margins[np.arange(n), y] = 0
    loss = margins.sum() / n + reg * np.sum(W * W)
    active = (margins > 0).astype(float)
    active[np.arange(n), y] = -active.sum(axis=1)
    dW = X.T.dot(active) / n + 2 * reg * W
    return loss, dW

def svm_reg_once(W, X, y, reg):  # a learner's bug: reg·W instead of 2·reg·W
    loss, dW = svm_loss_vectorized(W, X, y, reg)
    return loss, dW - reg * W

def svm_no_mean(W, X, y, reg):  # a learner's bug: the data gradient not divided by N
    loss, dW = svm_loss_vectorized(W, X, y, reg)
    return loss, (dW - 2 * reg * W) * X.shape[0] + 2 * reg * W

def differs(bad):
    """The entries where a buggy dW differs from the correct one, named as the widget names them."""
    _, good = svm_loss_vectorized(W, X, y, reg)
    _, wrong = bad(W, X, y, reg)
    return ";".join(f"W[{i}, {j}]" for i, j in zip(*np.nonzero(wrong != good)))

W_before = W.copy()
print("READY=1")`;

const CELLS = [
  SETUP,
  // 1: the whole lecture on the learner's data
  `loss_np, _ = svm_loss_vectorized(W, X, y, reg)
print(f"NUMPY_LOSS={float(loss_np)!r}")
lossland.Notebook(X, y, W=W, loss="svm", reg=reg, seed=0)`,
  // 2–4: three gradient checks
  `ck_ok = lossland.GradientCheck(W, f=svm_loss_vectorized, X=X, y=y, reg=reg, loss="svm")
print("VERDICT=" + ck_ok.verdict)
ck_ok`,
  `print("DIFFERS=" + differs(svm_reg_once))
ck_reg = lossland.GradientCheck(W, f=svm_reg_once, X=X, y=y, reg=reg, loss="svm")
ck_reg`,
  `print("DIFFERS=" + differs(svm_no_mean))
ck_mean = lossland.GradientCheck(W, f=svm_no_mean, X=X, y=y, reg=reg, loss="svm")
ck_mean`,
  // 5–6: the stepper on the learner's f, stepped from the widget
  `st = lossland.GradientStepper(W, f=svm_loss_vectorized, X=X, y=y, reg=reg)
st`,
  `h = 1e-5
fx = float(svm_loss_vectorized(W, X, y, reg)[0])
print(f"FX={fx!r}")
for i in range(D + 1):
    for j in range(C):
        Wp = W.copy()
        Wp[i, j] += h
        fp = float(svm_loss_vectorized(Wp, X, y, reg)[0])
        print(f"SLOPE_{i}_{j}={(fp - fx) / h!r}")
        print(f"FPLUS_{i}_{j}={fp!r}")
print(f"EVALS={st.evaluations}")
print(f"UNCHANGED={W.tobytes() == W_before.tobytes()}")`,
  // 7–8: gradient descent in the widget, W back in Python
  `opt = lossland.Optimizer(X, y, W, method="gd", step_size=0.1, loss="svm", reg=reg)
opt`,
  `print("OPT_W=" + ";".join(repr(float(v)) for v in opt.W.ravel()))
print("START_W=" + ";".join(repr(float(v)) for v in W.ravel()))
print(f"OPT_SHAPE={opt.W.shape}")
print(f"UNCHANGED={W.tobytes() == W_before.tobytes()}")`,
];

// 9: README "In Jupyter", run as it is on the names the set-up cell defined
const README = fs.readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const README_BLOCK = README.slice(README.indexOf("## In Jupyter")).match(/```python\n([\s\S]*?)```/)[1];
CELLS.push(README_BLOCK);

let server, browser, page;
const pageErrors = [];

before(async () => {
  server = await startJupyter();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  // the widget's own errors: JupyterLab and Notebook 7 throw some of their own offline (e.g.
  // Notebook 7's "Command 'filebrowser:open-path' not registered"), which are not lossland's
  const ours = /lossland|wasm|widget\.js|blob:|data:text\/javascript/i;
  page.on("pageerror", (e) => { if (ours.test(String(e.stack || e))) pageErrors.push(String(e.stack || e)); });
  page.on("console", (m) => {
    // the widget's own errors (JupyterLab logs unrelated ones of its own offline)
    if (m.type() === "error" && ours.test(`${m.text()} ${m.location()?.url ?? ""}`)) pageErrors.push(m.text());
  });
});

after(async () => {
  // what the page looked like at the end (after a failure: where it stopped)
  await page?.screenshot({ path: path.join(SCREENSHOTS, "jupyter-last.png") }).catch(() => {});
  await browser?.close();
  await server?.stop();
});

/** The lossland widget in cell `i` (inside its shadow root: playwright's locators pierce it). */
const widgetIn = (i) => cell(page, i).locator(".lossland-jupyter");

/** Every text inside the lossland widgets' shadow roots on the page. */
const widgetTexts = () => page.evaluate(() => [...document.querySelectorAll(".lossland-jupyter-host")].map((h) => h.shadowRoot?.textContent ?? ""));

const num = (s) => Number(String(s).replace(/−/g, "-").replace(/\s.*$/, ""));

/** A screenshot of what the learner sees with cell `i`'s widget scrolled to the top. */
async function shot(i, name) {
  await widgetIn(i).evaluate((e) => e.scrollIntoView({ block: "start" }));
  await page.waitForTimeout(300);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `jupyter-${name}.png`) });
}

/** The rows of a kernel view's two-column value table, as { name: text }. */
async function valueRows(locator) {
  const rows = await locator.locator("tr").evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]));
  return Object.fromEntries(rows);
}

/** The entries a gradient check's table marks with `verdict`, as "W[i, j]" names. */
async function entriesMarked(i, verdict) {
  const table = widgetIn(i).getByRole("table", { name: "Every entry of the gradient check", includeHidden: true });
  await table.locator("tr").nth(1).waitFor({ state: "attached" });
  const rows = await table.locator("tr").evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.cells].map((c) => c.textContent)));
  return rows.filter((r) => r[4] === verdict).map((r) => r[0]);
}

test("JupyterLab: the lecture on the learner's arrays, their gradient checked, stepped and descended", { timeout: 240000 }, async (t) => {
  writeNotebook(server.dir, "learner.ipynb", CELLS);
  await page.goto(`${server.url}/lab/tree/learner.ipynb?reset`);
  await waitKernel(page);
  // the file browser closed: the notebook as wide as the window (for the screenshots)
  await page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click().catch(() => {});
  await page.waitForTimeout(500); // the notebook re-lays out at its new width
  await runCell(page, 0, { timeout: 90000 });
  assert.equal((await printedValues(page, 0)).READY, "1");

  await t.test("the Notebook widget shows the loss NumPy computes", async () => {
    await runCell(page, 1);
    const np = Number((await printedValues(page, 1)).NUMPY_LOSS);
    const summary = widgetIn(1).locator(".jl-summary");
    await summary.filter({ hasText: /Loss at your W/ }).waitFor({ state: "attached" });
    const shown = num((await summary.textContent()).match(/Loss at your W: (\S+)/)[1]);
    assert.ok(Math.abs(shown - np) <= 1e-10 * Math.abs(np), `widget ${shown} vs NumPy ${np}`);
    // every section of the lecture is there, titled, and none shows an error
    for (const title of ["The loss over a 2-D slice of weight space", "Gradient descent", "Scoreboard"]) {
      await widgetIn(1).getByRole("heading", { name: title, exact: true }).waitFor({ state: "attached" });
    }
    await widgetIn(1).locator("canvas").first().waitFor({ state: "attached" });
    await page.waitForTimeout(1500);
    const errors = await widgetIn(1).locator(".status.error").allTextContents();
    assert.deepEqual(errors.filter((e) => e.trim()), [], "no section shows an error");
    await widgetIn(1).getByRole("heading", { name: "The loss over a 2-D slice of weight space" }).evaluate((e) => e.scrollIntoView({ block: "start" }));
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SCREENSHOTS, "jupyter-lab-notebook.png") });
  });

  await t.test("the correct gradient passes; reg·W and a missing 1/N are wrong exactly where they differ", async () => {
    await runCell(page, 2);
    const verdict = (await printedValues(page, 2)).VERDICT;
    assert.match(verdict, /^(good|acceptable)$/);
    await widgetIn(2).getByTestId("verdict").filter({ hasText: /max relative error/ }).waitFor({ state: "attached" });
    assert.match(await widgetIn(2).getByTestId("verdict").textContent(), /: (good|acceptable \(kinks\))$/);
    assert.deepEqual(await entriesMarked(2, "wrong"), []);

    for (const i of [3, 4]) {
      await runCell(page, i);
      const expected = (await printedValues(page, i)).DIFFERS.split(";").filter(Boolean);
      assert.ok(expected.length >= 3, `the bug changes several entries (${expected})`);
      await widgetIn(i).getByTestId("verdict").filter({ hasText: /: wrong$/ }).waitFor({ state: "attached" });
      assert.deepEqual((await entriesMarked(i, "wrong")).sort(), expected.sort(), `cell ${i}: marked wrong exactly where the gradient differs`);
      // lossland's dW beside theirs: it departs at the same entries
      const refText = await widgetIn(i).getByText(/Your dW departs from lossland's at/).textContent();
      assert.match(refText, new RegExp(`at ${expected.length} of ${(D1 * C)} entries`));
    }
    await shot(3, "gradcheck-reg-bug");
  });

  await t.test("stepping the learner's f from the widget shows its values and leaves W unchanged", async () => {
    await runCell(page, 5);
    const w = widgetIn(5);
    for (let k = 1; k <= 3; k++) {
      await w.getByRole("button", { name: "Step", exact: true }).click();
      await w.getByRole("table", { name: "The stepper's values" }).filter({ hasText: new RegExp(`^steps taken${k} of`) }).waitFor({ state: "attached", timeout: 20000 });
    }
    const v = await valueRows(w.getByRole("table", { name: "The stepper's values" }));
    const [, i, j] = v["this step's entry"].match(/W\[(\d+), (\d+)\]/);
    await runCell(page, 6);
    const p = await printedValues(page, 6);
    assert.equal(p.UNCHANGED, "True", "the learner's W is unchanged bit for bit");
    assert.equal(Number(v["calls of f so far"]), Number(p.EVALS), "the widget counts the kernel's calls of f");
    const close = (shown, exact, what) => assert.ok(Math.abs(num(shown) - Number(exact)) <= 1e-9 * Math.max(1, Math.abs(Number(exact))), `${what}: widget ${shown}, NumPy ${exact}`);
    close(v["f(W)"], p.FX, "f(W)");
    close(v["f(W + h)"], p[`FPLUS_${i}_${j}`], "f(W + h)");
    close(v["slope = (f(W + h) − f(W)) / h"], p[`SLOPE_${i}_${j}`], "slope");
    await shot(5, "stepper");
  });

  await t.test("after gradient descent in the widget, opt.W equals the W the widget shows", async () => {
    await runCell(page, 7);
    const w = widgetIn(7);
    for (let k = 0; k < 5; k++) {
      await w.getByRole("button", { name: "Step", exact: true }).click();
      await page.waitForTimeout(80);
    }
    await w.locator("summary").filter({ hasText: /after 5 steps/ }).waitFor({ state: "attached", timeout: 10000 });
    const shown = await w.getByRole("table", { name: "W as sent to Python", includeHidden: true }).locator("tr").evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.cells].slice(1).map((c) => c.textContent)));
    await page.waitForTimeout(500); // the kernel takes the comm message when idle, before the next cell
    await runCell(page, 8);
    const p = await printedValues(page, 8);
    assert.equal(p.UNCHANGED, "True", "the learner's W is unchanged");
    assert.equal(p.OPT_SHAPE, `(${D1}, ${C})`);
    const inPython = p.OPT_W.split(";").map(Number);
    assert.deepEqual(shown.flat().map(Number), inPython, "opt.W equals the widget's W, bit for bit");
    assert.notDeepEqual(inPython, p.START_W.split(";").map(Number), "W moved");
    await w.locator("details").first().evaluate((d) => (d.open = true));
    await shot(7, "optimizer");
  });

  await t.test("README's example runs as it is", async () => {
    await runCell(page, 9);
    assert.match(await printed(page, 9), /^\S+ (good|acceptable) 0 entries wrong/);
    await cell(page, 9).locator(".lossland-jupyter").nth(3).waitFor({ state: "attached", timeout: 30000 });
    assert.equal(await cell(page, 9).locator(".lossland-jupyter").count(), 4, "four widgets");
  });

  const texts = (await widgetTexts()).join("\n");
  assert.doesNotMatch(texts, /\bNaN\b|undefined|Infinity/, "every number finite");
  assert.deepEqual(pageErrors, []);
});

test("Notebook 7: a widget renders and draws", { timeout: 120000 }, async () => {
  writeNotebook(server.dir, "nb7.ipynb", [
    `import numpy as np, lossland
rng = np.random.default_rng(3)
X = rng.normal(size=(50, 2)); y = rng.integers(0, 3, size=50); W = 0.5 * rng.normal(size=(3, 3))
lossland.Landscape(X, y, W, loss="softmax", reg=0.1, span=2.0)`,
  ]);
  await page.goto(`${server.url}/notebooks/nb7.ipynb`);
  await waitKernel(page);
  await runCell(page, 0, { timeout: 90000 });
  const w = widgetIn(0);
  await w.getByText(/grid: loss from/).waitFor({ state: "attached", timeout: 30000 });
  const ink = await w.locator("canvas").first().evaluate((c) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let k = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) k++;
    return k / (d.length / 4);
  });
  assert.ok(ink > 0.2, `the heat map is drawn (${(100 * ink).toFixed(0)}% inked)`);
  assert.match(await w.locator(".jl-summary").textContent(), /Loss at your W: \d/);
  await shot(0, "notebook7");
  assert.deepEqual(pageErrors, []);
});

test("JupyterLab, a learner's arrays at the caps: the longest main-thread task while the landscape's span slider moves (a figure, not asserted)", { timeout: 180000 }, async (t) => {
  // issue 12, goal 1 in a real JupyterLab: 5000 examples × 60 features and a bias column, 10
  // classes, softmax (the page bench's CSV at the caps, as NumPy arrays); long tasks are the
  // browser's own (PerformanceObserver "longtask", 50 ms or more), on JupyterLab's page
  writeNotebook(server.dir, "caps.ipynb", [`import numpy as np, lossland
rng = np.random.default_rng(5)
X = np.hstack([rng.normal(size=(5000, 60)), np.ones((5000, 1))])
y = rng.integers(0, 10, size=5000)
W = 0.01 * rng.normal(size=(61, 10))
lossland.Landscape(X, y, W, loss="softmax", span=3.0)`]);
  await page.goto(`${server.url}/lab/tree/caps.ipynb?reset`);
  await waitKernel(page);
  await page.evaluate(() => {
    window.__longtasks = [];
    new PerformanceObserver((l) => window.__longtasks.push(...l.getEntries().map((e) => [e.startTime, e.duration]))).observe({ type: "longtask" });
  });
  await runCell(page, 0, { timeout: 90000 });
  const w = widgetIn(0);
  await w.getByText(/^64 × 64 grid: loss from/).waitFor({ state: "attached", timeout: 90000 });
  await page.waitForTimeout(1000);
  const slider = w.getByRole("slider", { name: "Span of a and b" });
  await slider.evaluate((e) => e.scrollIntoView({ block: "center" }));
  await slider.focus();
  const v0 = await slider.inputValue();
  const t1 = await page.evaluate(() => performance.now());
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press(Math.floor(i / 10) % 2 === 0 ? "ArrowRight" : "ArrowLeft");
    await page.waitForTimeout(16);
  }
  const t2 = await page.evaluate(() => performance.now());
  await page.waitForTimeout(3000); // the last position's grid
  const m = await page.evaluate(([a, b]) => {
    const lt = window.__longtasks.filter(([s, d]) => s + d > a && s < b);
    const drawn = performance.getEntriesByName("lossland:plane-drawn").filter((e) => e.startTime >= a && e.startTime <= b && e.detail === 64).length;
    return { count: lt.length, longest: Math.max(0, ...lt.map(([, d]) => d)), drawn };
  }, [t1, t2]);
  const status = (await w.locator(".status").allTextContents()).filter((x) => x.trim()).join(" | ");
  t.diagnostic(`JupyterLab, Landscape(X 5000 × 61, 10 classes, softmax), 40 key presses on the span slider in ${((t2 - t1) / 1000).toFixed(1)} s: ${m.count} tasks ≥ 50 ms${m.count ? `, the longest ${m.longest.toFixed(0)} ms` : ""}; ${m.drawn} full grids drawn meanwhile; status: ${status}`);
  // the keys reach the slider in JupyterLab (its own shortcuts once took them: the span stayed
  // put), and the drag's grids came from the page's thread
  assert.match(status, /on this page's thread/);
  await page.keyboard.press("ArrowRight");
  assert.notEqual(await slider.inputValue(), v0, "ArrowRight on the span slider did not move it");
  assert.match(await w.getByText(/^64 × 64 grid: loss from/).textContent(), /loss from \d/);
  const texts = (await widgetTexts()).join("\n");
  assert.doesNotMatch(texts, /\bNaN\b|undefined|Infinity/, "every number finite");
  assert.deepEqual(pageErrors, []);
});

// the test notebook's sizes (SETUP): W is (D + 1) × C
const D1 = 4, C = 3;
