// A loss slice for the optimisation sections: a heat map of L(W0 + a·W1 + b·W2) computed in
// the compute Worker (compute.js), or in pieces where none runs (so the page never
// freezes), with a path and markers drawn over it, that grows its span to keep a moving point
// in view.
import { plane, jobKey } from "./compute.js";
import { heatMap } from "./canvas.js";
import { fmt } from "./format.js";

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
    this.shown = null; // { values, span, lo, hi }
    this.span = 1;
    this.maxSpan = L.limits().maxSpan;
    this.chart = null; // the last drawn chart (for eventToData)
    this.key = jobKey("slice"); // a newer grid of this slice supersedes the older
    this.source = null; // { dataset, options } the landscape was made on (for the Worker)
  }

  /**
   * Starts computing the grid for `land` over [−span, span]²; resolves when drawn (or
   * cancelled). `from` { dataset, clf }: the data set and classifier `land` was made from, so
   * the grid can be computed in the Worker (without it, on the main thread in pieces).
   */
  async setLandscape(land, span, from = null) {
    this.land = land;
    this.source = from ? { dataset: from.dataset, options: from.clf.options() } : null;
    this.shown = null;
    return this.compute(span);
  }

  async compute(span) {
    const my = ++this.gen;
    this.span = span;
    const land = this.land;
    const src = this.source ?? {};
    try {
      // colour: the values may be the fast picture (colour only); lo and hi, the colour bar's
      // ends, are f64
      const got = await plane({ key: this.key, dataset: src.dataset, options: src.options, land, span, size: this.size, colour: true, isStale: () => my !== this.gen || land !== this.land });
      if (!got || my !== this.gen) return;
      this.shown = { values: got.values, span, lo: got.lo, hi: got.hi };
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
      ...(Number.isFinite(this.shown.lo) && Number.isFinite(this.shown.hi) && this.shown.lo < this.shown.hi ? { lo: this.shown.lo, hi: this.shown.hi } : {}),
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
