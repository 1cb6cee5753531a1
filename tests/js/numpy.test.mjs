// "Copy as NumPy" checked by an independent method: the snippet the page copies (built by
// www/js/lib/numpy.js from lossland's W, dW and settings) is RUN with python3 + NumPy, and the
// loss and dW that NumPy computes with CS231n's svm_loss_naive / softmax_loss_naive conventions
// must equal lossland's own to 1e-9 relative. Digits is not inlined: the snippet loads the file
// "Download data (CSV)" saves, which this test writes into a temporary folder. Also: every
// number written into Python reads back as the same double. NumPy missing → one attempt to
// install it with pip --user, else the test is skipped with a message saying so.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { csvText, Records } from "../../www/js/lib/downloads.js";
import { numpySnippet, snippetFor, datasetCsv, dataFileName, pyNumber, INLINE_VALUES } from "../../www/js/lib/numpy.js";
import { parseCsv } from "../../www/js/lib/csvdata.js";

const L = await import("../../www/pkg/lossland.js");
await L.default({ module_or_path: await readFile(new URL("../../www/pkg/lossland_bg.wasm", import.meta.url)) });
const DIGITS = await readFile(new URL("../../www/pkg/digits.bin", import.meta.url)); // Dataset.digits(bytes)

const TOL = 1e-9;

function python(args, opts = {}) {
  return spawnSync("python3", args, { encoding: "utf8", maxBuffer: 64 << 20, ...opts });
}

/** "" when python3 can import numpy (after one pip --user attempt if needed), else why not. */
function numpyProblem() {
  const probe = () => python(["-c", "import numpy; print(numpy.__version__)"]);
  let r = probe();
  if (r.error) return `python3 could not be run (${r.error.message})`;
  if (r.status === 0) return "";
  const pip = python(["-m", "pip", "install", "--user", "--quiet", "numpy"]);
  r = probe();
  if (r.status === 0) return "";
  return `NumPy is not installed and "python3 -m pip install --user numpy" failed: ${(pip.stderr || pip.stdout || "").trim().split("\n").pop()}`;
}
const SKIP = numpyProblem();
if (SKIP) console.log(`# numpy.test.mjs skipped: ${SKIP}`);

/** Runs a snippet (with a line that prints NumPy's loss and dW as JSON) in `dir`; returns them and the printed lines. */
function runSnippet(snippet, dir) {
  const file = path.join(dir, "snippet.py");
  fs.writeFileSync(file, `${snippet}\nimport json\nprint("LOSSLAND_JSON " + json.dumps({"loss": float(loss), "dW": dW.tolist()}))\n`);
  const r = python([file], { cwd: dir });
  assert.equal(r.status, 0, `python3 failed:\n${r.stderr}`);
  const out = r.stdout.split("\n");
  const json = JSON.parse(out.find((l) => l.startsWith("LOSSLAND_JSON ")).slice(14));
  const printed = (label) => Number(out.find((l) => l.startsWith(label)).slice(label.length).trim());
  return { ...json, printedRelLoss: printed("relative difference of the loss:"), printedRelDw: printed("largest relative difference of dW:"), stdout: r.stdout };
}

/** Largest relative difference, entries below 1e-12 of the largest counted against that floor. */
function maxRel(a, b) {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]), 1e-12 * scale));
  return m;
}

/** A stand-in for the page's settings context: what snippetFor reads. */
const fakeCtx = (ds, seed, label) => ({ dataset: () => ds, settings: { seed }, datasetLabel: () => label });

const CASES = [
  { name: "SVM, toy, after 5 GD steps, reg 0", data: () => L.Dataset.toy(0), loss: "svm", reg: 0, seed: 1, scale: 1, steps: 5, step: 0.1 },
  { name: "softmax, spiral, after 20 GD steps, reg 1e-3", data: () => L.Dataset.spiral(100, 3, 0), loss: "softmax", reg: 1e-3, seed: 2, scale: 1, steps: 20, step: 0.5 },
  { name: "SVM, digits (from the CSV file), after 10 GD steps, reg 0.01", data: () => L.Dataset.digits(DIGITS), loss: "svm", reg: 0.01, seed: 1, scale: 0.01, steps: 10, step: 0.1 },
  { name: "softmax, digits (from the CSV file), after 10 GD steps, reg 0", data: () => L.Dataset.digits(DIGITS), loss: "softmax", reg: 0, seed: 3, scale: 0.01, steps: 10, step: 0.1 },
  { name: "SVM, iris, random W, reg 0.1", data: () => L.Dataset.iris(), loss: "svm", reg: 0.1, seed: 4, scale: 0.1, steps: 0, step: 0.01 },
  {
    name: "softmax, an uploaded CSV with word labels, reg 0.5",
    data: () => {
      const d = parseCsv("a,b,c,label\n0.1,2,-3,cat\n1e-3,0.25,7,dog\n-2,1,0,bird\n3.5,-1,2,cat\n0,0,1,dog\n");
      return L.Dataset.fromArrays(d.features, d.labels, d.dims, d.classes);
    },
    loss: "softmax", reg: 0.5, seed: 5, scale: 1, steps: 3, step: 0.1,
  },
];

for (const c of CASES) {
  test(`the NumPy snippet reproduces lossland: ${c.name}`, { skip: SKIP || false }, (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lossland-numpy-"));
    const ds = c.data();
    const m = new L.Classifier(ds, { loss: c.loss, reg: c.reg });
    try {
      m.randomize(c.seed, c.scale);
      if (c.steps) {
        const o = new L.Optimizer(m, { method: "gd", stepSize: c.step });
        o.run(c.steps);
        o.free();
      }
      const inline = ds.len * (ds.dims + 1) <= INLINE_VALUES;
      const snippet = snippetFor(fakeCtx(ds, c.seed, ds.name), { clf: m, where: c.name });
      if (!inline) {
        assert.match(snippet, new RegExp(`np\\.loadtxt\\("${dataFileName(ds.name)}"`));
        assert.ok(snippet.length < 40000, `the snippet holds no data (${snippet.length} chars)`);
        fs.writeFileSync(path.join(dir, dataFileName(ds.name)), datasetCsv(ds.features(), ds.labels(), ds.dims));
      } else {
        assert.doesNotMatch(snippet, /loadtxt\(/);
      }
      const expectLoss = m.loss();
      const expectDw = m.gradient();
      const got = runSnippet(snippet, dir);
      // NumPy's dW is (D + 1) × C; lossland's is C × (D + 1): compare W^T entry by entry
      const C = m.rows, K = m.cols;
      const dW = new Float64Array(C * K);
      for (let k = 0; k < K; k++) for (let j = 0; j < C; j++) dW[j * K + k] = got.dW[k][j];
      const relLoss = Math.abs(got.loss - expectLoss) / Math.abs(expectLoss);
      const relDw = maxRel(dW, expectDw);
      t.diagnostic(`N = ${ds.len}, D + 1 = ${K}, C = ${C}: loss ${expectLoss} (lossland) vs ${got.loss} (NumPy), relative ${relLoss.toExponential(2)}; dW max relative ${relDw.toExponential(2)}; the snippet's own figures ${got.printedRelLoss.toExponential(2)}, ${got.printedRelDw.toExponential(2)}`);
      assert.ok(relLoss <= TOL, `loss: lossland ${expectLoss}, NumPy ${got.loss}, relative ${relLoss}`);
      assert.ok(relDw <= TOL, `dW: max relative difference ${relDw}`);
      assert.ok(got.printedRelLoss <= TOL && got.printedRelDw <= TOL, `the snippet's own comparison:\n${got.stdout}`);
    } finally {
      m.free();
      ds.free();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("every number written into Python reads back as the same double", { skip: SKIP || false }, () => {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const xs = [0, -0, 1, -1, 0.1, 1 / 3, 2 ** 53 + 2, 1e21, 1e-7, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, Math.PI, NaN, Infinity, -Infinity];
  const buf = new Float64Array(1);
  const bits = new Uint32Array(buf.buffer);
  while (xs.length < 2000) {
    bits[0] = rnd() * 2 ** 32;
    bits[1] = rnd() * 2 ** 32;
    if (Number.isFinite(buf[0])) xs.push(buf[0]);
  }
  const r = python(["-c", `import math\nxs = [${xs.map(pyNumber).join(", ")}]\nfor x in xs: print(repr(x), math.copysign(1.0, x))`]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, xs.length);
  lines.forEach((l, i) => {
    const [v, sign] = l.split(" ");
    const back = v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v);
    assert.ok(Object.is(back, xs[i]) || (back === xs[i] && Math.sign(Number(sign)) === Math.sign(1 / xs[i])), `${xs[i]} → ${pyNumber(xs[i])} → ${v}`);
  });
});

test("the snippet's layout: W is (D + 1) × C, lossland's W transposed; the settings are stated", () => {
  const W = new Float64Array([1, 2, 3, 4, 5, 6]); // C = 2 rows, D + 1 = 3 columns
  const s = numpySnippet({
    W, dW: W.map((v) => -v), rows: 2, cols: 3, loss: "svm", reg: 0.25, delta: 1, seed: 7, value: 1.5,
    data: { name: "tiny", n: 1, dims: 2, classes: 2, features: new Float64Array([0.5, -0.5]), labels: new Uint32Array([1]) },
  });
  assert.match(s, /W = np\.array\(\[\n {4}\[1\.0, 4\.0\],\n {4}\[2\.0, 5\.0\],\n {4}\[3\.0, 6\.0\],\n\]\)/);
  assert.match(s, /reg = 0\.25\n/);
  assert.match(s, /loss_name = "svm"/);
  assert.match(s, /seed = 7/);
  assert.match(s, /X = np\.hstack\(\[X, np\.ones\(\(X\.shape\[0\], 1\)\)\]\)/);
  assert.match(s, /def svm_loss_naive\(W, X, y, reg, delta=1\.0\):/);
  assert.match(s, /def softmax_loss_naive\(W, X, y, reg\):/);
  assert.throws(() => numpySnippet({ W, dW: W, rows: 2, cols: 3, loss: "svm", reg: 0, seed: 1, value: 0, data: { name: "x", n: 1, dims: 5, classes: 2 } }), /5 features/);
});

test("CSV text: a header row, one line per row, numbers that round-trip, bounded records", () => {
  assert.equal(csvText(["step", "loss", "accepted"], [[0, 0.1 + 0.2, true], [1, NaN, false], [2, null, 1e-300]]), "step,loss,accepted\n0,0.30000000000000004,1\n1,nan,0\n2,,1e-300\n");
  assert.equal(csvText(['a "b"', "c,d"], []), '"a ""b""","c,d"\n');
  const r = new Records(["i"], 3);
  for (let i = 0; i < 5; i++) r.push([i]);
  assert.deepEqual(r.rows, [[2], [3], [4]]);
  assert.equal(r.dropped, 2);
  assert.equal(r.csv(), "i\n2\n3\n4\n");
  assert.equal(datasetCsv(new Float64Array([0.5, 1 / 3, -2, 0]), new Uint32Array([1, 0]), 2), "0.5,0.3333333333333333,1\n-2,0,0\n");
});
