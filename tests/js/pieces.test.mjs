// jobs.js's pieces (www/js/lib/jobs.js plane): a job on the page's thread stops every
// ctx.budget ms of work, and sizes its pieces by the ms per unit (a row, or an example of a
// softmax picture) the previous job measured. Here the clock is a fake one that each unit of
// work advances by a fixed cost, so the sizes are exact, not timings: no piece may go far past
// the budget, including the first piece of the next grid after a short last piece (whose rate
// was once divided by the units asked, not done: 10× too large a first piece, 130 ms tasks).
import { test } from "node:test";
import assert from "node:assert/strict";

let clock = 0;
globalThis.performance = { now: () => clock };
const { plane } = await import("../../www/js/lib/jobs.js");

/** A landscape of n examples whose picture runs cost `ms` fake ms per example (rows: per row). */
function fakeLand(n, ms) {
  let left = 0, id = 0;
  return {
    pictureStart: () => { left = n; return ++id; },
    pictureStep: (i, k) => { if (i !== id) return -1; const d = Math.min(k, left); clock += d * ms; left -= d; return left; },
    pictureFinish: () => new Float64Array(16),
    lossAt: () => 1,
  };
}
const ctx = (pieces) => ({ budget: 20, pieces, pause: async () => true });

test("picture runs: every piece within the budget (+ one example), the next grid's first too", async () => {
  for (const [n, ms] of [[1797, 0.007], [5000, 0.027], [5000, 0.3], [37, 1.5]]) {
    const land = fakeLand(n, ms);
    for (let grid = 0; grid < 4; grid++) {
      const pieces = [];
      const r = await plane(ctx(pieces), { land, span: 3, size: 4, colour: true });
      assert.ok(r && r.picture, "a picture");
      for (const p of pieces) assert.ok(p <= 20 + ms + 1e-9, `${n} examples at ${ms} ms: a piece of ${p.toFixed(2)} ms (grid ${grid}, pieces ${pieces.map((x) => x.toFixed(1))})`);
      if (grid > 0 && n * ms > 25) assert.ok(pieces.length <= Math.ceil((n * ms) / 20) + 2, `${n} × ${ms}: ${pieces.length} pieces for ${(n * ms).toFixed(0)} ms of work`);
    }
  }
});

test("rows (SVM, f64 plane): the same, and a short last row piece does not inflate the next grid's first", async () => {
  let rowMs = 3;
  const land = {
    pictureStart: () => 0,
    picture: (s, size, a, b) => { clock += (b - a) * rowMs; return new Float64Array((b - a) * size); },
    planeRows: (s, size, a, b) => { clock += (b - a) * rowMs; return new Float64Array((b - a) * size); },
    lossAt: () => 1,
  };
  for (let grid = 0; grid < 4; grid++) {
    const pieces = [];
    const r = await plane(ctx(pieces), { land, span: 3, size: 23, colour: true }); // 69 ms of rows
    assert.ok(r && r.values.length === 23 * 23);
    for (const p of pieces) assert.ok(p <= 20 + rowMs + 1e-9, `grid ${grid}: a piece of ${p} ms (${pieces})`);
  }
});
