// W shown the way a learner wants to see it: for digits the ten 8×8 class templates, for
// 2-D data the decision regions under the points.
import { fitCanvas, CLASS_COLORS } from "./canvas.js";
import { diverging, drawGrid, colName } from "./matrix.js";
import { fmt } from "./format.js";

/** The ten rows of W (64 pixel weights each, bias dropped) as 8×8 images. */
export function drawTemplates(canvas, w, rows, cols) {
  const dpr = fitCanvas(canvas);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const per = Math.min(Math.floor(canvas.width / rows), canvas.height - 20 * dpr);
  const cell = Math.max(1, Math.floor((per - 6 * dpr) / 8));
  ctx.font = `${Math.round(13 * dpr)}px sans-serif`;
  ctx.textAlign = "center";
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let k = 0; k < 64; k++) m = Math.max(m, Math.abs(w[r * cols + k]));
    const x0 = r * per + 3 * dpr, y0 = 3 * dpr;
    for (let k = 0; k < 64; k++) {
      ctx.fillStyle = diverging(w[r * cols + k], m);
      ctx.fillRect(x0 + (k % 8) * cell, y0 + Math.floor(k / 8) * cell, cell, cell);
    }
    ctx.strokeStyle = "#888";
    ctx.strokeRect(x0, y0, cell * 8, cell * 8);
    ctx.fillStyle = "#222";
    ctx.fillText(String(r), x0 + cell * 4, y0 + cell * 8 + 13 * dpr);
  }
}

function hexToRgb(h) {
  return [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
}

/** Decision regions of a 2-D classifier (light class colours) with the data points. */
export function drawRegions(canvas, clf, features, labels) {
  const dpr = fitCanvas(canvas);
  const ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < labels.length; i++) {
    x0 = Math.min(x0, features[2 * i]); x1 = Math.max(x1, features[2 * i]);
    y0 = Math.min(y0, features[2 * i + 1]); y1 = Math.max(y1, features[2 * i + 1]);
  }
  const padX = (x1 - x0) * 0.15 + 0.1, padY = (y1 - y0) * 0.15 + 0.1;
  x0 -= padX; x1 += padX; y0 -= padY; y1 += padY;
  const size = 96;
  const pred = clf.predictGrid(x0, x1, y0, y1, size);
  const img = ctx.createImageData(W, H);
  const light = CLASS_COLORS.map((c) => hexToRgb(c).map((v) => Math.round(v * 0.35 + 255 * 0.65)));
  for (let py = 0; py < H; py++) {
    const gy = size - 1 - Math.min(size - 1, Math.floor((py * size) / H));
    for (let px = 0; px < W; px++) {
      const gx = Math.min(size - 1, Math.floor((px * size) / W));
      const c = light[pred[gy * size + gx] % light.length];
      const o = (py * W + px) * 4;
      img.data[o] = c[0]; img.data[o + 1] = c[1]; img.data[o + 2] = c[2]; img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  const toPx = (x, y) => [((x - x0) / (x1 - x0)) * W, ((y1 - y) / (y1 - y0)) * H];
  const r = Math.max(3, 4 * dpr);
  for (let i = 0; i < labels.length; i++) {
    const [px, py] = toPx(features[2 * i], features[2 * i + 1]);
    ctx.beginPath();
    ctx.arc(px, py, labels.length > 50 ? r * 0.75 : r * 1.4, 0, 2 * Math.PI);
    ctx.fillStyle = CLASS_COLORS[labels[i] % CLASS_COLORS.length];
    ctx.fill();
    ctx.lineWidth = Math.max(1, dpr);
    ctx.strokeStyle = "#000";
    ctx.stroke();
  }
}

/** Draws W the best way for the data set: templates (digits), regions (2-D), else nothing. */
export function drawW(canvas, clf, dataset, features, labels) {
  if (dataset.name === "digits") drawTemplates(canvas, clf.weights(), clf.rows, clf.cols);
  else if (dataset.dims === 2) drawRegions(canvas, clf, features, labels);
  else return false;
  return true;
}

/**
 * W the way a learner wants to see it: digits → ten 8×8 templates, 2-D data → decision
 * regions with the points, otherwise (iris) the C × (D + 1) grid of weights. `points` is the
 * caller's cache of the data set's features and labels (an object it keeps; filled here).
 */
export function drawWeights(canvas, clf, ds, points) {
  const kind = ds.name === "digits" ? "templates" : ds.dims === 2 ? "regions" : "grid";
  if (canvas.className !== kind) canvas.className = kind;
  if (kind === "grid") {
    drawGrid(canvas, { values: clf.weights(), rows: clf.rows, cols: clf.cols, rowLabel: (r) => `class ${r}`, colLabel: colName(clf.cols), showValues: (v) => fmt(v, 2) });
    return "the weights (blue < 0 < orange; columns x0…x3 and the bias b)";
  }
  if (points.ds !== ds) Object.assign(points, { ds, features: ds.features(), labels: ds.labels() });
  drawW(canvas, clf, ds, points.features, points.labels);
  return kind === "templates" ? "each class's row of W as an 8×8 image (red: evidence for the class, blue: against)" : "the class W predicts at each point of the plane (light colours) under the data";
}
