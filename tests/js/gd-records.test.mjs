// Gradient descent's records (the loss and accuracy the page plots after each step) against plain
// JavaScript at the same W: scores by a triple loop, the SVM's hinges with Δ = 1, the accuracy by
// "the first largest score is the label". The wasm computes them in its full-batch pass (src/optim.rs:
// two classes per f64x2 lane for an even C, class by class for an odd one; the digits' scores by
// a table of products, src/design.rs) — this checks that pass as shipped, in wasm SIMD.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const L = await import("../../www/pkg/lossland.js");
await L.default({ module_or_path: readFileSync(new URL("../../www/pkg/lossland_bg.wasm", import.meta.url)) });
const DIGITS = readFileSync(new URL("../../www/pkg/digits.bin", import.meta.url));

/** Loss and accuracy at W (C × (D + 1), bias last) by plain loops. */
function plain(x, y, dims, C, w, reg) {
  const n = y.length, K = dims + 1;
  let hinge = 0, correct = 0;
  const s = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < C; j++) {
      let v = w[j * K + dims];
      for (let k = 0; k < dims; k++) v += x[i * dims + k] * w[j * K + k];
      s[j] = v;
    }
    let best = 0;
    for (let j = 1; j < C; j++) if (s[j] > s[best]) best = j;
    correct += best === y[i];
    for (let j = 0; j < C; j++) if (j !== y[i]) hinge += Math.max(0, s[j] - s[y[i]] + 1);
  }
  let sq = 0;
  for (const v of w) sq += v * v;
  return { loss: hinge / n + reg * sq, accuracy: correct / n };
}

/** A seeded data set of small integer features (0–3, about half of them 0). */
function coarse(n, dims, C, seed) {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const x = new Float64Array(n * dims), y = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % C;
    for (let k = 0; k < dims; k++) x[i * dims + k] = Math.floor(rnd() * 4) * (rnd() < 0.5 ? 0 : 1);
  }
  return { x, y };
}

/** Classes 1 and 2 with the same rows (row 4m + 2 is row 4m + 1): from W = 0 their weights stay
 * equal (integer features, integer dS: every sum exact), so every score of class 1 ties class 2's
 * and a row of class 2 whose two tied scores lead is counted wrong (class 1 comes first). */
function twins() {
  const d = coarse(400, 6, 4, 6);
  for (let i = 2; i < 400; i += 4) d.x.copyWithin(i * 6, (i - 1) * 6, i * 6);
  return L.Dataset.fromArrays(d.x, d.y, 6, 4);
}

const CASES = [
  { name: "digits, C = 10 (score table, lanes)", data: () => L.Dataset.digits(DIGITS), reg: 0.01, seed: 1, scale: 0.001, step: 0.001 },
  { name: "coarse 400 × 6, C = 4 (zeros, integer features; lanes)", data: () => { const d = coarse(400, 6, 4, 3); return L.Dataset.fromArrays(d.x, d.y, 6, 4); }, reg: 0, seed: 2, scale: 0.01, step: 0.05 },
  { name: "twin classes from W = 0, C = 4 (tied scores; lanes)", data: twins, reg: 0, seed: 0, scale: 0, step: 0.0625 },
  { name: "coarse 300 × 5, C = 3 (class by class)", data: () => { const d = coarse(300, 5, 3, 4); return L.Dataset.fromArrays(d.x, d.y, 5, 3); }, reg: 0.1, seed: 3, scale: 0.01, step: 0.05 },
];

for (const c of CASES) {
  test(`gradient descent's records equal plain loops at each W: ${c.name}`, () => {
    const ds = c.data();
    const m = new L.Classifier(ds, { loss: "svm", reg: c.reg });
    try {
      if (c.scale) m.randomize(c.seed, c.scale);
      else m.setWeights(new Float64Array(ds.classes * (ds.dims + 1)));
      const x = ds.features(), y = ds.labels();
      const o = new L.Optimizer(m, { method: "gd", stepSize: c.step });
      const seen = new Set();
      for (let t = 0; t < 40; t++) {
        const r = o.step();
        const w = m.weights();
        const want = plain(x, y, ds.dims, ds.classes, w, c.reg);
        assert.ok(Math.abs(r.loss - want.loss) <= 1e-12 * Math.abs(want.loss), `step ${t}: loss ${r.loss} vs plain ${want.loss}`);
        assert.equal(r.accuracy, want.accuracy, `step ${t}: accuracy`);
        // the classifier's own evaluation (one row at a time) gives the record's loss bit for bit
        assert.equal(r.loss, m.loss(), `step ${t}: record vs m.loss()`);
        seen.add(r.accuracy);
      }
      assert.ok(seen.size > 1, "the accuracy moved during the run (the test saw more than one value)");
    } finally {
      m.free();
      ds.free();
    }
  });
}

test("at W = 0 every score ties and the first class counts as the prediction", () => {
  const d = coarse(90, 4, 4, 5);
  const ds = L.Dataset.fromArrays(d.x, d.y, 4, 4);
  const m = new L.Classifier(ds, { loss: "svm", reg: 0 });
  try {
    m.setWeights(new Float64Array(4 * 5));
    // every margin is 0 − 0 + 1 = 1: L_i = C − 1 = 3; argmax is class 0, the label of every 4th row
    assert.equal(m.loss(), 3);
    assert.equal(m.accuracy(), Math.ceil(90 / 4) / 90);
  } finally {
    m.free();
    ds.free();
  }
});
