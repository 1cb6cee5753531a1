// GradientStepper.steps / check against the built package: where no Worker starts, the gradient
// check comes a few coordinates at a time (www/js/lib/jobs.js gradCheck), and in the Worker it
// can then be held or replaced between pieces. Whatever the pieces, the result equals
// `classifier.gradCheck` bit for bit (whose numbers tests/gradcheck.rs checks against the
// numerical gradient and compare); jobs.js's gradCheck is that loop; bad input is a short error
// naming its parameter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

const L = await import("../../www/pkg/lossland.js");
await L.default({ module_or_path: await readFile(new URL("../../www/pkg/lossland_bg.wasm", import.meta.url)) });
const jobs = await import("../../www/js/lib/jobs.js");

const KEYS = ["relErrors", "numerical", "analytic", "verdicts", "kinks", "verdictNames", "verdictDecides"];
function assertSame(a, b, what) {
  for (const k of KEYS) {
    const x = Array.from(a[k]), y = Array.from(b[k]);
    assert.ok(x.length === y.length && x.every((v, i) => Object.is(v, y[i])), `${what}: ${k}`);
  }
  for (const k of ["maxRelError", "verdict", "roundOff", "roundOffMultiple", "roundOffLimit"]) assert.ok(Object.is(a[k], b[k]), `${what}: ${k}`);
}

test("a gradient check in pieces of coordinates equals the whole check, bit for bit", async () => {
  const data = L.Dataset.spiral(30, 3, 1); // 90 examples, 3 classes: W is 3 × 3
  for (const loss of ["svm", "softmax"]) {
    const clf = new L.Classifier(data, { loss, reg: 0.01 });
    clf.randomize(2, 0.5);
    for (const check of [{}, { h: 1e-4, centered: false, formula: "sum" }, { h: 1e-6, centered: true, formula: "max" }]) {
      const whole = clf.gradCheck(check);
      for (const piece of [1, 4, 9, 100]) {
        const { formula, ...rest } = check;
        const st = new L.GradientStepper(clf, { h: 1e-5, centered: true, ...rest });
        assert.throws(() => st.check({}), /every coordinate/, "a check before the last coordinate");
        let left = 9;
        while (left > 0) {
          const now = st.steps(piece);
          assert.equal(now, Math.max(0, left - piece), "coordinates left");
          left = now;
        }
        assertSame(st.check(formula === undefined ? {} : { formula }), whole, `${loss} ${JSON.stringify(check)}, pieces of ${piece}`);
        st.free();
      }
      // from another first coordinate (the order wraps round): each coordinate's slope is its own
      const { formula, ...rest } = check;
      const from5 = new L.GradientStepper(clf, { h: 1e-5, centered: true, ...rest, start: 5 });
      assert.equal(from5.steps(4), 5);
      assert.equal(from5.steps(100), 0);
      assertSame(from5.check(formula === undefined ? {} : { formula }), whole, `${loss} ${JSON.stringify(check)}, from coordinate 5`);
      from5.free();
    }
    // jobs.js's job (a first piece of 16 coordinates, then one a piece at a budget of 0 ms) on
    // a W of 8 × 3 = 24 coordinates
    const wideData = L.Dataset.spiral(10, 8, 1);
    const wide = new L.Classifier(wideData, { loss, reg: 0.01 });
    wide.randomize(3, 0.5);
    // the job's own classifier at wide's W (jobs.classifierAt, as both threads make it), counted
    let made = 0;
    const newClassifier = () => (made++, jobs.classifierAt(L, wideData, wide.options(), wide.weights()));
    for (const check of [{}, { h: 1e-4, centered: false, formula: "sum" }]) {
      const whole = wide.gradCheck(check);
      let pauses = 0;
      const r = await jobs.gradCheck({ L, budget: 0, pause: async () => (pauses++, true) }, { newClassifier, check });
      assertSame(r, whole, `${loss} ${JSON.stringify(check)}: jobs.gradCheck`);
      assert.equal(pauses, 8, "the job paused after the first 16 coordinates and after each of the other 8 but the last");
      // and a job told to stop returns null, the widget's classifier untouched
      const w = Array.from(wide.weights());
      assert.equal(await jobs.gradCheck({ L, budget: 0, pause: async () => false }, { newClassifier, check }), null);
      assert.deepEqual(Array.from(wide.weights()), w);
    }
    assert.equal(made, 4, "one fresh classifier a job");
  }
});

test("steps and check refuse bad input and a W changed under them, with short errors", () => {
  const clf = new L.Classifier(L.Dataset.spiral(10, 3, 1), { loss: "svm" });
  clf.randomize(1, 0.1);
  const st = new L.GradientStepper(clf, { centered: true });
  assert.throws(() => st.steps(0), /^Error: n must be an integer in 1\.\.=4294967295, got 0$/);
  assert.throws(() => st.steps("3"), /^Error: n must be an integer in 1\.\.=4294967295, got the string "3"$/);
  st.steps(1000);
  assert.throws(() => st.check({ formula: "mean" }), /formula/);
  assert.throws(() => st.check({ h: 1e-5 }), /h/);
  clf.setWeights(clf.weights()); // W set again: the stepper's numbers may no longer be its
  assert.throws(() => st.check({}), /changed since this GradientStepper was created/);
  st.free();
});
