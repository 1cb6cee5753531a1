// Hostile input against the built package: at least 10,000 seeded calls across every export
// with wrong types, non-finite numbers, out-of-range sizes, unknown options, freed objects and
// mixed-up classes. No call may trap the module (a Rust panic is "RuntimeError: unreachable");
// every rejection is an Error with a message; afterwards the module still computes right.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

const L = await import("../../www/pkg/lossland.js");
await L.default({ module_or_path: await readFile(new URL("../../www/pkg/lossland_bg.wasm", import.meta.url)) });

// a small seeded generator (mulberry32)
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  NaN, Infinity, -Infinity, -0, 0, -1, 1, 2, 3, 0.5, -0.5, 1e-300, 5e-324, 1e300, 2 ** 53, 2 ** 53 - 1, 2 ** 60, -(2 ** 31), 2 ** 32,
  1e6, 513, 100001, "1", "abc", "", null, undefined, true, false, {}, [], [1, 2], { h: 0 }, () => 1, Symbol("s"), 10n,
  new Float64Array(0), new Float64Array(3), new Float64Array([NaN, 1]), new Uint32Array([0, 99]), new Uint8Array(4), "svm", "softmax",
  { loss: "svn" }, { method: "adam" }, { stepsize: 1 }, { h: 1e-5, centered: "yes" }, { seed: -1 }, { normalize: 1 }, { batchSize: 0 },
  Object.create(null), new Date(0), /re/, new Map(),
];

// Every rejection message: at most 200 characters; it names its parameter first (`options.stepSize
// must …`, `hs[3] must …`, `series.xs and series.ys must …`), or is one of wasm-bindgen's own checks in
// the generated glue, before the facade runs (a class argument of the wrong class: "expected
// instance of Classifier"; a freed object: "null pointer passed to rust"); and it prints numbers
// as JS does, so no run of 20+ digits (Rust's {} prints 1e300 as 301 digits and
// f64::MIN_POSITIVE as 0.000…00022…).
const NAMES_PARAMETER = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*|\[\d+\])* (must|has|may|could|needs|is|and)\b/;
const GLUE_CHECK = /^(expected instance of [A-Z][A-Za-z]+|null pointer passed to rust)$/;
function checkMessage(m, where) {
  assert.ok(m.length <= 200, `${where}: message longer than 200 characters (${m.length}): ${m.slice(0, 120)}…`);
  assert.ok(NAMES_PARAMETER.test(m) || GLUE_CHECK.test(m), `${where}: message names no parameter: ${m.slice(0, 200)}`);
  assert.ok(!/\d{20}/.test(m), `${where}: message has a run of 20+ digits: ${m.slice(0, 200)}`);
}

// a chart transform as drawChart returns it
const TRANSFORM = { left: 50, top: 10, width: 400, height: 200, xMin: -2, xMax: 2, yMin: 0, yMax: 10, logX: false, logY: true };

test("10,000+ hostile calls: no trap, every rejection an Error with a message, module still right", () => {
  const rand = rng(20261128);
  const pick = () => HOSTILE[Math.floor(rand() * HOSTILE.length)];
  const args = (n) => Array.from({ length: n }, pick);
  const toy = L.Dataset.toy(0);
  const clf = new L.Classifier(toy, { loss: "svm" });
  const land = new L.Landscape(clf, { seed: 1 });
  const sland = new L.Landscape(new L.Classifier(toy, { loss: "softmax" }), { seed: 2 }); // a picture run's
  const stepper = new L.GradientStepper(clf, {});
  const opt = new L.Optimizer(clf, { method: "gd", stepSize: 0.1 });
  const calls = [
    () => L.Dataset.toy(...args(1)),
    () => L.Dataset.spiral(...args(3)),
    () => L.Dataset.fromArrays(...args(4)),
    () => L.Dataset.digits(pick()),
    () => new L.Classifier(pick(), pick()),
    () => new L.Classifier(toy, pick()),
    () => clf.setWeights(pick()),
    () => clf.randomize(...args(2)),
    () => clf.setOptions(pick()),
    () => clf.lossWith(...args(3)),
    () => clf.numericalGradient(pick()),
    () => clf.gradCheck(pick()),
    () => clf.predictGrid(...args(5)),
    () => clf.exampleTerms(pick()),
    () => clf.slopesVersusH(...args(3)),
    () => clf.batchGradientScatter(...args(3)),
    () => new L.GradientStepper(pick(), pick()),
    () => new L.GradientStepper(clf, pick()),
    () => new L.Optimizer(clf, pick()),
    () => new L.Optimizer(pick(), { method: "gd" }),
    () => opt.run(pick()),
    () => new L.Landscape(clf, pick()),
    () => L.Landscape.through(clf, pick(), pick()),
    () => land.direction(pick()),
    () => land.lossAt(...args(2)),
    () => land.line(...args(2)),
    () => land.plane(...args(2)),
    () => land.planeRows(...args(4)),
    () => land.exampleLine(...args(3)),
    () => land.picture(...args(4)),
    () => sland.pictureStart(...args(2)),
    () => sland.pictureStep(...args(2)),
    () => sland.pictureFinish(pick()),
    () => land.project(pick()),
    () => L.Landscape.downhill(clf, pick()),
    () => L.Landscape.downhill(pick(), pick()),
    () => L.chartToData(pick(), ...args(2)),
    () => L.chartToData(TRANSFORM, ...args(2)),
    () => L.chartToPixel(pick(), ...args(2)),
    () => L.chartToPixel(TRANSFORM, ...args(2)),
    () => L.drawChart(pick(), pick()),
    () => L.drawHeatmap(...args(5)),
  ];
  let n = 0, rejected = 0;
  const messages = new Set();
  for (let round = 0; n < 10500; round++) {
    for (const call of calls) {
      n++;
      try {
        const r = call();
        if (r && typeof r.free === "function" && r !== clf && r !== toy) r.free();
      } catch (e) {
        assert.ok(!(e instanceof WebAssembly.RuntimeError), `call ${n} trapped the module: ${e}`);
        assert.ok(e instanceof Error, `call ${n} threw a non-Error: ${String(e)}`);
        assert.ok(e.message.length > 5, `call ${n}: empty message`);
        checkMessage(e.message, `call ${n}`);
        rejected++;
        messages.add(e.message.replace(/got .*/, "got …"));
      }
    }
    // keep the shared objects usable: a hostile setWeights may be accepted if it was valid
    if (round % 50 === 0) clf.randomize(round, 0.5);
  }
  assert.ok(n >= 10000 && rejected > n / 2, `${n} calls, ${rejected} rejected`);
  // a sample of messages names its parameter and the allowed range
  const text = [...messages].join("\n");
  for (const name of ["seed", "pointsPerClass", "bytes", "options", "weights", "span", "index", "row", "steps", "canvas"]) assert.match(text, new RegExp(name), `no message names ${name}`);
  assert.match(text, /must be an? (integer|number|finite number)|must be one of|unknown option/);

  // after the storm: correct values
  const fresh = new L.Classifier(L.Dataset.toy(0), { loss: "svm" });
  assert.equal(fresh.loss(), 2, "W = 0 on the toy set: SVM loss (C − 1)·Δ = 2");
  fresh.setOptions({ loss: "softmax" });
  assert.ok(Math.abs(fresh.loss() - Math.log(3)) < 1e-12, "softmax at W = 0 is log C");
  fresh.randomize(3, 1);
  const s = new L.GradientStepper(fresh, { h: 1e-5 });
  const r = s.step();
  assert.equal(r.slope, (r.fxPlusH - r.fx) / 1e-5);
  for (const o of [s, fresh, stepper, opt, land, clf, toy]) o.free();
});

test("freed and mixed-up objects throw Errors, not traps", () => {
  const d = L.Dataset.toy(0);
  const m = new L.Classifier(d, {});
  m.free();
  for (const f of [() => m.loss(), () => m.weights(), () => new L.GradientStepper(m, {}), () => new L.Landscape(m, {})]) {
    try {
      f();
      assert.fail("a freed classifier was used without an error");
    } catch (e) {
      assert.ok(e instanceof Error && !(e instanceof WebAssembly.RuntimeError), String(e));
      checkMessage(e.message, "freed classifier");
    }
  }
  for (const f of [() => new L.Classifier(new L.Classifier(d, {}), {}), () => new L.Optimizer(d, {})]) {
    assert.throws(f, (e) => e instanceof Error && !(e instanceof WebAssembly.RuntimeError) && (checkMessage(e.message, "mixed-up class"), true));
  }
  d.free();
});

test("caps are enforced with errors that name them", () => {
  const d = L.Dataset.toy(0);
  const m = new L.Classifier(d, {});
  const l = new L.Landscape(m, {});
  const o = new L.Optimizer(m, { method: "gd" });
  assert.throws(() => l.plane(1, 513), /size/);
  assert.throws(() => l.line(1, 10001), /points/);
  assert.throws(() => L.Dataset.spiral(10001, 3, 0), /pointsPerClass/);
  assert.throws(() => o.run(100001), /steps/);
  assert.throws(() => L.Dataset.fromArrays(new Float64Array(4097), new Uint32Array(1), 4097, 2), /dims/);
  // bounds and bad values printed as JS prints numbers; long bad values cut
  assert.throws(() => new L.Optimizer(m, { stepSize: 1e300 }), { message: "options.stepSize must be a number in [1e-300, 1000000], got 1e+300" });
  assert.throws(() => m.lossWith(0, 0, -1e200), { message: "value must be a number in [-1e+150, 1e+150], got -1e+200" });
  assert.throws(() => l.line(5e-324, 3), { message: "span must be a number in [1e-300, 1000000], got 5e-324" });
  assert.throws(() => new L.Classifier(d, { h: 1 }), { message: "options has an unknown option \"h\"; allowed: loss, reg, delta" });
  assert.throws(() => new L.Classifier(d, { loss: "x".repeat(5000) }), (e) => {
    checkMessage(e.message, "long string");
    return e.message.startsWith('options.loss must be one of svm, softmax, got the string "xxx');
  });
  assert.throws(() => new L.Classifier(d, { ["\u0001".repeat(5000)]: 1 }), (e) => (checkMessage(e.message, "long key"), true));
  for (const x of [o, l, m, d]) x.free();
});

test("throwing getters, Proxies and detached buffers fail as Errors and leave nothing busy", () => {
  const d = L.Dataset.toy(0);
  const m = new L.Classifier(d, { loss: "svm" });
  const w0 = m.weights();
  const boom = () => {
    throw new Error("boom from a getter");
  };
  const throwingOptions = new Proxy({}, { ownKeys: boom, get: boom, getOwnPropertyDescriptor: boom });
  const lengthThrows = new Proxy([1, 2, 3], { get: (t, k) => (k === "length" ? boom() : t[k]) });
  const itemThrows = [0, 0, 0];
  Object.defineProperty(itemThrows, 1, { get: boom });
  const detached = () => {
    const a = new Float64Array(w0.length);
    structuredClone(a.buffer, { transfer: [a.buffer] });
    return a; // its buffer is detached: length 0 to JS, but not a valid source either
  };
  const detachedBytes = () => {
    const a = new Uint8Array(8);
    structuredClone(a.buffer, { transfer: [a.buffer] });
    return a;
  };
  const calls = [
    () => new L.Classifier(d, throwingOptions),
    () => m.setOptions(throwingOptions),
    () => m.numericalGradient(throwingOptions),
    () => new L.GradientStepper(m, throwingOptions),
    () => new L.Optimizer(m, throwingOptions),
    () => new L.Landscape(m, throwingOptions),
    () => m.setWeights(lengthThrows),
    () => m.setWeights(itemThrows),
    () => m.setWeights(detached()),
    () => L.Dataset.fromArrays(lengthThrows, new Uint32Array(3), 1, 2),
    () => L.Dataset.fromArrays(new Float64Array(3), itemThrows, 1, 2),
    () => L.Dataset.fromArrays(detached(), new Uint32Array(9), 1, 2),
    () => L.Dataset.digits(detachedBytes()),
    () => L.Dataset.digits(new Proxy(new Uint8Array(8), { get: boom })), // instanceof Uint8Array, but a Proxy
  ];
  let errors = 0;
  // a few hundred of each: an exception unwinding through wasm would leak shadow stack each time
  for (let round = 0; round < 300; round++) {
    for (const f of calls) {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof Error && !(e instanceof WebAssembly.RuntimeError), `trap: ${e}`);
        assert.ok(e.message.length > 0);
        checkMessage(e.message, "throwing argument");
        errors++;
      }
    }
  }
  assert.ok(errors >= 300 * calls.length - 300 * 2, `most hostile calls must be rejected (${errors})`);
  // nothing is stuck "busy", and the values are still right
  assert.deepEqual(m.weights(), w0);
  const fresh = new L.Classifier(d, { loss: "svm" });
  fresh.setWeights(w0);
  assert.equal(m.loss(), fresh.loss());
  m.setWeights(new Float64Array(w0.length));
  assert.equal(m.loss(), 2); // W = 0: every margin is Δ = 1, C − 1 = 2 hinges per example
  for (const x of [fresh, m, d]) x.free();
});
