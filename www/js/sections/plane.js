// Section 1, the 2-D slice: L(W + a·W1 + b·W2) as a heat map with colour bar and a hover
// readout; computed in chunks of rows (a coarse grid first) so the page never freezes.
import { el, button, select, slider, checkbox, showError, clearError, nextTurn } from "../lib/ui.js";
import { heatMap, eventToData, PALETTE } from "../lib/canvas.js";
import { fmt, datasetName } from "../lib/format.js";

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

export function mount(host, ctx) {
  const L = ctx.L;
  const canvas = el("canvas", { class: "square", role: "img", "aria-label": "Heat map of the loss over two random directions" });
  const status = el("p", { class: "status", "aria-live": "polite" });
  const hover = el("p", { class: "readout", "aria-live": "off" }, "Hover over the map to read a, b and the loss.");
  const summary = el("p", { class: "readout" });
  let dirSeed = 0, clf = null, land = null, gen = 0, last = null;
  const cost = new Map(); // grid size → measured ms to compute it on the current landscape

  const span = slider({ label: "Span of a and b", min: 0.25, max: 10, step: 0.25, value: 3, format: (v) => `±${v}`, onInput: () => compute() });
  const res = select({ label: "Resolution", options: [["16", "16 × 16"], ["32", "32 × 32"], ["64", "64 × 64"], ["128", "128 × 128"]], value: "64", onChange: () => compute() });
  const norm = checkbox({ label: "Filter-normalised directions", checked: false, onChange: () => rebuild() });
  const newDir = button("New directions", () => { dirSeed += 1; rebuild(); });
  host.append(el("h3", {}, "Two directions: L(W + a·W1 + b·W2)"), el("div", { class: "controls" }, newDir, span.wrap, res.wrap, norm.wrap), canvas, hover, summary, status);

  function rebuild() {
    clf?.free(); land?.free();
    clf = ctx.classifier();
    land = new L.Landscape(clf, { seed: ctx.settings.seed * 1000 + 500 + dirSeed, normalize: norm.checked });
    cost.clear();
    return compute();
  }

  function draw(values, size) {
    const s = span.value;
    let lo = Infinity, hi = -Infinity;
    for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    heatMap(L, canvas, values, size, size, {
      title: `${datasetName(ctx.dataset())}, ${ctx.settings.loss.toUpperCase()}: loss around W`,
      xLabel: "a (along W1)", yLabel: "b (along W2)", xRange: [-s, s], yRange: [-s, s], colorbarLabel: "loss",
      markers: [{ x: 0, y: 0, color: "#ffffff", size: 6, filled: true, label: "W" }],
    });
    last = { values, size, lo, hi };
    performance.mark("lossland:plane-drawn", { detail: size });
    summary.textContent = `${size} × ${size} grid: loss from ${fmt(lo)} (dark) to ${fmt(hi)} (bright); W sits at the white dot, loss ${fmt(land.lossAt(0, 0))}.`;
  }

  async function compute() {
    const my = ++gen;
    try {
      clearError(status);
      const s = span.value, size = Number(res.value);
      const t0 = performance.now();
      // A grid whose measured cost fits a frame is computed at once (while a slider moves, every
      // position is drawn in full). Otherwise, or the first time, a 16 × 16 preview comes first
      // and the full grid follows in chunks. How the cost grows with the size differs by loss
      // (about linear in the rows for the SVM's breakpoint sweep, quadratic for softmax), so it
      // is measured, not extrapolated.
      const known = cost.get(size);
      let values;
      if (size <= 16 || (known !== undefined && known < 16)) {
        values = land.plane(s, size);
        cost.set(size, performance.now() - t0);
      } else {
        const coarse = land.plane(s, 16);
        const guess = ((performance.now() - t0) * size * size) / 256; // the quadratic bound
        if (known === undefined && guess < 8) {
          values = land.plane(s, size);
          cost.set(size, performance.now() - t0);
        } else {
          draw(coarse, 16);
          const stats = {};
          values = await planeChunked(land, s, size, () => my !== gen, stats);
          if (values) cost.set(size, stats.work);
        }
      }
      if (!values) return;
      draw(values, size);
      performance.measure("lossland:plane-redraw", { start: t0, detail: size });
      status.textContent = `Computed ${size * size} loss values in ${fmt(performance.now() - t0, 3)} ms.`;
    } catch (e) {
      showError(status, e);
    }
  }

  canvas.addEventListener("mousemove", (ev) => {
    const p = eventToData(canvas, ev);
    if (!p || !land) return;
    hover.textContent = `a = ${fmt(p.x)}, b = ${fmt(p.y)}, loss = ${fmt(land.lossAt(p.x, p.y))}`;
  });
  ctx.onChange(() => rebuild());
  const onResize = () => last && draw(last.values, last.size);
  window.addEventListener("resize", onResize);
  ctx.onDestroy(() => {
    window.removeEventListener("resize", onResize);
    gen++; clf?.free(); land?.free(); clf = land = null;
  });
  const ready = rebuild();
  return { ready, canvas };
}
