// Section 1, the 1-D slice: L(W + a·W1) (thick) over a few single examples' L_i (thin), and
// the convexity demo: pick two points, the chord lies on or above the graph.
import { el, button, slider } from "../lib/ui.js";
import { lineChart, eventToData, PALETTE } from "../lib/canvas.js";
import { fmt, datasetName } from "../lib/format.js";

const POINTS = 201;
// the single examples' thin lines: dark enough for a projector, none of them the chord's black
// or the average's blue (green, reddish purple, vermillion: Okabe–Ito, darkened)
const EXAMPLE_COLORS = ["#00755A", "#A4507E", "#B04A00"];

export default {
  name: "line",
  effects: { span: "draw" },
  create(w) {
    const o = w.options;
    const canvas = w.canvas("Loss along one random direction", "chart tall");
    const readout = el("p", { class: "readout" });
    let land = null, chart = null, nextPick = 0;

    // the chord's ends as fractions of the span, so they stay inside when the span changes
    const a1 = slider({ label: "Chord start a₁", min: -1, max: 1, step: 0.01, value: o.chordStart, format: (v) => fmt(v * o.span), onInput: (v) => { w.setState("chordStart", v); w.redraw(); } });
    const a2 = slider({ label: "Chord end a₂", min: -1, max: 1, step: 0.01, value: o.chordEnd, format: (v) => fmt(v * o.span), onInput: (v) => { w.setState("chordEnd", v); w.redraw(); } });
    const newDir = button("New direction", () => { w.setState("directions", o.directions + 1); w.rebuild(); });
    w.root.append(el("h3", {}, "One direction: L(W + a·W1)"), el("div", { class: "controls" }, newDir, w.control("span"), a1.wrap, a2.wrap), canvas, readout);

    function build() {
      land = w.hold("land", new w.L.Landscape(w.classifier(), { seed: w.settings.seed * 1000 + o.directions }));
      draw();
    }

    function draw() {
      const s = o.span;
      const ds = w.dataset();
      const n = ds.len;
      const xs = new Float64Array(POINTS).map((_, i) => -s + (2 * s * i) / (POINTS - 1));
      const avg = land.line(s, POINTS);
      const series = [];
      const count = Math.min(3, n);
      for (let k = 0; k < count; k++) {
        const idx = (w.settings.seed * 7 + Math.floor((k * n) / count)) % n;
        series.push({ xs, ys: land.exampleLine(idx, s, POINTS), color: EXAMPLE_COLORS[k], width: 2, label: `L_${idx} (one example)` });
      }
      const regNote = w.settings.reg > 0 ? " + reg" : "";
      series.push({ xs, ys: avg, color: PALETTE.blue, width: 4, label: `L: average of all ${n}${regNote}` });
      const ends = [o.chordStart * s, o.chordEnd * s];
      const [p, q] = ends[0] <= ends[1] ? ends : [ends[1], ends[0]];
      const lp = land.lossAt(p, 0), lq = land.lossAt(q, 0);
      series.push({ xs: [p, q], ys: [lp, lq], color: PALETTE.black, width: 2, dashed: true, label: "chord" });
      let iMin = 0;
      for (let i = 1; i < POINTS; i++) if (avg[i] < avg[iMin]) iMin = i;
      const markers = [
        { x: p, y: lp, color: PALETTE.black, size: 7, filled: false },
        { x: q, y: lq, color: PALETTE.black, size: 7, filled: false },
        { x: 0, y: avg[(POINTS - 1) / 2], color: "#ffffff", size: 6, filled: true, label: "W (a = 0)" },
        { x: xs[iMin], y: avg[iMin], color: PALETTE.orange, size: 7, filled: true, label: `lowest point on this line: ${fmt(avg[iMin])} at a = ${fmt(xs[iMin])}` },
      ];
      chart = lineChart(w.L, canvas, { title: `${datasetName(ds)}, ${w.settings.loss.toUpperCase()} loss along a random direction W1`, xLabel: "a", yLabel: "loss", legend: "below", series, markers });
      // chord check: chord(a) − L(a) over the sampled points between p and q
      let gap = Infinity, worstA = p;
      for (let i = 0; i < POINTS; i++) {
        if (xs[i] <= p || xs[i] >= q) continue; // interior points only: the ends touch by construction
        const chord = q > p ? lp + ((xs[i] - p) / (q - p)) * (lq - lp) : lp;
        const g = chord - avg[i];
        if (g < gap) { gap = g; worstA = xs[i]; }
      }
      const chordText = Number.isFinite(gap)
        ? gap >= -1e-9 * Math.max(1, Math.abs(lp), Math.abs(lq))
          ? `The chord from a = ${fmt(p)} to a = ${fmt(q)} lies on or above the graph (closest at a = ${fmt(worstA)}, gap ${fmt(Math.max(0, gap))}).`
          : `The chord dips below the graph by ${fmt(-gap)} at a = ${fmt(worstA)}.`
        : "";
      readout.textContent = `At W (a = 0) the loss is ${fmt(avg[(POINTS - 1) / 2])}; the lowest point on this line is ${fmt(avg[iMin])} at a = ${fmt(xs[iMin])}. ${chordText} Click the chart to move the chord's ends.`;
      a1.set(o.chordStart); a2.set(o.chordEnd); // their labels show a in units of the current span
    }

    w.on(canvas, "click", (ev) => {
      const p = eventToData(w.L, chart, canvas, ev);
      if (!p) return;
      const f = Math.round(Math.max(-1, Math.min(1, p.x / o.span)) * 100) / 100; // on the sliders' 0.01 steps
      (nextPick === 0 ? a1 : a2).set(f);
      w.setState(nextPick === 0 ? "chordStart" : "chordEnd", f);
      nextPick = 1 - nextPick;
      draw();
    });
    return { build, draw };
  },
};
