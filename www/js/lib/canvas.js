// Canvas helpers: HiDPI backing stores, and thin wrappers over the wasm chart functions
// that scale fonts by devicePixelRatio and map mouse events back to data coordinates.

/** Sizes the canvas backing store to its CSS box × devicePixelRatio; returns the ratio. */
export function fitCanvas(canvas) {
  const dpr = Math.min(3, Math.max(1, window.devicePixelRatio || 1));
  const rect = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round((rect.width || canvas.clientWidth || 300) * dpr));
  const h = Math.max(1, Math.round((rect.height || canvas.clientHeight || 150) * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  return dpr;
}

const BASE_FONT = 14;

/** Draws a line chart (see drawChart in the README) and returns its transform. */
export function lineChart(L, canvas, spec) {
  const dpr = fitCanvas(canvas);
  const t = L.drawChart(canvas, { fontPx: BASE_FONT * dpr, ...spec });
  canvas._transform = { ...t, dpr };
  return canvas._transform;
}

/** Draws a heat map with axes and colour bar and returns its transform. */
export function heatMap(L, canvas, values, gw, gh, spec) {
  const dpr = fitCanvas(canvas);
  const t = L.drawHeatmap(canvas, values, gw, gh, { fontPx: BASE_FONT * dpr, ...spec });
  canvas._transform = { ...t, dpr };
  return canvas._transform;
}

/** Data coordinates of a mouse event on a canvas drawn by lineChart/heatMap, or null outside the plot. */
export function eventToData(canvas, ev) {
  const t = canvas._transform;
  if (!t) return null;
  const rect = canvas.getBoundingClientRect();
  const px = (ev.clientX - rect.left) * t.dpr;
  const py = (ev.clientY - rect.top) * t.dpr;
  if (px < t.left || px > t.left + t.width || py < t.top || py > t.top + t.height) return null;
  let x = t.xMin + ((px - t.left) / t.width) * (t.xMax - t.xMin);
  let y = t.yMax - ((py - t.top) / t.height) * (t.yMax - t.yMin);
  if (t.logX) x = 10 ** x;
  if (t.logY) y = 10 ** y;
  return { x, y };
}

/** Pixel position (backing-store pixels) of a data point on a drawn chart. */
export function dataToPixel(canvas, x, y) {
  const t = canvas._transform;
  if (t.logX) x = Math.log10(x);
  if (t.logY) y = Math.log10(y);
  return {
    x: t.left + ((x - t.xMin) / (t.xMax - t.xMin)) * t.width,
    y: t.top + ((t.yMax - y) / (t.yMax - t.yMin)) * t.height,
  };
}

/** True if the canvas has any pixel that differs from its top-left pixel. */
export function isDrawn(canvas) {
  const ctx = canvas.getContext("2d");
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  for (let i = 4; i < data.length; i += 4 * 7) {
    if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) return true;
  }
  return false;
}

/** Colour-blind-safe class colours (Okabe–Ito). */
export const CLASS_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999", "#882255"];
export const PALETTE = { blue: "#0072B2", orange: "#E69F00", green: "#009E73", pink: "#CC79A7", sky: "#56B4E9", red: "#D55E00", grey: "#777777", black: "#000000" };
