// Draws a matrix (W, dW, relative errors) as a grid of coloured cells on a canvas, with the
// current cell highlighted, "not yet computed" cells hatched, and optional marks (kinks).
import { fitCanvas } from "./canvas.js";

/** Diverging colour for v on [−m, m]: blue below 0, white at 0, red above (blue–red: colour-blind safe). */
export function diverging(v, m) {
  const [r, g, b] = divergingRgb(v, m);
  return Number.isFinite(v) ? `rgb(${r},${g},${b})` : "#d9d9d9";
}

/** The same colour as [r, g, b] (0–255). */
function divergingRgb(v, m) {
  if (!Number.isFinite(v)) return [217, 217, 217];
  const t = Math.max(-1, Math.min(1, m > 0 ? v / m : 0));
  const lerp = (a, b, s) => Math.round(a + (b - a) * s);
  return t < 0 ? [lerp(255, 33, -t), lerp(255, 102, -t), lerp(255, 172, -t)] : [lerp(255, 214, t), lerp(255, 96, t), lerp(255, 77, t)];
}

let scratch = null; // a canvas the size of the grid, one pixel per cell (drawn scaled)

// Every cell's colour at once: one pixel per cell, scaled up to cw × ch blocks without smoothing
// (a grid of 10 × 257 cells, a CSV's W, took 38 ms of fillStyle and fillRect calls, cell by
// cell, on a busy core). Where the caller colours cells itself (opt.colors: CSS strings), cell by cell.
function paintCells(ctx, opt, values, rows, cols, left, top, cw, ch, m) {
  if (opt.colors || typeof document === "undefined") {
    for (let i = 0; i < rows * cols; i++) {
      ctx.fillStyle = opt.colors ? opt.colors(values[i], i) : diverging(values[i], m);
      ctx.fillRect(left + (i % cols) * cw, top + Math.floor(i / cols) * ch, cw, ch);
    }
    return;
  }
  scratch ??= document.createElement("canvas");
  if (scratch.width !== cols || scratch.height !== rows) {
    scratch.width = cols;
    scratch.height = rows;
  }
  const img = new ImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const [r, g, b] = divergingRgb(values[i], m);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  scratch.getContext("2d").putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, left, top, cols * cw, rows * ch);
  ctx.imageSmoothingEnabled = true;
}

/**
 * grid(canvas, { values, rows, cols, highlight: index, colors: (v, i) => css, marks: Uint8Array,
 *   dots: i => bool (a dot in the cell), rowLabel: r => text, colLabel: c => text, maxAbs })
 * Returns a function that maps a mouse event to the cell index (or −1).
 */
export function drawGrid(canvas, opt) {
  const dpr = fitCanvas(canvas);
  const ctx = canvas.getContext("2d");
  const { values, rows, cols } = opt;
  const W = canvas.width, H = canvas.height;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  const font = Math.round(12 * dpr);
  const left = opt.rowLabel ? font * 4.2 : 2 * dpr;
  const top = opt.colLabel ? font * 1.6 : 2 * dpr;
  const cw = Math.max(1, Math.floor((W - left - 2 * dpr) / cols));
  const ch = Math.max(1, Math.floor((H - top - 2 * dpr) / rows));
  let m = opt.maxAbs;
  if (!(m > 0)) {
    m = 0;
    for (const v of values) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  }
  ctx.font = `${font}px sans-serif`;
  ctx.textBaseline = "middle";
  paintCells(ctx, opt, values, rows, cols, left, top, cw, ch, m);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const v = values[i];
      const x = left + c * cw, y = top + r * ch;
      if (!Number.isFinite(v) && !opt.colors) {
        // not yet computed: hatch
        ctx.strokeStyle = "#bbb";
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(x, y + ch);
        ctx.lineTo(x + cw, y);
        ctx.stroke();
      }
      if (opt.marks && opt.marks[i]) {
        ctx.fillStyle = "#000";
        ctx.beginPath();
        const s = Math.min(cw, ch) * 0.45;
        ctx.moveTo(x + cw - s, y);
        ctx.lineTo(x + cw, y);
        ctx.lineTo(x + cw, y + s);
        ctx.fill();
      }
      if (opt.dots && opt.dots(i)) {
        // a dot in the cell's top-left corner (a learner's pick; the kink mark takes the top-right):
        // black with a white ring, visible on every cell colour; a small cell gets it centred
        const rad = Math.min(Math.max(2.5 * dpr, Math.min(cw, ch) * 0.16), Math.min(cw, ch) / 2);
        const corner = Math.min(cw, ch) >= 6 * rad;
        ctx.beginPath();
        ctx.arc(corner ? x + rad + 3 * dpr : x + cw / 2, corner ? y + rad + 3 * dpr : y + ch / 2, rad, 0, 2 * Math.PI);
        ctx.fillStyle = "#000";
        ctx.fill();
        ctx.lineWidth = Math.max(1, dpr);
        ctx.strokeStyle = "#fff";
        ctx.stroke();
      }
      if (opt.showValues && cw > font * 3.2 && Number.isFinite(v)) {
        ctx.fillStyle = "#000";
        ctx.textAlign = "center";
        ctx.fillText(opt.showValues(v), x + cw / 2, y + ch / 2);
      }
    }
  }
  // grid lines when cells are large enough
  if (cw >= 6 * dpr) {
    ctx.strokeStyle = "rgba(0,0,0,0.15)";
    ctx.lineWidth = 1;
    for (let r = 0; r <= rows; r++) {
      ctx.beginPath();
      ctx.moveTo(left, top + r * ch + 0.5);
      ctx.lineTo(left + cols * cw, top + r * ch + 0.5);
      ctx.stroke();
    }
    for (let c = 0; c <= cols; c++) {
      ctx.beginPath();
      ctx.moveTo(left + c * cw + 0.5, top);
      ctx.lineTo(left + c * cw + 0.5, top + rows * ch);
      ctx.stroke();
    }
  }
  if (opt.highlight !== undefined && opt.highlight >= 0 && opt.highlight < rows * cols) {
    const r = Math.floor(opt.highlight / cols), c = opt.highlight % cols;
    ctx.strokeStyle = "#000";
    ctx.lineWidth = Math.max(2, 3 * dpr);
    ctx.strokeRect(left + c * cw - 1, top + r * ch - 1, cw + 2, ch + 2);
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 1;
    ctx.strokeRect(left + c * cw + 1.5 * dpr, top + r * ch + 1.5 * dpr, cw - 3 * dpr, ch - 3 * dpr);
  }
  ctx.fillStyle = "#222";
  ctx.textAlign = "right";
  if (opt.rowLabel) for (let r = 0; r < rows; r++) ctx.fillText(opt.rowLabel(r), left - 4 * dpr, top + r * ch + ch / 2);
  ctx.textAlign = "center";
  if (opt.colLabel) {
    // as many columns apart as the widest label (the last index's) and a gap of half a font need
    const widest = Math.max(ctx.measureText(opt.colLabel(0)).width, ctx.measureText(opt.colLabel(Math.max(0, cols - 2))).width);
    const every = Math.max(1, Math.ceil((widest + font / 2) / cw));
    // every `every`-th column and always the last (the bias, "b"): a label closer than
    // `every` columns to the last one is left out, so the two never overlap
    for (let c = 0; c < cols - 1; c += every) if (cols - 1 - c >= every) ctx.fillText(opt.colLabel(c), left + c * cw + cw / 2, top / 2);
    ctx.fillText(opt.colLabel(cols - 1), left + (cols - 1) * cw + cw / 2, top / 2);
  }
  return (ev) => {
    const rect = canvas.getBoundingClientRect();
    const px = (ev.clientX - rect.left) * dpr, py = (ev.clientY - rect.top) * dpr;
    const c = Math.floor((px - left) / cw), r = Math.floor((py - top) / ch);
    return r >= 0 && r < rows && c >= 0 && c < cols ? r * cols + c : -1;
  };
}

/** Column label of W: x₀, x₁, … and "b" for the bias column. */
export const colName = (cols) => (c) => (c === cols - 1 ? "b" : `x${c}`);
