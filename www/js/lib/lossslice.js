// A loss slice for the optimisation sections: a heat map of L(W0 + a·W1 + b·W2) computed in
// chunks of rows (so the page never freezes), with a path and markers drawn over it, that grows
// its span to keep a moving point in view.
import { nextTurn } from "./ui.js";
import { heatMap } from "./canvas.js";
import { fmt } from "./format.js";

/**
 * Computes a size × size plane in chunks (about 8 ms of work each), each chunk in a turn of
 * the page's queue (nextTurn: other sections' work and painting come in between); `isStale()`
 * cancels. Returns the values or null when cancelled; `stats.work`, if
 * given, receives the milliseconds spent computing (the waits between chunks left out).
 */
export async function planeChunked(land, span, size, isStale, stats = {}) {
  const out = new Float64Array(size * size);
  let r = 0, rowsPerChunk = 1;
  stats.work = 0;
  while (r < size) {
    const t0 = performance.now();
    const end = Math.min(size, r + rowsPerChunk);
    out.set(land.planeRows(span, size, r, end), r * size);
    r = end;
    const dt = performance.now() - t0;
    stats.work += dt;
    rowsPerChunk = Math.max(1, Math.min(size, Math.round(rowsPerChunk * (8 / Math.max(0.5, dt)))));
    if (r < size) {
      await nextTurn();
      if (isStale()) return null;
    }
  }
  return out;
}

/**
 * A heat map of L(W0 + a·W1 + b·W2) with overlays. `fit(points)` widens the span (and
 * recomputes the grid in chunks) when a point leaves the central 90% of the view.
 */
export class Slice {
  constructor(L, canvas, { size = 40, onReady, onError } = {}) {
    this.L = L;
    this.onError = onError;
    this.canvas = canvas;
    this.size = size;
    this.onReady = onReady;
    this.gen = 0;
    this.shown = null; // { values, span }
    this.span = 1;
    this.maxSpan = L.limits().maxSpan;
    this.chart = null; // the last drawn chart (for eventToData)
  }

  /** Starts computing the grid for `land` over [−span, span]²; resolves when drawn (or cancelled). */
  async setLandscape(land, span) {
    this.land = land;
    this.shown = null;
    return this.compute(span);
  }

  async compute(span) {
    const my = ++this.gen;
    this.span = span;
    const land = this.land;
    try {
      const values = await planeChunked(land, span, this.size, () => my !== this.gen || land !== this.land);
      if (!values || my !== this.gen) return;
      this.shown = { values, span };
      this.onReady?.();
    } catch (e) {
      this.onError?.(e);
    }
  }

  /** Grows the view (up to the API's largest span) when a point [a, b] is near its edge. */
  fit(points) {
    let m = 0;
    for (const [a, b] of points) if (Number.isFinite(a) && Number.isFinite(b)) m = Math.max(m, Math.abs(a), Math.abs(b));
    if (m > 0.9 * this.span && this.span < this.maxSpan) this.compute(Math.min(this.maxSpan, m * 1.6));
  }

  /** Draws the latest finished grid with `spec` (title, labels, paths, markers); false if none yet. */
  draw(spec) {
    if (!this.shown) return false;
    const s = this.shown.span;
    const inside = (m) => Math.abs(m.x) <= s && Math.abs(m.y) <= s;
    const clip = (p) => {
      const xs = [], ys = [];
      for (let i = 0; i < p.xs.length; i++) {
        const ok = Math.abs(p.xs[i]) <= s && Math.abs(p.ys[i]) <= s;
        xs.push(ok ? p.xs[i] : NaN);
        ys.push(ok ? p.ys[i] : NaN);
      }
      return { ...p, xs, ys };
    };
    this.chart = heatMap(this.L, this.canvas, this.shown.values, this.size, this.size, {
      colorbarLabel: "loss",
      ...spec,
      xRange: [-s, s],
      yRange: [-s, s],
      paths: (spec.paths ?? []).map(clip),
      markers: (spec.markers ?? []).filter(inside),
    });
    return true;
  }
}

/** A caption for a slice's span. */
export const spanText = (slice) => (slice.shown ? `a and b from −${fmt(slice.shown.span)} to ${fmt(slice.shown.span)}` : "computing the slice…");
