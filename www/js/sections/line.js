// Section 1, the 1-D slice: L(W + a·W1) (thick) over a few single examples' L_i (thin),
// and the convexity demo: pick two points, the chord lies on or above the graph.
import { el, button, slider, showError, clearError } from "../lib/ui.js";
import { lineChart, eventToData, PALETTE, CLASS_COLORS } from "../lib/canvas.js";
import { fmt, datasetName } from "../lib/format.js";

const POINTS = 201;

export function mount(host, ctx) {
  const L = ctx.L;
  const canvas = el("canvas", { class: "chart tall", role: "img", "aria-label": "Loss along one random direction" });
  const status = el("p", { class: "status", "aria-live": "polite" });
  const readout = el("p", { class: "readout" });
  let dirSeed = 0;
  let clf = null, land = null;
  let picks = [-1.5, 1];
  let nextPick = 0;

  const span = slider({ label: "Span of a", min: 0.5, max: 10, step: 0.5, value: 3, format: (v) => `±${v}`, onInput: () => draw() });
  const a1 = slider({ label: "Chord start a₁", min: -1, max: 1, step: 0.01, value: -0.5, format: (v) => fmt(v * span.value), onInput: (v) => { picks[0] = v * span.value; draw(); } });
  const a2 = slider({ label: "Chord end a₂", min: -1, max: 1, step: 0.01, value: 0.33, format: (v) => fmt(v * span.value), onInput: (v) => { picks[1] = v * span.value; draw(); } });
  const newDir = button("New direction", () => { dirSeed += 1; rebuild(); });
  const controls = el("div", { class: "controls" }, newDir, span.wrap, a1.wrap, a2.wrap);
  host.append(el("h3", {}, "One direction: L(W + a·W1)"), controls, canvas, readout, status);

  function rebuild() {
    clf?.free(); land?.free();
    clf = ctx.classifier();
    land = new L.Landscape(clf, { seed: ctx.settings.seed * 1000 + dirSeed });
    draw();
  }

  function draw() {
    try {
      clearError(status);
      const s = span.value;
      picks = [a1.value * s, a2.value * s];
      const ds = ctx.dataset();
      const n = ds.len;
      const xs = new Float64Array(POINTS).map((_, i) => -s + (2 * s * i) / (POINTS - 1));
      const avg = land.line(s, POINTS);
      const series = [];
      const count = Math.min(3, n);
      for (let k = 0; k < count; k++) {
        const idx = (ctx.settings.seed * 7 + Math.floor((k * n) / count)) % n;
        series.push({ xs, ys: land.exampleLine(idx, s, POINTS), color: CLASS_COLORS[(k + 4) % CLASS_COLORS.length], width: 1, label: `L_${idx} (one example)` });
      }
      const regNote = ctx.settings.reg > 0 ? " + reg" : "";
      series.push({ xs, ys: avg, color: PALETTE.blue, width: 4, label: `L: average of all ${n}${regNote}` });
      const [p, q] = picks[0] <= picks[1] ? picks : [picks[1], picks[0]];
      const lp = land.lossAt(p, 0), lq = land.lossAt(q, 0);
      series.push({ xs: [p, q], ys: [lp, lq], color: PALETTE.red, width: 2, label: "chord" });
      const markers = [
        { x: p, y: lp, color: PALETTE.red, size: 6, filled: true },
        { x: q, y: lq, color: PALETTE.red, size: 6, filled: true },
        { x: 0, y: avg[(POINTS - 1) / 2], color: PALETTE.black, size: 5, filled: true, label: "W (a = 0)" },
      ];
      lineChart(L, canvas, { title: `${datasetName(ds)}, ${ctx.settings.loss.toUpperCase()} loss along a random direction W1`, xLabel: "a", yLabel: "loss", series, markers });
      // chord check: chord(a) − L(a) over the sampled points between p and q
      let gap = Infinity, worstA = p;
      for (let i = 0; i < POINTS; i++) {
        if (xs[i] <= p || xs[i] >= q) continue; // interior points only: the ends touch by construction
        const chord = q > p ? lp + ((xs[i] - p) / (q - p)) * (lq - lp) : lp;
        const g = chord - avg[i];
        if (g < gap) { gap = g; worstA = xs[i]; }
      }
      let iMin = 0;
      for (let i = 1; i < POINTS; i++) if (avg[i] < avg[iMin]) iMin = i;
      const chordText = Number.isFinite(gap)
        ? gap >= -1e-9 * Math.max(1, Math.abs(lp), Math.abs(lq))
          ? `The chord from a = ${fmt(p)} to a = ${fmt(q)} lies on or above the graph (closest at a = ${fmt(worstA)}, gap ${fmt(Math.max(0, gap))}).`
          : `The chord dips below the graph by ${fmt(-gap)} at a = ${fmt(worstA)}.`
        : "";
      readout.textContent = `At W (a = 0) the loss is ${fmt(avg[(POINTS - 1) / 2])}; the lowest point on this line is ${fmt(avg[iMin])} at a = ${fmt(xs[iMin])}. ${chordText} Click the chart to move the chord's ends.`;
    } catch (e) {
      showError(status, e);
    }
  }

  canvas.addEventListener("click", (ev) => {
    const p = eventToData(canvas, ev);
    if (!p) return;
    const v = Math.max(-1, Math.min(1, p.x / span.value));
    (nextPick === 0 ? a1 : a2).set(v);
    nextPick = 1 - nextPick;
    draw();
  });
  ctx.onChange(rebuild);
  const onResize = () => draw();
  window.addEventListener("resize", onResize);
  ctx.onDestroy(() => {
    window.removeEventListener("resize", onResize);
    clf?.free(); land?.free(); clf = land = null;
  });
  rebuild();
  return { ready: Promise.resolve(), canvas };
}
