// www/js/lib/axes.js's clipped axis and its "↑ went off the top" markers, on hand-worked curves.
import { test } from "node:test";
import assert from "node:assert/strict";
import { clippedLossAxis, sideBySide } from "../../www/js/lib/axes.js";

test("clippedLossAxis: the top at twice the largest start; each run of clipped points marked once, at its first point", () => {
  // starts 2 and 1.5 → top 4; the second curve leaves at steps 1 and 4, NaN counts as off the top
  const ax = clippedLossAxis([[2, 1, 0.5, 0.4, 0.3], [1.5, 5, 9, 3, NaN]]);
  assert.deepEqual(ax.yRange, [0, 4]);
  assert.equal(ax.clipped, true);
  assert.deepEqual(ax.clip([1.5, 5, 9, 3, NaN]), { ys: [1.5, 4, 4, 3, 4], off: [1, 4] });
  assert.deepEqual(ax.clip([2, 1, 0.5, 0.4, 0.3]).off, []);
  // nothing above twice the start: the top is 8 % above the largest value, nothing clipped
  const calm = clippedLossAxis([[2, 1], [3, 2.5]]);
  assert.equal(calm.clipped, false);
  assert.ok(Math.abs(calm.yRange[1] - 3.24) < 1e-12);
});

test("sideBySide: markers at the same x are set dx apart, to the right or, past xMax, to the left; others unchanged", () => {
  const m = (x, color) => ({ x, y: 4, color });
  const input = [m(1, "a"), m(1, "b"), m(3, "a"), m(1, "c"), m(60, "a"), m(60, "b")];
  const out = sideBySide(input, 0.5, 60);
  assert.deepEqual(out.map((p) => p.x), [1, 1.5, 3, 2, 60, 59.5]);
  assert.deepEqual(out.map((p) => p.color), ["a", "b", "a", "c", "a", "b"]);
  assert.deepEqual(input.map((p) => p.x), [1, 1, 3, 1, 60, 60], "the markers given were changed");
  assert.equal(out[0], input[0], "a marker alone at its x is returned as it is");
});
