// Landscape.pictureStart / pictureStep / pictureFinish against the built package: the page's
// softmax landscape comes a few examples at a time (www/js/lib/jobs.js). Whatever the pieces,
// the picture equals `picture(span, size, 0, size)` bit for bit (that call is checked against a
// direct f64 loop in tests/picture.rs); a replaced run is refused; bad input is a short error
// naming its parameter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

const L = await import("../../www/pkg/lossland.js");
await L.default({ module_or_path: await readFile(new URL("../../www/pkg/lossland_bg.wasm", import.meta.url)) });

const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

test("a picture run in pieces of examples equals the whole picture, bit for bit", () => {
  const data = L.Dataset.spiral(40, 4, 3); // 160 examples, 4 classes
  const clf = new L.Classifier(data, { loss: "softmax", reg: 0.001 });
  clf.randomize(1, 0.5);
  const land = new L.Landscape(clf, { seed: 2 });
  for (const [span, size] of [[1, 16], [3, 64], [40, 37]]) {
    const whole = land.picture(span, size, 0, size);
    for (const piece of [1, 13, 159, 160, 1000]) {
      const id = land.pictureStart(span, size);
      assert.ok(id >= 1, "softmax: a run");
      let left = 160, steps = 0;
      while (left > 0) {
        const now = land.pictureStep(id, piece);
        assert.equal(now, Math.max(0, left - piece), `examples left after a piece of ${piece}`);
        left = now;
        steps++;
      }
      assert.equal(steps, Math.ceil(160 / piece));
      const got = land.pictureFinish(id);
      assert.ok(got instanceof Float64Array && same(got, whole), `span ${span}, size ${size}, pieces of ${piece}: not the whole picture`);
    }
  }
  // finishing early adds the examples left
  const id = land.pictureStart(3, 64);
  land.pictureStep(id, 5);
  assert.ok(same(land.pictureFinish(id), land.picture(3, 64, 0, 64)));
});

test("one run per landscape: a newer pictureStart replaces the older (-1), a finished run is gone", () => {
  const clf = new L.Classifier(L.Dataset.toy(0), { loss: "softmax" });
  clf.randomize(4, 0.5);
  const land = new L.Landscape(clf, { seed: 1 });
  const a = land.pictureStart(2, 8);
  const b = land.pictureStart(2, 8);
  assert.notEqual(a, b);
  assert.equal(land.pictureStep(a, 1), -1, "the replaced run");
  assert.throws(() => land.pictureFinish(a), { message: /^id must be this landscape's picture run \(\d+\), got \d+$/ });
  assert.ok(land.pictureStep(b, 1) >= 0);
  assert.ok(land.pictureFinish(b) instanceof Float64Array);
  assert.throws(() => land.pictureFinish(b), { message: /^id must be this landscape's picture run \(none is under way\), got \d+$/ });
  assert.equal(land.pictureStep(b, 1), -1);
});

test("no run for the SVM (its rows are cheap); a grid too flat for f32 sums finishes undefined", () => {
  const svm = new L.Landscape(new L.Classifier(L.Dataset.toy(0), { loss: "svm" }), { seed: 1 });
  assert.equal(svm.pictureStart(3, 16), 0);
  const clf = new L.Classifier(L.Dataset.spiral(15, 3, 2), { loss: "softmax", reg: 0.001 });
  clf.randomize(1, 0.01);
  const land = new L.Landscape(clf, { seed: 2 });
  const id = land.pictureStart(1e-300, 9); // range ~0: f32 sums cannot colour it within 1e-3
  assert.equal(land.pictureFinish(id), undefined);
});

test("bad input: short errors that name the parameter", () => {
  const clf = new L.Classifier(L.Dataset.toy(0), { loss: "softmax" });
  const land = new L.Landscape(clf, { seed: 1 });
  assert.throws(() => land.pictureStart(0, 16), { message: /^span must be a number in \[1e-300, 1000000\], got 0$/ });
  assert.throws(() => land.pictureStart(3, 513), { message: /^size must be an integer in 2\.\.=512, got 513$/ });
  const id = land.pictureStart(3, 16);
  assert.throws(() => land.pictureStep(id, 0), { message: /^examples must be an integer in 1\.\.=\d+, got 0$/ });
  assert.throws(() => land.pictureStep(0, 1), { message: /^id must be an integer in 1\.\.=\d+, got 0$/ });
  assert.throws(() => land.pictureStep(id, 1.5), { message: /^examples must be an integer/ });
  assert.ok(land.pictureStep(id, 100) === 0, "the run still works after the refusals");
});
