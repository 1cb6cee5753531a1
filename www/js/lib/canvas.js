// Canvas helpers: HiDPI backing stores, and thin wrappers over the wasm chart functions that
// scale fonts by devicePixelRatio and map mouse events back to data coordinates (through Rust).

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

// A drawn chart is { transform, dpr }: `transform` is the plot area as Rust's drawChart /
// drawHeatmap returned it, and only Rust maps through it (chartToData), so pixel ↔ data has one
// owner. The section keeps the chart it drew; nothing is stored on the canvas element.

/** Draws a line chart (see drawChart in the README); returns the chart for eventToData. */
export function lineChart(L, canvas, spec) {
  const dpr = fitCanvas(canvas);
  return { transform: L.drawChart(canvas, { fontPx: BASE_FONT * dpr, ...spec }), dpr };
}

/** Draws a heat map with axes and colour bar; returns the chart for eventToData. */
export function heatMap(L, canvas, values, gw, gh, spec) {
  const dpr = fitCanvas(canvas);
  return { transform: L.drawHeatmap(canvas, values, gw, gh, { fontPx: BASE_FONT * dpr, ...spec }), dpr };
}

/** Data coordinates { x, y } of a mouse event on `chart` (drawn on `canvas`), or null outside the plot. */
export function eventToData(L, chart, canvas, ev) {
  if (!chart) return null;
  const rect = canvas.getBoundingClientRect();
  return L.chartToData(chart.transform, (ev.clientX - rect.left) * chart.dpr, (ev.clientY - rect.top) * chart.dpr) ?? null;
}

/** Colour-blind-safe class colours (Okabe–Ito). */
export const CLASS_COLORS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999", "#882255"];
export const PALETTE = { blue: "#0072B2", orange: "#E69F00", green: "#009E73", pink: "#CC79A7", sky: "#56B4E9", red: "#D55E00", grey: "#777777", black: "#000000" };
