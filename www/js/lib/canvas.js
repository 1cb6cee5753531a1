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

/**
 * The page's scale for chart type and lines: the CSS custom property --chart-scale on the canvas
 * (1, or larger in presentation mode: lossland.css sets it under .present).
 */
export function chartScale(canvas) {
  const v = parseFloat(getComputedStyle(canvas).getPropertyValue("--chart-scale"));
  return Number.isFinite(v) && v >= 1 && v <= 4 ? v : 1;
}

/** A colour mixed toward black by `t` (0..1): thin lines drawn darker so they show on a projector. */
export function darken(hex, t = 0.3) {
  const m = /^#([0-9a-f]{6})$/i.exec(hex ?? "");
  if (!m) return hex;
  const n = parseInt(m[1], 16);
  const c = [16, 8, 0].map((k) => Math.round(((n >> k) & 255) * (1 - t)));
  return `#${c.map((x) => x.toString(16).padStart(2, "0")).join("")}`;
}

// Lines: every width is in CSS pixels, times devicePixelRatio and the page's chart scale; a thin
// line (width ≤ 1: per-example curves, reference lines) is drawn at least 2 px wide and 30 %
// darker, so a pale colour (yellow, light blue) still shows on a phone and a projector.
function lines(list, k) {
  return list?.map((s) => {
    const thin = (s.width ?? 2) <= 1;
    const width = Math.max(1, Math.min(40, Math.round(Math.max(thin ? 2 : 1, s.width ?? 2) * k)));
    return thin ? { ...s, width, color: darken(s.color) } : { ...s, width };
  });
}
function styled(spec, dpr, scale, cssWidth) {
  // a phone's narrow chart gets smaller type (down to 0.78×) so its title and labels fit
  const narrow = Math.min(1, Math.max(0.78, cssWidth / 520));
  const out = { fontPx: BASE_FONT * dpr * scale * narrow, ...spec };
  if (spec.series) out.series = lines(spec.series, dpr * Math.max(1, scale * 0.9));
  if (spec.paths) out.paths = lines(spec.paths, dpr * Math.max(1, scale * 0.9));
  if (spec.markers && scale > 1) out.markers = spec.markers.map((m) => ({ ...m, size: Math.round((m.size ?? 5) * scale) }));
  return out;
}

// A drawn chart is { transform, dpr }: `transform` is the plot area as Rust's drawChart /
// drawHeatmap returned it, and only Rust maps through it (chartToData), so pixel ↔ data has one
// owner. The section keeps the chart it drew; nothing is stored on the canvas element.

/** Draws a line chart (see drawChart in the README); returns the chart for eventToData. */
export function lineChart(L, canvas, spec) {
  const dpr = fitCanvas(canvas);
  return { transform: L.drawChart(canvas, styled(spec, dpr, chartScale(canvas), canvas.width / dpr)), dpr };
}

/** Draws a heat map with axes and colour bar; returns the chart for eventToData. */
export function heatMap(L, canvas, values, gw, gh, spec) {
  const dpr = fitCanvas(canvas);
  return { transform: L.drawHeatmap(canvas, values, gw, gh, styled(spec, dpr, chartScale(canvas), canvas.width / dpr)), dpr };
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
