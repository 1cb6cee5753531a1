// Pieces shared by the optimisation sections (2, 3, 6, 7, 8): step sizes that work on each
// data set, sliders over log-spaced values, W drawn for any data set, a loss slice that
// grows to keep a path in view, and a redraw that runs at most once per animation frame.
import { el, nextId } from "./ui.js";
import { heatMap } from "./canvas.js";
import { drawW } from "./views.js";
import { drawGrid, colName } from "./wgrid.js";
import { planeChunked } from "../sections/plane.js";
import { fmt } from "./format.js";

/**
 * Hyperparameters that give a readable run on each data set (measured with seed 1, reg 0):
 * rsScale: std of random search's W; lsStep: random local search's step; gdStep: a good
 * learning rate; trio: too small / good / too large learning rates for 60 steps.
 */
const TUNING = {
  toy: { rsScale: 1, lsStep: 0.1, gdStep: 0.1, trio: [1e-3, 0.1, 100] },
  spiral: { rsScale: 1, lsStep: 0.05, gdStep: 0.5, trio: [1e-3, 0.5, 100] },
  iris: { rsScale: 1, lsStep: 0.05, gdStep: 0.01, trio: [1e-4, 0.01, 1] },
  digits: { rsScale: 0.01, lsStep: 0.01, gdStep: 0.1, trio: [1e-3, 0.1, 100] },
};
export const tuning = (name) => TUNING[name] ?? TUNING.digits;

/** 1, 2, 5, 10, 20, 50, … from 10^minExp to 10^maxExp (both included). */
export function niceLogValues(minExp, maxExp) {
  const out = [];
  for (let k = minExp; k <= maxExp; k++) for (const m of [1, 2, 5]) if (k < maxExp || m === 1) out.push(Number((m * 10 ** k).toPrecision(3)));
  return out;
}

/** 1, 2, 4, … up to n, and n itself. */
export function powersOfTwoUpTo(n) {
  const out = [];
  for (let v = 1; v < n; v *= 2) out.push(v);
  out.push(n);
  return out;
}

/** A labelled slider over a list of values (a log scale when the values are log-spaced). */
export function choiceSlider({ label, values, value, format = (v) => fmt(v), onInput }) {
  values = [...values];
  const id = nextId("cs");
  const nearest = (v) => {
    let best = 0;
    for (let i = 1; i < values.length; i++) if (Math.abs(Math.log(values[i] / v)) < Math.abs(Math.log(values[best] / v))) best = i;
    return best;
  };
  const input = el("input", { id, type: "range", min: 0, max: values.length - 1, step: 1, value: nearest(value) });
  const out = el("output", { for: id, class: "value" });
  const show = () => {
    const t = format(values[Number(input.value)]);
    out.textContent = t;
    input.setAttribute("aria-valuetext", t);
  };
  show();
  input.addEventListener("input", () => {
    show();
    onInput?.(values[Number(input.value)]);
  });
  const wrap = el("div", { class: "control" }, el("label", { for: id }, label), input, out);
  return {
    wrap,
    input,
    get value() { return values[Number(input.value)]; },
    set(v) { input.value = nearest(v); show(); },
    /** Replaces the list of values and picks the one nearest `v`. */
    setValues(list, v) { values = [...list]; input.max = values.length - 1; input.value = nearest(v); show(); },
  };
}

/** Calls `draw` at most once per animation frame however often `request()` is called. */
export function frameDrawer(draw) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  };
}

/**
 * W the way a learner wants to see it: digits → ten 8×8 templates, 2-D data → decision
 * regions with the points, otherwise (iris) the C × (D + 1) grid of weights.
 */
export function drawWeights(canvas, clf, ds) {
  const kind = ds.name === "digits" ? "templates" : ds.dims === 2 ? "regions" : "grid";
  if (canvas.dataset.kind !== kind) {
    canvas.className = kind;
    canvas.dataset.kind = kind;
  }
  if (kind === "grid") {
    drawGrid(canvas, { values: clf.weights(), rows: clf.rows, cols: clf.cols, rowLabel: (r) => `class ${r}`, colLabel: colName(clf.cols), showValues: (v) => fmt(v, 2) });
    return "the weights (blue < 0 < orange; columns x0…x3 and the bias b)";
  }
  if (!canvas._cache || canvas._cache.ds !== ds) canvas._cache = { ds, features: ds.features(), labels: ds.labels() };
  drawW(canvas, clf, ds, canvas._cache.features, canvas._cache.labels);
  return kind === "templates" ? "each class's row of W as an 8×8 image (red: evidence for the class, blue: against)" : "the class W predicts at each point of the plane (light colours) under the data";
}

const MAX_SPAN = 1e6; // Landscape's limit on span (limits().maxSpan)

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
    if (m > 0.9 * this.span && this.span < MAX_SPAN) this.compute(Math.min(MAX_SPAN, m * 1.6));
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
    heatMap(this.L, this.canvas, this.shown.values, this.size, this.size, {
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

/** A y range [0, top] for loss curves (losses are ≥ 0); [0, 1] when every value is 0. */
export function lossRange(...lists) {
  let m = 0;
  for (const ys of lists) for (const v of ys) if (Number.isFinite(v)) m = Math.max(m, v);
  return [0, m > 0 ? Math.min(m * 1.08, 1e300) : 1];
}

/**
 * The y axis for loss curves: linear from 0, or logarithmic once a loss has grown past
 * 20× the first one (a blow-up would otherwise flatten everything else).
 */
export function lossAxis(...lists) {
  const first = lists.find((ys) => ys.length)?.[0];
  let m = 0;
  for (const ys of lists) for (const v of ys) if (Number.isFinite(v)) m = Math.max(m, v);
  return first > 0 && m > 20 * first ? { logY: true, note: " (log scale)" } : { logY: false, yRange: lossRange(...lists), note: "" };
}

/** An x range that covers a bounded history: from its first x to at least `min` beyond it. */
export function stepRange(h, min = 10) {
  const x0 = h.length ? h.xs[0] : 0;
  const x1 = h.length ? h.xs[h.length - 1] : 0;
  return [x0, Math.max(x0 + min, x1)];
}

/** A caption for a heat map's span. */
export const spanText = (slice) => (slice.shown ? `a and b from −${fmt(slice.shown.span)} to ${fmt(slice.shown.span)}` : "computing the slice…");
