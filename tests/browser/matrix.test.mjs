// The matrices drawn as grids of coloured cells (www/js/lib/matrix.js drawGrid: W, dW, the
// numerical gradient as it fills in). Every cell is checked at its centre against the diverging
// colour map worked out here (white at 0, to (33, 102, 172) at −max|v|, to (214, 96, 77) at
// +max|v|; grey (217, 217, 217) for a value not computed yet), for the shape of a CSV's W
// (10 × 257 cells: the cells are painted at once as one scaled image) and a small one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { siteSuite } from "./lib/sites.mjs";
import { assertClean } from "./lib/assert.mjs";

const suite = siteSuite();

function expected(v, m) {
  if (!Number.isFinite(v)) return [217, 217, 217];
  const t = Math.max(-1, Math.min(1, v / m));
  const to = t < 0 ? [33, 102, 172] : [214, 96, 77];
  return to.map((c) => Math.round(255 + (c - 255) * Math.abs(t)));
}

for (const [rows, cols, w, h] of [[10, 257, 1200, 300], [3, 5, 400, 200]]) {
  test(`drawGrid colours every cell of a ${rows} × ${cols} grid by value`, async () => {
    const log = await suite.open("");
    try {
      let s = 3;
      const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
      const values = Array.from({ length: rows * cols }, (_, i) => (i % 37 === 5 ? NaN : (rnd() - 0.5) * 6));
      const m = Math.max(...values.filter(Number.isFinite).map(Math.abs));
      const got = await log.page.evaluate(async ({ rows, cols, w, h, values }) => {
        const { drawGrid } = await import("./js/lib/matrix.js");
        const canvas = document.createElement("canvas");
        canvas.style.cssText = `width:${w}px;height:${h}px;display:block`;
        document.body.prepend(canvas);
        drawGrid(canvas, { values: values.map((v) => (v === null ? NaN : v)), rows, cols });
        const dpr = canvas.width / w;
        // the geometry drawGrid uses (no labels): 2 css px margins, whole pixels per cell
        const left = 2 * dpr, top = 2 * dpr;
        const cw = Math.max(1, Math.floor((canvas.width - left - 2 * dpr) / cols));
        const ch = Math.max(1, Math.floor((canvas.height - top - 2 * dpr) / rows));
        const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        const out = [];
        for (let i = 0; i < rows * cols; i++) {
          // the centre, or for a hatched (not computed) cell a quarter in from its top-left
          // corner (off the hatch, which runs from the bottom-left to the top-right corner)
          const f = Number.isFinite(values[i]) ? 0.5 : 0.25;
          const x = Math.floor(left + (i % cols) * cw + cw * f);
          const y = Math.floor(top + Math.floor(i / cols) * ch + ch * f);
          const at = 4 * (y * canvas.width + x);
          out.push([data[at], data[at + 1], data[at + 2]]);
        }
        canvas.remove();
        return out;
      }, { rows, cols, w, h, values: values.map((v) => (Number.isFinite(v) ? v : null)) });
      for (let i = 0; i < rows * cols; i++) {
        assert.deepEqual(got[i], expected(values[i], m), `cell ${i} (row ${Math.floor(i / cols)}, column ${i % cols}), value ${values[i]}`);
      }
      assertClean(log);
    } finally {
      await log.context.close();
    }
  });
}
